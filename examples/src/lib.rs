//! Runnable examples of `checked-cors` on real servers: each server's app is built here, so that the
//! binaries in `src/bin` only bind ports and the tests in `tests/` drive the very same app over
//! loopback sockets.
//!
//! - [`demo`]: the README's demo, an axum API with one policy per route and a page that calls it
//!   from another origin;
//! - [`reload`]: a policy read from a TOML file and reloaded while the service runs;
//! - [`hyper_server`]: plain hyper 1 with the tower layer;
//! - [`actix`]: actix-web with the library's middleware, `checked_cors::actix::Cors`;
//! - [`grpc_web`]: a tonic service called from browsers with gRPC-web, through tonic-web and the
//!   tower layer;
//! - [`embedded`]: CORS with no allocator, a picoserve app (the no_std server of embassy
//!   firmware), served here on tokio.
#![warn(missing_docs)]

pub mod actix;
pub mod body;
pub mod demo;
pub mod embedded;
pub mod grpc_web;
pub mod hyper_server;
pub mod observe;
pub mod reload;

/// The port given as the only argument, or `default`; exits with a usage message on anything else.
pub fn port_from_args(default: u16) -> u16 {
    let mut args = std::env::args().skip(1);
    match (args.next(), args.next()) {
        (None, _) => default,
        (Some(port), None) => port.parse().unwrap_or_else(|_| {
            eprintln!("expected a port number, got {port:?}");
            std::process::exit(2)
        }),
        (Some(_), Some(_)) => {
            eprintln!("usage: [PORT] (default {default})");
            std::process::exit(2)
        }
    }
}
