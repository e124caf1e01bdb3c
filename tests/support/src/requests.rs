//! `checked_cors::CorsRequest`s as tests write them.

use checked_cors::{CorsRequest, Header};

/// A preflight from `origin` asking for `method` and, if given, `headers`.
pub fn preflight<'r>(
    origin: &'r [u8],
    method: &'r [u8],
    headers: Option<&'r [u8]>,
) -> CorsRequest<'r> {
    CorsRequest {
        method: b"OPTIONS",
        origin: Header::One(origin),
        request_method: Header::One(method),
        request_headers: Header::from_option(headers),
        ..CorsRequest::default()
    }
}

/// An actual (not preflight) request with `method` and `origin`.
pub fn actual<'r>(method: &'r [u8], origin: Header<'r>) -> CorsRequest<'r> {
    CorsRequest {
        method,
        origin,
        ..CorsRequest::default()
    }
}

/// A `GET` from `origin`.
pub fn get(origin: &[u8]) -> CorsRequest<'_> {
    actual(b"GET", Header::One(origin))
}
