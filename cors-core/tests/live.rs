//! `CorsLayer::live`: replacements checked, applied atomically, one policy per request.
#![cfg(all(feature = "tower", feature = "live"))]

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use cors_core::{CorsLayer, LivePolicy, Policy, PolicyBuilder};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

/// `https://a.example` may `PUT` with `x-a`.
fn policy_a() -> Policy<'static> {
    PolicyBuilder::new()
        .allow_origins(["https://a.example"])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["x-a"])
        .max_age(600)
        .build()
        .unwrap()
}

/// Both origins may `DELETE` with `x-b`, with credentials.
fn policy_b() -> Policy<'static> {
    PolicyBuilder::new()
        .allow_origins(["https://a.example", "https://b.example"])
        .allow_methods(["GET", "DELETE"])
        .allow_headers(["x-b"])
        .expose_headers(["x-total"])
        .allow_credentials()
        .build()
        .unwrap()
}

#[derive(Clone)]
struct Handler(Arc<AtomicUsize>);

impl Service<Request<()>> for Handler {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        self.0.fetch_add(1, Ordering::Relaxed);
        ready(Ok(Response::new("handled".to_owned())))
    }
}

fn now<F: Future>(future: F) -> F::Output {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("ready at once"),
    }
}

/// The requests each thread sends, each answered differently by the two policies.
fn requests() -> Vec<Request<()>> {
    let preflight = |origin: &str, method: &str, headers: &str| {
        Request::builder()
            .method("OPTIONS")
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", headers)
            .body(())
            .unwrap()
    };
    let actual = |origin: &str| {
        Request::builder()
            .method("GET")
            .header("origin", origin)
            .body(())
            .unwrap()
    };
    vec![
        preflight("https://a.example", "PUT", "x-a"),
        preflight("https://a.example", "DELETE", "x-b"),
        preflight("https://b.example", "DELETE", "x-b"),
        actual("https://a.example"),
        actual("https://b.example"),
    ]
}

fn clone_request(request: &Request<()>) -> Request<()> {
    let mut copy = Request::new(());
    *copy.method_mut() = request.method().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// Status, handler run or not, and every response header, sorted: the whole answer.
type Answer = (u16, Vec<(String, String)>);

fn answer<S>(service: &mut S, request: &Request<()>) -> Answer
where
    S: Service<Request<()>, Response = Response<String>, Error = Infallible>,
{
    let response = now(service.call(clone_request(request))).unwrap();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    (response.status().as_u16(), headers)
}

#[test]
fn a_refused_reload_keeps_the_policy_in_force() {
    let live = LivePolicy::new(policy_a());
    let mut service = CorsLayer::live(&live).layer(Handler(Arc::default()));
    let request = &requests()[0];
    let before = answer(&mut service, request);
    assert_eq!(before.0, 204);
    let error = live
        .reload(
            PolicyBuilder::new()
                .allow_origins(["https://b.example/", "*"])
                .allow_methods(["TRACE"]),
        )
        .unwrap_err();
    let shown: Vec<String> = error.violations().iter().map(|v| v.to_string()).collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(shown[0].starts_with("origins[0] `https://b.example/`: an origin has no trailing `/`"));
    assert!(shown[1].starts_with("origins[1] `*`"));
    assert!(shown[2].starts_with("methods[0] `TRACE`"));
    assert_eq!(answer(&mut service, request), before);

    live.reload(PolicyBuilder::new().allow_origins(["https://b.example"]))
        .unwrap();
    let after = answer(&mut service, request);
    assert_eq!(after.0, 403, "the new policy refuses what the old allowed");
}

#[test]
fn every_answer_comes_whole_from_one_policy_while_policies_swap() {
    let requests = requests();
    // What each policy answers, served by a fixed layer.
    let expected: Vec<[Answer; 2]> = {
        let mut a = CorsLayer::from_policy(policy_a()).layer(Handler(Arc::default()));
        let mut b = CorsLayer::from_policy(policy_b()).layer(Handler(Arc::default()));
        requests
            .iter()
            .map(|r| [answer(&mut a, r), answer(&mut b, r)])
            .collect()
    };
    for (request, [a, b]) in requests.iter().zip(&expected) {
        assert_ne!(a, b, "the two policies must differ on {request:?}");
    }

    let live = LivePolicy::new(policy_a());
    let stop = Arc::new(AtomicBool::new(false));
    let (prepared_a, prepared_b) = (policy_a(), policy_b());
    let swapper = {
        let (live, stop) = (live.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let next = if swaps % 2 == 0 {
                    &prepared_b
                } else {
                    &prepared_a
                };
                live.replace(next.clone());
                swaps += 1;
            }
            swaps
        })
    };
    let seen = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (live, requests, expected, seen) = (
                live.clone(),
                requests.clone_list(),
                expected.clone(),
                seen.clone(),
            );
            std::thread::spawn(move || {
                let mut service = CorsLayer::live(&live).layer(Handler(Arc::default()));
                for round in 0..20_000 {
                    let i = round % requests.len();
                    let got = answer(&mut service, &requests[i]);
                    let which = expected[i]
                        .iter()
                        .position(|e| *e == got)
                        .unwrap_or_else(|| panic!("an answer of neither policy: {got:?}"));
                    seen[which].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    let [a, b] = [0, 1].map(|i| seen[i].load(Ordering::Relaxed));
    assert!(swaps > 100, "{swaps} swaps");
    // With both policies swapped in while requests ran, both must have answered.
    assert!(
        a > 0 && b > 0,
        "answers: {a} from A, {b} from B, {swaps} swaps"
    );
}

trait CloneList {
    fn clone_list(&self) -> Vec<Request<()>>;
}

impl CloneList for Vec<Request<()>> {
    fn clone_list(&self) -> Vec<Request<()>> {
        self.iter().map(clone_request).collect()
    }
}
