//! Every branch of `Policy::evaluate`, table-driven, on policies built at run time.

use std::sync::OnceLock;

use cors_test_support::requests::{actual, preflight};

use checked_cors::{
    CorsRequest, Header, Malformed, Policy, PolicyBuilder, Refusal, ResponseHeader, Value,
};

fn list_policy() -> &'static Policy<'static> {
    static POLICY: OnceLock<Policy<'static>> = OnceLock::new();
    POLICY.get_or_init(|| {
        PolicyBuilder::new()
            .allow_origins([
                "https://app.example.com",
                "https://*.example.com",
                "http://localhost:*",
            ])
            .allow_methods(["GET", "POST", "PUT", "PURGE"])
            .allow_headers(["content-type", "x-api-key"])
            .expose_headers(["x-request-id", "x-trace"])
            .allow_credentials()
            .max_age(600)
            .build()
            .unwrap()
    })
}

fn any_policy() -> &'static Policy<'static> {
    static POLICY: OnceLock<Policy<'static>> = OnceLock::new();
    POLICY.get_or_init(|| {
        PolicyBuilder::new()
            .allow_any_origin()
            .allow_any_header()
            .expose_any_header()
            .build()
            .unwrap()
    })
}

fn simple(origin: Header<'_>) -> CorsRequest<'_> {
    actual(b"GET", origin)
}

/// The decision's headers as `(name, value)` strings, in order.
fn headers(policy: &Policy<'static>, request: &CorsRequest<'_>) -> Vec<(&'static str, String)> {
    policy
        .evaluate(request)
        .headers()
        .map(|(name, value)| {
            (
                name.as_str(),
                String::from_utf8(value.as_bytes().to_vec()).unwrap(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    expected.iter().map(|(n, v)| (*n, v.to_string())).collect()
}

#[test]
fn no_origin_is_not_cors_but_still_varies() {
    let policy = list_policy();
    let request = simple(Header::Absent);
    let decision = policy.evaluate(&request);
    assert!(!decision.is_preflight() && !decision.is_allowed());
    assert_eq!(decision.refusal(), None);
    assert_eq!(headers(policy, &request), pairs(&[("vary", "origin")]));
    // An any-origin policy answers the same for every request, CORS or not, and says so on every
    // response (Fetch, "CORS protocol and HTTP caches"): a copy cached from a navigation or a
    // `no-cors` load must pass a later `fetch()`'s CORS check. Nothing to vary on.
    let decision = any_policy().evaluate(&request);
    assert!(decision.is_allowed() && decision.refusal().is_none());
    assert_eq!(decision.status(), None);
    assert_eq!(
        headers(any_policy(), &request),
        pairs(&[
            ("access-control-allow-origin", "*"),
            ("access-control-expose-headers", "*"),
        ])
    );
    for method in [&b"POST"[..], b"PUT", b"OPTIONS", b"HEAD"] {
        let request = CorsRequest {
            method,
            ..simple(Header::Absent)
        };
        assert_eq!(
            headers(any_policy(), &request)[0],
            ("access-control-allow-origin", "*".to_owned())
        );
    }
    // Several `Origin` headers are still malformed, `*` or not.
    let several = any_policy().evaluate(&simple(Header::Many));
    assert!(!several.is_allowed());
    assert_eq!(headers(any_policy(), &simple(Header::Many)), []);
}

#[test]
fn actual_requests_from_allowed_origins() {
    let policy = list_policy();
    let expected = |origin| {
        pairs(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id, x-trace"),
            ("vary", "origin"),
        ])
    };
    for origin in [
        "https://app.example.com",
        "https://api.example.com",
        "http://localhost:3000",
    ] {
        let request = simple(Header::One(origin.as_bytes()));
        assert_eq!(headers(policy, &request), expected(origin), "{origin}");
    }
    // Exact origins are answered with the policy's own copy, patterns by echoing the request.
    let exact = policy.evaluate(&simple(Header::One(b"https://app.example.com")));
    assert!(matches!(
        exact.header(ResponseHeader::AllowOrigin),
        Some(Value::Policy(_))
    ));
    let pattern = policy.evaluate(&simple(Header::One(b"https://api.example.com")));
    assert!(matches!(
        pattern.header(ResponseHeader::AllowOrigin),
        Some(Value::RequestOrigin(_))
    ));
    // `OPTIONS` without `Access-Control-Request-Method` is an ordinary request.
    let options = CorsRequest {
        method: b"OPTIONS",
        ..simple(Header::One(b"https://app.example.com"))
    };
    assert!(!policy.evaluate(&options).is_preflight());
    assert_eq!(
        headers(policy, &options),
        expected("https://app.example.com")
    );
}

#[test]
fn any_origin_answers_star_without_vary() {
    let request = simple(Header::One(b"https://anyone.example"));
    assert_eq!(
        headers(any_policy(), &request),
        pairs(&[
            ("access-control-allow-origin", "*"),
            ("access-control-expose-headers", "*")
        ])
    );
}

#[test]
fn actual_requests_refused() {
    let policy = list_policy();
    let cases: &[(Header<'_>, Refusal<'_>)] = &[
        (Header::One(b"https://evil.com"), Refusal::OriginNotAllowed),
        (
            Header::One(b"https://example.com.evil.com"),
            Refusal::OriginNotAllowed,
        ),
        (Header::One(b"null"), Refusal::OriginNotAllowed),
        (
            Header::One(b"http://app.example.com"),
            Refusal::OriginNotAllowed,
        ),
        (Header::One(b""), Refusal::OriginNotAllowed),
        (Header::Many, Refusal::Malformed(Malformed::SeveralOrigins)),
        (
            Header::One("https://é.example.com".as_bytes()),
            Refusal::Malformed(Malformed::Origin),
        ),
        (
            Header::One(b"https://app.example.com "),
            Refusal::Malformed(Malformed::Origin),
        ),
        (
            Header::One(b"https://a\x00.example.com"),
            Refusal::Malformed(Malformed::Origin),
        ),
    ];
    for (origin, refusal) in cases {
        let request = simple(*origin);
        let decision = policy.evaluate(&request);
        assert_eq!(decision.refusal(), Some(*refusal), "{origin:?}");
        assert!(!decision.is_allowed());
        // The handler still runs; the response only varies.
        assert_eq!(
            headers(policy, &request),
            pairs(&[("vary", "origin")]),
            "{origin:?}"
        );
    }
}

#[test]
fn preflights_allowed() {
    let policy = list_policy();
    let vary = "origin, access-control-request-method, access-control-request-headers";
    let request = preflight(
        b"https://app.example.com",
        b"PUT",
        Some(b"Content-Type,X-API-Key"),
    );
    let decision = policy.evaluate(&request);
    assert_eq!(decision.preflight_status(), Some(204));
    assert_eq!(
        headers(policy, &request),
        pairs(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, POST, PUT, PURGE"),
            ("access-control-allow-headers", "content-type, x-api-key"),
            ("access-control-max-age", "600"),
            ("vary", vary),
        ])
    );
    // No requested headers: no Allow-Headers.
    let request = preflight(b"https://a.example.com", b"PURGE", None);
    assert_eq!(
        headers(policy, &request),
        pairs(&[
            ("access-control-allow-origin", "https://a.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, POST, PUT, PURGE"),
            ("access-control-max-age", "600"),
            ("vary", vary),
        ])
    );
    // `headers = "*"` echoes the checked request list...
    let request = preflight(b"https://x.test", b"GET", Some(b"x-anything, content-type"));
    assert_eq!(
        headers(any_policy(), &request),
        pairs(&[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "GET, HEAD, POST"),
            ("access-control-allow-headers", "x-anything, content-type"),
            (
                "vary",
                "access-control-request-method, access-control-request-headers"
            ),
        ])
    );
    // ... but, as Fetch says of `*`, never covers `authorization`, which must be listed by name.
    let request = preflight(
        b"https://x.test",
        b"GET",
        Some(b"x-anything, Authorization"),
    );
    assert_eq!(
        any_policy().evaluate(&request).refusal(),
        Some(Refusal::HeaderNotAllowed("Authorization"))
    );
    let listed = PolicyBuilder::new()
        .allow_any_origin()
        .allow_headers(["authorization"])
        .build()
        .unwrap();
    assert_eq!(
        listed.evaluate(&request).refusal(),
        Some(Refusal::HeaderNotAllowed("x-anything"))
    );
}

#[test]
fn preflights_refused_carry_no_cors_header() {
    let policy = list_policy();
    let long = "a,".repeat(3000);
    let many = "a,".repeat(100);
    let cases: Vec<(CorsRequest<'_>, Refusal<'_>)> = vec![
        (
            preflight(b"https://evil.com", b"GET", None),
            Refusal::OriginNotAllowed,
        ),
        (
            preflight(b"https://app.example.com", b"DELETE", None),
            Refusal::MethodNotAllowed("DELETE"),
        ),
        // Methods are case-sensitive: `put` is not `PUT`.
        (
            preflight(b"https://app.example.com", b"put", None),
            Refusal::MethodNotAllowed("put"),
        ),
        (
            preflight(
                b"https://app.example.com",
                b"PUT",
                Some(b"content-type, x-foo"),
            ),
            Refusal::HeaderNotAllowed("x-foo"),
        ),
        (
            preflight(b"https://app.example.com", b"P UT", None),
            Refusal::Malformed(Malformed::RequestMethod),
        ),
        (
            preflight(b"https://app.example.com", b"", None),
            Refusal::Malformed(Malformed::RequestMethod),
        ),
        (
            preflight(b"https://app.example.com", b"PUT", Some(b"x y")),
            Refusal::Malformed(Malformed::RequestHeaders),
        ),
        (
            preflight(b"https://app.example.com", b"PUT", Some(long.as_bytes())),
            Refusal::Malformed(Malformed::RequestHeadersTooLong),
        ),
        (
            preflight(b"https://app.example.com", b"PUT", Some(many.as_bytes())),
            Refusal::Malformed(Malformed::TooManyRequestHeaders),
        ),
        (
            CorsRequest {
                request_method: Header::Many,
                ..preflight(b"https://app.example.com", b"PUT", None)
            },
            Refusal::Malformed(Malformed::SeveralRequestMethods),
        ),
        (
            CorsRequest {
                request_headers: Header::Many,
                ..preflight(b"https://app.example.com", b"PUT", None)
            },
            Refusal::Malformed(Malformed::SeveralRequestHeaders),
        ),
        (
            CorsRequest {
                request_private_network: Header::One(b"true"),
                ..preflight(b"https://app.example.com", b"PUT", None)
            },
            Refusal::PrivateNetworkNotAllowed,
        ),
        (
            CorsRequest {
                origin: Header::Many,
                ..preflight(b"https://app.example.com", b"PUT", None)
            },
            Refusal::Malformed(Malformed::SeveralOrigins),
        ),
    ];
    for (request, refusal) in &cases {
        let decision = policy.evaluate(request);
        assert_eq!(decision.refusal(), Some(*refusal), "{request:?}");
        assert_eq!(decision.preflight_status(), Some(403), "{request:?}");
        let names: Vec<_> = decision.headers().map(|(n, _)| n).collect();
        assert_eq!(names, [ResponseHeader::Vary], "{request:?}");
    }
}

#[test]
fn private_network_preflights() {
    let policy = PolicyBuilder::new()
        .allow_origins(["https://app.example.com"])
        .allow_private_network()
        .build()
        .unwrap();
    let asked = CorsRequest {
        request_private_network: Header::One(b"true"),
        ..preflight(b"https://app.example.com", b"GET", None)
    };
    assert_eq!(
        headers(&policy, &asked),
        pairs(&[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-methods", "GET, HEAD, POST"),
            ("access-control-allow-private-network", "true"),
            (
                "vary",
                "origin, access-control-request-method, access-control-request-headers, \
                 access-control-request-private-network"
            ),
        ])
    );
    let not_asked = preflight(b"https://app.example.com", b"GET", None);
    assert!(policy
        .evaluate(&not_asked)
        .header(ResponseHeader::AllowPrivateNetwork)
        .is_none());
}

#[test]
fn null_is_allowed_only_when_opted_in() {
    let policy = PolicyBuilder::new()
        .allow_origins(["null", "https://app.example.com"])
        .dangerously_allow_null_origin()
        .build()
        .unwrap();
    let request = simple(Header::One(b"null"));
    assert_eq!(
        headers(&policy, &request),
        pairs(&[("access-control-allow-origin", "null"), ("vary", "origin")])
    );
    assert!(PolicyBuilder::new()
        .allow_origins(["null"])
        .build()
        .is_err());
}

#[test]
fn refusals_read_as_log_lines() {
    assert_eq!(Refusal::OriginNotAllowed.to_string(), "origin not allowed");
    assert_eq!(
        Refusal::MethodNotAllowed("PUT").to_string(),
        "method PUT not allowed"
    );
    assert_eq!(
        Refusal::HeaderNotAllowed("x-foo").to_string(),
        "header x-foo not allowed"
    );
    assert_eq!(
        Refusal::Malformed(Malformed::SeveralOrigins).to_string(),
        "malformed request: several `Origin` headers"
    );
}

fn built(builder: PolicyBuilder) -> Policy<'static> {
    builder.build().unwrap()
}

#[test]
fn safelisted_methods_pass_whatever_methods_says() {
    let policy = built(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_methods(["PUT"])
            .allow_headers(["x-api-key"]),
    );
    // A `GET` with a custom header is preflighted; browsers never check `GET` against
    // `Access-Control-Allow-Methods`, so the answer lists the policy's methods and passes.
    for method in ["GET", "HEAD", "POST", "PUT"] {
        let request = preflight(
            b"https://app.example.com",
            method.as_bytes(),
            Some(b"x-api-key"),
        );
        let decision = policy.evaluate(&request);
        assert_eq!(decision.preflight_status(), Some(204), "{method}");
        assert_eq!(
            decision
                .header(ResponseHeader::AllowMethods)
                .map(|v| v.as_bytes().to_vec()),
            Some(b"PUT".to_vec())
        );
    }
    // The others still need listing, case-sensitively (`get` is not safelisted: browsers send
    // `GET`, and `get` only from clients that are not browsers).
    for method in ["DELETE", "PATCH", "get", "put"] {
        let request = preflight(b"https://app.example.com", method.as_bytes(), None);
        assert_eq!(
            policy.evaluate(&request).refusal(),
            Some(Refusal::MethodNotAllowed(method)),
            "{method}"
        );
    }
}

#[test]
fn any_method_is_answered_star_or_the_method_asked_for() {
    let without = built(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_any_method(),
    );
    let with = built(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_any_method()
            .allow_credentials(),
    );
    for method in ["PURGE", "DELETE", "GET", "x-custom", "*"] {
        let request = preflight(b"https://app.example.com", method.as_bytes(), None);
        let decision = without.evaluate(&request);
        assert_eq!(decision.preflight_status(), Some(204), "{method}");
        assert_eq!(
            decision.header(ResponseHeader::AllowMethods),
            Some(Value::Policy("*"))
        );
        // With credentials browsers read `*` as a method named `*`: the method asked for.
        let decision = with.evaluate(&request);
        assert_eq!(decision.preflight_status(), Some(204), "{method}");
        assert_eq!(
            decision.header(ResponseHeader::AllowMethods),
            Some(Value::RequestMethod(method.as_bytes()))
        );
        assert_eq!(
            decision.header(ResponseHeader::AllowCredentials),
            Some(Value::Policy("true"))
        );
    }
    let malformed = preflight(b"https://app.example.com", b"PU T", None);
    assert_eq!(
        with.evaluate(&malformed).refusal(),
        Some(Refusal::Malformed(Malformed::RequestMethod))
    );
}

#[test]
fn hosts_with_underscores_and_final_dots_match_exactly() {
    let policy = built(PolicyBuilder::new().allow_origins([
        "http://ex_am-ple.com:3999",
        "https://example.com.",
        "https://*.example.org",
        "https://*.example.net.",
    ]));
    for allowed in [
        "http://ex_am-ple.com:3999",
        "https://example.com.",
        "https://a_b.example.org",
        "https://_x.y.example.org",
        "https://a.example.net.",
    ] {
        assert!(policy.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in [
        "http://ex_am-ple.com",
        "http://ex-am-ple.com:3999",
        // A fully qualified name and the same name without its dot are two origins.
        "https://example.com",
        "https://example.com..",
        "https://a.example.org.",
        "https://a.example.net",
        "https://example.net.",
        "https://a$b.example.org",
        "https://A_b.example.org",
    ] {
        assert!(!policy.allows_origin(refused.as_bytes()), "{refused}");
    }
}

#[test]
fn any_header_works_with_credentials_and_can_cover_authorization() {
    let star = built(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_any_header()
            .allow_credentials(),
    );
    let request = preflight(
        b"https://app.example.com",
        b"GET",
        Some(b"x-api-key,x-trace"),
    );
    let decision = star.evaluate(&request);
    assert_eq!(decision.preflight_status(), Some(204));
    // The names asked for, never a literal `*` (read as a header named `*` with credentials).
    assert_eq!(
        decision.header(ResponseHeader::AllowHeaders),
        Some(Value::RequestHeaders(b"x-api-key,x-trace"))
    );
    let authorization = preflight(b"https://app.example.com", b"GET", Some(b"authorization"));
    assert_eq!(
        star.evaluate(&authorization).refusal(),
        Some(Refusal::HeaderNotAllowed("authorization"))
    );
    let everything = built(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_headers(["*", "authorization"])
            .allow_credentials(),
    );
    let both = preflight(
        b"https://app.example.com",
        b"GET",
        Some(b"Authorization, x-api-key"),
    );
    let decision = everything.evaluate(&both);
    assert_eq!(decision.preflight_status(), Some(204));
    assert_eq!(
        decision.header(ResponseHeader::AllowHeaders),
        Some(Value::RequestHeaders(b"Authorization, x-api-key"))
    );
    // The same spelling through the builder's two calls.
    let same = built(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_any_header()
            .allow_headers(["authorization"]),
    );
    assert_eq!(same.evaluate(&both).preflight_status(), Some(204));
}

/// The matcher's bounds, on every path that matches an origin (an actual request, a preflight,
/// and the forged-write check of an unsafe method), for exact entries and patterns alike: what
/// the word-at-a-time byte check and the exact table's hash must never let through.
#[test]
fn the_matcher_never_accepts_more() {
    let policy = built(
        PolicyBuilder::new()
            .allow_origins(["https://example.com", "https://*.example.org"])
            .allow_methods(["PUT"])
            .allow_credentials(),
    );
    let refused: &[&[u8]] = &[
        b"https://example.com.evil.com",
        b"https://a.example.org.evil.com",
        b"https://evil.com/https://example.com",
        b"null",
        b"http://example.com",
        b"http://a.example.org",
        b"https://example.com/",
        b"https://example.co",
        b"https://example.comm",
        b"HTTPS://EXAMPLE.COM",
        "https://\u{e9}xample.com".as_bytes(),
        "https://\u{e9}.example.org".as_bytes(),
        b"https://exampl\xe5.com",
        b"https://a\x80.example.org",
        b"https://example.com\x00",
        b"https://a b.example.org",
        b"https://a\x7f.example.org",
    ];
    for &origin in refused {
        let shown = String::from_utf8_lossy(origin);
        let get = simple(Header::One(origin));
        assert!(!policy.evaluate(&get).is_allowed(), "GET {shown}");
        let ask = preflight(origin, b"PUT", None);
        assert_eq!(
            policy.evaluate(&ask).preflight_status(),
            Some(403),
            "{shown}"
        );
        let write = CorsRequest {
            sec_fetch_site: Header::One(b"cross-site"),
            ..actual(b"POST", Header::One(origin))
        };
        let decision = policy.evaluate(&write);
        assert!(decision.is_blocked(), "POST {shown}");
        assert!(!decision.is_allowed(), "POST {shown}");
    }
    for origin in [&b"https://example.com"[..], b"https://a.example.org"] {
        assert!(policy.evaluate(&simple(Header::One(origin))).is_allowed());
        let ask = preflight(origin, b"PUT", None);
        assert_eq!(policy.evaluate(&ask).preflight_status(), Some(204));
    }
    // A non-ASCII byte is malformed, not merely unlisted, wherever it sits in the value.
    for at in 0..b"https://a.example.org".len() {
        let mut origin = b"https://a.example.org".to_vec();
        origin[at] = 0xe9;
        assert_eq!(
            policy.evaluate(&simple(Header::One(&origin))).refusal(),
            Some(Refusal::Malformed(Malformed::Origin)),
            "{at}"
        );
    }
}

/// An origin a pattern matches is answered without its bytes being read again (they are the
/// pattern's own, label bytes or port digits): so no pattern, of any kind, may match an origin
/// with any byte that is not visible ASCII, wherever it sits, on any path.
#[test]
fn no_pattern_matches_a_byte_no_browser_sends() {
    let policy = built(
        PolicyBuilder::new()
            .allow_origins([
                "https://*.example.org",
                "http://localhost:*",
                "https://*.example.net:8443",
                "http://*.dev.example.com:*",
            ])
            .allow_methods(["PUT"]),
    );
    let allowed: &[&[u8]] = &[
        b"https://a.example.org",
        b"https://a-b_c.d.example.org",
        b"http://localhost:3000",
        b"http://localhost",
        b"https://x.example.net:8443",
        b"http://a.b.dev.example.com:9",
    ];
    let unsent = (0..=0x20u8).chain(0x7f..=0xff);
    let unsent: Vec<u8> = unsent.collect();
    for &origin in allowed {
        let shown = String::from_utf8_lossy(origin);
        assert!(
            policy.evaluate(&simple(Header::One(origin))).is_allowed(),
            "{shown}"
        );
        for at in 0..=origin.len() {
            for &byte in &unsent {
                // Each byte in place of the one at `at`, and inserted before it.
                for replace in [true, false] {
                    let mut bad = origin.to_vec();
                    if replace && at < origin.len() {
                        bad[at] = byte;
                    } else {
                        bad.insert(at, byte);
                    }
                    let get = policy.evaluate(&simple(Header::One(&bad)));
                    assert_eq!(
                        get.refusal(),
                        Some(Refusal::Malformed(Malformed::Origin)),
                        "{shown} {at} {byte:#x} {replace}"
                    );
                    let ask = preflight(&bad, b"PUT", None);
                    assert_eq!(policy.evaluate(&ask).preflight_status(), Some(403));
                }
            }
        }
    }
}
