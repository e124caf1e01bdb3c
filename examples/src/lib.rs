//! Runnable examples of `cors-core` on real servers: each server's app is built here, so that the
//! binaries in `src/bin` only bind ports and the tests in `tests/` drive the very same app over
//! loopback sockets.
//!
//! - [`demo`]: the README's demo, an axum API with one policy per route and a page that calls it
//!   from another origin;
//! - [`hyper_server`]: plain hyper 1 with the tower layer;
//! - [`actix`]: actix-web with the library's middleware, `cors_core::actix::Cors`;
//! - [`embedded`] and [`tiny_http`]: CORS with no allocator, behind a hand-rolled HTTP/1.1 server.
#![warn(missing_docs)]

pub mod actix;
pub mod body;
pub mod demo;
pub mod embedded;
pub mod hyper_server;
pub mod observe;
pub mod tiny_http;

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
