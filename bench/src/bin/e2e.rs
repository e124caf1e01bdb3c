//! End to end: requests per second of a minimal axum server on loopback, without a CORS layer,
//! with `checked_cors::CorsLayer` and with tower-http's, driven by a small hyper client.
//!
//! `cargo run --release -p cors-bench --bin e2e [connections] [rounds] [ms per round]` (default
//! 16 connections, 11 rounds of 1,000 ms). The three servers listen at once, each on its own
//! single-threaded runtime; the load generator has its own, with `connections` keep-alive HTTP/1.1
//! connections each sending one request at a time (an allowed `GET` from `Origin:
//! https://admin.example.com`: the layer's most expensive actual request). Rounds take the servers
//! in turn, the order rotated, and each ratio is the median over rounds of a round's ratio, so that
//! other load on the machine falls on all of them.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use checked_cors::CorsLayer;
use cors_bench::measure::median;
use cors_bench::policies::{tower_http_list, Fixed, FIXED_ORIGINS};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

const ORIGIN: &str = "https://admin.example.com";

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .expect("usage: e2e [connections] [rounds] [ms per round]")
        })
        .collect();
    let connections = args.first().copied().unwrap_or(16) as usize;
    let rounds = args.get(1).copied().unwrap_or(11) as usize;
    let round = Duration::from_millis(args.get(2).copied().unwrap_or(1_000));
    let app = || Router::new().route("/", get(|| async { "" }));
    let servers = [
        ("no layer", serve(app())),
        (
            "checked-cors",
            serve(app().layer(CorsLayer::<Fixed>::new())),
        ),
        (
            "tower-http 0.7.1",
            serve(app().layer(tower_http_list(FIXED_ORIGINS))),
        ),
    ];
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut per_second = vec![Vec::new(); servers.len()];
    let mut ratios = vec![Vec::new(); servers.len()];
    client.block_on(async {
        // A first short round per server: connections, caches and the allocator warmed up.
        for (_, addr) in &servers {
            load(*addr, connections, Duration::from_millis(200)).await;
        }
        for r in 0..rounds {
            let mut this = vec![0.0; servers.len()];
            for k in 0..servers.len() {
                let which = (r + k) % servers.len();
                this[which] = load(servers[which].1, connections, round).await;
            }
            for which in 0..servers.len() {
                per_second[which].push(this[which]);
                ratios[which].push(this[which] / this[0]);
            }
        }
    });
    println!("| server | requests/s (median) | vs no layer (median of rounds) | cost |");
    println!("|---|---|---|---|");
    for (which, (name, _)) in servers.iter().enumerate() {
        let rps = median(&mut per_second[which]);
        let ratio = median(&mut ratios[which]);
        println!(
            "| {name} | {rps:.0} | {ratio:.3} | {:.1} % |",
            (1.0 - ratio) * 100.0
        );
    }
}

/// Starts `app` on a loopback port, on a thread of its own with a single-threaded runtime.
fn serve(app: Router) -> SocketAddr {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    std_listener.set_nonblocking(true).expect("non-blocking");
    let addr = std_listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(std_listener).expect("a tokio listener");
            axum::serve(listener, app).await.expect("the server runs");
        });
    });
    addr
}

/// Requests per second `connections` keep-alive connections get from `addr` in `duration`.
async fn load(addr: SocketAddr, connections: usize, duration: Duration) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(addr, stop.clone())))
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("a client task");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// One keep-alive connection sending requests until `stop`; returns how many were answered.
async fn connection(addr: SocketAddr, stop: Arc<AtomicBool>) -> u64 {
    let stream = TcpStream::connect(addr).await.expect("the server listens");
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("an HTTP/1.1 connection");
    tokio::spawn(conn);
    let mut answered = 0;
    while !stop.load(Ordering::Relaxed) {
        let request = http::Request::get("/")
            .header("host", "api.example.com")
            .header("origin", ORIGIN)
            .body(Empty::<Bytes>::new())
            .expect("a valid request");
        let response = sender.send_request(request).await.expect("an answer");
        assert!(response.status().is_success(), "{}", response.status());
        response.into_body().collect().await.expect("a body");
        answered += 1;
    }
    answered
}
