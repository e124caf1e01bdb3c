//! CORS policies that the compiler checks, answered exactly as the Fetch standard expects, without
//! allocating.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(feature = "alloc")]
mod builder;
mod decision;
mod matcher;
mod policy;
mod request;
mod request_headers;

#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "tower")]
mod layer;

#[cfg(feature = "alloc")]
pub use builder::{BuildError, BuildViolation, PolicyBuilder};
pub use decision::{Decision, HeaderName, Malformed, Refusal, Value};
pub use matcher::{OriginPattern, OriginTable, MAX_ORIGIN_LEN};
pub use policy::{HeaderList, Origins, Policy};
pub use request::{Header, Request};
pub use request_headers::{MAX_REQUEST_HEADERS, MAX_REQUEST_HEADERS_LEN};

#[cfg(feature = "tower")]
pub use layer::{CorsLayer, CorsService, OnRefusal, ResponseFuture};

/// The rules every policy must satisfy, as plain functions: the same ones `#[derive(Cors)]` applies
/// at compile time.
pub use cors_rules as rules;

/// Derives [`CorsPolicy`] from a `#[cors(...)]` attribute, refusing unsafe or malformed policies at
/// compile time.
#[cfg(feature = "derive")]
pub use cors_macros::Cors;

/// A type that carries a CORS policy, usually through `#[derive(Cors)]`.
///
/// The policy is a `static`: there is nothing to set up at run time and nothing to allocate.
pub trait CorsPolicy {
    /// The policy.
    fn policy() -> &'static Policy<'static>;
}
