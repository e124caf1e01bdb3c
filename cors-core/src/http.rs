//! Adapters over the `http` crate: read a [`CorsRequest`] from a `HeaderMap`, write a [`Decision`] into
//! one.
//!
//! ```
//! use checked_cors::http::{read_request, Decoration, PreparedPolicy};
//! use checked_cors::{Cors, CorsPolicy};
//! use http::{HeaderMap, Method};
//!
//! #[derive(Cors)]
//! #[cors(origins = ["https://app.example.com"], expose = ["x-request-id"])]
//! struct Api;
//!
//! // Once, at start-up: the policy's header values, checked.
//! let prepared = PreparedPolicy::new(Api::policy());
//!
//! // Per request.
//! let mut request = HeaderMap::new();
//! request.insert("origin", "https://app.example.com".parse().unwrap());
//! let decision = prepared.policy().evaluate(&read_request(&Method::GET, &request));
//! let mut response = HeaderMap::new();
//! Decoration::new(&prepared, &decision, &request).apply(&mut response);
//! assert_eq!(response["access-control-allow-origin"], "https://app.example.com");
//! assert_eq!(response["access-control-expose-headers"], "x-request-id");
//! assert_eq!(response["vary"], "origin");
//! ```

use ::http::header::{self, HeaderMap, HeaderValue};
use ::http::{Method, Response, StatusCode, Uri};

#[cfg(any(feature = "tower", feature = "actix"))]
use core::sync::atomic::{AtomicBool, Ordering};

use std::boxed::Box;
use std::vec::Vec;

#[cfg(feature = "tower")]
use crate::decision::{PreflightAnswer, SafeAnswer};
#[cfg(feature = "tower")]
use crate::origins::Allowed;
use crate::origins::Origins;
use crate::request::{Field, MethodKind};
use crate::storage::Text;
use crate::{CorsRequest, Decision, Header, HeaderList, Policy, Value};

const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");
const SEC_FETCH_SITE: header::HeaderName = header::HeaderName::from_static("sec-fetch-site");
const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

/// Whether a deferring layer or middleware was ever made in this process (see the crate's
/// "Composing layers"). Until one is, no request can carry a deferring layer's mark and no
/// response its record, so plain layers skip looking for them: one load of a flag that never
/// changes again, instead of two extension lookups per request.
#[cfg(any(feature = "tower", feature = "actix"))]
static COMPOSING: AtomicBool = AtomicBool::new(false);

/// Records that a deferring layer exists, before it serves any request.
#[cfg(any(feature = "tower", feature = "actix"))]
pub(crate) fn start_composing() {
    COMPOSING.store(true, Ordering::Release);
}

/// Whether requests and responses may carry the composition protocol's extensions.
#[cfg(any(feature = "tower", feature = "actix"))]
#[inline]
pub(crate) fn composing() -> bool {
    COMPOSING.load(Ordering::Acquire)
}

/// Reads the parts of a request that decide its CORS answer, borrowing from it.
pub fn read<B>(request: &::http::Request<B>) -> CorsRequest<'_> {
    read_parts(request.method(), request.uri(), request.headers())
}

/// [`read`] from a request's method, URI and headers (the URI's authority is the host of an
/// HTTP/2 request, which has no `Host` header).
///
/// The `Access-Control-Request-*` headers only matter to a preflight, so they are looked up only
/// for `OPTIONS`; `Sec-Fetch-Site` and the host only for unsafe methods.
pub fn read_parts<'r>(method: &'r Method, uri: &'r Uri, headers: &'r HeaderMap) -> CorsRequest<'r> {
    let mut request = read_request(method, headers);
    if !request.is_safe_method() {
        if let Some(authority) = uri.authority() {
            request.host = Header::One(authority.as_str().as_bytes());
        }
    }
    request
}

/// [`read`] from a request's method and headers alone: the host is the `Host` header's.
pub fn read_request<'r>(method: &'r Method, headers: &'r HeaderMap) -> CorsRequest<'r> {
    CorsRequest::read_with(method.as_str().as_bytes(), method_kind(method), |field| {
        read_field(headers, field)
    })
}

/// The [`MethodKind`] of `method`, by its variant: `Method::from_bytes` gives the standard
/// methods their variants from their exact bytes, so this is `MethodKind::of` its bytes without
/// comparing them.
#[inline]
fn method_kind(method: &Method) -> MethodKind {
    if method == Method::GET || method == Method::HEAD {
        MethodKind::Safe
    } else if method == Method::OPTIONS {
        MethodKind::Options
    } else {
        MethodKind::Unsafe
    }
}

fn read_field(headers: &HeaderMap, field: Field) -> Header<'_> {
    read_header(headers, &field_name(field))
}

/// The header a [`Field`] is read from: the one table of names, for lookups and for
/// [`scan_preflight`]. Each arm is a constant, so comparing a name with `field_name(field)` for
/// a known `field` compares a standard name's one byte.
#[inline]
fn field_name(field: Field) -> header::HeaderName {
    match field {
        Field::Origin => header::ORIGIN,
        Field::RequestMethod => header::ACCESS_CONTROL_REQUEST_METHOD,
        Field::RequestHeaders => header::ACCESS_CONTROL_REQUEST_HEADERS,
        Field::RequestPrivateNetwork => ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK,
        Field::SecFetchSite => SEC_FETCH_SITE,
        Field::Host => header::HOST,
    }
}

/// `policy`'s decision on `request`, as [`read`] then [`Policy::evaluate_with`] give it, except
/// that `Access-Control-Request-Headers` and `-Private-Network` are looked up only if a
/// preflight's origin and method are allowed: a refused preflight, which needs neither, costs two
/// lookups fewer (the second hashes a 38-byte name byte by byte). A preflight with few headers
/// (see [`scan_preflight`]) has all four read in one pass instead. Also sets `origin` to the
/// request's `Origin` value, so that echoing it (an origin matched by a pattern) takes no second
/// lookup.
#[cfg(feature = "tower")]
#[inline]
pub(crate) fn evaluate<'p, 'r, B>(
    policy: &'p Policy<'static>,
    request: &'r ::http::Request<B>,
    dynamic: Option<crate::decision::Dynamic<'_>>,
    origin: &mut Option<&'r HeaderValue>,
) -> Decision<'p, 'r> {
    let headers = request.headers();
    let kind = method_kind(request.method());
    let method = request.method().as_str().as_bytes();
    if kind == MethodKind::Options && headers.keys_len() <= SCAN_LIMIT {
        let ([origin_field, request_method, request_headers, private_network], value) =
            scan_preflight(headers);
        *origin = value;
        let read = CorsRequest {
            method,
            origin: origin_field,
            request_method,
            ..CorsRequest::default()
        };
        return policy.evaluate_deferred(&read, Some(kind), dynamic, || {
            (request_headers, private_network)
        });
    }
    let mut read = CorsRequest::read_with(method, kind, |field| match field {
        Field::Origin => {
            let mut values = headers.get_all(header::ORIGIN).iter();
            match (values.next(), values.next()) {
                (None, _) => Header::Absent,
                (Some(value), None) => {
                    *origin = Some(value);
                    Header::One(value.as_bytes())
                }
                (Some(_), Some(_)) => Header::Many,
            }
        }
        Field::RequestHeaders | Field::RequestPrivateNetwork => Header::Absent,
        field => read_field(headers, field),
    });
    if kind == MethodKind::Unsafe {
        if let Some(authority) = request.uri().authority() {
            read.host = Header::One(authority.as_str().as_bytes());
        }
    }
    policy.evaluate_deferred(&read, Some(kind), dynamic, || {
        (
            read_field(headers, Field::RequestHeaders),
            read_field(headers, Field::RequestPrivateNetwork),
        )
    })
}

/// The most header names a preflight's map may hold for [`scan_preflight`] to read it: a lookup
/// costs about as much as comparing ten names, and a preflight needs four (the last a 38-byte
/// name of its own, hashed byte by byte), so one pass pays up to here. Browsers send ten to
/// fifteen; a map of a hostile size is looked up as usual, at a bounded cost.
#[cfg(feature = "tower")]
const SCAN_LIMIT: usize = 20;

/// `Origin`, `Access-Control-Request-Method`, `-Headers` and `-Private-Network`, in that order,
/// read as [`read_header`] reads each, in one pass over `headers`, with the `Origin` value if
/// it is given once.
#[cfg(feature = "tower")]
fn scan_preflight(headers: &HeaderMap) -> ([Header<'_>; 4], Option<&HeaderValue>) {
    let mut found = [Header::Absent; 4];
    let mut origin = None;
    const SCANNED: [Field; 4] = [
        Field::Origin,
        Field::RequestMethod,
        Field::RequestHeaders,
        Field::RequestPrivateNetwork,
    ];
    for (name, value) in headers {
        let Some(at) = SCANNED.iter().position(|&field| *name == field_name(field)) else {
            continue;
        };
        found[at] = match found[at] {
            Header::Absent => Header::One(value.as_bytes()),
            _ => Header::Many,
        };
        if at == 0 {
            origin = Some(value);
        }
    }
    // Only a single `Origin` is a value (several are refused, as `evaluate` reads them).
    if found[0] == Header::Many {
        origin = None;
    }
    (found, origin)
}

/// The answer to a preflight, as [`evaluate`] then [`answer_with_origin`] give it, without the
/// request's [`CorsRequest`] or [`Decision`] (see `Policy::evaluate_preflight`). `None` for any
/// other request, a map too large to scan, several `Origin`s or `origins = "*"`, and for a
/// refusal when `reported` (its reason is to be traced or handed to a hook): [`evaluate`]
/// decides those. Kept out of line: inlined, it makes every `GET` pay for its frame.
#[cfg(feature = "tower")]
#[inline(never)]
pub(crate) fn answer_preflight<B, R: Default>(
    prepared: &PreparedPolicy,
    request: &::http::Request<B>,
    reported: bool,
) -> Option<Response<R>> {
    let headers = request.headers();
    if method_kind(request.method()) != MethodKind::Options || headers.keys_len() > SCAN_LIMIT {
        return None;
    }
    let ([origin, request_method, request_headers, private_network], value) =
        scan_preflight(headers);
    // Without `Access-Control-Request-Method`, not a preflight.
    let (Header::One(origin), false) = (origin, request_method == Header::Absent) else {
        return None;
    };
    let answer = prepared
        .policy()
        .evaluate_preflight(origin, request_method, || {
            (request_headers, private_network)
        })?;
    let (status, headers) = match answer {
        PreflightAnswer::Allowed(allowed, grant) => {
            let origin = prepared.allowed_origin(allowed, value);
            let headers = prepared.allowed_preflight_headers(
                origin,
                grant.allow_headers,
                Some(grant.allow_methods),
                grant.allow_private_network,
                headers,
            );
            (StatusCode::NO_CONTENT, headers)
        }
        PreflightAnswer::Refused if reported => return None,
        PreflightAnswer::Refused => (StatusCode::FORBIDDEN, prepared.refused_preflight.clone()),
    };
    let mut response = Response::new(R::default());
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Some(response)
}

/// The decoration of a `GET` or `HEAD` request, or (`Err`) whether its origin was refused when
/// the decoration is [`Decoration::vary`] alone, as
/// [`evaluate`] then [`Decoration::with_origin`] give them, without building the request's
/// [`CorsRequest`] or its [`Decision`]: most CORS requests are these, and their answer is the
/// origin's alone (see `Policy::evaluate_safe`). `None` for any other request, several `Origin`s
/// or `origins = "*"`: [`evaluate`] decides those.
#[cfg(feature = "tower")]
#[inline]
pub(crate) fn decorate_safe<B>(
    prepared: &PreparedPolicy,
    request: &::http::Request<B>,
) -> Option<Result<Decoration, bool>> {
    if method_kind(request.method()) != MethodKind::Safe {
        return None;
    }
    let mut values = request.headers().get_all(header::ORIGIN).iter();
    let origin = values.next();
    if origin.is_some() && values.next().is_some() {
        return None;
    }
    let policy = prepared.policy();
    // `evaluate_safe` answers only for a list of origins, whose answers all vary on `Origin`.
    let allowed = match policy.evaluate_safe(origin.map(HeaderValue::as_bytes))? {
        SafeAnswer::Allowed(allowed) => allowed,
        SafeAnswer::Denied { refused } => return Some(Err(refused)),
    };
    let decoration = Decoration {
        allow_origin: prepared.allowed_origin(allowed, origin),
        // The policy's value for every allowed actual request (`None` when it exposes nothing).
        expose_headers: prepared.expose.clone(),
        allow_credentials: policy.credentials,
        vary_origin: true,
    };
    Some(Ok(decoration))
}

fn read_header<'r>(headers: &'r HeaderMap, name: &header::HeaderName) -> Header<'r> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Header::Absent,
        (Some(value), None) => Header::One(value.as_bytes()),
        (Some(_), Some(_)) => Header::Many,
    }
}

/// A policy with its response header values checked and built once, so that answering a request
/// only copies them: a derived policy's values are `&'static str`s and copy no bytes; a built
/// policy's share one buffer each (and its listed origins are echoed from the request).
#[derive(Clone, Debug)]
pub struct PreparedPolicy {
    policy: Held,
    any: HeaderValue,
    /// One value per exact origin of a derived policy, in its table's order, so that echoing a
    /// listed origin neither validates nor allocates nor counts (see [`listed_values`]).
    listed: Box<[HeaderValue]>,
    expose: Option<HeaderValue>,
    /// The headers of allowed preflight answers, one per [`PreparedPolicy::shape`] (with or
    /// without `Access-Control-Allow-Headers`, with or without `-Allow-Private-Network`), with a
    /// placeholder origin: an answer clones one (two allocations, no hashing) and writes the
    /// origin in place.
    allowed_preflight: [HeaderMap; 4],
    /// The headers of a refused preflight answer: `Vary` only.
    refused_preflight: HeaderMap,
    /// The headers of the `403` to a blocked cross-origin write: `Vary` only.
    blocked: HeaderMap,
    /// The same values as actix-web's `HeaderValue`s, which are the `http` 0.2 crate's.
    #[cfg(feature = "actix")]
    pub(crate) actix: crate::actix::Values,
}

/// The policy a [`PreparedPolicy`] answers for: a derived one lives in a `static`, a built one is
/// owned here and freed with it.
#[derive(Clone, Debug)]
enum Held {
    Static(&'static Policy<'static>),
    Owned(Box<Policy<'static>>),
}

/// The header value of a policy string, or `None` if it is not one: policies built by the derive
/// or `PolicyBuilder` hold valid values; should one not, the header is lost instead of a panic.
fn value(text: &Text<'static>) -> Option<HeaderValue> {
    if !is_header_value(text) {
        return None;
    }
    match text {
        Text::Static(s) => Some(HeaderValue::from_static(s)),
        Text::Owned(s) => {
            let value = HeaderValue::from_str(s).ok()?;
            // The first clone of a value made from a string moves its bytes into a shared
            // buffer (one allocation); done here, every clone per request is a count increment.
            drop(value.clone());
            Some(value)
        }
    }
}

/// Whether `text` is a valid header value: visible ASCII, spaces and tabs.
pub(crate) fn is_header_value(text: &str) -> bool {
    text.bytes()
        .all(|b| b == b'\t' || (b' '..0x7f).contains(&b))
}

fn list_value(list: &HeaderList<'static>) -> Option<HeaderValue> {
    match list {
        HeaderList::Any | HeaderList::AnyWithAuthorization => Some(HeaderValue::from_static("*")),
        HeaderList::Names { names, .. } if names.is_empty() => None,
        HeaderList::Names { rendered, .. } => value(rendered),
    }
}

impl PreparedPolicy {
    /// Checks and builds the header values of a derived policy (or any `static` one).
    pub fn new(policy: &'static Policy<'static>) -> Self {
        Self::prepare(Held::Static(policy))
    }

    /// Checks and builds the header values of a built policy, which it keeps and frees when
    /// dropped.
    pub fn from_owned(policy: Policy<'static>) -> Self {
        Self::prepare(Held::Owned(Box::new(policy)))
    }

    fn prepare(held: Held) -> Self {
        let policy: &Policy<'static> = match &held {
            Held::Static(policy) => policy,
            Held::Owned(policy) => policy,
        };
        let any = HeaderValue::from_static("*");
        let truth = HeaderValue::from_static("true");
        let vary_preflight = policy.vary(true).map(HeaderValue::from_static);
        // Every header an allowed preflight answer can carry, in the order `Decision::headers`
        // gives them; `*` stands for the origin (and for an echoed request-header list).
        let allowed = [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, Some(any.clone())),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                policy.credentials.then(|| truth.clone()),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                value(&policy.allow_methods),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                list_value(&policy.headers),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                policy.max_age.as_ref().and_then(value),
            ),
            (ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, Some(truth.clone())),
            (header::VARY, vary_preflight.clone()),
        ];
        let mut refused_preflight = HeaderMap::new();
        if let Some(vary) = vary_preflight {
            refused_preflight.insert(header::VARY, vary);
        }
        let vary_actual = policy.vary(false).map(HeaderValue::from_static);
        let mut blocked = HeaderMap::new();
        if let Some(vary) = vary_actual {
            blocked.insert(header::VARY, vary);
        }
        let listed = listed_values(policy, value, &any);
        PreparedPolicy {
            #[cfg(feature = "actix")]
            actix: crate::actix::Values::new(policy),
            expose: list_value(&policy.expose),
            allowed_preflight: [0, 1, 2, 3].map(|shape| template(&allowed, shape)),
            refused_preflight,
            blocked,
            listed,
            any,
            policy: held,
        }
    }

    /// Which template answers an allowed preflight: the one with `Access-Control-Allow-Headers`
    /// or not, with `-Allow-Private-Network` or not.
    fn shape(allow_headers: bool, allow_private_network: bool) -> usize {
        usize::from(allow_headers) | usize::from(allow_private_network) << 1
    }

    /// The headers of the answer to a preflight or a blocked write; `origin` is the request's
    /// `Origin` value.
    fn answer_headers(
        &self,
        decision: &Decision<'_, '_>,
        request: &HeaderMap,
        origin: Option<&HeaderValue>,
    ) -> HeaderMap {
        if decision.is_blocked() {
            return self.blocked.clone();
        }
        if decision.refusal().is_some() {
            return self.refused_preflight.clone();
        }
        self.allowed_preflight_headers(
            self.origin_value(decision, origin),
            decision.allow_headers,
            decision.allow_methods,
            decision.allow_private_network,
            request,
        )
    }

    /// The headers of an allowed preflight's answer: its template (see [`Self::shape`]) with
    /// `origin` written in, and the `-Request-Headers` and `-Request-Method` values of
    /// `request` (the request's headers) where the grant echoes them.
    fn allowed_preflight_headers(
        &self,
        origin: Option<HeaderValue>,
        allow_headers: Option<Value<'_, '_>>,
        allow_methods: Option<Value<'_, '_>>,
        allow_private_network: bool,
        request: &HeaderMap,
    ) -> HeaderMap {
        let shape = Self::shape(allow_headers.is_some(), allow_private_network);
        let mut headers = self.allowed_preflight[shape].clone();
        // `template` inserts the origin's placeholder first, so it is the first entry of the
        // clone: written there, it costs no lookup (the name is checked all the same).
        match (headers.iter_mut().next(), origin) {
            (Some((name, slot)), Some(origin)) if *name == header::ACCESS_CONTROL_ALLOW_ORIGIN => {
                *slot = origin;
            }
            (_, origin) => fill(&mut headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin),
        }
        if let Some(Value::RequestHeaders(_)) = allow_headers {
            let echoed = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
            fill(&mut headers, header::ACCESS_CONTROL_ALLOW_HEADERS, echoed);
        }
        if let Some(Value::RequestMethod(_)) = allow_methods {
            let echoed = request.get(header::ACCESS_CONTROL_REQUEST_METHOD).cloned();
            fill(&mut headers, header::ACCESS_CONTROL_ALLOW_METHODS, echoed);
        }
        headers
    }

    /// The `Access-Control-Allow-Origin` value for an origin allowed by `allowed`: the prepared
    /// value of a listed origin, else the request's own `Origin` value `origin`.
    #[cfg(feature = "tower")]
    #[inline]
    fn allowed_origin(
        &self,
        allowed: Allowed<'_>,
        origin: Option<&HeaderValue>,
    ) -> Option<HeaderValue> {
        let index = match allowed {
            Allowed::Listed(_, index) => Some(index),
            _ => None,
        };
        listed_or_echoed(&self.listed, index, origin)
    }

    /// The policy.
    pub fn policy(&self) -> &Policy<'static> {
        match &self.policy {
            Held::Static(policy) => policy,
            Held::Owned(policy) => policy,
        }
    }

    /// The `Access-Control-Allow-Origin` value of an allowed decision; `origin` is the `Origin`
    /// value of the request the decision was read from.
    fn origin_value(
        &self,
        decision: &Decision<'_, '_>,
        origin: Option<&HeaderValue>,
    ) -> Option<HeaderValue> {
        crate::http::origin_value(decision, &self.any, &self.listed, origin)
    }
}

/// The prepared value of every exact origin of `policy`, in its table's order, made by `value`,
/// for a derived policy: its origins are `&'static str`s, whose values copy no bytes and touch
/// no reference count. A built policy's origins are its own strings: as values, each would
/// share one count, incremented on every allowed request by every thread serving the policy,
/// so none is prepared (`[]`), and [`origin_value`] echoes the request's own `Origin` instead,
/// the same bytes (the table matched them exactly) in a buffer of the request's connection.
pub(crate) fn listed_values<V: Clone>(
    policy: &Policy<'static>,
    value: impl Fn(&Text<'static>) -> Option<V>,
    any: &V,
) -> Box<[V]> {
    let Origins::List { exact, .. } = &policy.origins else {
        return Box::default();
    };
    let origins = exact.origins();
    if origins
        .iter()
        .any(|origin| !matches!(origin, Text::Static(_)))
    {
        return Box::default();
    }
    // A listed origin is checked when listed: `value` never fails for one, and the index of
    // each value must stay the origin's index.
    origins
        .iter()
        .map(|origin| value(origin).unwrap_or_else(|| any.clone()))
        .collect()
}

/// The `Access-Control-Allow-Origin` value of an allowed decision: an adapter's prepared `any`
/// (`*`) or `listed` value (one per exact origin of a derived policy, in its table's order: see
/// [`listed_values`]), or the request's own `Origin` value `origin`. Generic so that one rule
/// serves `http` 1's values and actix-web's (`http` 0.2's), which are another type.
#[inline]
pub(crate) fn origin_value<V: Clone>(
    decision: &Decision<'_, '_>,
    any: &V,
    listed: &[V],
    origin: Option<&V>,
) -> Option<V> {
    match decision.allow_origin? {
        Value::Policy("*") => Some(any.clone()),
        Value::Policy(_) => listed_or_echoed(listed, decision.listed, origin),
        Value::RequestOrigin(_) => origin.cloned(),
        Value::RequestHeaders(_) | Value::RequestMethod(_) => None,
    }
}

/// The value of an allowed origin that the policy lists at `index`, if it does: its prepared
/// value in `listed`, or (a built policy prepares none, see [`listed_values`]) the request's own
/// `Origin` value `origin`, which has the same bytes.
#[inline]
fn listed_or_echoed<V: Clone>(listed: &[V], index: Option<usize>, origin: Option<&V>) -> Option<V> {
    index.and_then(|at| listed.get(at)).or(origin).cloned()
}

/// The headers of an allowed preflight answer of one [`PreparedPolicy::shape`]: every header the
/// policy gives, less `Access-Control-Allow-Headers` and `-Allow-Private-Network` when the shape
/// has none.
fn template(allowed: &[(header::HeaderName, Option<HeaderValue>)], shape: usize) -> HeaderMap {
    let (with_headers, with_private_network) = (shape & 1 != 0, shape & 2 != 0);
    let mut headers = HeaderMap::with_capacity(allowed.len());
    for (name, value) in allowed {
        let wanted = if *name == header::ACCESS_CONTROL_ALLOW_HEADERS {
            with_headers
        } else if *name == ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK {
            with_private_network
        } else {
            true
        };
        if let (true, Some(value)) = (wanted, value) {
            headers.insert(name.clone(), value.clone());
        }
    }
    headers
}

/// Writes `value` over a template's placeholder, or drops the header when there is no value, so
/// that a placeholder is never sent.
fn fill(headers: &mut HeaderMap, name: header::HeaderName, value: Option<HeaderValue>) {
    match (headers.get_mut(&name), value) {
        (Some(slot), Some(value)) => *slot = value,
        _ => {
            headers.remove(name);
        }
    }
}

/// `Vary` on an actual response can only be `origin` (`Policy::vary`), and
/// `Access-Control-Allow-Credentials` only `true`: as constants they are built where they are
/// written, at no cost, rather than carried through the response future (its size is copied on
/// every request) or checked byte by byte as `from_static` does at run time.
// A `Bytes` made from a `'static` string never touches its atomic pointer: nothing is shared.
#[allow(clippy::declare_interior_mutable_const)]
const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("origin");
#[allow(clippy::declare_interior_mutable_const)]
const TRUE: HeaderValue = HeaderValue::from_static("true");

/// The headers a [`Decision`] on an actual (not preflight) request adds to the handler's response,
/// detached from the request so that they can be kept while the handler runs. Holds no allocation:
/// policy values are `'static` and echoed values are clones of the request's own
/// (reference-counted) header values.
#[derive(Clone, Debug, Default)]
pub struct Decoration {
    // An actual response gets at most these four; read straight from the decision's fields, as
    // this runs on every request.
    allow_origin: Option<HeaderValue>,
    expose_headers: Option<HeaderValue>,
    allow_credentials: bool,
    vary_origin: bool,
}

impl Decoration {
    /// `Vary: Origin` alone: the decoration of every request without CORS permission under a
    /// policy that lists its origins.
    #[inline]
    pub(crate) fn vary() -> Self {
        Decoration {
            vary_origin: true,
            ..Decoration::default()
        }
    }

    /// Detaches `decision`'s headers; `request` is the header map the decision was read from.
    /// A preflight or blocked decision gets an empty decoration: answer it with [`answer`].
    pub fn new(
        prepared: &PreparedPolicy,
        decision: &Decision<'_, '_>,
        request: &HeaderMap,
    ) -> Self {
        Self::with_origin(prepared, decision, request.get(header::ORIGIN))
    }

    /// [`Decoration::new`] with the request's `Origin` value already looked up.
    #[inline]
    pub(crate) fn with_origin(
        prepared: &PreparedPolicy,
        decision: &Decision<'_, '_>,
        origin: Option<&HeaderValue>,
    ) -> Self {
        if decision.status().is_some() {
            return Decoration::default();
        }
        debug_assert!(decision.vary.is_none_or(|vary| vary == "origin"));
        Decoration {
            allow_origin: prepared.origin_value(decision, origin),
            expose_headers: decision
                .expose_headers
                .and_then(|_| prepared.expose.clone()),
            allow_credentials: decision.allow_credentials,
            vary_origin: decision.vary.is_some(),
        }
    }

    /// Takes out of `headers` what [`Decoration::apply`] put in: the CORS headers it set, and
    /// the one `Vary` value it appended (the handler's stay). How a layer that decides for a
    /// route replaces the decision of a deferring layer nested inside it (see the crate's
    /// "Composing layers").
    #[cfg(feature = "tower")]
    pub(crate) fn undo(&self, headers: &mut HeaderMap) {
        if self.allow_origin.is_some() {
            headers.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        }
        if self.allow_credentials {
            headers.remove(header::ACCESS_CONTROL_ALLOW_CREDENTIALS);
        }
        if self.expose_headers.is_some() {
            headers.remove(header::ACCESS_CONTROL_EXPOSE_HEADERS);
        }
        if self.vary_origin {
            remove_one(headers, header::VARY, &VARY_ORIGIN);
        }
    }

    /// Writes the headers into `headers`: CORS headers replace any the handler set, `Vary` is
    /// appended to the handler's.
    #[inline]
    pub fn apply(mut self, headers: &mut HeaderMap) {
        self.apply_once(headers);
    }

    /// [`Decoration::apply`] in place, leaving the decoration empty: a response future applies
    /// its decoration once, and moving it out first copies all of it on every request.
    #[inline]
    pub(crate) fn apply_once(&mut self, headers: &mut HeaderMap) {
        if let Some(value) = self.allow_origin.take() {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            // Credentials and exposed headers come only with an allowed origin (`allow` sets
            // all three), so a refusal checks one field.
            if core::mem::take(&mut self.allow_credentials) {
                headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
            }
            if let Some(value) = self.expose_headers.take() {
                headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value);
            }
        }
        if core::mem::take(&mut self.vary_origin) {
            headers.append(header::VARY, VARY_ORIGIN);
        }
    }
}

/// Removes the first value of `name` equal to `value`, keeping the others in order.
#[cfg(feature = "tower")]
fn remove_one(headers: &mut HeaderMap, name: header::HeaderName, value: &HeaderValue) {
    let mut kept: Vec<HeaderValue> = headers.get_all(&name).iter().cloned().collect();
    if let Some(at) = kept.iter().position(|v| v == value) {
        kept.remove(at);
        headers.remove(&name);
        for value in kept {
            headers.append(&name, value);
        }
    }
}

/// The response the layer gives itself, without running the handler: a preflight's answer
/// (`204 No Content` with the CORS headers when allowed, `403 Forbidden` with none when refused)
/// or the `403 Forbidden` to a blocked cross-origin write. `None` when the handler answers.
pub fn answer<B: Default>(
    prepared: &PreparedPolicy,
    decision: &Decision<'_, '_>,
    request: &HeaderMap,
) -> Option<Response<B>> {
    answer_with_origin(prepared, decision, request, request.get(header::ORIGIN))
}

/// [`answer`] with the request's `Origin` value already looked up.
#[inline]
pub(crate) fn answer_with_origin<B: Default>(
    prepared: &PreparedPolicy,
    decision: &Decision<'_, '_>,
    request: &HeaderMap,
    origin: Option<&HeaderValue>,
) -> Option<Response<B>> {
    let status = StatusCode::from_u16(decision.status()?).ok()?;
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    *response.headers_mut() = prepared.answer_headers(decision, request, origin);
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::{method_kind, Method, MethodKind};

    #[cfg(feature = "tower")]
    #[test]
    fn a_scanned_preflight_reads_as_looked_up_headers() {
        use super::{header, read_header, scan_preflight, HeaderMap};
        use super::{ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK as PRIVATE_NETWORK, SCAN_LIMIT};
        let fields = [
            header::ORIGIN,
            header::ACCESS_CONTROL_REQUEST_METHOD,
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            PRIVATE_NETWORK,
        ];
        // Each field absent, once or twice, among other headers before and after it (a name
        // of the private-network name's length that differs in its last byte among them).
        for others in [0, 1, 7, SCAN_LIMIT - 4] {
            for copies in 0..3usize.pow(4) {
                let mut headers = HeaderMap::new();
                let other = |i: usize| {
                    let name = if i == 0 {
                        std::string::String::from("access-control-request-private-networx")
                    } else {
                        std::format!("x-other-{i}-{}", "a".repeat(i % 30))
                    };
                    header::HeaderName::from_bytes(name.as_bytes()).unwrap()
                };
                for i in 0..others / 2 {
                    headers.append(other(i), "x".parse().unwrap());
                }
                for (at, field) in fields.iter().enumerate() {
                    for copy in 0..copies / 3usize.pow(at as u32) % 3 {
                        headers.append(field, std::format!("v{at}{copy}").parse().unwrap());
                    }
                }
                for i in others / 2..others {
                    headers.append(other(i), "y".parse().unwrap());
                }
                let (found, origin) = scan_preflight(&headers);
                for (at, field) in fields.iter().enumerate() {
                    assert_eq!(found[at], read_header(&headers, field), "{others} {copies}");
                }
                let single = match found[0] {
                    super::Header::One(_) => headers.get(header::ORIGIN),
                    _ => None,
                };
                assert_eq!(origin, single, "{others} {copies}");
            }
        }
    }

    #[test]
    fn a_method_s_variant_has_the_kind_of_its_bytes() {
        let methods: [&[u8]; 12] = [
            b"GET", b"HEAD", b"OPTIONS", b"POST", b"PUT", b"DELETE", b"PATCH", b"CONNECT",
            b"TRACE", b"get", b"Options", b"PURGE",
        ];
        for bytes in methods {
            let method = Method::from_bytes(bytes).unwrap();
            assert_eq!(method_kind(&method), MethodKind::of(bytes), "{method}");
        }
    }
}
