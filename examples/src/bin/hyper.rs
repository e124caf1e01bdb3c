//! Plain hyper 1 with the tower layer: `cargo run -p cors-examples --bin hyper [PORT]` (8082 by
//! default), then try
//! `curl -i -X OPTIONS -H 'origin: https://notes.example.com' -H 'access-control-request-method: PUT' http://127.0.0.1:8082/notes`.

use cors_examples::hyper_server;
use cors_examples::observe::{Calls, Refusals};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = cors_examples::port_from_args(8082);
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://127.0.0.1:{port}/notes");
    hyper_server::serve(listener, Calls::default(), Refusals::default()).await
}
