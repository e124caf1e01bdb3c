//! Adapters over the `http` crate: read a [`Request`] from a `HeaderMap`, write a [`Decision`] into
//! one.
//!
//! ```
//! use cors_core::http::{read_request, Decoration, PreparedPolicy};
//! use cors_core::{Cors, CorsPolicy};
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
use ::http::{Method, Response, StatusCode};

use crate::{Decision, Header, HeaderList, Policy, Request, Value};

const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");
const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

/// Reads the parts of a request that decide its CORS answer, borrowing from `headers`.
///
/// The `Access-Control-Request-*` headers only matter to a preflight, so they are looked up only
/// for `OPTIONS`.
pub fn read_request<'r>(method: &'r Method, headers: &'r HeaderMap) -> Request<'r> {
    let mut request = Request {
        method: method.as_str().as_bytes(),
        origin: read_header(headers, &header::ORIGIN),
        ..Request::default()
    };
    if method == Method::OPTIONS && request.origin != Header::Absent {
        request.request_method = read_header(headers, &header::ACCESS_CONTROL_REQUEST_METHOD);
        request.request_headers = read_header(headers, &header::ACCESS_CONTROL_REQUEST_HEADERS);
        request.request_private_network =
            read_header(headers, &ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK);
    }
    request
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
/// only copies them (a `&'static str` header value copies no bytes).
#[derive(Clone, Debug)]
pub struct PreparedPolicy {
    policy: &'static Policy<'static>,
    any: HeaderValue,
    truth: HeaderValue,
    expose: Option<HeaderValue>,
    vary_actual: Option<HeaderValue>,
    /// The headers of allowed preflight answers, one per [`PreparedPolicy::shape`] (with or
    /// without `Access-Control-Allow-Headers`, with or without `-Allow-Private-Network`), with a
    /// placeholder origin: an answer clones one (two allocations, no hashing) and writes the
    /// origin in place.
    allowed_preflight: [HeaderMap; 4],
    /// The headers of a refused preflight answer: `Vary` only.
    refused_preflight: HeaderMap,
}

/// A header value for a policy string, or `None` if it is not one: policies built by the derive or
/// `PolicyBuilder` hold valid values; a hand-assembled one with a stray control byte loses the
/// header instead of panicking in `from_static`.
fn static_value(s: &'static str) -> Option<HeaderValue> {
    let valid = s.bytes().all(|b| b == b'\t' || (b' '..0x7f).contains(&b));
    valid.then(|| HeaderValue::from_static(s))
}

fn list_value(list: &HeaderList<'static>) -> Option<HeaderValue> {
    match *list {
        HeaderList::Any => Some(HeaderValue::from_static("*")),
        HeaderList::Names { names: [], .. } => None,
        HeaderList::Names { rendered, .. } => static_value(rendered),
    }
}

impl PreparedPolicy {
    /// Checks and builds `policy`'s header values.
    pub fn new(policy: &'static Policy<'static>) -> Self {
        let any = HeaderValue::from_static("*");
        let truth = HeaderValue::from_static("true");
        let vary_preflight = policy.vary(true).and_then(static_value);
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
                static_value(policy.allow_methods),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                list_value(&policy.headers),
            ),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                policy.max_age.and_then(static_value),
            ),
            (ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, Some(truth.clone())),
            (header::VARY, vary_preflight.clone()),
        ];
        let mut refused_preflight = HeaderMap::new();
        if let Some(vary) = vary_preflight {
            refused_preflight.insert(header::VARY, vary);
        }
        PreparedPolicy {
            policy,
            expose: list_value(&policy.expose),
            vary_actual: policy.vary(false).and_then(static_value),
            allowed_preflight: [0, 1, 2, 3].map(|shape| template(&allowed, shape)),
            refused_preflight,
            any,
            truth,
        }
    }

    /// Which template answers an allowed preflight.
    fn shape(decision: &Decision<'static, '_>) -> usize {
        usize::from(decision.allow_headers.is_some())
            | usize::from(decision.allow_private_network) << 1
    }

    /// The headers of the answer to a preflight.
    fn preflight_headers(
        &self,
        decision: &Decision<'static, '_>,
        request: &HeaderMap,
    ) -> HeaderMap {
        if decision.refusal().is_some() {
            return self.refused_preflight.clone();
        }
        let mut headers = self.allowed_preflight[Self::shape(decision)].clone();
        let origin = decision
            .allow_origin
            .and_then(|value| self.origin_value(value, request));
        fill(&mut headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if let Some(Value::RequestHeaders(_)) = decision.allow_headers {
            let echoed = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
            fill(&mut headers, header::ACCESS_CONTROL_ALLOW_HEADERS, echoed);
        }
        headers
    }

    /// The policy.
    pub fn policy(&self) -> &'static Policy<'static> {
        self.policy
    }

    /// The `Access-Control-Allow-Origin` value for an allowed origin; `request` is the header map
    /// the decision was read from.
    fn origin_value(&self, value: Value<'static, '_>, request: &HeaderMap) -> Option<HeaderValue> {
        match value {
            Value::Policy("*") => Some(self.any.clone()),
            // `evaluate` allowed it only after checking the request's bytes, equal to these, are
            // visible ASCII: `from_static` cannot panic. Its check costs ~280 instructions, but
            // cloning the request's own value instead would allocate whenever that value is not
            // already shared (one built with `parse` or `from_str`, say), and a listed origin
            // should never cost an allocation.
            Value::Policy(listed) => Some(HeaderValue::from_static(listed)),
            Value::RequestOrigin(_) => request.get(header::ORIGIN).cloned(),
            Value::RequestHeaders(_) => None,
        }
    }
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

/// The headers a [`Decision`] on an actual (not preflight) request adds to the handler's response,
/// detached from the request so that they can be kept while the handler runs. Holds no allocation:
/// policy values are `'static` and echoed values are clones of the request's own
/// (reference-counted) header values.
#[derive(Clone, Debug, Default)]
pub struct Decoration {
    // An actual response gets at most these four; read straight from the decision's fields, as
    // this runs on every request.
    allow_origin: Option<HeaderValue>,
    allow_credentials: Option<HeaderValue>,
    expose_headers: Option<HeaderValue>,
    vary: Option<HeaderValue>,
}

impl Decoration {
    /// Detaches `decision`'s headers; `request` is the header map the decision was read from.
    /// A preflight decision gets an empty decoration: answer it with [`preflight_response`].
    pub fn new(
        prepared: &PreparedPolicy,
        decision: &Decision<'static, '_>,
        request: &HeaderMap,
    ) -> Self {
        if decision.is_preflight() {
            return Decoration::default();
        }
        let allow_origin = decision
            .allow_origin
            .and_then(|value| prepared.origin_value(value, request));
        Decoration {
            allow_origin,
            allow_credentials: decision.allow_credentials.then(|| prepared.truth.clone()),
            expose_headers: decision
                .expose_headers
                .and_then(|_| prepared.expose.clone()),
            vary: decision.vary.and_then(|_| prepared.vary_actual.clone()),
        }
    }

    /// Writes the headers into `headers`: CORS headers replace any the handler set, `Vary` is
    /// appended to the handler's.
    pub fn apply(self, headers: &mut HeaderMap) {
        if let Some(value) = self.allow_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        if let Some(value) = self.allow_credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, value);
        }
        if let Some(value) = self.expose_headers {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value);
        }
        if let Some(value) = self.vary {
            headers.append(header::VARY, value);
        }
    }
}

/// The answer to a preflight: `204 No Content` with the CORS headers when allowed, `403 Forbidden`
/// with none when refused. `None` when `decision` is not a preflight.
pub fn preflight_response<B: Default>(
    prepared: &PreparedPolicy,
    decision: &Decision<'static, '_>,
    request: &HeaderMap,
) -> Option<Response<B>> {
    let status = StatusCode::from_u16(decision.preflight_status()?).ok()?;
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    *response.headers_mut() = prepared.preflight_headers(decision, request);
    Some(response)
}
