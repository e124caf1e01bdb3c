//! What a policy's tables are made of: `static` data for a derived policy, owned data for a built
//! one, read through the same code so that both answer at the same cost.
//!
//! The two variants are why a built policy is freed when its last user drops it, while a derived
//! one needs no set-up at all: `#[derive(Cors)]` writes `Static` variants in a `static`, and
//! `PolicyBuilder` fills `Owned` ones. Without the `alloc` feature only `Static` exists and every
//! read compiles to a plain borrow.

use core::fmt;
use core::ops::Deref;

#[cfg(feature = "alloc")]
use alloc::boxed::Box;

/// A string held by a [`Policy`](crate::Policy): an origin, a method, a header name, a rendered
/// header value. Reads as a `str`.
#[derive(Clone)]
pub enum Text<'a> {
    /// Borrowed, usually from a `static` written by `#[derive(Cors)]`.
    #[doc(hidden)]
    Static(&'a str),
    /// Owned by a policy built at run time.
    #[doc(hidden)]
    #[cfg(feature = "alloc")]
    Owned(Box<str>),
}

impl Text<'_> {
    /// The string.
    pub fn as_str(&self) -> &str {
        self
    }
}

impl Deref for Text<'_> {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        match self {
            Text::Static(s) => s,
            #[cfg(feature = "alloc")]
            Text::Owned(s) => s,
        }
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Text<'_> {}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        &**self == other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

/// A list held by a [`Policy`](crate::Policy). Reads as a slice.
pub enum Table<'a, T> {
    /// Borrowed, usually from a `static` written by `#[derive(Cors)]`.
    #[doc(hidden)]
    Static(&'a [T]),
    /// Owned by a policy built at run time.
    #[doc(hidden)]
    #[cfg(feature = "alloc")]
    Owned(Box<[T]>),
}

impl<T> Deref for Table<'_, T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            Table::Static(items) => items,
            #[cfg(feature = "alloc")]
            Table::Owned(items) => items,
        }
    }
}

impl<T: Clone> Clone for Table<'_, T> {
    fn clone(&self) -> Self {
        match self {
            Table::Static(items) => Table::Static(items),
            #[cfg(feature = "alloc")]
            Table::Owned(items) => Table::Owned(items.clone()),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Table<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(feature = "alloc")]
impl<T> From<alloc::vec::Vec<T>> for Table<'_, T> {
    fn from(items: alloc::vec::Vec<T>) -> Self {
        Table::Owned(items.into_boxed_slice())
    }
}

#[cfg(feature = "alloc")]
impl From<alloc::string::String> for Text<'_> {
    fn from(s: alloc::string::String) -> Self {
        Text::Owned(s.into_boxed_str())
    }
}
