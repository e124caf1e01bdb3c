//! The servers the suite's API runs on, each on loopback, on a port chosen by the system, for the
//! life of the test process: axum with the tower layer (here), actix-web with the library's
//! middleware ([`actix`]) and picoserve with its layer ([`picoserve`]).
//!
//! Each server's builder has the same methods (`cors::<P>`, `handled_posts::<P>`,
//! `post_statuses::<P>`, `page`), so that one route table builds the core scenarios' API on every
//! server, and each records what it received in a [`RequestLog`].

pub mod actix;
pub mod picoserve;

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener};

use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::{Html, IntoResponse};
use axum::routing::{any, get};
use axum::Router;
use checked_cors::{CorsLayer, CorsPolicy};

use crate::log::RequestLog;

/// A server the API runs on: one integration of the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Server {
    /// axum, with `checked_cors::CorsLayer` (tower) on each route; serves every scenario.
    Tower,
    /// actix-web's `HttpServer`, with `checked_cors::actix::Cors` on each resource.
    Actix,
    /// picoserve on tokio, with `checked_cors::picoserve::CorsLayer` for each route.
    Picoserve,
}

impl Server {
    /// Every server, in the order the page runs them.
    pub const ALL: [Server; 3] = [Server::Tower, Server::Actix, Server::Picoserve];

    /// The server's short lower-case name, as in test names (`chromium::actix::...`).
    pub fn id(self) -> &'static str {
        match self {
            Server::Tower => "tower",
            Server::Actix => "actix",
            Server::Picoserve => "picoserve",
        }
    }

    /// What the page puts before the server's scenario names in its report: nothing for the
    /// tower server, whose report is the suite's full one, else `actix/` or `picoserve/`.
    pub fn prefix(self) -> &'static str {
        match self {
            Server::Tower => "",
            Server::Actix => "actix/",
            Server::Picoserve => "picoserve/",
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Server::Tower => "tower (axum)",
            Server::Actix => "actix-web",
            Server::Picoserve => "picoserve",
        })
    }
}

/// The route builder of the axum server, for a `Router<RequestLog>`: the same methods as
/// [`actix::Routes`] and [`picoserve::Routes`].
pub trait TowerRoutes: Sized {
    /// `path` answered by [`handler`] for every method, behind `P`'s `CorsLayer`.
    fn cors<P: CorsPolicy + 'static>(self, path: &'static str) -> Self;
    /// `path` answering how many `POST`s to the path in its query a handler ran for, behind `P`.
    fn handled_posts<P: CorsPolicy + 'static>(self, path: &'static str) -> Self;
    /// `path` answering the statuses of the `POST`s to the path in its query, behind `P` (see
    /// [`RequestLog::post_statuses`]).
    fn post_statuses<P: CorsPolicy + 'static>(self, path: &'static str) -> Self;
    /// `path` answering the HTML page `html`, with no CORS layer.
    fn page(self, path: &'static str, html: &'static str) -> Self;
}

impl TowerRoutes for Router<RequestLog> {
    fn cors<P: CorsPolicy + 'static>(self, path: &'static str) -> Self {
        self.route(path, any(handler).layer(CorsLayer::<P>::new()))
    }

    fn handled_posts<P: CorsPolicy + 'static>(self, path: &'static str) -> Self {
        let count = |State(log): State<RequestLog>, uri: Uri| async move {
            let path = uri.query().unwrap_or_default();
            log.handled_count("POST", path).to_string()
        };
        self.route(path, get(count).layer(CorsLayer::<P>::new()))
    }

    fn post_statuses<P: CorsPolicy + 'static>(self, path: &'static str) -> Self {
        let statuses = |State(log): State<RequestLog>, uri: Uri| async move {
            log.post_statuses(uri.query().unwrap_or_default()).await
        };
        self.route(path, get(statuses).layer(CorsLayer::<P>::new()))
    }

    fn page(self, path: &'static str, html: &'static str) -> Self {
        self.route(path, get(move || async move { Html(html) }))
    }
}

/// The handler of every CORS route of the axum server (the other servers' answer the same): logs
/// that it ran and sends a header that only `expose` reveals.
pub async fn handler(State(log): State<RequestLog>, method: Method, uri: Uri) -> impl IntoResponse {
    log.handled(method.as_str(), uri.path());
    ([("x-request-id", "42")], "ok")
}

/// A listener on `127.0.0.1` with an ephemeral port, bound before the routers exist so that each
/// router can be told the other's origin.
pub fn bind() -> io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// Serves each `(listener, router)` pair on a background thread with its own tokio runtime.
///
/// The servers live as long as the test process: every test of the suite shares them, and the
/// process exit ends them.
pub fn spawn(servers: Vec<(TcpListener, Router)>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let mut listeners = Vec::new();
    for (listener, router) in servers {
        // Converting needs the runtime's reactor.
        let _guard = runtime.enter();
        listeners.push((tokio::net::TcpListener::from_std(listener)?, router));
    }
    std::thread::Builder::new()
        .name("cors-browser-servers".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut tasks = Vec::new();
                for (listener, router) in listeners {
                    tasks.push(tokio::spawn(
                        async move { axum::serve(listener, router).await },
                    ));
                }
                for task in tasks {
                    // A server that stops is a harness bug: say so instead of hanging silently.
                    match task.await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => panic!("a test server stopped: {e}"),
                        Err(e) => panic!("a test server panicked: {e}"),
                    }
                }
            });
        })?;
    Ok(())
}
