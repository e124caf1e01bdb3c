//! CORS policies that the compiler checks, answered exactly as the Fetch standard expects, without
//! allocating.
//!
//! Declare the policy next to the handler it protects; an unsafe or malformed policy does not
//! compile, and a valid one becomes static tables plus a generated origin matcher.
//!
//! ```
//! use cors_core::{Cors, CorsPolicy, Header, HeaderName, Request};
//!
//! #[derive(Cors)]
//! #[cors(
//!     origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
//!     methods = [GET, POST, PUT, "PURGE"],
//!     headers = ["content-type", "x-api-key"],
//!     expose = ["x-request-id"],
//!     credentials,
//!     max_age = 600,
//! )]
//! struct Api;
//!
//! // A preflight from an allowed origin: answered without calling the handler.
//! let preflight = Request {
//!     method: b"OPTIONS",
//!     origin: Header::One(b"https://shop.example.com"),
//!     request_method: Header::One(b"PUT"),
//!     request_headers: Header::One(b"content-type"),
//!     ..Request::default()
//! };
//! let decision = Api::policy().evaluate(&preflight);
//! assert_eq!(decision.preflight_status(), Some(204));
//! let allow_origin = decision.header(HeaderName::AllowOrigin).unwrap();
//! assert_eq!(allow_origin.as_bytes(), b"https://shop.example.com");
//!
//! // A look-alike origin gets no CORS header at all, and the reason is there for the logs.
//! let hostile = Request {
//!     method: b"GET",
//!     origin: Header::One(b"https://example.com.evil.com"),
//!     ..Request::default()
//! };
//! let decision = Api::policy().evaluate(&hostile);
//! assert!(decision.header(HeaderName::AllowOrigin).is_none());
//! assert_eq!(decision.refusal().unwrap().to_string(), "origin not allowed");
//! ```
//!
//! With the `tower` feature, `CorsLayer::<Api>::new()` serves the policy in axum, hyper or tonic;
//! with the `actix` feature, `actix::Cors::<Api>::new()` serves it in actix-web 4;
//! the `http` feature (default) adapts [`Policy::evaluate`] to the `http` crate's types
//! ([`http::read_request`], [`http::PreparedPolicy`], [`http::Decoration`]); without default features the crate is `no_std`
//! and needs no allocator. [`PolicyBuilder`] (feature `alloc`) builds policies at start-up from
//! configuration, under the same rules, and `PolicyConfig` (feature `serde`) reads one from any
//! serde format; `CorsLayer::from_policy` serves it. [`Policy::explain`] tells, in words, how a
//! policy answers a request.
//!
//! # Keys of `#[cors(...)]`
//!
//! The same keys, with the same meaning, are [`PolicyBuilder`]'s methods and [`PolicyConfig`]'s
//! fields (in any serde format); the table is [`rules::KEYS`].
//!
//! | key | value | default | meaning |
//! |---|---|---|---|
//! | `origins` | `["https://app.example.com"]` | required | origins allowed to read responses: exact serialized origins, `*` as the whole leftmost host label (one or more labels) or as the whole port, `"*"` for any origin, or `env("NAME")`: a comma-separated list read and checked while compiling |
//! | `methods` | `[GET, POST, "PURGE"]` | `GET, HEAD, POST` | methods a preflight may ask for; identifiers for standard methods, strings for others; case-sensitive |
//! | `headers` | `["content-type"]` | none | request headers a preflight may ask for; case-insensitive; `"*"` never covers `authorization`, which must be listed |
//! | `expose` | `["x-request-id"]` | none | response headers scripts may read |
//! | `credentials` | flag | off | requests with cookies or HTTP authentication may read responses |
//! | `max_age` | `600` | absent (browsers use 5 s) | seconds a browser may cache a preflight answer, `0..=86400` |
//! | `private_network` | flag | off | answer Private Network Access preflights |
//! | `write_origins` | `["https://idp.example.com"]` | none | origins trusted to send cross-origin writes (a form `POST`) without being allowed to read responses, such as an identity provider's SAML `POST` |
//! | `dangerously_allow_cross_origin_writes` | flag | off | let unsafe requests (`POST`, `PUT`, ...) from unlisted origins reach the handler, as CORS alone does: forged form posts included |
//! | `dangerously_allow_null_origin` | flag | off | permit `"null"` in `origins` |
//! | `dangerously_allow_insecure_origins` | flag | off | permit `http://` non-loopback origins with `credentials` |
//! | `dangerously_allow_public_suffix_wildcards` | flag | off | permit `*.` before a public suffix (`*.github.io`) |
//!
//! # Compile errors
//!
//! Every error is reported at once, on the offending token, with a fix. The rules live in
//! [`rules`] and are shared with [`PolicyBuilder`].
//!
//! | mistake | why it is refused |
//! |---|---|
//! | `origins = "*"` with `credentials` | browsers reject `Access-Control-Allow-Origin: *` with credentials |
//! | `headers = "*"` or `expose = "*"` with `credentials` | with credentials browsers read `*` as a header named `*` |
//! | origin without scheme, with a path, trailing `/`, query, fragment or userinfo | browsers never send one, so it would never match |
//! | upper-case letters, `:443`/`:80` default port, leading zeros, port out of range | not how browsers serialize origins |
//! | non-ASCII host | browsers send punycode (`xn--...`) |
//! | `"*"` inside a list, empty list, duplicate | not a pattern / allows nothing / a mistake |
//! | `"null"` without `dangerously_allow_null_origin` | sandboxed pages and attackers can all send `null` |
//! | `https://*example.com`, `https://a.*.example.com` | `*` must be a whole leftmost label or the whole port |
//! | `https://*.com`, `https://*.co.uk`, `https://*.github.io` | anyone can register a site under a public suffix |
//! | `http://` non-loopback origin with `credentials` | anyone on the network path can impersonate it |
//! | methods `CONNECT`, `TRACE`, `TRACK` | forbidden by Fetch: no script can send them |
//! | method `get` | methods are case-sensitive and browsers send `GET` |
//! | invalid method or header token, duplicates | not HTTP / a mistake |
//! | headers `cookie`, `host`, `origin`, `content-length`, `sec-*`, `proxy-*`, ... | forbidden request headers: no script can set them |
//! | expose `set-cookie`, `set-cookie2` | never readable by scripts |
//! | `max_age` negative or above 86400 | no browser honours more |
//! | unknown or repeated key, missing `#[cors]` or `origins`, a union | the attribute cannot be read |
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(feature = "alloc")]
mod builder;
#[cfg(feature = "serde")]
mod config;
mod decision;
mod explain;
mod origins;
mod policy;
mod refusal;
mod request;
mod request_headers;
mod response;
mod storage;

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "tower")]
mod layer;
#[cfg(feature = "live")]
mod live;

#[cfg(feature = "alloc")]
pub use builder::{BuildError, BuildViolation, PolicyBuilder};
#[cfg(feature = "serde")]
pub use config::{ConfigList, PolicyConfig};
pub use decision::Decision;
pub use explain::Explanation;
pub use origins::{OriginPattern, OriginTable, Origins, MAX_ORIGIN_LEN};
pub use policy::{HeaderList, Policy};
pub use refusal::{Malformed, Refusal};
pub use request::{Header, Request};
pub use request_headers::{MAX_REQUEST_HEADERS, MAX_REQUEST_HEADERS_LEN};
pub use response::{HeaderName, Value};
pub use storage::{Table, Text};

#[cfg(feature = "tower")]
pub use layer::{CorsLayer, CorsService, OnRefusal, ResponseFuture};

/// The type parameter of a layer or middleware serving a policy built at run time (see
/// `CorsLayer::from_policy` and `actix::Cors::from_policy`).
#[cfg(any(feature = "tower", feature = "actix"))]
#[derive(Debug)]
pub enum RuntimePolicy {}

/// The type parameter of a layer or middleware serving a [`LivePolicy`] (see `CorsLayer::live`
/// and `actix::Cors::live`).
#[cfg(all(feature = "live", any(feature = "tower", feature = "actix")))]
#[derive(Debug)]
pub enum Live {}
#[cfg(feature = "live")]
pub use live::{Current, LivePolicy};

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

/// What the code `#[derive(Cors)]` emits names, and nothing else should: a policy's parts,
/// assembled without checks because the macro checked them already.
#[doc(hidden)]
pub mod __private {
    pub use crate::origins::PortMatch;
    pub use crate::storage::{Table, Text};
    use crate::{HeaderList, OriginPattern, OriginTable, Origins, Policy};

    /// A policy from its checked parts.
    #[allow(clippy::too_many_arguments)]
    pub const fn policy<'a>(
        origins: Origins<'a>,
        methods: &'a [Text<'a>],
        allow_methods: &'a str,
        headers: HeaderList<'a>,
        expose: HeaderList<'a>,
        credentials: bool,
        max_age: Option<&'a str>,
        private_network: bool,
        write_origins: Origins<'a>,
        cross_origin_writes: bool,
    ) -> Policy<'a> {
        Policy {
            origins,
            methods: Table::Static(methods),
            allow_methods: Text::Static(allow_methods),
            headers,
            expose,
            credentials,
            max_age: match max_age {
                Some(s) => Some(Text::Static(s)),
                None => None,
            },
            private_network,
            write_origins,
            cross_origin_writes,
        }
    }

    /// A list of origins from its checked parts; `slots`, `seed` and `max_probes` are the hash
    /// table `cors_rules::check_policy` built over `exact`.
    pub const fn origins<'a>(
        exact: &'a [Text<'a>],
        slots: &'a [u32],
        seed: u64,
        max_probes: u32,
        patterns: &'a [OriginPattern<'a>],
        null: bool,
    ) -> Origins<'a> {
        Origins::List {
            exact: OriginTable::new(Table::Static(exact), Table::Static(slots), seed, max_probes),
            patterns: Table::Static(patterns),
            null,
        }
    }

    /// An origin pattern: `*.host` when `subdomains`.
    pub const fn pattern<'a>(
        scheme: &'a str,
        host: &'a str,
        subdomains: bool,
        port: PortMatch<'a>,
    ) -> OriginPattern<'a> {
        OriginPattern::new(Text::Static(scheme), Text::Static(host), subdomains, port)
    }

    /// Header names in lower case and the value that lists them.
    pub const fn header_names<'a>(names: &'a [Text<'a>], rendered: &'a str) -> HeaderList<'a> {
        HeaderList::Names {
            names: Table::Static(names),
            rendered: Text::Static(rendered),
        }
    }

    /// The policy of an invalid `#[derive(Cors)]`, emitted beside its errors so that they are the
    /// only ones: it allows nothing.
    pub const NOTHING: Policy<'static> = policy(
        origins(&[], &[], 0, 0, &[], false),
        &[],
        "",
        HeaderList::NONE,
        HeaderList::NONE,
        false,
        None,
        false,
        origins(&[], &[], 0, 0, &[], false),
        false,
    );
}

#[cfg(test)]
mod key_table {
    use std::string::String;
    use std::vec::Vec;

    use cors_rules::{KeyKind, KEYS};

    /// The documentation's row for each key of the key table.
    fn rows() -> Vec<String> {
        KEYS.iter()
            .map(|key| {
                let value = match key.kind {
                    KeyKind::Flag(_) => String::from("flag"),
                    _ => std::format!("`{}`", key.example),
                };
                std::format!(
                    "//! | `{}` | {value} | {} | {} |",
                    key.name,
                    key.default,
                    key.meaning
                )
            })
            .collect()
    }

    #[test]
    fn the_documented_keys_are_the_key_table() {
        let docs = include_str!("lib.rs");
        let section = docs
            .split("//! # Keys of `#[cors(...)]`")
            .nth(1)
            .and_then(|rest| rest.split("//! # ").next())
            .unwrap_or_default();
        let documented: Vec<&str> = section
            .lines()
            .filter(|line| line.starts_with("//! | `"))
            .collect();
        let expected = rows();
        assert_eq!(
            documented,
            expected,
            "expected rows:\n{}",
            expected.join("\n")
        );
    }
}

/// The README's Rust examples, compiled as doctests so that they stay true.
#[cfg(all(doctest, feature = "tower"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
