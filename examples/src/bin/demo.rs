//! The README's demo: `cargo run -p cors-examples --bin demo`, then open the printed URL.
//!
//! Ports: `--page-port N --api-port N`, or `PAGE_PORT` and `API_PORT`; 8080 and 8081 by default.

use std::future::IntoFuture;

use cors_examples::demo::{self, Ports};
use cors_examples::observe::{Calls, Refusals};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let ports = match Ports::from_args(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(ports) => ports,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let page_listener = TcpListener::bind(("127.0.0.1", ports.page)).await?;
    let api_listener = TcpListener::bind(("127.0.0.1", ports.api)).await?;
    let refusals = Refusals::default();
    let api_origin = format!("http://127.0.0.1:{}", ports.api);
    let page = demo::page(api_origin.clone(), refusals.clone());
    let api = demo::api(Calls::default(), refusals);
    println!(
        "page: http://127.0.0.1:{}/ (open it in a browser)",
        ports.page
    );
    println!("API:  {api_origin}");
    tokio::try_join!(
        axum::serve(page_listener, page).into_future(),
        axum::serve(api_listener, api).into_future(),
    )?;
    Ok(())
}
