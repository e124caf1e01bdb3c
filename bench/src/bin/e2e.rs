//! End to end: requests per second of a minimal axum server on loopback, without a CORS layer,
//! with the floor ([`cors_bench::floor`]: the headers' own cost, their serialization included),
//! with `checked_cors::CorsLayer` and with tower-http's, driven by a small hyper client.
//!
//! `cargo run --release -p cors-bench --bin e2e [connections] [rounds] [ms per round]` (default
//! 16 connections, 11 rounds of 1,000 ms). The servers listen at once, each on its own
//! single-threaded runtime; the load generator has its own, with `connections` keep-alive HTTP/1.1
//! connections each sending one request at a time (an allowed `GET` from `Origin:
//! https://admin.example.com`: the layer's most expensive actual request). Rounds take the servers
//! in turn, the order rotated, and each ratio is the median over rounds of a round's ratio, so that
//! other load on the machine falls on all of them. Beside requests per second, which on a shared
//! machine move with everything else running, each server's CPU time per request (its thread's,
//! from Linux's `/proc/<pid>/task/<tid>/schedstat`): what the layer costs the server itself.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use checked_cors::CorsLayer;
use cors_bench::floor::FloorLayer;
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
        ("floor", serve(app().layer(FloorLayer::new([ORIGIN])))),
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
    let mut cpu_per_request = vec![Vec::new(); servers.len()];
    client.block_on(async {
        // A first short round per server: connections, caches and the allocator warmed up.
        for (_, server) in &servers {
            load(server.addr, connections, Duration::from_millis(200)).await;
        }
        for r in 0..rounds {
            let mut this = vec![0.0; servers.len()];
            for k in 0..servers.len() {
                let which = (r + k) % servers.len();
                let server = &servers[which].1;
                let cpu = server.cpu_time();
                let (rps, answered) = load(server.addr, connections, round).await;
                this[which] = rps;
                cpu_per_request[which].push((server.cpu_time() - cpu) as f64 / answered as f64);
            }
            for which in 0..servers.len() {
                per_second[which].push(this[which]);
                ratios[which].push(this[which] / this[0]);
            }
        }
    });
    println!(
        "| server | requests/s (median) | vs no layer (median of rounds) | server CPU µs per request | vs no layer |"
    );
    println!("|---|---|---|---|---|");
    let base_cpu = median(&mut cpu_per_request[0].clone());
    for (which, (name, _)) in servers.iter().enumerate() {
        let rps = median(&mut per_second[which]);
        let ratio = median(&mut ratios[which]);
        let cpu = median(&mut cpu_per_request[which]);
        println!(
            "| {name} | {rps:.0} | {ratio:.3} ({:+.1} %) | {:.2} | {:+.1} % |",
            (ratio - 1.0) * 100.0,
            cpu / 1000.0,
            (cpu / base_cpu - 1.0) * 100.0
        );
    }
}

/// A server started by [`serve`].
struct Server {
    addr: SocketAddr,
    /// Its thread's `schedstat`.
    schedstat: String,
}

impl Server {
    /// Nanoseconds the server's thread has run on a core.
    fn cpu_time(&self) -> u64 {
        std::fs::read_to_string(&self.schedstat)
            .expect("the server thread's schedstat")
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse().ok())
            .expect("schedstat starts with nanoseconds on a CPU")
    }
}

/// Starts `app` on a loopback port, on a thread of its own with a single-threaded runtime.
fn serve(app: Router) -> Server {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    std_listener.set_nonblocking(true).expect("non-blocking");
    let addr = std_listener.local_addr().expect("an address");
    let (tell, told) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // `/proc/thread-self` names `<pid>/task/<tid>`: where the client reads this thread's time.
        let task = std::fs::read_link("/proc/thread-self").expect("Linux's /proc/thread-self");
        tell.send(format!("/proc/{}/schedstat", task.display()))
            .expect("serve waits for the path");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(std_listener).expect("a tokio listener");
            axum::serve(listener, app).await.expect("the server runs");
        });
    });
    Server {
        addr,
        schedstat: told.recv().expect("the server thread starts"),
    }
}

/// Requests per second `connections` keep-alive connections get from `addr` in `duration`, and
/// how many were answered.
async fn load(addr: SocketAddr, connections: usize, duration: Duration) -> (f64, u64) {
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
    (total as f64 / started.elapsed().as_secs_f64(), total)
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
