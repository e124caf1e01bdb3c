//! `CorsLayer` in process, over a counting inner service whose futures are ready at once.
#![cfg(feature = "tower")]

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use checked_cors::{CorsLayer, CorsPolicy, Policy, PolicyBuilder};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

struct Api;

impl CorsPolicy for Api {
    fn policy() -> &'static Policy<'static> {
        static POLICY: std::sync::OnceLock<Policy<'static>> = std::sync::OnceLock::new();
        POLICY.get_or_init(|| {
            PolicyBuilder::new()
                .allow_origins(["https://app.example.com", "https://*.example.com"])
                .allow_methods(["GET", "PUT"])
                .allow_headers(["x-api-key"])
                .expose_headers(["x-request-id"])
                .allow_credentials()
                .build()
                .unwrap()
        })
    }
}

/// A handler that counts its calls and sets its own `Vary` and a body.
#[derive(Clone, Default)]
struct Handler {
    calls: Arc<AtomicUsize>,
}

impl Service<Request<String>> for Handler {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<String>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut response = Response::new(format!("echo: {}", request.body()));
        response
            .headers_mut()
            .insert("vary", HeaderValue::from_static("accept-encoding"));
        std::future::ready(Ok(response))
    }
}

fn send(handler: &Handler, request: Request<String>) -> Response<String> {
    let mut service = CorsLayer::<Api>::new().layer(handler.clone());
    let mut future = pin!(service.call(request));
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the inner service is always ready"),
    }
}

fn request(method: Method, headers: &[(&'static str, &'static str)]) -> Request<String> {
    let mut request = Request::builder()
        .method(method)
        .uri("/api")
        .body("body".to_owned())
        .unwrap();
    for (name, value) in headers {
        request
            .headers_mut()
            .append(*name, HeaderValue::from_static(value));
    }
    request
}

fn values<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

#[test]
fn actual_requests_are_decorated_and_vary_is_merged() {
    let handler = Handler::default();
    let response = send(
        &handler,
        request(Method::GET, &[("origin", "https://api.example.com")]),
    );
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.body(), "echo: body");
    let headers = response.headers();
    assert_eq!(
        values(headers, "access-control-allow-origin"),
        ["https://api.example.com"]
    );
    assert_eq!(
        values(headers, "access-control-allow-credentials"),
        ["true"]
    );
    assert_eq!(
        values(headers, "access-control-expose-headers"),
        ["x-request-id"]
    );
    assert_eq!(values(headers, "vary"), ["accept-encoding", "origin"]);
}

#[test]
fn refused_origins_still_reach_the_handler_without_cors_headers() {
    let handler = Handler::default();
    let response = send(
        &handler,
        request(Method::GET, &[("origin", "https://example.com.evil.com")]),
    );
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.status(), StatusCode::OK);
    let cors: Vec<_> = response
        .headers()
        .keys()
        .filter(|k| k.as_str().starts_with("access-control-"))
        .collect();
    assert!(cors.is_empty(), "{cors:?}");
    assert_eq!(
        values(response.headers(), "vary"),
        ["accept-encoding", "origin"]
    );
}

#[test]
fn preflights_never_reach_the_handler() {
    let handler = Handler::default();
    let allowed = send(
        &handler,
        request(
            Method::OPTIONS,
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "x-api-key"),
            ],
        ),
    );
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    assert_eq!(allowed.body(), "");
    assert_eq!(
        values(allowed.headers(), "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(
        values(allowed.headers(), "access-control-allow-methods"),
        ["GET, PUT"]
    );
    assert_eq!(
        values(allowed.headers(), "access-control-allow-headers"),
        ["x-api-key"]
    );
    let refused = send(
        &handler,
        request(
            Method::OPTIONS,
            &[
                ("origin", "https://app.example.com"),
                ("access-control-request-method", "DELETE"),
            ],
        ),
    );
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
    assert_eq!(handler.calls.load(Ordering::SeqCst), 0);
    // Two `Origin` headers: malformed, refused, and still not the handler's business.
    let doubled = send(
        &handler,
        request(
            Method::OPTIONS,
            &[
                ("origin", "https://app.example.com"),
                ("origin", "https://evil.com"),
                ("access-control-request-method", "GET"),
            ],
        ),
    );
    assert_eq!(doubled.status(), StatusCode::FORBIDDEN);
    assert_eq!(handler.calls.load(Ordering::SeqCst), 0);
}

#[test]
fn refusals_are_reported() {
    static REPORTED: AtomicUsize = AtomicUsize::new(0);
    fn report(refusal: &checked_cors::Refusal<'_>, parts: &http::request::Parts) {
        assert_eq!(refusal.to_string(), "method DELETE not allowed");
        assert_eq!(parts.method, Method::OPTIONS);
        REPORTED.fetch_add(1, Ordering::SeqCst);
    }
    let mut service = CorsLayer::<Api>::new()
        .on_refusal(report)
        .layer(Handler::default());
    let request = request(
        Method::OPTIONS,
        &[
            ("origin", "https://app.example.com"),
            ("access-control-request-method", "DELETE"),
        ],
    );
    let future = pin!(service.call(request));
    assert!(future
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_ready());
    assert_eq!(REPORTED.load(Ordering::SeqCst), 1);
}

/// Any origin, any header, Private Network Access: the preflight answers that echo the request.
struct Open;

impl CorsPolicy for Open {
    fn policy() -> &'static Policy<'static> {
        static POLICY: std::sync::OnceLock<Policy<'static>> = std::sync::OnceLock::new();
        POLICY.get_or_init(|| {
            PolicyBuilder::new()
                .allow_any_origin()
                .allow_any_header()
                .allow_private_network()
                .max_age(60)
                .build()
                .unwrap()
        })
    }
}

fn send_open(request: Request<String>) -> Response<String> {
    let mut service = CorsLayer::<Open>::new().layer(Handler::default());
    let mut future = pin!(service.call(request));
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the inner service is always ready"),
    }
}

#[test]
fn preflight_answers_echo_what_the_policy_leaves_open() {
    let origin = ("origin", "https://anyone.example");
    let asked = ("access-control-request-method", "GET");
    // Echoed header list, from the prepared answer.
    let response = send_open(request(
        Method::OPTIONS,
        &[
            origin,
            asked,
            ("access-control-request-headers", "x-a, x-b"),
        ],
    ));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let headers = response.headers();
    assert_eq!(values(headers, "access-control-allow-origin"), ["*"]);
    assert_eq!(
        values(headers, "access-control-allow-headers"),
        ["x-a, x-b"]
    );
    assert_eq!(
        values(headers, "access-control-allow-methods"),
        ["GET, HEAD, POST"]
    );
    assert_eq!(values(headers, "access-control-max-age"), ["60"]);
    assert!(headers.get("access-control-allow-credentials").is_none());
    assert!(headers
        .get("access-control-allow-private-network")
        .is_none());
    // Nothing asked: no Allow-Headers.
    let response = send_open(request(Method::OPTIONS, &[origin, asked]));
    assert!(response
        .headers()
        .get("access-control-allow-headers")
        .is_none());
    assert_eq!(
        values(response.headers(), "access-control-allow-origin"),
        ["*"]
    );
    // A Private Network Access preflight, answered header by header.
    let response = send_open(request(
        Method::OPTIONS,
        &[
            origin,
            asked,
            ("access-control-request-headers", "x-a"),
            ("access-control-request-private-network", "true"),
        ],
    ));
    let headers = response.headers();
    assert_eq!(
        values(headers, "access-control-allow-private-network"),
        ["true"]
    );
    assert_eq!(values(headers, "access-control-allow-headers"), ["x-a"]);
    assert_eq!(values(headers, "access-control-allow-origin"), ["*"]);
    assert_eq!(headers.get_all("vary").iter().count(), 1);
}

/// `request` through a layer serving `policy`.
fn send_to(policy: PolicyBuilder, request: Request<String>) -> (Response<String>, usize) {
    let handler = Handler::default();
    let mut service = CorsLayer::from_policy(policy.build().unwrap()).layer(handler.clone());
    let mut future = pin!(service.call(request));
    let response = match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the inner service is always ready"),
    };
    (response, handler.calls.load(Ordering::SeqCst))
}

fn app() -> PolicyBuilder {
    PolicyBuilder::new().allow_origins(["https://app.example.com"])
}

fn ask(method: &'static str, headers: Option<&'static str>) -> Request<String> {
    let mut fields = vec![
        ("origin", "https://app.example.com"),
        ("access-control-request-method", method),
    ];
    fields.extend(headers.map(|h| ("access-control-request-headers", h)));
    request(Method::OPTIONS, &fields)
}

#[test]
fn any_method_through_the_layer() {
    let (response, calls) = send_to(app().allow_any_method(), ask("PURGE", None));
    assert_eq!((response.status(), calls), (StatusCode::NO_CONTENT, 0));
    assert_eq!(
        values(response.headers(), "access-control-allow-methods"),
        ["*"]
    );
    let (response, _) = send_to(
        app().allow_any_method().allow_credentials(),
        ask("PURGE", None),
    );
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        values(response.headers(), "access-control-allow-methods"),
        ["PURGE"]
    );
    assert_eq!(
        values(response.headers(), "access-control-allow-credentials"),
        ["true"]
    );
}

#[test]
fn any_origin_decorates_requests_without_origin() {
    let any = || {
        PolicyBuilder::new()
            .allow_any_origin()
            .expose_headers(["x-request-id"])
    };
    let (response, calls) = send_to(any(), request(Method::GET, &[]));
    assert_eq!((response.status(), calls), (StatusCode::OK, 1));
    let headers = response.headers();
    assert_eq!(values(headers, "access-control-allow-origin"), ["*"]);
    assert_eq!(
        values(headers, "access-control-expose-headers"),
        ["x-request-id"]
    );
    // The handler's `Vary` is kept, and nothing is added: the answer depends on no header.
    assert_eq!(values(headers, "vary"), ["accept-encoding"]);
    // A listing policy still answers a request without `Origin` with no CORS header.
    let (response, _) = send_to(app(), request(Method::GET, &[]));
    assert_eq!(
        values(response.headers(), "access-control-allow-origin"),
        [""; 0]
    );
    assert_eq!(
        values(response.headers(), "vary"),
        ["accept-encoding", "origin"]
    );
}

#[test]
fn safelisted_methods_pass_a_method_list_through_the_layer() {
    let policy = || app().allow_methods(["PUT"]).allow_headers(["x-api-key"]);
    let (response, calls) = send_to(policy(), ask("GET", Some("x-api-key")));
    assert_eq!((response.status(), calls), (StatusCode::NO_CONTENT, 0));
    assert_eq!(
        values(response.headers(), "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(
        values(response.headers(), "access-control-allow-methods"),
        ["PUT"]
    );
    let (response, _) = send_to(policy(), ask("DELETE", Some("x-api-key")));
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[test]
fn exact_hosts_with_underscores_and_final_dots_through_the_layer() {
    let policy = || {
        PolicyBuilder::new().allow_origins(["http://ex_am-ple.com:3999", "https://example.com."])
    };
    for (origin, allowed) in [
        ("http://ex_am-ple.com:3999", true),
        ("https://example.com.", true),
        ("https://example.com", false),
    ] {
        let (response, _) = send_to(policy(), request(Method::GET, &[("origin", origin)]));
        let expected: &[&str] = if allowed { &[origin] } else { &[] };
        assert_eq!(
            values(response.headers(), "access-control-allow-origin"),
            expected,
            "{origin}"
        );
    }
}

#[test]
fn any_header_with_credentials_through_the_layer() {
    let (response, _) = send_to(
        app().allow_any_header().allow_credentials(),
        ask("GET", Some("x-api-key,x-trace")),
    );
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        values(response.headers(), "access-control-allow-headers"),
        ["x-api-key,x-trace"]
    );
    let (response, _) = send_to(
        app().allow_any_header().allow_credentials(),
        ask("GET", Some("authorization")),
    );
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (response, _) = send_to(
        app()
            .allow_headers(["*", "authorization"])
            .allow_credentials(),
        ask("GET", Some("authorization,x-api-key")),
    );
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        values(response.headers(), "access-control-allow-headers"),
        ["authorization,x-api-key"]
    );
}

/// The layer answers `GET` and `HEAD` on a path of its own (the origin alone decides them): it
/// must give exactly the headers and refusals that `Policy::evaluate` and `Decoration` give, for
/// every kind of origin list and every kind of origin, allowed, refused or malformed.
#[test]
fn safe_requests_get_what_the_evaluation_gives() {
    use checked_cors::http::{read_request, Decoration, PreparedPolicy};
    let policies = [
        PolicyBuilder::new()
            .allow_origins(["https://example.com", "https://*.example.org"])
            .expose_headers(["x-request-id", "x-b"])
            .allow_credentials(),
        PolicyBuilder::new()
            .allow_origins(["https://example.com", "http://localhost:*"])
            .dangerously_allow_null_origin(),
        PolicyBuilder::new()
            .allow_origins(["https://*.example.org:8443"])
            .expose_any_header(),
        PolicyBuilder::new().allow_any_origin(),
    ];
    let origins: &[&[u8]] = &[
        b"https://example.com",
        b"https://a.example.org",
        b"https://a.b.example.org",
        b"https://a.example.org:8443",
        b"http://localhost:3000",
        b"http://localhost:0",
        b"null",
        b"https://example.com.evil.com",
        b"https://a.example.org.evil.com",
        b"https://evil.com/https://example.com",
        b"http://example.com",
        b"https://example.com/",
        b"https://example.comm",
        b"HTTPS://EXAMPLE.COM",
        b"https://A.example.org",
        b"https://exampl\xe5.com",
        b"https://a\x80.example.org",
        b"https://a b.example.org",
        b"https://a\x7f.example.org",
        b"https://.example.org",
        b"",
    ];
    let long = format!("https://{}.example.org", "a".repeat(600));
    for (at, builder) in policies.into_iter().enumerate() {
        let policy = builder.build().unwrap();
        let prepared = PreparedPolicy::from_owned(policy.clone());
        let refusals = Arc::new(AtomicUsize::new(0));
        let counted = refusals.clone();
        let mut service = CorsLayer::from_policy(policy)
            .on_refusal(move |_, _| {
                counted.fetch_add(1, Ordering::SeqCst);
            })
            .layer(Handler::default());
        let mut cases: Vec<Vec<Option<&[u8]>>> = vec![vec![]];
        // (`http` takes no DEL in a header value: such an origin cannot reach the layer.)
        cases.extend(
            origins
                .iter()
                .filter(|origin| HeaderValue::from_bytes(origin).is_ok())
                .map(|origin| vec![Some(*origin)]),
        );
        cases.push(vec![Some(long.as_bytes())]);
        cases.push(vec![
            Some(b"https://example.com"),
            Some(b"https://example.com"),
        ]);
        for method in [Method::GET, Method::HEAD, Method::POST, Method::OPTIONS] {
            for case in &cases {
                let mut request = Request::builder().method(method.clone());
                for origin in case.iter().flatten() {
                    request = request.header("origin", HeaderValue::from_bytes(origin).unwrap());
                }
                let request = request.body(String::new()).unwrap();
                let headers = request.headers().clone();
                let decision = prepared.policy().evaluate(&read_request(&method, &headers));
                if decision.status().is_some() {
                    // Answered by the layer itself: other tests' concern.
                    continue;
                }
                let mut expected = HeaderMap::new();
                expected.insert("vary", HeaderValue::from_static("accept-encoding"));
                Decoration::new(&prepared, &decision, &headers).apply(&mut expected);
                let before = refusals.load(Ordering::SeqCst);
                let response = ready_now(service.call(request)).unwrap();
                let shown = format!("policy {at}, {method} {case:?}");
                assert_eq!(response.headers(), &expected, "{shown}");
                let refused = refusals.load(Ordering::SeqCst) - before;
                assert_eq!(
                    refused,
                    usize::from(decision.refusal().is_some()),
                    "{shown}"
                );
            }
        }
    }
}

/// The layer answers most preflights on a path of its own, from its templates: it must give
/// exactly the status and headers that `Policy::evaluate` and `http::answer` give, for every
/// kind of origin, requested method, requested header list and private-network request,
/// allowed, refused or malformed, with a refusal hook and without (a reported refusal takes the
/// whole evaluation, an unreported one does not).
#[test]
fn preflights_get_what_the_evaluation_gives() {
    use checked_cors::http::{answer, read_request, PreparedPolicy};
    let policies = [
        PolicyBuilder::new()
            .allow_origins(["https://example.com", "https://*.example.org"])
            .allow_methods(["PUT", "DELETE"])
            .allow_headers(["content-type", "x-api-key"])
            .allow_credentials()
            .max_age(600),
        PolicyBuilder::new()
            .allow_origins(["https://example.com", "http://localhost:*"])
            .dangerously_allow_null_origin()
            .allow_any_method()
            .allow_any_header()
            .allow_credentials(),
        PolicyBuilder::new()
            .allow_origins(["https://*.example.org:8443"])
            .allow_any_method()
            .allow_headers(["*", "authorization"])
            .allow_private_network(),
        PolicyBuilder::new()
            .allow_any_origin()
            .allow_methods(["PUT"]),
    ];
    let origins: &[&[u8]] = &[
        b"https://example.com",
        b"https://a.example.org",
        b"https://a.example.org:8443",
        b"http://localhost:3000",
        b"null",
        b"https://example.com.evil.com",
        b"http://example.com",
        b"https://example.com/",
        b"HTTPS://EXAMPLE.COM",
        b"https://exampl\xe5.com",
        b"",
    ];
    let methods: &[&[u8]] = &[
        b"PUT", b"GET", b"DELETE", b"PATCH", b"put", b"*", b"", b"P UT",
    ];
    let lists: &[&[u8]] = &[
        b"content-type",
        b"X-API-Key, content-type",
        b"x-foo",
        b"authorization",
        b"a b",
        b",,",
        b"x-\xe9",
        b"",
    ];
    let private_network: &[&[u8]] = &[b"true", b"false"];
    // Each header absent, once, or (with the first value twice) several times.
    fn variants<'a>(values: &'a [&'a [u8]]) -> Vec<Vec<&'a [u8]>> {
        let mut variants = vec![vec![]];
        variants.extend(values.iter().map(|value| vec![*value]));
        variants.push(vec![values[0], values[0]]);
        variants
    }
    let (origins, methods) = (variants(origins), variants(methods));
    let (lists, private_network) = (variants(lists), variants(private_network));
    for (at, builder) in policies.into_iter().enumerate() {
        let policy = builder.build().unwrap();
        let prepared = PreparedPolicy::from_owned(policy.clone());
        let handler = Handler::default();
        let mut plain = CorsLayer::from_policy(policy.clone()).layer(handler.clone());
        let mut hooked = CorsLayer::from_policy(policy)
            .on_refusal(|_, _| {})
            .layer(handler.clone());
        let mut checked = 0;
        for origin in &origins {
            for method in &methods {
                for list in &lists {
                    for private in &private_network {
                        let mut request = Request::builder().method(Method::OPTIONS);
                        for (name, values) in [
                            ("origin", origin),
                            ("access-control-request-method", method),
                            ("access-control-request-headers", list),
                            ("access-control-request-private-network", private),
                        ] {
                            for value in values {
                                request =
                                    request.header(name, HeaderValue::from_bytes(value).unwrap());
                            }
                        }
                        let request = request.body(String::new()).unwrap();
                        let headers = request.headers().clone();
                        let decision = prepared
                            .policy()
                            .evaluate(&read_request(&Method::OPTIONS, &headers));
                        let Some(expected) = answer::<String>(&prepared, &decision, &headers)
                        else {
                            // Not a preflight: handled by the handler, other tests' concern.
                            continue;
                        };
                        let shown =
                            format!("policy {at}, {origin:?} {method:?} {list:?} {private:?}");
                        for service in [&mut plain, &mut hooked] {
                            let response =
                                ready_now(service.call(request_clone(&request))).unwrap();
                            assert_eq!(response.status(), expected.status(), "{shown}");
                            assert_eq!(response.headers(), expected.headers(), "{shown}");
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "policy {at}: {checked} preflights");
        assert_eq!(handler.calls.load(Ordering::SeqCst), 0, "policy {at}");
    }
}

fn request_clone(request: &Request<String>) -> Request<String> {
    let mut clone = Request::new(request.body().clone());
    *clone.method_mut() = request.method().clone();
    *clone.uri_mut() = request.uri().clone();
    *clone.headers_mut() = request.headers().clone();
    clone
}

fn ready_now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future is not ready at once"),
    }
}
