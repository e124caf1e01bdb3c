//! The exact text of explanations, and their agreement with `Policy::evaluate`.

use std::string::ToString;

use std::sync::OnceLock;

use crate::{CorsRequest, Header, Policy, PolicyBuilder};

/// `origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"]`,
/// `methods = [GET, POST, PUT]`, `headers = ["content-type", "x-api-key"]`,
/// `expose = ["x-request-id"]`, `credentials`, `max_age = 600`.
fn listed() -> &'static Policy<'static> {
    static POLICY: OnceLock<Policy<'static>> = OnceLock::new();
    POLICY.get_or_init(|| {
        PolicyBuilder::new()
            .allow_origins([
                "https://app.example.com",
                "https://*.example.com",
                "http://localhost:*",
            ])
            .allow_methods(["GET", "POST", "PUT"])
            .allow_headers(["content-type", "x-api-key"])
            .expose_headers(["x-request-id"])
            .allow_credentials()
            .max_age(600)
            .build()
            .unwrap()
    })
}

/// `origins = "*"`, `headers = "*"`, `private_network`.
fn any() -> &'static Policy<'static> {
    static POLICY: OnceLock<Policy<'static>> = OnceLock::new();
    POLICY.get_or_init(|| {
        PolicyBuilder::new()
            .allow_any_origin()
            .allow_any_header()
            .allow_private_network()
            .build()
            .unwrap()
    })
}

fn preflight<'r>(origin: &'r [u8], method: &'r [u8], headers: Option<&'r [u8]>) -> CorsRequest<'r> {
    CorsRequest {
        method: b"OPTIONS",
        origin: Header::One(origin),
        request_method: Header::One(method),
        request_headers: Header::from_option(headers),
        request_private_network: Header::Absent,
        ..CorsRequest::default()
    }
}

fn actual<'r>(method: &'r [u8], origin: Header<'r>) -> CorsRequest<'r> {
    CorsRequest {
        method,
        origin,
        ..CorsRequest::default()
    }
}

fn explain(policy: &Policy<'_>, request: &CorsRequest<'_>) -> std::string::String {
    policy.explain(request).to_string()
}

#[test]
fn an_allowed_preflight_through_a_pattern() {
    let request = preflight(
        b"https://shop.example.com",
        b"PUT",
        Some(b"content-type, X-Api-Key"),
    );
    assert_eq!(
        explain(listed(), &request),
        "\
request: OPTIONS, origin `https://shop.example.com`, access-control-request-method `PUT`, access-control-request-headers `content-type, X-Api-Key`
kind: preflight (`OPTIONS` with `origin` and `access-control-request-method`)
origin: `https://shop.example.com` is allowed: it matches the pattern `https://*.example.com`
method: `PUT` is allowed (the policy allows GET, POST, PUT)
header `content-type`: allowed (the policy allows content-type, x-api-key)
header `X-Api-Key`: allowed (the policy allows content-type, x-api-key)
credentials: allowed (`access-control-allow-credentials: true`)
response headers:
  access-control-allow-origin: https://shop.example.com
  access-control-allow-credentials: true
  access-control-allow-methods: GET, POST, PUT
  access-control-allow-headers: content-type, x-api-key
  access-control-max-age: 600
  vary: origin, access-control-request-method, access-control-request-headers
verdict: allowed: the preflight is answered with 204 No Content, without calling the handler"
    );
}

#[test]
fn a_refused_method_names_the_case_mismatch_and_stops_the_checks() {
    let request = preflight(b"http://localhost:5173", b"put", Some(b"x-api-key,cookie"));
    assert_eq!(
        explain(listed(), &request),
        "\
request: OPTIONS, origin `http://localhost:5173`, access-control-request-method `put`, access-control-request-headers `x-api-key,cookie`
kind: preflight (`OPTIONS` with `origin` and `access-control-request-method`)
origin: `http://localhost:5173` is allowed: it matches the pattern `http://localhost:*`
method: `put` is not allowed (the policy allows GET, POST, PUT); methods are case-sensitive, and the policy allows `PUT`
header `x-api-key`: not checked
header `cookie`: not checked
credentials: allowed (`access-control-allow-credentials: true`)
response headers:
  vary: origin, access-control-request-method, access-control-request-headers
verdict: refused (method put not allowed): the preflight is answered with 403 Forbidden and no CORS headers"
    );
}

#[test]
fn an_allowed_actual_request_from_a_listed_origin() {
    let request = actual(b"GET", Header::One(b"https://app.example.com"));
    assert_eq!(
        explain(listed(), &request),
        "\
request: GET, origin `https://app.example.com`
kind: actual request, cross-origin (it has an `origin`)
origin: `https://app.example.com` is allowed: it is listed
method: `GET` is not checked on an actual request (a preflight checks it when one is needed)
credentials: allowed (`access-control-allow-credentials: true`)
response headers:
  access-control-allow-origin: https://app.example.com
  access-control-allow-credentials: true
  access-control-expose-headers: x-request-id
  vary: origin
verdict: allowed: the handler runs and its response gets the headers above"
    );
}

#[test]
fn a_refused_origin_says_why_nothing_matched() {
    let request = actual(b"GET", Header::One(b"https://example.com.evil.com"));
    assert_eq!(
        explain(listed(), &request),
        "\
request: GET, origin `https://example.com.evil.com`
kind: actual request, cross-origin (it has an `origin`)
origin: `https://example.com.evil.com` is not allowed: it is neither listed nor matched by a pattern
method: `GET` is not checked on an actual request (a preflight checks it when one is needed)
credentials: allowed (`access-control-allow-credentials: true`)
response headers:
  vary: origin
verdict: refused (origin not allowed): the handler runs, but without CORS headers the browser hides the response from the script"
    );
    // An origin no browser would send gets the rule it breaks.
    let typo = explain(
        listed(),
        &actual(b"GET", Header::One(b"https://app.example.com/")),
    );
    assert!(
        typo.contains(
            "nor matched by a pattern; besides, an origin has no trailing `/`, so this one would never match\n"
        ),
        "{typo}"
    );
}

#[test]
fn a_forged_write_says_it_is_refused_before_the_handler() {
    let request = CorsRequest {
        method: b"POST",
        origin: Header::One(b"https://evil.example"),
        sec_fetch_site: Header::One(b"cross-site"),
        host: Header::One(b"api.example.com"),
        ..CorsRequest::default()
    };
    assert_eq!(
        explain(listed(), &request),
        "\
request: POST, origin `https://evil.example`, sec-fetch-site `cross-site`, host `api.example.com`
kind: actual request, cross-origin (it has an `origin`)
origin: `https://evil.example` is not allowed: it is neither listed nor matched by a pattern
method: `POST` is not checked on an actual request (a preflight checks it when one is needed)
write: `POST` can change state, the browser marks it cross-origin (`sec-fetch-site: cross-site`), and the policy neither allows nor trusts its origin for writes: a page on another site may have forged it
credentials: allowed (`access-control-allow-credentials: true`)
response headers:
  vary: origin
verdict: refused (cross-origin write from an unlisted origin): answered with 403 Forbidden before the handler runs"
    );
    let listed_write = CorsRequest {
        origin: Header::One(b"https://app.example.com"),
        ..request
    };
    assert!(explain(listed(), &listed_write)
        .contains("\nwrite: `POST` can change state, and is not a forged cross-origin write"));
}

#[test]
fn null_long_and_malformed_origins() {
    let null = explain(listed(), &actual(b"GET", Header::One(b"null")));
    assert!(
        null.contains("\norigin: `null` is not allowed: sandboxed pages and `file:` documents send it, and so can anyone\n"),
        "{null}"
    );
    let long = std::format!("https://{}.example.com", "a".repeat(600));
    let long = explain(listed(), &actual(b"GET", Header::One(long.as_bytes())));
    assert!(
        long.contains("is not allowed: it is longer than 512 bytes, which no browser sends\n"),
        "{long}"
    );
    let control = explain(
        listed(),
        &actual(b"GET", Header::One(b"https://a.example.com\r\nx: y")),
    );
    assert!(
        control.starts_with("request: GET, origin `https://a.example.com\\r\\nx: y`\n"),
        "{control}"
    );
    assert!(
        control.contains("\norigin: `https://a.example.com\\r\\nx: y` is malformed: serialized origins are visible ASCII\n"),
        "{control}"
    );
    assert!(
        control.ends_with("verdict: refused (malformed request: `Origin` is not a serialized origin): the handler runs, but without CORS headers the browser hides the response from the script"),
        "{control}"
    );
    let several = explain(listed(), &actual(b"GET", Header::Many));
    assert_eq!(
        several,
        "\
request: GET, several `origin` headers
kind: malformed (several `origin` headers)
response headers:
  vary: origin
verdict: refused (malformed request: several `Origin` headers): the handler runs, but without CORS headers the browser hides the response from the script"
    );
}

#[test]
fn not_a_cors_request() {
    assert_eq!(
        explain(any(), &actual(b"GET", Header::Absent)),
        "\
request: GET
kind: not a CORS request (no `origin`)
response headers:
  access-control-allow-origin: *
verdict: not a CORS request: the handler answers as usual, with `access-control-allow-origin: *`, as on every response of a policy allowing any origin (so that a cached copy passes a later CORS check)"
    );
    let options = CorsRequest {
        method: b"OPTIONS",
        origin: Header::One(b"https://a.example"),
        ..CorsRequest::default()
    };
    assert!(explain(any(), &options).contains(
        "\nkind: actual request (`OPTIONS` without `access-control-request-method` is not a preflight)\n"
    ));
}

#[test]
fn wildcard_headers_never_cover_authorization() {
    let mut request = preflight(
        b"https://a.example",
        b"POST",
        Some(b"x-trace, authorization"),
    );
    request.request_private_network = Header::One(b"true");
    assert_eq!(
        explain(any(), &request),
        "\
request: OPTIONS, origin `https://a.example`, access-control-request-method `POST`, access-control-request-headers `x-trace, authorization`, access-control-request-private-network `true`
kind: preflight (`OPTIONS` with `origin` and `access-control-request-method`)
origin: `https://a.example` is allowed: the policy allows any origin (answered with `*`)
method: `POST` is allowed (the policy allows GET, HEAD, POST)
header `x-trace`: allowed (any header)
header `authorization`: not allowed (`*` never covers `authorization`: list it)
private network: not checked
credentials: not allowed: requests with cookies or HTTP authentication cannot read responses
response headers:
  vary: access-control-request-method, access-control-request-headers, access-control-request-private-network
verdict: refused (header authorization not allowed): the preflight is answered with 403 Forbidden and no CORS headers"
    );
}

#[test]
fn unchecked_headers_are_listed_up_to_a_malformed_one() {
    let request = preflight(
        b"http://localhost:5173",
        b"put",
        Some(b"x-api-key, a b, cookie"),
    );
    let text = explain(listed(), &request);
    assert!(
        text.contains("\nheader `x-api-key`: not checked\ncredentials:"),
        "{text}"
    );
}

#[test]
fn malformed_request_headers_and_private_network() {
    let mut request = preflight(b"https://app.example.com", b"GET", Some(b"a b"));
    let text = explain(listed(), &request);
    assert!(
        text.contains("\nheaders: malformed: `access-control-request-headers` is not a list of header names\n"),
        "{text}"
    );
    let flood = ",".repeat(100);
    request.request_headers = Header::One(flood.as_bytes());
    let text = explain(listed(), &request);
    assert!(
        text.contains(
            "\nheaders: malformed: `access-control-request-headers` lists more than 64 names\n"
        ),
        "{text}"
    );
    request.request_headers = Header::One(b" , ");
    request.request_private_network = Header::One(b"true");
    let text = explain(listed(), &request);
    assert!(text.contains("\nheaders: none asked\n"), "{text}");
    assert!(
        text.contains("\nprivate network: not allowed (the policy has no `private_network`)\n"),
        "{text}"
    );
    assert!(text.ends_with(
        "verdict: refused (private network access not allowed): the preflight is answered with 403 Forbidden and no CORS headers"
    ));
}

/// The verdict line is the decision's, and the explanation names the refused method or header.
#[test]
fn explanations_agree_with_evaluate() {
    let origins: [&[u8]; 6] = [
        b"https://app.example.com",
        b"https://a.example.com",
        b"https://evil.com",
        b"null",
        b"http://localhost:3000",
        b"https://app.example.com/",
    ];
    let methods: [&[u8]; 4] = [b"GET", b"PUT", b"DELETE", b"put"];
    let headers: [Option<&[u8]>; 4] = [
        None,
        Some(b"content-type"),
        Some(b"x-other"),
        Some(b"authorization"),
    ];
    for policy in [&listed(), &any()] {
        for origin in origins {
            for method in methods {
                for header in headers {
                    for request in [
                        preflight(origin, method, header),
                        actual(method, Header::One(origin)),
                    ] {
                        let decision = policy.evaluate(&request);
                        let explanation = policy.explain(&request);
                        assert_eq!(explanation.decision(), decision);
                        let text = explanation.to_string();
                        let verdict = text.rsplit('\n').next().unwrap();
                        match decision.refusal() {
                            None => assert!(verdict.starts_with("verdict: allowed"), "{text}"),
                            Some(refusal) => {
                                let refused = std::format!("verdict: refused ({refusal})");
                                assert!(verdict.starts_with(&refused), "{text}");
                            }
                        }
                        if let Some(crate::Refusal::HeaderNotAllowed(name)) = decision.refusal() {
                            let line = std::format!("\nheader `{name}`: not allowed");
                            assert!(text.contains(&line), "{text}");
                        }
                        if let Some(crate::Refusal::MethodNotAllowed(name)) = decision.refusal() {
                            let line = std::format!("\nmethod: `{name}` is not allowed");
                            assert!(text.contains(&line), "{text}");
                        }
                    }
                }
            }
        }
    }
}
