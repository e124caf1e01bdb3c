//! `checked_cors::picoserve::CorsLayer` on a real picoserve server (its `tokio` feature) on loopback,
//! sent raw HTTP/1.1 requests over TCP; then the `embedded` example's app, over loopback and
//! served from memory with its allocations counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use checked_cors::picoserve::CorsLayer;
use checked_cors::Cors;
use cors_examples::embedded::{self, Device, BUFFER};
use picoserve::io::{BaseWrite, ErrorType};
use picoserve::mem::{BorrowedBuffer, BorrowedCursor};
use picoserve::routing::{get, PathRouter};
use picoserve::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const APP: &str = "https://app.example.com";

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com"],
    methods = [GET, POST, PUT],
    headers = ["content-type", "x-api-key"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600,
)]
struct Api;

/// One handler behind the layer, counting its calls.
struct Handler {
    calls: AtomicUsize,
}

impl Handler {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn hit(&self) -> &'static str {
        self.calls.fetch_add(1, Ordering::SeqCst);
        "hello\n"
    }
}

fn api(handler: &'static Handler) -> Router<impl PathRouter> {
    Router::new()
        .route(
            "/items",
            get(async move || handler.hit())
                .post(async move || handler.hit())
                .put(async move || handler.hit()),
        )
        .layer(CorsLayer::<Api>::new())
}

/// Serves `router` with picoserve on tokio, on an ephemeral loopback port, from a thread of its
/// own: one connection at a time, one request each.
fn start<P: PathRouter + Send + 'static>(router: Router<P>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            static CONFIG: picoserve::Config = picoserve::Config::const_default();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let mut buffer = [0; BUFFER];
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let _ = picoserve::Server::new_tokio(&router, &CONFIG, &mut buffer)
                    .serve(stream)
                    .await;
            }
        })
    });
    address
}

/// An answer as the wire carried it.
#[derive(Debug)]
struct Reply {
    status: u16,
    /// Every header line, name in lower case, in order.
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    /// Every value of `name`, one per field line.
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The only value of `name`; panics if it is sent more than once.
    fn header(&self, name: &str) -> Option<&str> {
        let values = self.all(name);
        assert!(values.len() <= 1, "several {name}: {:?}", self.headers);
        values.first().copied()
    }

    /// The `access-control-*` headers, sorted.
    fn cors(&self) -> Vec<(&str, &str)> {
        let mut cors: Vec<_> = self
            .headers
            .iter()
            .filter(|(n, _)| n.starts_with("access-control-"))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        cors.sort();
        cors
    }

    /// Every `Vary` value of every `Vary` line, in order.
    fn vary(&self) -> Vec<&str> {
        self.all("vary")
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect()
    }
}

/// Sends one HTTP/1.1 request to `/items`, written by hand, and reads the answer until the server
/// closes.
async fn send(address: SocketAddr, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    send_to(address, method, "/items", headers, body).await
}

async fn send_to(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut request = format!("{method} {path} HTTP/1.1\r\nhost: {address}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    exchange(address, request.as_bytes()).await
}

async fn exchange(address: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    parse(&String::from_utf8(raw).expect("ASCII answer"))
}

fn parse(raw: &str) -> Reply {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a whole head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("status line {status_line:?}"));
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("name: value");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

fn handler() -> &'static Handler {
    Box::leak(Box::new(Handler {
        calls: AtomicUsize::new(0),
    }))
}

#[tokio::test]
async fn an_allowed_request_is_decorated() {
    let handler = handler();
    let server = start(api(handler));
    let reply = send(server, "GET", &[("origin", APP)], "").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "hello\n"));
    assert_eq!(
        reply.cors(),
        [
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", APP),
            ("access-control-expose-headers", "x-request-id"),
        ]
    );
    assert_eq!(reply.vary(), ["origin"]);
    // The handler's own headers are still there, once.
    assert_eq!(reply.header("content-length"), Some("6"));
    assert_eq!(handler.calls(), 1);
}

#[tokio::test]
async fn a_refused_origin_runs_the_handler_and_gets_no_cors_headers() {
    let handler = handler();
    let server = start(api(handler));
    for origin in [
        "https://evil.example",
        "https://app.example.com.evil.example",
    ] {
        let reply = send(server, "GET", &[("origin", origin)], "").await;
        assert_eq!((reply.status, reply.body.as_str()), (200, "hello\n"));
        assert_eq!(reply.cors(), [], "{origin}");
        assert_eq!(reply.vary(), ["origin"]);
    }
    // Without `Origin`, not a CORS request: served, `Vary` still says it could have differed.
    let reply = send(server, "GET", &[], "").await;
    assert_eq!((reply.status, reply.cors()), (200, vec![]));
    assert_eq!(reply.vary(), ["origin"]);
    assert_eq!(handler.calls(), 3);
}

#[tokio::test]
async fn preflights_are_answered_by_the_layer() {
    let handler = handler();
    let server = start(api(handler));
    let allowed = send(
        server,
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "Content-Type, X-API-Key"),
        ],
        "",
    )
    .await;
    assert_eq!((allowed.status, allowed.body.as_str()), (204, ""));
    assert_eq!(
        allowed.cors(),
        [
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "content-type, x-api-key"),
            ("access-control-allow-methods", "GET, POST, PUT"),
            ("access-control-allow-origin", APP),
            ("access-control-max-age", "600"),
        ]
    );
    assert_eq!(
        allowed.vary(),
        [
            "origin",
            "access-control-request-method",
            "access-control-request-headers"
        ]
    );
    assert_eq!(allowed.header("content-length"), None);
    for (origin, method, headers) in [
        (APP, "DELETE", ""),
        (APP, "PUT", "x-other"),
        ("https://evil.example", "PUT", ""),
    ] {
        let mut request = vec![
            ("origin", origin),
            ("access-control-request-method", method),
        ];
        if !headers.is_empty() {
            request.push(("access-control-request-headers", headers));
        }
        let refused = send(server, "OPTIONS", &request, "").await;
        assert_eq!(
            (refused.status, refused.body.as_str()),
            (403, ""),
            "{origin} {method} {headers}"
        );
        assert_eq!(refused.cors(), []);
        assert_eq!(
            refused.vary(),
            [
                "origin",
                "access-control-request-method",
                "access-control-request-headers"
            ]
        );
        assert_eq!(refused.header("content-length"), Some("0"));
    }
    // A route without an OPTIONS handler: the layer answers before picoserve's 405 could.
    assert_eq!(handler.calls(), 0);
}

#[tokio::test]
async fn a_forged_cross_site_write_is_refused_before_the_handler() {
    let handler = handler();
    let server = start(api(handler));
    let forged = send(
        server,
        "POST",
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "amount=1000",
    )
    .await;
    assert_eq!((forged.status, forged.body.as_str()), (403, ""));
    assert_eq!(forged.cors(), []);
    assert_eq!(forged.vary(), ["origin"]);
    // Without `Sec-Fetch-Site`, an `Origin` that is not the `Host` is cross-origin too.
    let old_browser = send(server, "PUT", &[("origin", "https://evil.example")], "x").await;
    assert_eq!(old_browser.status, 403);
    assert_eq!(handler.calls(), 0);
    // The policy's own origin may write, a same-origin page may, and so may a client that is no
    // browser (no `Origin`, no `Sec-Fetch-Site`).
    let listed = send(
        server,
        "POST",
        &[("origin", APP), ("sec-fetch-site", "cross-site")],
        "x",
    )
    .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.header("access-control-allow-origin"), Some(APP));
    let same_origin = format!("http://{server}");
    let same = send(server, "POST", &[("origin", &same_origin)], "x").await;
    assert_eq!((same.status, same.cors()), (200, vec![]));
    let curl = send(server, "POST", &[], "x").await;
    assert_eq!(curl.status, 200);
    assert_eq!(handler.calls(), 3);
}

#[tokio::test]
async fn repeated_cors_headers_get_no_permission() {
    let handler = handler();
    let server = start(api(handler));
    let reply = send(server, "GET", &[("origin", APP), ("Origin", APP)], "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.cors(), []);
    let preflight = send(
        server,
        "OPTIONS",
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            ("Access-Control-Request-Method", "PUT"),
        ],
        "",
    )
    .await;
    assert_eq!((preflight.status, preflight.cors()), (403, vec![]));
    assert_eq!(handler.calls(), 1);
}

// The `embedded` example: the LED device behind the dashboard's policy, as its binary serves it.

const DASHBOARD: &str = "https://dashboard.example.com";

fn start_device() -> (SocketAddr, &'static Device) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let device: &'static Device = Box::leak(Box::new(Device::new()));
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(embedded::serve(listener, device))
    });
    (address, device)
}

async fn led(address: SocketAddr, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    send_to(address, method, "/led", headers, body).await
}

#[tokio::test]
async fn the_device_answers_a_private_network_preflight() {
    let (server, device) = start_device();
    let reply = led(
        server,
        "OPTIONS",
        &[
            ("origin", DASHBOARD),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-private-network", "true"),
        ],
        "",
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        reply.cors(),
        [
            ("access-control-allow-headers", "content-type"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-origin", DASHBOARD),
            ("access-control-allow-private-network", "true"),
            ("access-control-max-age", "300"),
        ]
    );
    assert_eq!(
        reply.vary(),
        [
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
            "access-control-request-private-network"
        ]
    );
    assert_eq!(device.calls(), 0);
}

#[tokio::test]
async fn the_device_is_switched_and_read_with_vary_merged() {
    let (server, device) = start_device();
    let put = led(server, "PUT", &[("origin", DASHBOARD)], "on").await;
    assert_eq!((put.status, put.body.as_str()), (200, "ok\n"));
    assert_eq!(put.cors(), [("access-control-allow-origin", DASHBOARD)]);
    assert!(device.led());
    let json = led(
        server,
        "GET",
        &[("origin", DASHBOARD), ("accept", "application/json")],
        "",
    )
    .await;
    assert_eq!(json.body, "{\"led\":true}");
    assert_eq!(json.header("content-type"), Some("application/json"));
    // The handler's `Vary: accept`, then the layer's line.
    assert_eq!(json.vary(), ["accept", "origin"]);
    let refused = led(server, "GET", &[("origin", "https://evil.example")], "").await;
    assert_eq!((refused.status, refused.body.as_str()), (200, "on\n"));
    assert_eq!(refused.cors(), []);
    assert_eq!(refused.vary(), ["accept", "origin"]);
    assert_eq!(device.calls(), 3);
}

// Served from memory: every byte picoserve and the layer touch is in a fixed buffer, and the
// allocator counts what the request costs.

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A runtime for picoserve with no clock: timeouts never fire (everything is in memory).
struct Memory;

struct NoTimer;

impl picoserve::Timer<Memory> for NoTimer {
    async fn delay(&self, _: picoserve::time::Duration) {
        std::future::pending().await
    }
}

/// A connection whose request is a byte string and whose answer goes into a fixed buffer.
struct Socket<'a> {
    request: &'a [u8],
    answer: &'a mut [u8],
    written: usize,
}

struct Output<'s> {
    answer: &'s mut [u8],
    written: &'s mut usize,
}

impl ErrorType for Output<'_> {
    type Error = Infallible;
}

impl BaseWrite for Output<'_> {
    async fn write(&mut self, bytes: &[u8]) -> Result<usize, Infallible> {
        let room = &mut self.answer[*self.written..];
        let n = bytes.len().min(room.len());
        room[..n].copy_from_slice(&bytes[..n]);
        *self.written += n;
        Ok(n)
    }

    async fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl picoserve::io::Write for Output<'_> {
    async fn write_with<F: FnOnce(BorrowedCursor<'_>) -> R, R>(
        &mut self,
        f: F,
    ) -> Result<R, Infallible> {
        let mut buffer = BorrowedBuffer::new(&mut self.answer[*self.written..]);
        let output = f(buffer.unfilled());
        *self.written += buffer.len();
        Ok(output)
    }
}

impl picoserve::io::Socket<Memory> for Socket<'_> {
    type Error = Infallible;
    type ReadHalf<'s>
        = &'s [u8]
    where
        Self: 's;
    type WriteHalf<'s>
        = Output<'s>
    where
        Self: 's;

    fn split(&mut self) -> (&[u8], Output<'_>) {
        let output = Output {
            answer: self.answer,
            written: &mut self.written,
        };
        (self.request, output)
    }

    async fn abort<T: picoserve::Timer<Memory>>(
        self,
        _: &picoserve::Timeouts,
        _: &T,
    ) -> Result<(), picoserve::Error<Infallible>> {
        Ok(())
    }

    async fn shutdown<T: picoserve::Timer<Memory>>(
        self,
        _: &picoserve::Timeouts,
        _: &T,
    ) -> Result<(), picoserve::Error<Infallible>> {
        Ok(())
    }
}

/// Polls `future` to completion: everything it waits on is in memory, so it never waits.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
    panic!("an in-memory request should not wait");
}

#[test]
fn serving_the_device_allocates_nothing() {
    static DEVICE: Device = Device::new();
    static CONFIG: picoserve::Config = picoserve::Config::const_default();
    let app = embedded::app(&DEVICE, |_, _| {});
    let requests: [(&[u8], &str); 5] = [
        (
            b"OPTIONS /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\n\
              Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\
              Access-Control-Request-Private-Network: true\r\n\r\n",
            "HTTP/1.1 204",
        ),
        (
            b"OPTIONS /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\n\
              Access-Control-Request-Method: DELETE\r\n\r\n",
            "HTTP/1.1 403",
        ),
        (
            b"PUT /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\ncontent-length: 2\r\n\r\non",
            "HTTP/1.1 200",
        ),
        (
            b"GET /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\nAccept: application/json\r\n\r\n",
            "HTTP/1.1 200",
        ),
        (
            b"PUT /led HTTP/1.1\r\nOrigin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n\
              content-length: 3\r\n\r\noff",
            "HTTP/1.1 403",
        ),
    ];
    let mut http_buffer = [0u8; BUFFER];
    let mut answer = [0u8; BUFFER];
    for (request, status) in requests {
        answer.fill(0);
        let before = ALLOCATIONS.with(Cell::get);
        let socket = Socket {
            request,
            answer: &mut answer,
            written: 0,
        };
        let served =
            run(picoserve::Server::custom(&app, NoTimer, &CONFIG, &mut http_buffer).serve(socket));
        let allocations = ALLOCATIONS.with(Cell::get) - before;
        assert!(served.is_ok(), "{}", String::from_utf8_lossy(request));
        let written = String::from_utf8_lossy(&answer);
        assert!(written.starts_with(status), "{written}");
        assert_eq!(allocations, 0, "{}", String::from_utf8_lossy(request));
    }
    assert!(DEVICE.led());
    assert_eq!(DEVICE.calls(), 2);
    // The counter counts: this test would see an allocation.
    let before = ALLOCATIONS.with(Cell::get);
    drop(std::hint::black_box(vec![1u8]));
    assert_eq!(ALLOCATIONS.with(Cell::get) - before, 1);
}
