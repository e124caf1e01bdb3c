//! The byte-slice entry point allocates nothing, whether it allows or refuses.

use checked_cors::{CorsRequest, Header, PolicyBuilder};
use cors_test_support::alloc::{counting, Counting};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> u64 {
    counting(f).1
}

#[test]
fn evaluating_allocates_nothing() {
    let origins: Vec<String> = (0..1000)
        .map(|i| format!("https://site{i}.example.net"))
        .collect();
    let policy = PolicyBuilder::new()
        .allow_origins(&origins)
        .allow_origins(["https://*.example.com"])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["content-type"])
        .expose_headers(["x-request-id"])
        .allow_credentials()
        .max_age(60)
        .build()
        .unwrap();
    let flood = ",".repeat(60_000);
    let requests = [
        CorsRequest {
            method: b"GET",
            origin: Header::One(b"https://site7.example.net"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"GET",
            origin: Header::One(b"https://a.example.com"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"GET",
            origin: Header::One(b"https://evil.com"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"GET",
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"OPTIONS",
            origin: Header::One(b"https://site999.example.net"),
            request_method: Header::One(b"PUT"),
            request_headers: Header::One(b"content-type"),
            request_private_network: Header::Absent,
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"OPTIONS",
            origin: Header::One(b"https://site999.example.net"),
            request_method: Header::One(b"DELETE"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"OPTIONS",
            origin: Header::One(b"https://site1.example.net"),
            request_method: Header::One(b"PUT"),
            request_headers: Header::One(flood.as_bytes()),
            request_private_network: Header::Absent,
            ..CorsRequest::default()
        },
        // The forged-write check: blocked, let through from a listed origin, same-origin.
        CorsRequest {
            method: b"POST",
            origin: Header::One(b"https://evil.com"),
            sec_fetch_site: Header::One(b"cross-site"),
            host: Header::One(b"api.example.net"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"DELETE",
            origin: Header::One(b"https://evil.com"),
            host: Header::One(b"api.example.net"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"POST",
            origin: Header::One(b"https://site3.example.net"),
            sec_fetch_site: Header::One(b"same-site"),
            ..CorsRequest::default()
        },
        CorsRequest {
            method: b"PUT",
            origin: Header::One(b"https://api.example.net"),
            host: Header::One(b"api.example.net"),
            ..CorsRequest::default()
        },
    ];
    for request in &requests {
        let mut seen = 0;
        let count = allocations(|| {
            let decision = policy.evaluate(request);
            seen = decision
                .headers()
                .map(|(_, v)| v.as_bytes().len())
                .sum::<usize>();
            std::hint::black_box(decision.refusal());
        });
        assert_eq!(count, 0, "{request:?}");
        std::hint::black_box(seen);
    }
    // The write cases above take each branch of the check.
    let blocked: Vec<bool> = requests[7..]
        .iter()
        .map(|r| policy.evaluate(r).is_blocked())
        .collect();
    assert_eq!(blocked, [true, true, false, false]);
}
