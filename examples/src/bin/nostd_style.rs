//! CORS without an allocator behind a hand-rolled HTTP/1.1 server:
//! `cargo run -p cors-examples --bin nostd_style [PORT]` (8084 by default), then try
//! `curl -i -H 'origin: https://dashboard.example.com' http://127.0.0.1:8084/led`.

use std::net::TcpListener;

use cors_examples::embedded::Device;
use cors_examples::tiny_http;

/// The device lives in a `static`, as it would in firmware.
static DEVICE: Device = Device::new();

fn main() -> std::io::Result<()> {
    let port = cors_examples::port_from_args(8084);
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on http://127.0.0.1:{port}/led");
    tiny_http::serve(listener, &DEVICE)
}
