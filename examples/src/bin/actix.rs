//! actix-web with the library's middleware (`checked_cors::actix::Cors`):
//! `cargo run -p cors-examples --bin actix [PORT]` (8083 by default), then try
//! `curl -i -H 'origin: https://shop.example.com' http://127.0.0.1:8083/cart`.

use actix_web::{App, HttpServer};
use cors_examples::actix::configure;
use cors_examples::observe::{Calls, Refusals};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = cors_examples::port_from_args(8083);
    let (calls, refusals) = (Calls::default(), Refusals::default());
    println!("listening on http://127.0.0.1:{port}/cart");
    HttpServer::new(move || App::new().configure(configure(calls.clone(), refusals.clone())))
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
