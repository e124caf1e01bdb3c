//! The rules every CORS policy must satisfy, shared by the `#[derive(Cors)]` macro (at compile time)
//! and by `checked-cors`'s run-time builder (at start-up), so that both refuse exactly the same policies
//! with exactly the same messages.
//!
//! Most users reach these through `checked_cors::rules`. Each rule is a plain function over strings that
//! returns a [`Violation`]: a message saying what is wrong and a [`Violation::fix`] saying what to
//! write instead. [`check_policy`] (feature `alloc`) applies every rule to a whole policy and reports
//! every violation, not only the first.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

mod hash;
mod keys;
mod origin;
#[cfg(feature = "alloc")]
mod policy;
#[cfg(feature = "alloc")]
mod psl;
mod punycode;
#[cfg(feature = "alloc")]
mod settings;
mod token;
mod violation;

#[cfg(feature = "alloc")]
pub use hash::OriginTableData;
pub use keys::{key, Key, KeyId, KeyKind, KEYS, KEY_COUNT};
#[cfg(feature = "alloc")]
pub use keys::{suggest_key, unknown_key};
pub use origin::{
    check_origin, check_origin_each, default_port, is_potentially_trustworthy, split_host_port,
    OriginSpec, Pattern, PortPattern, MAX_HOST_LEN, MAX_ORIGIN_LEN,
};
#[cfg(feature = "alloc")]
pub use policy::{
    check_policy, CheckedOrigins, CheckedPolicy, HeaderNames, Methods, Place, PolicyInput, Site,
    Value,
};
#[cfg(feature = "alloc")]
pub use psl::is_public_suffix;
#[cfg(feature = "alloc")]
pub use settings::{Setting, SettingError, Settings};
pub use token::{
    check_exposed_header, check_max_age, check_method, check_request_header, is_tchar, is_token,
    DEFAULT_METHODS, MAX_AGE_LIMIT, STANDARD_METHODS,
};
pub use violation::{Fix, Violation};

/// The hash of the origin tables, which the runtime's lookups must compute exactly as the tables
/// were built: plumbing shared with `checked-cors`, not rules.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "alloc")]
    pub use crate::hash::build_table;
    pub use crate::hash::origin_hash;
}
