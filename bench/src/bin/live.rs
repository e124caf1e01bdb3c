//! What policies decided while the service runs cost per request, next to a static policy: the
//! live layer (`CorsLayer::live`), tenant sets of 3 and 10,000 origins and a closure
//! (`with_origins`), and an asynchronous lookup (`with_origins_async`), asked or not.
//! Not a timed test: it prints figures for `BENCHMARKS.md`.
//!
//! `cargo run --release -p cors-bench --bin live [rounds]` (default 7): per layer, the best
//! round's nanoseconds per allowed actual request and per allowed preflight (handler, request
//! construction and one boxed future included: the first row, without a layer, is that part)
//! and the allocations per request (the boxed future is one of them).

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::task::{Context, Poll};
use std::time::Instant;

use checked_cors::{Cors, CorsLayer, LivePolicy, OriginSet, PolicyBuilder, SerializedOrigin};
use cors_bench::alloc_count::{counting, Counting};
use cors_bench::service::{call, Bare};
use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com"],
    methods = [GET, PUT],
    headers = ["content-type"],
    credentials,
    max_age = 600
)]
struct Api;

const BATCH: u32 = 200_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `live repeat <row> <n>`: only `n` actual requests through row number `row` (0 is the bare
    // handler), for an instruction counter (`valgrind --tool=callgrind`): the difference of two
    // `n` is the cost of the requests.
    let repeat = match &args[..] {
        [mode, row, n] if mode == "repeat" => Some((
            row.parse::<usize>().expect("a row number"),
            n.parse::<u32>().expect("a count"),
        )),
        _ => None,
    };
    let rounds: usize = args
        .first()
        .filter(|_| repeat.is_none())
        .map_or(7, |a| a.parse().expect("a number of rounds"));
    let live = LivePolicy::new(
        PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["content-type"])
            .allow_credentials()
            .max_age(600)
            .build()
            .expect("a valid policy"),
    );
    let tenants = |n: usize| {
        let set = OriginSet::new();
        set.extend((0..n).map(|i| format!("https://tenant{i}.example.net")))
            .expect("valid tenants");
        set
    };
    let (three, many) = (tenants(3), tenants(10_000));
    println!(
        "{:<28} {:>10} {:>12} {:>8} {:>8}",
        "layer", "actual ns", "preflight ns", "allocs a", "allocs p"
    );
    // The same question as the closure's, answered by a future (ready at once: the layer's own
    // cost is measured, not a database's).
    let lookup = |origin: SerializedOrigin| {
        std::future::ready(Ok::<_, Infallible>(
            origin.as_str().ends_with(".example.net"),
        ))
    };
    let rows: [Row; 8] = [
        (
            "bare handler (no layer)",
            Box::new(|| boxed(tower_layer::Identity::new())),
            "https://app.example.com",
        ),
        (
            "static (derived)",
            Box::new(|| boxed(CorsLayer::<Api>::new())),
            "https://app.example.com",
        ),
        (
            "live",
            Box::new(move || boxed(CorsLayer::live(&live))),
            "https://app.example.com",
        ),
        (
            "derived + 3 tenants",
            Box::new(move || boxed(CorsLayer::<Api>::new().with_origins(three.clone()))),
            "https://tenant2.example.net",
        ),
        (
            "derived + 10,000 tenants",
            Box::new(move || boxed(CorsLayer::<Api>::new().with_origins(many.clone()))),
            "https://tenant9999.example.net",
        ),
        (
            "derived + predicate",
            Box::new(|| {
                boxed(CorsLayer::<Api>::new().with_origins(|o: &str| o.ends_with(".example.net")))
            }),
            "https://tenant9999.example.net",
        ),
        (
            "derived + async lookup",
            Box::new(move || boxed(CorsLayer::<Api>::new().with_origins_async(lookup))),
            "https://tenant9999.example.net",
        ),
        (
            "async lookup, listed origin",
            Box::new(move || boxed(CorsLayer::<Api>::new().with_origins_async(lookup))),
            "https://app.example.com",
        ),
    ];
    if let Some((row, n)) = repeat {
        let (name, make, origin) = &rows[row];
        let mut service = make();
        for _ in 0..n {
            let request = Request::builder()
                .header("origin", *origin)
                .body(())
                .unwrap();
            black_box(call(&mut service, request));
        }
        println!("{name}: {n} requests");
        return;
    }
    for (name, make, origin) in rows {
        let mut service = make();
        let actual = || {
            Request::builder()
                .header("origin", origin)
                .body(())
                .unwrap()
        };
        let preflight = || {
            Request::builder()
                .method("OPTIONS")
                .header("origin", origin)
                .header("access-control-request-method", "PUT")
                .body(())
                .unwrap()
        };
        let check = call(&mut service, actual());
        if !name.starts_with("bare") {
            assert_eq!(
                check.headers()["access-control-allow-origin"],
                origin,
                "{name}"
            );
        }
        let time = |service: &mut Svc, make: &dyn Fn() -> Request<()>| {
            (0..rounds)
                .map(|_| {
                    let started = Instant::now();
                    for _ in 0..BATCH {
                        black_box(call(service, make()));
                    }
                    started.elapsed().as_nanos() as f64 / f64::from(BATCH)
                })
                .fold(f64::INFINITY, f64::min)
        };
        let actual_ns = time(&mut service, &actual);
        let preflight_ns = time(&mut service, &preflight);
        // Allocations of the layer alone: the request's own construction is counted apart.
        let per = |make: &dyn Fn() -> Request<()>, service: &mut Svc| {
            let (requests, built) = counting(|| (0..1000).map(|_| make()).collect::<Vec<_>>());
            let ((), served) = counting(|| {
                for request in requests {
                    black_box(call(service, request));
                }
            });
            let _ = built;
            served as f64 / 1000.0
        };
        let allocs_actual = per(&actual, &mut service);
        let allocs_preflight = per(&preflight, &mut service);
        println!(
            "{name:<28} {actual_ns:>10.1} {preflight_ns:>12.1} {allocs_actual:>8.2} {allocs_preflight:>8.2}"
        );
    }
}

/// A layer's name, how to make its service, and the origin it allows.
type Row = (&'static str, Box<dyn Fn() -> Svc>, &'static str);

type Svc = Box<
    dyn Service<
        Request<()>,
        Response = Response<String>,
        Error = Infallible,
        Future = std::pin::Pin<Box<dyn Future<Output = Result<Response<String>, Infallible>>>>,
    >,
>;

/// A layer over the bare handler, boxed so that every row is driven by the same code.
fn boxed<L>(layer: L) -> Svc
where
    L: Layer<Bare>,
    L::Service: Service<Request<()>, Response = Response<String>, Error = Infallible> + 'static,
    <L::Service as Service<Request<()>>>::Future: 'static,
{
    struct Boxing<S>(S);
    impl<S> Service<Request<()>> for Boxing<S>
    where
        S: Service<Request<()>, Response = Response<String>, Error = Infallible>,
        S::Future: 'static,
    {
        type Response = Response<String>;
        type Error = Infallible;
        type Future = std::pin::Pin<Box<dyn Future<Output = Result<Response<String>, Infallible>>>>;
        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            self.0.poll_ready(cx)
        }
        fn call(&mut self, request: Request<()>) -> Self::Future {
            Box::pin(self.0.call(request))
        }
    }
    Box::new(Boxing(layer.layer(Bare)))
}
