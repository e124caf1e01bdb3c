//! The policies under test, written once for this project (`#[derive(Cors)]`) and once for
//! tower-http (`CorsLayer` builder), allowing the same origins, methods and headers.

use std::time::Duration;

use checked_cors::Cors;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use http::Method;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The three origins of the hand-written policy.
pub const FIXED_ORIGINS: [&str; 3] = [
    "https://app.example.com",
    "https://admin.example.com",
    "https://partner.example.org",
];

/// The hand-written policy: three exact origins, credentials, four methods, three headers.
#[derive(Cors)]
#[cors(
    origins = [
        "https://app.example.com",
        "https://admin.example.com",
        "https://partner.example.org",
    ],
    methods = [GET, POST, PUT, DELETE],
    headers = ["content-type", "authorization", "x-api-key"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600
)]
pub struct Fixed;

/// The same policy over every subdomain of `example.com` instead of exact origins.
#[derive(Cors)]
#[cors(
    origins = ["https://*.example.com"],
    methods = [GET, POST, PUT, DELETE],
    headers = ["content-type", "authorization", "x-api-key"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600
)]
pub struct Subdomains;

// `Exact3`, `Exact100`, `Exact1000`, `Exact10000`: the same policy over
// `origins::tenant_origin(0..n)`, written by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/exact_policies.rs"));

/// tower-http configured like [`Fixed`], with `origins` deciding `Access-Control-Allow-Origin`.
pub fn tower_http(origins: AllowOrigin) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            CONTENT_TYPE,
            AUTHORIZATION,
            HeaderName::from_static("x-api-key"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
}

/// tower-http's form of an exact list (`AllowOrigin::list`, scanned in order).
pub fn tower_http_list<I: IntoIterator<Item = S>, S: AsRef<str>>(origins: I) -> CorsLayer {
    tower_http(AllowOrigin::list(origins.into_iter().map(|origin| {
        HeaderValue::from_str(origin.as_ref()).expect("benchmark origins are valid header values")
    })))
}

/// tower-http's form of `https://*.example.com`: a predicate as careful as this project's
/// pattern, since a sloppy `ends_with(".example.com")` would be both faster and wrong.
pub fn tower_http_subdomains() -> CorsLayer {
    tower_http(AllowOrigin::predicate(|origin, _| {
        is_example_com_subdomain(origin.as_bytes())
    }))
}

/// `https://<labels>.example.com` with one or more non-empty labels of lower-case letters, digits
/// and `-`, at most 63 bytes each, and no port: what `https://*.example.com` allows.
pub fn is_example_com_subdomain(origin: &[u8]) -> bool {
    let Some(labels) = origin
        .strip_prefix(b"https://")
        .and_then(|host| host.strip_suffix(b".example.com"))
    else {
        return false;
    };
    !labels.is_empty()
        && labels.split(|&b| b == b'.').all(|label| {
            (1..=63).contains(&label.len())
                && label.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_')
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use checked_cors::{CorsPolicy, CorsRequest, Header};

    fn ours_allows(origin: &str) -> bool {
        Subdomains::policy()
            .evaluate(&CorsRequest {
                method: b"GET",
                origin: Header::One(origin.as_bytes()),
                ..CorsRequest::default()
            })
            .is_allowed()
    }

    /// The predicate given to tower-http must allow exactly what the pattern allows, or the
    /// comparison measures two different policies.
    #[test]
    fn the_tower_http_predicate_matches_the_pattern() {
        let long = format!("https://{}.example.com", "a".repeat(64));
        for origin in [
            "https://a.example.com",
            "https://shop.eu.example.com",
            "https://a-1.example.com",
            "https://example.com",
            "https://.example.com",
            "https://a..example.com",
            "https://evilexample.com",
            "https://a.example.com.evil.com",
            "http://a.example.com",
            "https://a.example.com:8443",
            "https://A.example.com",
            "https://a_b.example.com",
            long.as_str(),
        ] {
            assert_eq!(
                is_example_com_subdomain(origin.as_bytes()),
                ours_allows(origin),
                "{origin}"
            );
        }
    }
}
