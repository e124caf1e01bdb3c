//! Adapters over the `http` crate: read a [`Request`] from a `HeaderMap`, write a [`Decision`] into
//! one.
//!
//! ```
//! use cors_core::{http::Decoration, Cors, CorsPolicy};
//! use http::{HeaderMap, Method};
//!
//! #[derive(Cors)]
//! #[cors(origins = ["https://app.example.com"], expose = ["x-request-id"])]
//! struct Api;
//!
//! let mut request = HeaderMap::new();
//! request.insert("origin", "https://app.example.com".parse().unwrap());
//! let decision = Api::policy().evaluate(&cors_core::http::read_request(&Method::GET, &request));
//! let mut response = HeaderMap::new();
//! Decoration::new(&decision, &request).apply(&mut response);
//! assert_eq!(response["access-control-allow-origin"], "https://app.example.com");
//! assert_eq!(response["access-control-expose-headers"], "x-request-id");
//! assert_eq!(response["vary"], "origin");
//! ```

use ::http::header::{self, HeaderMap, HeaderValue};
use ::http::{Method, Response, StatusCode};

use crate::{Decision, Header, HeaderName, Request, Value};

const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");
const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

/// Reads the parts of a request that decide its CORS answer, borrowing from `headers`.
pub fn read_request<'r>(method: &'r Method, headers: &'r HeaderMap) -> Request<'r> {
    Request {
        method: method.as_str().as_bytes(),
        origin: read_header(headers, &header::ORIGIN),
        request_method: read_header(headers, &header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: read_header(headers, &header::ACCESS_CONTROL_REQUEST_HEADERS),
        request_private_network: read_header(headers, &ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK),
    }
}

fn read_header<'r>(headers: &'r HeaderMap, name: &header::HeaderName) -> Header<'r> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Header::Absent,
        (Some(value), None) => Header::One(value.as_bytes()),
        (Some(_), Some(_)) => Header::Many,
    }
}

fn http_name(name: HeaderName) -> header::HeaderName {
    match name {
        HeaderName::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderName::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderName::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderName::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderName::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        HeaderName::AllowPrivateNetwork => ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
        HeaderName::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderName::Vary => header::VARY,
    }
}

/// The headers a [`Decision`] adds to a response, detached from the request so that they can be
/// kept while the handler runs. Holds no allocation: policy strings are `'static` and echoed
/// values are clones of the request's own (reference-counted) header values.
#[derive(Clone, Debug, Default)]
pub struct Decoration {
    headers: [Option<(HeaderName, HeaderValue)>; 8],
}

impl Decoration {
    /// Detaches `decision`'s headers; `request` is the header map the decision was read from.
    pub fn new(decision: &Decision<'static, '_>, request: &HeaderMap) -> Self {
        let mut decoration = Decoration::default();
        for (slot, (name, value)) in decoration.headers.iter_mut().zip(decision.headers()) {
            *slot = header_value(value, request).map(|v| (name, v));
        }
        decoration
    }

    /// Writes the headers into `headers`: CORS headers replace any the handler set (a browser
    /// refuses two `Access-Control-Allow-Origin`), `Vary` is appended to the handler's.
    pub fn apply(self, headers: &mut HeaderMap) {
        for (name, value) in self.headers.into_iter().flatten() {
            if name == HeaderName::Vary {
                headers.append(header::VARY, value);
            } else {
                headers.insert(http_name(name), value);
            }
        }
    }
}

fn header_value(value: Value<'static, '_>, request: &HeaderMap) -> Option<HeaderValue> {
    match value {
        // Policies built by the derive or `PolicyBuilder` hold valid values; a hand-assembled one
        // with a stray control byte loses the header instead of panicking in `from_static`.
        Value::Policy(s) if s.bytes().all(|b| b == b'\t' || (b' '..0x7f).contains(&b)) => {
            Some(HeaderValue::from_static(s))
        }
        Value::Policy(_) => None,
        Value::RequestOrigin(_) => request.get(header::ORIGIN).cloned(),
        Value::RequestHeaders(_) => request.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned(),
    }
}

/// The answer to a preflight: `204 No Content` with the CORS headers when allowed, `403 Forbidden`
/// with none when refused. `None` when `decision` is not a preflight.
pub fn preflight_response<B: Default>(
    decision: &Decision<'static, '_>,
    request: &HeaderMap,
) -> Option<Response<B>> {
    let status = StatusCode::from_u16(decision.preflight_status()?).ok()?;
    let mut response = Response::new(B::default());
    *response.status_mut() = status;
    Decoration::new(decision, request).apply(response.headers_mut());
    Some(response)
}
