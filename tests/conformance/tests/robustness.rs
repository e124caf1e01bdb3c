//! Hostile sizes and repeats: 64 KiB header values, thousands of requested headers, repeated
//! headers. Each is refused with the right reason, nothing panics, and `evaluate` allocates nothing
//! (counted by this test binary's allocator, around the call only).

use std::sync::OnceLock;

use checked_cors::http::read_request;
use checked_cors::{
    CorsRequest, Decision, Header, Malformed, Policy, PolicyBuilder, Refusal, ResponseHeader,
};
use cors_test_support::alloc::{allocations, Counting};
use http::{HeaderMap, HeaderValue, Method};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Evaluates `request` and asserts that doing so allocated nothing.
fn evaluate<'p, 'r>(policy: &'p Policy<'_>, request: &CorsRequest<'r>) -> Decision<'p, 'r> {
    let before = allocations();
    let decision = policy.evaluate(request);
    let allocated = allocations() - before;
    assert_eq!(allocated, 0, "evaluate allocated {allocated} times");
    decision
}

fn policy() -> &'static Policy<'static> {
    static POLICY: OnceLock<Policy<'static>> = OnceLock::new();
    POLICY.get_or_init(built_policy)
}

fn built_policy() -> Policy<'static> {
    let origins: Vec<String> = (0..500)
        .map(|i| format!("https://site{i}.example.net"))
        .collect();
    PolicyBuilder::new()
        .allow_origins(&origins)
        .allow_origins([
            "https://example.com",
            "https://*.example.com",
            "http://localhost:*",
        ])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type", "x-api-key"])
        .allow_credentials()
        .allow_private_network()
        .build()
        .expect("a valid policy")
}

fn any_origin() -> &'static Policy<'static> {
    static POLICY: OnceLock<Policy<'static>> = OnceLock::new();
    POLICY.get_or_init(|| {
        PolicyBuilder::new()
            .allow_any_origin()
            .allow_any_header()
            .allow_methods(["GET", "PUT"])
            .build()
            .expect("a valid policy")
    })
}

const KIB64: usize = 64 * 1024;

fn preflight<'r>(origin: &'r [u8], method: &'r [u8], headers: &'r [u8]) -> CorsRequest<'r> {
    CorsRequest {
        method: b"OPTIONS",
        origin: Header::One(origin),
        request_method: Header::One(method),
        request_headers: Header::One(headers),
        request_private_network: Header::Absent,
        ..CorsRequest::default()
    }
}

/// Asserts a refusal with `reason` and no permission at all.
fn assert_refused(decision: &Decision<'_, '_>, reason: Refusal<'_>) {
    assert_eq!(decision.refusal(), Some(reason));
    let granted: Vec<_> = decision
        .headers()
        .filter(|(name, _)| *name != ResponseHeader::Vary)
        .collect();
    assert!(granted.is_empty(), "{granted:?}");
}

#[test]
fn a_64_kib_origin_is_refused_without_allocating() {
    let policy = policy();
    // An allowed origin padded to 64 KiB, visible ASCII throughout.
    let mut long = b"https://".to_vec();
    long.resize(KIB64 - b".example.com".len(), b'a');
    long.extend_from_slice(b".example.com");
    for request in [
        CorsRequest {
            method: b"GET",
            origin: Header::One(&long),
            ..CorsRequest::default()
        },
        preflight(&long, b"PUT", b"content-type"),
    ] {
        // `Malformed::Origin` is documented as "... or too long", but the length bound refuses
        // it as not allowed (reported).
        assert_refused(&evaluate(policy, &request), Refusal::OriginNotAllowed);
    }
    // With a control byte the value is malformed, whatever its length.
    let mut control = long.clone();
    control[KIB64 / 2] = b'\n';
    let request = CorsRequest {
        method: b"GET",
        origin: Header::One(&control),
        ..CorsRequest::default()
    };
    assert_refused(
        &evaluate(policy, &request),
        Refusal::Malformed(Malformed::Origin),
    );
}

#[test]
fn a_64_kib_request_method_or_headers_is_refused_without_allocating() {
    let policy = policy();
    let method = vec![b'P'; KIB64];
    let decision = evaluate(
        policy,
        &preflight(b"https://example.com", &method, b"content-type"),
    );
    assert!(matches!(decision.refusal(), Some(Refusal::MethodNotAllowed(m)) if m.len() == KIB64));
    assert_eq!(decision.preflight_status(), Some(403));

    let mut headers = b"content-type,".to_vec();
    headers.resize(KIB64, b'x');
    let decision = evaluate(policy, &preflight(b"https://example.com", b"PUT", &headers));
    assert_refused(
        &decision,
        Refusal::Malformed(Malformed::RequestHeadersTooLong),
    );
    // `*` for headers has to check every name too; the bound comes first.
    let decision = evaluate(
        any_origin(),
        &preflight(b"https://example.com", b"PUT", &headers),
    );
    assert_refused(
        &decision,
        Refusal::Malformed(Malformed::RequestHeadersTooLong),
    );
}

#[test]
fn thousands_of_requested_headers_are_refused_without_allocating() {
    let policy = policy();
    let names = ["content-type"; 3000].join(",");
    let flood = ",".repeat(3000);
    let spaced = " , ".repeat(1000);
    for (value, reason) in [
        // Over the length bound first.
        (names.as_str(), Malformed::RequestHeadersTooLong),
        // Under the length bound, over the count bound.
        (flood.as_str(), Malformed::TooManyRequestHeaders),
        (spaced.as_str(), Malformed::TooManyRequestHeaders),
    ] {
        for policy in [policy, any_origin()] {
            let decision = evaluate(
                policy,
                &preflight(b"https://example.com", b"PUT", value.as_bytes()),
            );
            assert_refused(&decision, Refusal::Malformed(reason));
        }
    }
    // At the bound exactly, a list of allowed names passes.
    let at_bound = vec!["x-api-key"; checked_cors::MAX_REQUEST_HEADERS].join(",");
    let decision = evaluate(
        policy,
        &preflight(b"https://example.com", b"PUT", at_bound.as_bytes()),
    );
    assert_eq!(decision.preflight_status(), Some(204));
}

/// Builds a header map with `name` repeated `count` times.
fn repeated(base: &HeaderMap, name: &'static str, value: &'static str, count: usize) -> HeaderMap {
    let mut headers = base.clone();
    headers.remove(name);
    for _ in 0..count {
        headers.append(name, HeaderValue::from_static(value));
    }
    headers
}

#[test]
fn repeated_headers_are_refused_without_allocating() {
    let policy = policy();
    let mut base = HeaderMap::new();
    base.insert("origin", HeaderValue::from_static("https://example.com"));
    base.insert(
        "access-control-request-method",
        HeaderValue::from_static("PUT"),
    );
    base.insert(
        "access-control-request-headers",
        HeaderValue::from_static("content-type"),
    );
    base.insert(
        "access-control-request-private-network",
        HeaderValue::from_static("true"),
    );
    let allowed = evaluate(policy, &read_request(&Method::OPTIONS, &base));
    assert_eq!(allowed.preflight_status(), Some(204), "{allowed:?}");

    let cases = [
        ("origin", "https://example.com", Malformed::SeveralOrigins),
        (
            "access-control-request-method",
            "PUT",
            Malformed::SeveralRequestMethods,
        ),
        (
            "access-control-request-headers",
            "content-type",
            Malformed::SeveralRequestHeaders,
        ),
        (
            "access-control-request-private-network",
            "true",
            Malformed::SeveralPrivateNetworkRequests,
        ),
    ];
    for (name, value, reason) in cases {
        for count in [2, 1000] {
            let headers = repeated(&base, name, value, count);
            let decision = evaluate(policy, &read_request(&Method::OPTIONS, &headers));
            assert_refused(&decision, Refusal::Malformed(reason));
            assert_eq!(decision.preflight_status(), Some(403));
        }
    }
    // A repeated `Origin` on an actual request is refused as well.
    let headers = repeated(&HeaderMap::new(), "origin", "https://example.com", 2);
    let decision = evaluate(policy, &read_request(&Method::GET, &headers));
    assert_refused(&decision, Refusal::Malformed(Malformed::SeveralOrigins));
}

#[test]
fn the_counter_sees_allocations() {
    // The zero counts above mean something only if the allocator counts this thread's allocations.
    let before = allocations();
    let boxed = std::hint::black_box(Box::new(7u64));
    drop(boxed);
    assert_eq!(allocations() - before, 1);
}
