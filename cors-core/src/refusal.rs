//! Why a request got no CORS permission.

use core::fmt;

/// Why a request got no CORS permission, for a service's logs. Never sent to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal<'r> {
    /// The policy does not list the request's origin.
    OriginNotAllowed,
    /// A preflight asked for a method the policy does not list.
    MethodNotAllowed(&'r str),
    /// A preflight asked for a request header the policy does not list.
    HeaderNotAllowed(&'r str),
    /// A Private Network Access preflight to a policy without `private_network`.
    PrivateNetworkNotAllowed,
    /// An unsafe request (`POST`, `PUT`, ...) that the browser marks as cross-origin, from an
    /// origin the policy neither allows nor trusts for writes: the forged request (a form posted
    /// by another site with the user's cookies) that CORS alone lets reach the handler. It is
    /// answered `403 Forbidden` before the handler runs.
    CrossOriginWrite,
    /// The origin lookup given to `CorsLayer::with_origins_async` or
    /// `actix::Cors::with_origins_async` failed (a database that did not answer): the origin is
    /// refused, as if not allowed, and this is the lookup's error.
    OriginLookupFailed(&'r str),
    /// The request's CORS headers are not what any browser sends.
    Malformed(Malformed),
}

impl<'a> Refusal<'a> {
    /// The reason to report for this refusal of a request whose origin lookup failed with
    /// `failure` (if it did): the failure, whatever check it made fail (an origin refused, or a
    /// forged write), since that check is only its consequence. The one rule of every report:
    /// the tower layer's and the actix middleware's hooks and `tracing` events.
    #[cfg(any(feature = "tower", feature = "actix"))]
    pub(crate) fn or_lookup_failure(self, failure: Option<&'a str>) -> Refusal<'a> {
        failure.map_or(self, Refusal::OriginLookupFailed)
    }
}

/// How a request's CORS headers are malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// More than one `Origin` header.
    SeveralOrigins,
    /// An `Origin` with bytes no serialized origin has (non-ASCII, controls, spaces). An origin
    /// longer than [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN) is simply not allowed.
    Origin,
    /// More than one `Access-Control-Request-Method` header.
    SeveralRequestMethods,
    /// An `Access-Control-Request-Method` that is not a method token.
    RequestMethod,
    /// More than one `Access-Control-Request-Headers` header.
    SeveralRequestHeaders,
    /// An `Access-Control-Request-Headers` that is not a list of header names.
    RequestHeaders,
    /// An `Access-Control-Request-Headers` longer than [`MAX_REQUEST_HEADERS_LEN`](crate::MAX_REQUEST_HEADERS_LEN).
    RequestHeadersTooLong,
    /// An `Access-Control-Request-Headers` with more than [`MAX_REQUEST_HEADERS`](crate::MAX_REQUEST_HEADERS) names.
    TooManyRequestHeaders,
    /// More than one `Access-Control-Request-Private-Network` header.
    SeveralPrivateNetworkRequests,
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OriginNotAllowed => f.write_str("origin not allowed"),
            Refusal::MethodNotAllowed(m) => write!(f, "method {m} not allowed"),
            Refusal::HeaderNotAllowed(h) => write!(f, "header {h} not allowed"),
            Refusal::PrivateNetworkNotAllowed => f.write_str("private network access not allowed"),
            Refusal::CrossOriginWrite => f.write_str("cross-origin write from an unlisted origin"),
            Refusal::OriginLookupFailed(error) => write!(f, "origin lookup failed: {error}"),
            Refusal::Malformed(m) => write!(f, "malformed request: {m}"),
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::SeveralOrigins => "several `Origin` headers",
            Malformed::Origin => "`Origin` is not a serialized origin",
            Malformed::SeveralRequestMethods => "several `Access-Control-Request-Method` headers",
            Malformed::RequestMethod => "`Access-Control-Request-Method` is not a method",
            Malformed::SeveralRequestHeaders => "several `Access-Control-Request-Headers` headers",
            Malformed::RequestHeaders => {
                "`Access-Control-Request-Headers` is not a list of header names"
            }
            Malformed::RequestHeadersTooLong => "`Access-Control-Request-Headers` is too long",
            Malformed::TooManyRequestHeaders => {
                "`Access-Control-Request-Headers` lists too many names"
            }
            Malformed::SeveralPrivateNetworkRequests => {
                "several `Access-Control-Request-Private-Network` headers"
            }
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Refusal<'_> {}
