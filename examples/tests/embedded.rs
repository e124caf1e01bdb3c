//! The no-allocator CORS logic: its allocations counted, then behind the hand-rolled server over
//! a real socket.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use common::{expected, send};
use cors_examples::embedded::{parse, respond, Device, BUFFER};
use cors_examples::tiny_http;

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

const DASHBOARD: &str = "https://dashboard.example.com";

#[test]
fn parsing_deciding_and_answering_allocate_nothing() {
    let device = Device::new();
    let requests: [&[u8]; 5] = [
        b"OPTIONS /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\n\
          Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\
          Access-Control-Request-Private-Network: true\r\n\r\n",
        b"OPTIONS /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\n\
          Access-Control-Request-Method: DELETE\r\n\r\n",
        b"GET /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\nAccept: application/json\r\n\r\n",
        b"GET /led HTTP/1.1\r\nOrigin: https://evil.example\r\n\r\n",
        b"PUT /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\ncontent-length: 2\r\n\r\non",
    ];
    let mut out = [0u8; BUFFER];
    for raw in requests {
        let before = ALLOCATIONS.with(Cell::get);
        let parsed = parse(raw).unwrap();
        let answer = respond(&device, &parsed, &mut out).unwrap();
        let allocations = ALLOCATIONS.with(Cell::get) - before;
        assert!(answer.len > 0);
        assert_eq!(allocations, 0, "{}", String::from_utf8_lossy(raw));
    }
    // The counter counts: this test would see an allocation.
    let before = ALLOCATIONS.with(Cell::get);
    drop(std::hint::black_box(vec![1u8]));
    assert_eq!(ALLOCATIONS.with(Cell::get) - before, 1);
}

/// Serves a fresh device on an ephemeral port from a thread; returns the URL and the device.
fn start() -> (String, &'static Device) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let device: &'static Device = Box::leak(Box::new(Device::new()));
    std::thread::spawn(move || tiny_http::serve(listener, device));
    (url, device)
}

#[tokio::test]
async fn private_network_preflight_is_allowed() {
    let (url, device) = start();
    let reply = send(
        "OPTIONS",
        &format!("{url}/led"),
        &[
            ("origin", DASHBOARD),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-private-network", "true"),
        ],
        b"",
    )
    .await;
    assert_eq!(reply.status, 204);
    assert_eq!(
        reply.cors_headers(),
        expected(&[
            ("access-control-allow-headers", "content-type"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-origin", DASHBOARD),
            ("access-control-allow-private-network", "true"),
            ("access-control-max-age", "300"),
        ])
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
async fn refused_preflight_gets_403_and_no_handler() {
    let (url, device) = start();
    for (origin, method) in [(DASHBOARD, "DELETE"), ("https://evil.example", "PUT")] {
        let reply = send(
            "OPTIONS",
            &format!("{url}/led"),
            &[
                ("origin", origin),
                ("access-control-request-method", method),
            ],
            b"",
        )
        .await;
        assert_eq!(reply.status, 403, "{origin} {method}");
        assert_eq!(reply.cors_headers(), expected(&[]));
    }
    assert_eq!(device.calls(), 0);
}

#[tokio::test]
async fn simple_requests_are_decorated_and_vary_merged() {
    let (url, device) = start();
    let put = send(
        "PUT",
        &format!("{url}/led"),
        &[("origin", DASHBOARD)],
        b"on",
    )
    .await;
    assert_eq!((put.status.as_u16(), put.text()), (200, "ok\n"));
    assert_eq!(
        put.cors_headers(),
        expected(&[("access-control-allow-origin", DASHBOARD)])
    );
    assert!(device.led());
    let json = send(
        "GET",
        &format!("{url}/led"),
        &[("origin", DASHBOARD), ("accept", "application/json")],
        b"",
    )
    .await;
    assert_eq!(json.text(), "{\"led\":true}");
    assert_eq!(json.header("content-type"), Some("application/json"));
    assert_eq!(json.vary(), ["accept", "origin"]);
    let refused = send(
        "GET",
        &format!("{url}/led"),
        &[("origin", "https://evil.example")],
        b"",
    )
    .await;
    assert_eq!(refused.text(), "on\n");
    assert_eq!(refused.cors_headers(), expected(&[]));
    assert_eq!(refused.vary(), ["accept", "origin"]);
    assert_eq!(device.calls(), 3);
}

/// Sends raw bytes and reads the whole answer: for requests a well-behaved client never sends.
fn raw_exchange(url: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn broken_requests_get_fixed_errors() {
    let (url, device) = start();
    let malformed = raw_exchange(&url, b"GET /led HTTP/1.1\r\nOrigin https://x\r\n\r\n");
    assert!(malformed.starts_with("HTTP/1.1 400 "), "{malformed}");
    let oversized = format!("GET /led HTTP/1.1\r\nx-pad: {}\r\n", "a".repeat(BUFFER));
    let oversized = raw_exchange(&url, oversized.as_bytes());
    assert!(oversized.starts_with("HTTP/1.1 431 "), "{oversized}");
    let two_origins = raw_exchange(
        &url,
        b"GET /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\nOrigin: https://dashboard.example.com\r\n\r\n",
    );
    // Served (a simple request), but a request with two `Origin`s gets no permission.
    assert!(two_origins.starts_with("HTTP/1.1 200 "), "{two_origins}");
    assert!(!two_origins.contains("access-control-"), "{two_origins}");
    assert_eq!(device.calls(), 1);
}
