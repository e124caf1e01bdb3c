//! gRPC-web from browsers through tonic-web and the tower layer:
//! `cargo run -p cors-examples --bin grpc_web [PORT]` (8085 by default), then try
//! `curl -i -X OPTIONS -H 'origin: https://notes.example.com' -H 'access-control-request-method: POST' -H 'access-control-request-headers: content-type,x-grpc-web,x-user-agent' http://127.0.0.1:8085/notes.Notes/Get`.

use cors_examples::grpc_web;
use cors_examples::observe::{Calls, Refusals};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = cors_examples::port_from_args(8085);
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://127.0.0.1:{port}{}", grpc_web::GET);
    grpc_web::serve(listener, Calls::default(), Refusals::default()).await?;
    Ok(())
}
