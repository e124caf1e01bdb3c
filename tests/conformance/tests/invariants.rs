//! Invariants over generated policies (random valid `PolicyBuilder` configurations) and generated
//! requests, on `Policy::evaluate` and through `CorsLayer` with a counting inner service.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use checked_cors::{CorsLayer, CorsRequest, Header, Policy};
use cors_conformance::check::{against_model, invariants};
use cors_conformance::model::{Names, Origins, Spec};
use http::{HeaderMap, HeaderValue, Method, Response};
use proptest::prelude::*;
use tower_service::Service;

/// Entries a generated policy picks from: exact origins, every pattern kind, `null`.
const ORIGIN_POOL: &[&str] = &[
    "https://example.com",
    "https://*.example.com",
    "https://foo.com",
    "https://bar.com",
    "https://barfoo.com",
    "http://localhost:*",
    "http://localhost:3000",
    "https://app.example.org:8443",
    "https://*.example.org:*",
    "https://*.example.net:8443",
    "http://127.0.0.1:3000",
    "http://[::1]:*",
    "http://ex_am-ple.com:3999",
    "https://example.com.",
    "https://*.example.net.",
    "https://xn--bcher-kva.example",
    "http://intranet.example",
    "null",
];
const METHOD_POOL: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "PURGE"];
const HEADER_POOL: &[&str] = &["content-type", "x-api-key", "authorization", "X-Custom"];
const EXPOSE_POOL: &[&str] = &["x-request-id", "etag", "content-length"];

fn subset(pool: &'static [&'static str], min: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(pool, min..=pool.len())
        .prop_map(|items| items.into_iter().map(str::to_owned).collect())
}

fn names(pool: &'static [&'static str], any: bool) -> impl Strategy<Value = Names> {
    let list = subset(pool, 0).prop_map(Names::List);
    if any {
        prop_oneof![list, Just(Names::Any)].boxed()
    } else {
        list.boxed()
    }
}

/// Request headers: a list, `*` (with or without credentials: the runtime echoes the names), or
/// `["*", "authorization"]`.
fn request_headers() -> impl Strategy<Value = Names> {
    prop_oneof![
        4 => subset(HEADER_POOL, 0).prop_map(Names::List),
        1 => Just(Names::Any),
        1 => Just(Names::list(&["*", "authorization"])),
    ]
}

/// A valid policy: `*` only without credentials, as the rules demand.
fn spec() -> impl Strategy<Value = Spec> {
    any::<bool>().prop_flat_map(|credentials| {
        let origins = if credentials {
            subset(ORIGIN_POOL, 1).prop_map(Origins::List).boxed()
        } else {
            prop_oneof![
                3 => subset(ORIGIN_POOL, 1).prop_map(Origins::List),
                1 => Just(Origins::Any),
            ]
            .boxed()
        };
        (
            origins,
            prop_oneof![
                4 => subset(METHOD_POOL, 1).prop_map(Names::List),
                1 => Just(Names::Any),
            ],
            request_headers(),
            names(EXPOSE_POOL, !credentials),
            proptest::option::of(0u32..=86_400),
            any::<bool>(),
            (subset(WRITE_POOL, 0), any::<bool>()),
        )
            .prop_map(
                move |(origins, methods, headers, expose, max_age, private_network, writes)| Spec {
                    origins,
                    methods,
                    headers,
                    expose,
                    credentials,
                    max_age,
                    private_network,
                    write_origins: writes.0,
                    cross_origin_writes: writes.1,
                },
            )
    })
}

/// Header values worth sending: what browsers send, what they never send, and repeats.
fn header(values: &'static [&'static str]) -> impl Strategy<Value = Header<'static>> {
    prop_oneof![
        1 => Just(Header::Absent),
        1 => Just(Header::Many),
        6 => proptest::sample::select(values).prop_map(|v| Header::One(v.as_bytes())),
    ]
}

/// Origins trusted for writes only.
const WRITE_POOL: &[&str] = &[
    "https://idp.example.net",
    "https://*.partner.example",
    "https://evil.com",
];

const ORIGINS: &[&str] = &[
    "https://idp.example.net",
    "https://a.partner.example",
    "https://example.com",
    "https://a.example.com",
    "https://.example.com",
    "https://barfoo.com",
    "https://foo.com",
    "http://localhost:3000",
    "http://localhost:0",
    "https://a.example.org:8443",
    "https://a.example.net:8443",
    "http://[::1]:8080",
    "http://127.0.0.1:3000",
    "https://xn--bcher-kva.example",
    "http://intranet.example",
    "null",
    "https://evil.com",
    "https://example.com.evil.com",
    "https://example.com.",
    "https://a.example.com.",
    "https://a.example.net.",
    "https://a_b.example.com",
    "http://ex_am-ple.com:3999",
    "HTTPS://EXAMPLE.COM",
    "",
    "*",
];

fn request() -> impl Strategy<Value = CorsRequest<'static>> {
    (
        proptest::sample::select(&["GET", "OPTIONS", "POST", "PUT", "options"][..]),
        header(ORIGINS),
        header(&[
            "GET", "HEAD", "POST", "PUT", "PATCH", "patch", "PURGE", "TRACE", "", "G T", "*",
        ]),
        header(&[
            "content-type",
            "x-api-key,Content-Type",
            "authorization",
            "authorization,x-other",
            "x-other",
            "",
            " , ",
            "a b",
        ]),
        header(&["true", "false"]),
        header(&[
            "same-origin",
            "same-site",
            "cross-site",
            "none",
            "CROSS-SITE",
        ]),
        header(&[
            "example.com",
            "a.example.com",
            "localhost:3000",
            "idp.example.net",
        ]),
    )
        .prop_map(
            |(
                method,
                origin,
                request_method,
                request_headers,
                request_private_network,
                sec_fetch_site,
                host,
            )| CorsRequest {
                method: method.as_bytes(),
                origin,
                request_method,
                request_headers,
                request_private_network,
                sec_fetch_site,
                host,
            },
        )
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// Every generated policy builds, and every decision keeps the invariants and agrees with the
    /// model: no `*` with credentials, no allow-origin but the request's own or `*`, `Vary: origin`
    /// on every response of a policy that is not any-origin, refused preflights without any
    /// `access-control-*` header, preflights answered 204 or 403.
    #[test]
    fn decisions_keep_the_invariants(spec in spec(), requests in proptest::collection::vec(request(), 1..24)) {
        let policy = spec.build().map_err(|e| TestCaseError::fail(format!("{spec:?}: {e}")))?;
        for request in &requests {
            let decision = policy.evaluate(request);
            let checked = invariants(&policy, request, &decision)
                .and_then(|()| against_model(&spec, &policy, request, &decision));
            prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
        }
    }
}

/// The handler: counts its calls and sets its own `Vary`, which the layer must keep.
#[derive(Clone)]
struct Counting(Arc<AtomicUsize>);

impl Service<http::Request<()>> for Counting {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: http::Request<()>) -> Self::Future {
        self.0.fetch_add(1, Ordering::SeqCst);
        let mut response = Response::new("handled".to_owned());
        response
            .headers_mut()
            .insert("vary", HeaderValue::from_static("accept-encoding"));
        ready(Ok(response))
    }
}

/// Runs a future that is ready at once (the layer and the handler never wait).
fn now<F: Future>(future: F) -> F::Output {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the layer's future is ready at once"),
    }
}

/// An `http` request from a generated one; values `http` cannot hold are left out.
fn http_request(request: &CorsRequest<'_>) -> Option<http::Request<()>> {
    let method = Method::from_bytes(request.method).ok()?;
    let mut builder = http::Request::builder().method(method).uri("/api");
    let headers = [
        ("origin", request.origin),
        ("access-control-request-method", request.request_method),
        ("access-control-request-headers", request.request_headers),
        (
            "access-control-request-private-network",
            request.request_private_network,
        ),
        ("sec-fetch-site", request.sec_fetch_site),
        ("host", request.host),
    ];
    for (name, value) in headers {
        match value {
            Header::Absent => {}
            Header::One(v) => builder = builder.header(name, HeaderValue::from_bytes(v).ok()?),
            Header::Many => {
                builder = builder.header(name, "a").header(name, "b");
            }
        }
    }
    builder.body(()).ok()
}

fn vary(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("vary")
        .iter()
        .flat_map(|v| {
            v.to_str()
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect()
}

proptest! {
    #![proptest_config(config(150))]

    /// Through `CorsLayer`: preflights are always answered by the layer (204 or 403), never by the
    /// handler; a 403 carries no `access-control-*` header; other requests reach the handler once,
    /// keep its `Vary` and gain `origin` when the policy varies on it.
    #[test]
    fn the_layer_answers_preflights_and_keeps_the_handler_vary(
        spec in spec(),
        requests in proptest::collection::vec(request(), 1..16),
    ) {
        let policy = spec.build().map_err(|e| TestCaseError::fail(format!("{spec:?}: {e}")))?;
        let calls = Arc::new(AtomicUsize::new(0));
        let mut service = tower_layer_apply(policy.clone(), Counting(calls.clone()));
        for request in &requests {
            let Some(http) = http_request(request) else { continue };
            let preflight = policy.evaluate(request).is_preflight();
            let before = calls.load(Ordering::SeqCst);
            prop_assert!(now(std::future::poll_fn(|cx| service.poll_ready(cx))).is_ok());
            let response = now(service.call(http)).expect("infallible");
            let handled = calls.load(Ordering::SeqCst) - before;
            let cors: Vec<_> = response
                .headers()
                .keys()
                .filter(|n| n.as_str().starts_with("access-control-"))
                .collect();
            let vary = vary(response.headers());
            if preflight {
                prop_assert_eq!(handled, 0, "the handler ran for a preflight: {:?}", request);
                let status = response.status().as_u16();
                prop_assert!(status == 204 || status == 403, "{status}");
                if status == 403 {
                    prop_assert!(cors.is_empty(), "refused preflight with {:?}", cors);
                }
            } else if policy.evaluate(request).is_blocked() {
                prop_assert_eq!(handled, 0, "the handler ran for a forged write: {:?}", request);
                prop_assert_eq!(response.status().as_u16(), 403);
                prop_assert!(cors.is_empty(), "a blocked write with {:?}", cors);
            } else {
                prop_assert_eq!(handled, 1);
                prop_assert_eq!(response.body(), "handled");
                prop_assert!(vary.iter().any(|v| v == "accept-encoding"), "handler's Vary lost: {:?}", vary);
            }
            if policy.varies_on_origin() {
                prop_assert!(vary.iter().any(|v| v == "origin"), "no Vary: origin on {:?}", request);
            }
            let allow_origin = response.headers().get_all("access-control-allow-origin").iter().count();
            prop_assert!(allow_origin <= 1);
        }
    }
}

/// The layer around `inner`, for the policy in `CURRENT`.
fn tower_layer_apply(
    policy: Policy<'static>,
    inner: Counting,
) -> checked_cors::CorsService<Counting> {
    use tower_layer::Layer;
    CorsLayer::from_policy(policy).layer(inner)
}
