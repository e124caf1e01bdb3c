//! `checked_cors::Request`s as tests write them.

use checked_cors::{Header, Request};

/// A preflight from `origin` asking for `method` and, if given, `headers`.
pub fn preflight<'r>(origin: &'r [u8], method: &'r [u8], headers: Option<&'r [u8]>) -> Request<'r> {
    Request {
        method: b"OPTIONS",
        origin: Header::One(origin),
        request_method: Header::One(method),
        request_headers: Header::from_option(headers),
        ..Request::default()
    }
}

/// An actual (not preflight) request with `method` and `origin`.
pub fn actual<'r>(method: &'r [u8], origin: Header<'r>) -> Request<'r> {
    Request {
        method,
        origin,
        ..Request::default()
    }
}

/// A `GET` from `origin`.
pub fn get(origin: &[u8]) -> Request<'_> {
    actual(b"GET", Header::One(origin))
}
