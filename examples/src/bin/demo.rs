//! The README's demo: `cargo run -p cors-examples --bin demo`, then open the printed URL.
//!
//! Ports: `--page-port N --api-port N --other-port N`, or `PAGE_PORT`, `API_PORT` and
//! `OTHER_PORT`; 8080, 8081 and 8082 by default.

use std::error::Error;
use std::future::IntoFuture;

use cors_examples::demo::{self, Origins, Ports, Shared};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let ports = match Ports::from_args(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(ports) => ports,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let page_listener = TcpListener::bind(("127.0.0.1", ports.page)).await?;
    let api_listener = TcpListener::bind(("127.0.0.1", ports.api)).await?;
    let other_listener = TcpListener::bind(("127.0.0.1", ports.other)).await?;
    let origins = Origins::loopback(ports);
    let shared = Shared::default();
    let page = demo::page(&origins, &shared)?;
    let api = demo::api(&origins.page, &shared)?;
    let other = demo::other_site(&origins.api);
    println!("page: {}/ (open it in a browser)", origins.page);
    println!("API:  {}", origins.api);
    println!("another site: {}", origins.other);
    tokio::try_join!(
        axum::serve(page_listener, page).into_future(),
        axum::serve(api_listener, api).into_future(),
        axum::serve(other_listener, other).into_future(),
    )?;
    Ok(())
}
