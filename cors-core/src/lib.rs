//! CORS policies that the compiler checks, answered exactly as the Fetch standard expects, without
//! allocating.
//!
//! Declare the policy next to the handler it protects; an unsafe or malformed policy does not
//! compile, and a valid one becomes static tables plus a generated origin matcher:
//!
//! ```
//! # #[cfg(feature = "tower")]
//! # mod app {
//! use axum::{routing::get, Router};
//! use checked_cors::{Cors, CorsLayer};
//!
//! #[derive(Cors)]
//! #[cors(
//!     origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
//!     methods = [GET, POST, PUT],
//!     headers = ["content-type", "x-api-key"],
//!     credentials,
//!     max_age = 600,
//! )]
//! struct Api;
//!
//! pub fn app() -> Router {
//!     Router::new().route("/api", get(|| async { "hello" }).layer(CorsLayer::<Api>::new()))
//! }
//! # }
//! # fn main() {
//! # #[cfg(feature = "tower")]
//! # let _ = app::app();
//! # }
//! ```
//!
//! Everywhere else the same policy serves:
//!
//! - axum, hyper, tonic (any tower stack): `CorsLayer::<Api>::new()` (feature `tower`);
//! - actix-web 4: `App::new().wrap(actix::Cors::<Api>::new())` (feature `actix`);
//! - picoserve, the `no_std` server of embassy firmware: `.layer(picoserve::CorsLayer::<Api>::new())`
//!   (feature `picoserve`, no allocator);
//! - a policy from configuration: [`PolicyBuilder`] (feature `alloc`) or `PolicyConfig` (feature
//!   `serde`, any serde format), checked by the same rules, served by `CorsLayer::from_policy`;
//! - a policy that changes while the service runs: `LivePolicy` and `CorsLayer::live`, reloaded
//!   with the same checks and swapped atomically; customers' origins kept at run time: an
//!   `OriginSet` or a closure given to `CorsLayer::with_origins` (feature `live`), or a lookup
//!   that waits (a database query) given to `CorsLayer::with_origins_async` (feature `tower`) or
//!   `actix::Cors::with_origins_async` (feature `actix`);
//! - logs: `on_refusal` takes any closure; the `tracing` feature emits one event per refusal (see
//!   "Refusals in logs" below);
//! - a global policy with per-route ones: `CorsLayer::defer_to_inner` on the global layer (see
//!   "Composing layers");
//! - no `std`, no allocator: [`Policy::evaluate`] on a [`CorsRequest`] of byte slices (see the end of
//!   this page); [`Policy::explain`] tells, in words, how a policy answers a request.
//!
//! # Forged cross-origin writes
//!
//! CORS only decides what a page may *read*. A form another site submits (a `POST` with the
//! user's cookies, no preflight) still reaches the handler, and its work is done even though the
//! browser hides the answer. So every integration also refuses, with `403 Forbidden` before the
//! handler runs, an unsafe request (any method but `GET`, `HEAD`, `OPTIONS`) that the browser
//! marks as cross-origin (`Sec-Fetch-Site` is `cross-site` or `same-site`, or, from browsers that
//! do not send it, the `Origin`'s host and port are not the request's `Host`) unless the policy
//! allows its origin. Same-origin pages, addresses the user typed (`Sec-Fetch-Site: none`), the
//! policy's own origins and clients other than browsers (no `Origin`, no `Sec-Fetch-Site`) are
//! unaffected. The refusal is [`Refusal::CrossOriginWrite`].
//!
//! `write_origins = [...]` trusts more origins for writes only (an identity provider posting a
//! SAML response); `dangerously_allow_cross_origin_writes` turns the check off for a policy
//! whose endpoints authenticate such writes otherwise (a signed payment callback). What it
//! cannot cover: a state change behind `GET` (a link or an `<img>` can trigger it from any
//! site: keep `GET` safe), and requests from clients that are not browsers, which carry no
//! cookies a page could abuse.
//!
//! # Refusals in logs
//!
//! A browser tells a refused page only "CORS error", and the client never learns why, so the
//! service is the one place where a refusal can be explained. Two ways, each free when unused:
//!
//! - `on_refusal` on `CorsLayer` and `actix::Cors`: any closure, called with the [`Refusal`] and
//!   the request, for a counter or a logger of the service's own;
//! - the `tracing` feature: one `tracing` event per refusal, target `checked_cors`, with the
//!   fields `origin` (escaped, since the client wrote it; absent when the request had none,
//!   `several` when it had more than one), `method`, `path` (the URI's: a route's pattern, such
//!   as axum's `MatchedPath`, belongs on the request's span, in which the event is recorded)
//!   and `reason` (the refusal's `Display`, such as `header x-secret not allowed`).
//!
//! A refused read or preflight is `DEBUG`: the handler ran as usual (or the preflight was
//! answered), and such refusals are mostly what other sites, extensions and scanners do, a
//! stream no one acts on. A blocked cross-origin write is `WARN`: the service itself turned the
//! request away before its handler, and either another site tried to act with a user's cookies
//! or a partner is missing from `write_origins` and its feature is broken (Django logs CSRF
//! failures at `WARNING` for the same reason). `RUST_LOG=checked_cors=debug` (with
//! `tracing-subscriber`'s `EnvFilter`) shows both. With the feature off nothing is compiled in;
//! on, with no subscriber, an allowed request through `CorsLayer` pays nothing measurable and a
//! refused one some 80 instructions of its 3,600, `tracing`'s level check (`bench/tracing-cost.sh`,
//! `BENCHMARKS.md`).
//!
//! The picoserve layer emits no event: `tracing-core` needs an allocator even without `std`, and
//! that layer needs none. Its `on_refusal` hands the refusal to `defmt` or a counter instead.
//!
//! # Composing layers
//!
//! A global policy with per-route ones: the route's own policy decides for its route,
//! preflights included, and the global one everywhere else. Make the global layer *deferring*
//! with `CorsLayer::defer_to_inner` (or `actix::Cors::defer_to_inner`) and give each route its
//! plain layer:
//!
//! ```
//! # #[cfg(feature = "tower")]
//! # mod app {
//! use axum::{routing::get, Router};
//! use checked_cors::{Cors, CorsLayer};
//!
//! #[derive(Cors)]
//! #[cors(origins = ["https://app.example.com"], methods = [GET, POST])]
//! struct Global;
//!
//! #[derive(Cors)]
//! #[cors(
//!     origins = ["https://partner.example.net", "https://app.example.com"],
//!     methods = [GET, PUT],
//! )]
//! struct Partner;
//!
//! pub fn app() -> Router {
//!     Router::new()
//!         // `.layer` on the method router: the route's layer sees its preflights too.
//!         .route("/partner", get(|| async { "shared" }).layer(CorsLayer::<Partner>::new()))
//!         .route("/", get(|| async { "home" }))
//!         .layer(CorsLayer::<Global>::new().defer_to_inner())
//! }
//! # }
//! # fn main() {
//! # #[cfg(feature = "tower")]
//! # let _ = app::app();
//! # }
//! ```
//!
//! The *outer* layer is the one a request passes first, the *inner* one is closer to the
//! handler: in axum, `Router::layer` and `Router::route_layer` wrap the routes added before
//! them, so the one called last is outermost (the global layer above is outside the
//! partner's); in actix-web, `App::wrap` is outside every `Scope::wrap` and `Resource::wrap`,
//! and of several `wrap`s on one scope the last is outermost.
//!
//! How they agree, carried in request and response extensions (which no client can forge):
//!
//! - A plain layer decides every request it sees, wherever it sits, as a single layer does.
//! - A deferring layer marks the request and lets it through. The first layer inside that sees
//!   the mark sets a flag in it (it decides: answers the preflight, or decorates the
//!   response), and the deferring layer leaves that response alone. Where none did, the
//!   deferring layer decides: it answers a preflight itself, discarding the inner service's
//!   answer (axum's `405`, actix-web's `404`; a route's own `OPTIONS` handler, if it has one,
//!   has run), and decorates an actual response.
//! - A deferring layer inside a plain one (the other order) decorates as if alone, and records
//!   what it added; the plain layer outside takes it back and applies its own decision. Either
//!   way one policy decides each response, and its `Vary` values are there once.
//! - Cross-origin writes are refused by **every** policy on their path. A deferring layer
//!   cannot know, before the handler runs, whether a layer inside will decide: had it let a
//!   forged form through and found no route layer, the handler would have done the forged
//!   work. So it refuses, `403` before any handler, the writes its own policy refuses, and so
//!   does the route's layer. The cost: an origin only a route's policy allows can read that
//!   route, and preflight writes to it, but its writes are refused until the global policy
//!   trusts it too (`write_origins = [...]` in the global policy, which trusts it for writes
//!   on every route), or the route is kept out of the global layer (built in a router merged
//!   after the global layer is applied).
//!
//! Two plain layers nested on one route both decide, as before (the outer answers preflights,
//! both decorate): make the outer one deferring. The deferring layer pays for the protocol (a
//! request extension holding a shared flag, a response extension when it decorates, and the
//! routing of preflights that no route layer answers); a plain layer pays nothing until a
//! deferring layer has been made in the process (one load of a flag), and then a check of its
//! request's and its response's extensions. A deferring layer's `on_refusal` hears its own
//! policy's refusals as requests enter, including those a layer inside then decides. axum's
//! `MethodRouter::route_layer` (`get(h).route_layer(...)`) wraps the route's handlers but not
//! its `OPTIONS` fallback, so a route layer attached that way never sees preflights and the
//! global layer answers them: use `.layer` there.
//!
//! # Keys of `#[cors(...)]`
//!
//! The same keys, with the same meaning, are [`PolicyBuilder`]'s methods (or
//! [`PolicyBuilder::add_named`]) and [`PolicyConfig`]'s keys (in any serde format); the table is
//! [`rules::KEYS`], and a test renders its rows (`BLESS=1 cargo test -p checked-cors key_table`
//! rewrites them).
//!
//! | key | value | default | meaning |
//! |---|---|---|---|
//! | `origins` | `["https://app.example.com"]` | required | origins allowed to read responses: exact serialized origins, `*` as the whole leftmost host label (one or more labels) or as the whole port, `"*"` for any origin, or `env("NAME")`: a comma-separated list read and checked while compiling |
//! | `methods` | `[GET, POST, "PURGE"]` | `GET, HEAD, POST` | methods a preflight may ask for besides `GET`, `HEAD` and `POST`, which always pass (browsers never check them; forbidding one is the router's job); identifiers for standard methods, strings for others; case-sensitive; `"*"` for any method |
//! | `headers` | `["content-type"]` | none | request headers a preflight may ask for; case-insensitive; `"*"` for any (answered with the names asked for, so it works with `credentials`) but `authorization`, which `["*", "authorization"]` adds |
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
//! | `expose = "*"` with `credentials` | with credentials browsers read `*` as a header named `*` (`headers = "*"` and `methods = "*"` are fine: they are answered with the names asked for) |
//! | origin without scheme, with a path, trailing `/`, query, fragment or userinfo | browsers never send one, so it would never match |
//! | upper-case letters, `:443`/`:80` default port, leading zeros, port out of range | not how browsers serialize origins |
//! | non-ASCII host | browsers send punycode (`xn--...`) |
//! | an `xn--` label that is not valid punycode, a host over 253 bytes | no URL parser accepts it / no domain name is that long |
//! | `file://...`, `data://...` | browsers send `Origin: null` from those documents |
//! | `"*"` inside a list (but `headers = ["*", "authorization"]`), empty list, duplicate | not a pattern / allows nothing / a mistake |
//! | `"null"` without `dangerously_allow_null_origin` | sandboxed pages and attackers can all send `null` |
//! | `https://*example.com`, `https://a.*.example.com` | `*` must be a whole leftmost label or the whole port |
//! | `https://*.com`, `https://*.co.uk`, `https://*.github.io` | anyone can register a site under a public suffix |
//! | `http://` non-loopback origin with `credentials` | anyone on the network path can impersonate it |
//! | methods `CONNECT`, `TRACE`, `TRACK` | forbidden by Fetch: no script can send them |
//! | method `get` | methods are case-sensitive and browsers send `GET` |
//! | invalid method or header token, duplicates | not HTTP / a mistake |
//! | headers `cookie`, `host`, `origin`, `content-length`, `sec-*`, `proxy-*`, ... | forbidden request headers: no script can set them |
//! | headers `access-control-allow-*`, `-expose-headers`, `-max-age` | CORS response headers: a page sending one has a bug to fix, not to allow |
//! | expose `set-cookie`, `set-cookie2` | never readable by scripts |
//! | expose `access-control-request-*` | CORS request headers: no response carries them |
//! | `max_age` negative or above 86400 | no browser honours more |
//! | `write_origins = "*"`, or `"*"` in it | it would trust every site to post forms with the user's cookies |
//! | unknown or repeated key, missing `#[cors]` or `origins`, a union | the attribute cannot be read |
//!
//! Hosts are checked as the URL standard serializes them: `_` is allowed (`http://ex_am-ple.com`)
//! and so is a final `.` (`https://example.com.`), each matched exactly: `https://example.com.`
//! and `https://example.com` are two origins and never match each other. The `*` of
//! `https://*.example.com` stands for one or more labels, each of 1 to 63 bytes of the characters
//! an exact host may hold (lower-case letters, digits, `-` and `_`), never for the final `.`:
//! `https://*.example.com.` is the pattern for fully qualified names.
//!
//! # Bounds on requests
//!
//! A request's CORS headers come from whoever sends it, so [`Policy::evaluate`] bounds its work
//! on each before matching anything, and refuses what exceeds the bound (a refusal, logged by
//! `on_refusal`; the handler is not blocked by it, as for any refused CORS request):
//!
//! | value | bound | reason |
//! |---|---|---|
//! | `Origin` | [`MAX_ORIGIN_LEN`] (512) bytes, else not allowed | a host has at most 253 bytes, so no browser sends a longer origin; the bound keeps a hostile value from costing more than a short one |
//! | `Access-Control-Request-Headers` | [`MAX_REQUEST_HEADERS_LEN`] (4096) bytes, else malformed | browsers list each unsafe header a script set, lower case, once; 4 KiB is far beyond any real page and keeps the parser's cost flat |
//! | names in it | [`MAX_REQUEST_HEADERS`] (64), empty elements included, else malformed | a comma flood cost another library 127 ms and 121 MB per request; counted before any matching |
//! | `Access-Control-Request-Method` | one token, else malformed | browsers send one method |
//! | every CORS header | once, else malformed | browsers send each once |
//!
//! None of these allocates; the answer depends only on the bounded bytes.
//!
//! # The `no_std` API
//!
//! Without default features the crate needs neither `std` nor an allocator: the derive's tables
//! are `static`s, and [`Policy::evaluate`] decides on a [`CorsRequest`] of byte slices, read from
//! wherever the server keeps them.
//!
//! ```
//! use checked_cors::{Cors, CorsPolicy, Header, ResponseHeader, CorsRequest};
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
//! let preflight = CorsRequest {
//!     method: b"OPTIONS",
//!     origin: Header::One(b"https://shop.example.com"),
//!     request_method: Header::One(b"PUT"),
//!     request_headers: Header::One(b"content-type"),
//!     ..CorsRequest::default()
//! };
//! let decision = Api::policy().evaluate(&preflight);
//! assert_eq!(decision.preflight_status(), Some(204));
//! let allow_origin = decision.header(ResponseHeader::AllowOrigin).unwrap();
//! assert_eq!(allow_origin.as_bytes(), b"https://shop.example.com");
//!
//! // A look-alike origin gets no CORS header at all, and the reason is there for the logs.
//! let hostile = CorsRequest {
//!     method: b"GET",
//!     origin: Header::One(b"https://example.com.evil.com"),
//!     ..CorsRequest::default()
//! };
//! let decision = Api::policy().evaluate(&hostile);
//! assert!(decision.header(ResponseHeader::AllowOrigin).is_none());
//! assert_eq!(decision.refusal().unwrap().to_string(), "origin not allowed");
//! ```
//!
//! The `http` feature (default) adapts [`Policy::evaluate`] to the `http` crate's types
//! ([`http::read`], [`http::PreparedPolicy`], [`http::Decoration`], [`http::answer`]).
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
#[cfg(any(feature = "tower", feature = "actix"))]
mod lookup;
#[cfg(feature = "picoserve")]
#[cfg_attr(docsrs, doc(cfg(feature = "picoserve")))]
pub mod picoserve;
#[cfg(all(feature = "tracing", any(feature = "tower", feature = "actix")))]
mod trace;

#[cfg(feature = "alloc")]
pub use builder::{BuildError, BuildViolation, PolicyBuilder};
#[cfg(feature = "serde")]
pub use config::PolicyConfig;
pub use decision::{Decision, DynamicOrigins};
pub use explain::Explanation;
pub use origins::{OriginPattern, OriginTable, Origins, MAX_ORIGIN_LEN};
pub use policy::{HeaderList, Policy};
pub use refusal::{Malformed, Refusal};
pub use request::{CorsRequest, Header};
pub use request_headers::{MAX_REQUEST_HEADERS, MAX_REQUEST_HEADERS_LEN};
pub use response::{ResponseHeader, Value};
pub use storage::{Table, Text};

#[cfg(feature = "tower")]
pub use layer::{CorsLayer, CorsService, OnRefusal, ReportRefusal, ResponseFuture};
#[cfg(feature = "tower")]
pub use lookup::LookupFuture;
#[cfg(any(feature = "tower", feature = "actix"))]
pub use lookup::{AsyncOrigins, Lookup, NoLookup, SerializedOrigin};

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
pub use live::{Current, LivePolicy, OriginError, OriginSet};

/// The rules every policy must satisfy, as plain functions: the same ones `#[derive(Cors)]` applies
/// at compile time.
pub use checked_cors_rules as rules;

/// Derives [`CorsPolicy`] from a `#[cors(...)]` attribute, refusing unsafe or malformed policies at
/// compile time.
#[cfg(feature = "derive")]
pub use checked_cors_macros::Cors;

/// A type that carries a CORS policy, usually through `#[derive(Cors)]`.
///
/// The policy is a `static`: there is nothing to set up at run time and nothing to allocate.
pub trait CorsPolicy {
    /// The policy.
    fn policy() -> &'static Policy<'static>;

    /// The policy with its header values prepared, once per type: what `#[derive(Cors)]` gives
    /// `CorsLayer`, so that a layer (and each clone of its service, made per request by axum)
    /// holds a plain reference. `None` for hand-written implementations, whose layers prepare
    /// and share their own.
    #[cfg(feature = "http")]
    #[doc(hidden)]
    fn __prepared() -> Option<&'static http::PreparedPolicy> {
        None
    }
}

/// The `CorsPolicy::__prepared` of a derived type: a `static` per type, prepared on first use.
#[cfg(feature = "http")]
#[doc(hidden)]
#[macro_export]
macro_rules! __prepared {
    () => {
        fn __prepared() -> ::core::option::Option<&'static $crate::http::PreparedPolicy> {
            static PREPARED: $crate::__private::OnceLock<$crate::http::PreparedPolicy> =
                $crate::__private::OnceLock::new();
            ::core::option::Option::Some(PREPARED.get_or_init(|| {
                $crate::http::PreparedPolicy::new(<Self as $crate::CorsPolicy>::policy())
            }))
        }
    };
}

/// Without the `http` feature there is nothing to prepare.
#[cfg(not(feature = "http"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __prepared {
    () => {};
}

/// What the code `#[derive(Cors)]` emits names, and nothing else should: a policy's parts,
/// assembled without checks because the macro checked them already.
#[doc(hidden)]
pub mod __private {
    pub use crate::origins::PortMatch;
    pub use crate::storage::{Table, Text};
    use crate::{HeaderList, OriginPattern, OriginTable, Origins, Policy};
    #[cfg(feature = "http")]
    pub use std::sync::OnceLock;

    /// A policy from its checked parts.
    #[allow(clippy::too_many_arguments)]
    pub const fn policy<'a>(
        origins: Origins<'a>,
        methods: &'a [Text<'a>],
        any_method: bool,
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
            any_method,
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
    /// table `checked_cors_rules::check_policy` built over `exact`.
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
        false,
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

    use checked_cors_rules::{KeyKind, KEYS};

    /// The documentation's row for each key of the key table.
    fn rows() -> Vec<String> {
        KEYS.iter()
            .map(|key| {
                let value = match key.kind {
                    KeyKind::Flag => String::from("flag"),
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

    /// The rows rendered from [`KEYS`] and the rows documented agree; with `BLESS=1` set, the
    /// documented rows are rewritten from [`KEYS`] first (as `TRYBUILD=overwrite` regenerates
    /// snapshots), so that a new key's row is generated, not written: review it in `git diff`.
    #[test]
    fn the_documented_keys_are_the_key_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs");
        let expected = rows();
        if std::env::var_os("BLESS").is_some() {
            let source = std::fs::read_to_string(path).unwrap();
            let blessed = bless(&source, &expected);
            if blessed != source {
                std::fs::write(path, blessed).unwrap();
            }
        }
        let docs = std::fs::read_to_string(path).unwrap();
        let documented: Vec<&str> = documented_rows(&docs).collect();
        assert_eq!(
            documented,
            expected,
            "expected rows (`BLESS=1 cargo test -p checked-cors key_table` writes them):\n{}",
            expected.join("\n")
        );
    }

    /// The rows of the key section of `docs`.
    fn documented_rows(docs: &str) -> impl Iterator<Item = &str> {
        let section = docs
            .split("//! # Keys of `#[cors(...)]`")
            .nth(1)
            .and_then(|rest| rest.split("//! # ").next())
            .unwrap_or_default();
        section.lines().filter(|line| line.starts_with("//! | `"))
    }

    /// `source` with the key section's rows replaced by `rows`, where the first one stood.
    fn bless(source: &str, rows: &[String]) -> String {
        let old: Vec<&str> = documented_rows(source).collect();
        let mut out = String::new();
        let mut written = false;
        for line in source.split_inclusive('\n') {
            if old.contains(&line.trim_end_matches('\n')) {
                if !written {
                    for row in rows {
                        out.push_str(row);
                        out.push('\n');
                    }
                    written = true;
                }
                continue;
            }
            out.push_str(line);
        }
        out
    }
}

/// The README's Rust examples, compiled as doctests so that they stay true.
#[cfg(all(doctest, feature = "tower"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
