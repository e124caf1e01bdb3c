//! `CorsLayer::with_origins_async`: an origin lookup that waits, run inside the layer's future.
#![cfg(feature = "tower")]

use std::convert::Infallible;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use checked_cors::{Cors, CorsLayer, Refusal, SerializedOrigin};
use cors_test_support::service::Handler;
use http::{HeaderValue, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com"],
    methods = [GET, PUT],
    headers = ["content-type"],
    credentials,
    max_age = 600
)]
struct Api;

const TENANT: &str = "https://initech.example.net";
const STRANGER: &str = "https://globex.example.com";
/// The origin the lookup fails on, as a database that does not answer would.
const BROKEN: &str = "https://broken.example.org";

/// A lookup that is pending once before it answers, as a real query would be.
struct Later<T>(Option<T>, bool);

impl<T: Unpin> Future for Later<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.1 {
            self.1 = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.0.take().expect("polled after completion"))
    }
}

/// Drives `future` to its end; each future here is pending at most a few times.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the future did not finish");
}

/// What the lookup was asked and what the hook was told.
#[derive(Clone, Default)]
struct Seen {
    asked: Arc<Mutex<Vec<String>>>,
    refusals: Arc<Mutex<Vec<String>>>,
}

impl Seen {
    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    fn refusals(&self) -> Vec<String> {
        std::mem::take(&mut *self.refusals.lock().unwrap())
    }
}

/// The layer over a counting handler: the lookup allows [`TENANT`], fails on [`BROKEN`] and
/// refuses the rest, each after being pending once.
fn service(
    seen: &Seen,
) -> (
    impl Service<Request<()>, Response = Response<String>, Error = Infallible>,
    Handler,
) {
    let handler = Handler(Arc::default());
    let asked = seen.asked.clone();
    let refusals = seen.refusals.clone();
    let layer = CorsLayer::<Api>::new()
        .on_refusal(move |refusal, _| refusals.lock().unwrap().push(refusal.to_string()))
        .with_origins_async(move |origin: SerializedOrigin| {
            asked.lock().unwrap().push(origin.as_str().to_owned());
            let verdict = match origin.as_str() {
                TENANT => Ok(true),
                BROKEN => Err("connection refused"),
                _ => Ok(false),
            };
            Later(Some(verdict), false)
        });
    (layer.layer(handler.clone()), handler)
}

fn send<S>(service: &mut S, request: Request<()>) -> Response<String>
where
    S: Service<Request<()>, Response = Response<String>>,
    S::Error: std::fmt::Debug,
{
    let mut cx = Context::from_waker(Waker::noop());
    assert!(service.poll_ready(&mut cx).is_ready());
    run(service.call(request)).unwrap()
}

fn get(origin: &str) -> Request<()> {
    Request::builder()
        .header("origin", origin)
        .body(())
        .unwrap()
}

fn preflight(origin: &str) -> Request<()> {
    Request::builder()
        .method("OPTIONS")
        .header("origin", origin)
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .body(())
        .unwrap()
}

fn header<'a>(response: &'a Response<String>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

/// Every CORS header of `response` but `vary`, which the caller checks.
fn cors_headers(response: &Response<String>) -> Vec<String> {
    let mut names: Vec<String> = response
        .headers()
        .keys()
        .map(|n| n.to_string())
        .filter(|n| n.starts_with("access-control-"))
        .collect();
    names.sort();
    names
}

#[test]
fn an_origin_the_lookup_allows_is_echoed_with_the_policy_s_credentials() {
    let seen = Seen::default();
    let (mut service, handler) = service(&seen);
    let response = send(&mut service, get(TENANT));
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), "handled");
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(TENANT)
    );
    assert_eq!(
        header(&response, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(header(&response, "vary"), Some("origin"));
    assert_eq!(seen.asked(), [TENANT]);
    assert_eq!(handler.calls(), 1);
    assert!(seen.refusals().is_empty());
}

#[test]
fn an_origin_the_lookup_refuses_gets_no_cors_headers_and_vary() {
    let seen = Seen::default();
    let (mut service, handler) = service(&seen);
    let response = send(&mut service, get(STRANGER));
    assert_eq!(
        response.status(),
        200,
        "the handler answers, as for any refused read"
    );
    assert_eq!(cors_headers(&response), Vec::<String>::new());
    assert_eq!(header(&response, "vary"), Some("origin"));
    assert_eq!(handler.calls(), 1);
    assert_eq!(seen.refusals(), ["origin not allowed"]);
}

#[test]
fn a_failed_lookup_is_a_refusal_with_its_error() {
    let seen = Seen::default();
    let (mut service, handler) = service(&seen);
    let response = send(&mut service, get(BROKEN));
    assert_eq!(cors_headers(&response), Vec::<String>::new());
    assert_eq!(header(&response, "vary"), Some("origin"));
    assert_eq!(handler.calls(), 1);
    assert_eq!(
        seen.refusals(),
        ["origin lookup failed: connection refused"]
    );
    assert_eq!(
        Refusal::OriginLookupFailed("timed out").to_string(),
        "origin lookup failed: timed out"
    );
}

#[test]
fn preflights_are_answered_by_the_lookup_s_verdict_without_the_handler() {
    let seen = Seen::default();
    let (mut service, handler) = service(&seen);
    let allowed = send(&mut service, preflight(TENANT));
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        header(&allowed, "access-control-allow-origin"),
        Some(TENANT)
    );
    assert_eq!(
        header(&allowed, "access-control-allow-methods"),
        Some("GET, PUT")
    );
    assert_eq!(
        header(&allowed, "access-control-allow-headers"),
        Some("content-type")
    );
    assert_eq!(header(&allowed, "access-control-max-age"), Some("600"));
    for (origin, reason) in [
        (STRANGER, "origin not allowed"),
        (BROKEN, "origin lookup failed: connection refused"),
    ] {
        let refused = send(&mut service, preflight(origin));
        assert_eq!(refused.status(), 403, "{origin}");
        assert_eq!(cors_headers(&refused), Vec::<String>::new(), "{origin}");
        assert_eq!(
            header(&refused, "vary"),
            Some("origin, access-control-request-method, access-control-request-headers")
        );
        assert_eq!(seen.refusals(), [reason]);
    }
    assert_eq!(handler.calls(), 0, "a preflight never reaches the handler");
    assert_eq!(seen.asked(), [TENANT, STRANGER, BROKEN]);
}

#[test]
fn a_cross_site_write_passes_only_if_the_lookup_allows_its_origin() {
    let seen = Seen::default();
    let (mut service, handler) = service(&seen);
    let post = |origin: &str| {
        Request::builder()
            .method("POST")
            .header("origin", origin)
            .header("sec-fetch-site", "cross-site")
            .body(())
            .unwrap()
    };
    assert_eq!(send(&mut service, post(TENANT)).status(), 200);
    assert_eq!(handler.calls(), 1);
    for origin in [STRANGER, BROKEN] {
        let blocked = send(&mut service, post(origin));
        assert_eq!(blocked.status(), 403, "{origin}");
    }
    assert_eq!(
        handler.calls(),
        1,
        "a forged write never reaches the handler"
    );
    assert_eq!(
        seen.refusals(),
        [
            "cross-origin write from an unlisted origin",
            "origin lookup failed: connection refused"
        ]
    );
}

#[test]
fn the_lookup_is_asked_only_about_serialized_origins_the_policy_does_not_list() {
    let seen = Seen::default();
    let (mut service, handler) = service(&seen);
    let long = format!("https://{}.example.net", "a".repeat(64 * 1024));
    let malformed = [
        "https://initech.example.net/",
        "https://Initech.example.net",
        "https://initech.example.net:443",
        "https://initech.example.net\t",
        "null",
        "*",
        "initech.example.net",
        "https://user@initech.example.net",
        long.as_str(),
    ];
    let mut sent = 0;
    for origin in malformed.iter().chain(&["https://app.example.com"]) {
        let value = HeaderValue::from_str(origin).unwrap();
        let mut request = Request::new(());
        request.headers_mut().insert("origin", value);
        let _ = send(&mut service, request);
        let _ = send(&mut service, {
            let mut p = preflight("https://x.example");
            p.headers_mut()
                .insert("origin", HeaderValue::from_str(origin).unwrap());
            p
        });
        sent += 1;
    }
    // Raw non-ASCII bytes, two `Origin`s, and none at all.
    let mut raw = Request::new(());
    raw.headers_mut().insert(
        "origin",
        HeaderValue::from_bytes(b"https://initech.example.n\xc3\xa9t").unwrap(),
    );
    let _ = send(&mut service, raw);
    let mut twice = get(TENANT);
    twice
        .headers_mut()
        .append("origin", HeaderValue::from_static(TENANT));
    let _ = send(&mut service, twice);
    let _ = send(&mut service, Request::new(()));
    assert_eq!(sent, malformed.len() + 1);
    assert_eq!(seen.asked(), Vec::<String>::new());
    // The one well-formed unlisted origin is asked about.
    let _ = send(&mut service, get(TENANT));
    assert_eq!(seen.asked(), [TENANT]);
    assert_eq!(handler.calls(), sent + 4);
}

#[test]
fn the_layer_s_own_origin_set_is_asked_first() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let handler = Handler(Arc::default());
    let mut service = CorsLayer::<Api>::new()
        .with_origins_async(move |_: SerializedOrigin| {
            counter.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok::<_, &str>(true))
        })
        .with_origins(|origin: &str| origin == "https://hooli.example.org")
        .layer(handler.clone());
    let response = send(&mut service, get("https://hooli.example.org"));
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some("https://hooli.example.org")
    );
    assert_eq!(asked.load(Ordering::SeqCst), 0);
    let response = send(&mut service, get(TENANT));
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(TENANT)
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[cfg(feature = "live")]
#[test]
fn a_request_keeps_its_policy_while_its_lookup_waits() {
    use checked_cors::{LivePolicy, PolicyBuilder};

    let live = LivePolicy::new(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_methods(["GET", "PUT"])
            .max_age(600)
            .build()
            .unwrap(),
    );
    let mut service = CorsLayer::live(&live)
        .with_origins_async(|_: SerializedOrigin| Later(Some(Ok::<_, &str>(true)), false))
        .layer(Handler(Arc::default()));
    let mut cx = Context::from_waker(Waker::noop());
    let mut request = preflight(TENANT);
    request
        .headers_mut()
        .remove("access-control-request-headers");
    let mut future = pin!(service.call(request));
    assert!(future.as_mut().poll(&mut cx).is_pending());
    // Replaced while the lookup runs: the request started under the old policy ends under it.
    live.reload(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_methods(["GET", "DELETE"]),
    )
    .unwrap();
    let Poll::Ready(Ok(response)) = future.as_mut().poll(&mut cx) else {
        panic!("the lookup answers on its second poll");
    };
    assert_eq!(response.status(), 204);
    assert_eq!(
        header(&response, "access-control-allow-methods"),
        Some("GET, PUT")
    );
    assert_eq!(header(&response, "access-control-max-age"), Some("600"));
}

/// The second evaluation of an asked request takes the lookup's verdict without checking the
/// origin's syntax again (the first one did): a lookup that allows everything still never gets a
/// malformed origin allowed, on an actual request or a preflight.
#[test]
fn a_lookup_that_allows_everything_allows_no_malformed_origin() {
    let handler = Handler(Arc::default());
    let mut service = CorsLayer::<Api>::new()
        .with_origins_async(|_: SerializedOrigin| Later(Some(Ok::<_, Infallible>(true)), false))
        .layer(handler.clone());
    let malformed: [&[u8]; 8] = [
        b"null",
        b"https://initech.example.net/",
        b"https://Initech.example.net",
        b"https://initech.example.net:443",
        b"initech.example.net",
        b"https://initech.example.n\xc3\xa9t",
        b"https://a b.example.net",
        b"*",
    ];
    for origin in malformed {
        let shown = String::from_utf8_lossy(origin);
        let mut request = Request::new(());
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_bytes(origin).unwrap());
        let response = send(&mut service, request);
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            None,
            "{shown}"
        );
        let mut ask = preflight("https://x.example");
        ask.headers_mut()
            .insert("origin", HeaderValue::from_bytes(origin).unwrap());
        let response = send(&mut service, ask);
        assert_eq!(response.status(), 403, "{shown}");
    }
    // A serialized origin is asked about and allowed, and echoed.
    let response = send(&mut service, get("https://example.com.evil.com"));
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some("https://example.com.evil.com")
    );
}
