//! CORS without an allocator, on picoserve (the no_std server of embassy firmware), here on tokio:
//! `cargo run -p cors-examples --bin embedded [PORT]` (8084 by default), then try
//! `curl -i -H 'origin: https://dashboard.example.com' http://127.0.0.1:8084/led`.

use std::net::TcpListener;

use cors_examples::embedded::{serve, Device};

/// The device lives in a `static`, as it would in firmware.
static DEVICE: Device = Device::new();

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = cors_examples::port_from_args(8084);
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on http://127.0.0.1:{port}/led");
    serve(listener, &DEVICE).await
}
