//! What reached an API server: every request on the wire, and which ones a handler answered.
//!
//! The log knows no server: each server of [`crate::serve`] feeds it through [`RequestLog::record`]
//! from its outermost middleware, and its handlers through [`RequestLog::handled`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;

/// One request as it arrived, before any CORS layer saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The method, as sent (`patch` stays lower case).
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The `Origin` header, if any.
    pub origin: Option<String>,
    /// The `Cookie` header, if any.
    pub cookie: Option<String>,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// `Access-Control-Request-Method`, on preflights.
    pub request_method: Option<String>,
    /// `Access-Control-Request-Headers`, on preflights.
    pub request_headers: Option<String>,
    /// `Sec-Fetch-Site`, which engines send to say how the request's initiator relates to its
    /// target (`same-origin`, `same-site`, `cross-site`, `none`).
    pub sec_fetch_site: Option<String>,
    /// The status the server answered with, once it did (whoever answered: a CORS layer or a
    /// handler).
    pub status: Option<u16>,
}

/// The shared record of one API server; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    inner: Arc<Mutex<Entries>>,
}

#[derive(Debug, Default)]
struct Entries {
    seen: Vec<Seen>,
    /// `(method, path)` of every request a handler ran for.
    handled: Vec<(String, String)>,
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

impl RequestLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panicking test thread must not hide the log from the others.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a request as it arrived; returns its index, for [`RequestLog::answered`].
    pub fn record(&self, method: &Method, path: &str, headers: &HeaderMap) -> usize {
        self.record_with(method.as_str(), path, |name| header(headers, name))
    }

    /// [`RequestLog::record`] for a server with its own header types: `header` gives the value of
    /// the header of that (lower-case) name, if the request has one.
    pub fn record_with(
        &self,
        method: &str,
        path: &str,
        header: impl Fn(&str) -> Option<String>,
    ) -> usize {
        let seen = Seen {
            method: method.to_owned(),
            path: path.to_owned(),
            origin: header("origin"),
            cookie: header("cookie"),
            authorization: header("authorization"),
            request_method: header("access-control-request-method"),
            request_headers: header("access-control-request-headers"),
            sec_fetch_site: header("sec-fetch-site"),
            status: None,
        };
        let mut entries = self.entries();
        entries.seen.push(seen);
        entries.seen.len() - 1
    }

    /// Records the status the request at `index` (from [`RequestLog::record`]) was answered with.
    pub fn answered(&self, index: usize, status: u16) {
        if let Some(seen) = self.entries().seen.get_mut(index) {
            seen.status = Some(status);
        }
    }

    /// Records that a handler ran (so the request got past any CORS layer).
    pub fn handled(&self, method: &str, path: &str) {
        self.entries()
            .handled
            .push((method.to_owned(), path.to_owned()));
    }

    /// Every request that arrived, in order.
    pub fn seen_all(&self) -> Vec<Seen> {
        self.entries().seen.clone()
    }

    /// Every request that arrived for `path`, in order.
    pub fn seen(&self, path: &str) -> Vec<Seen> {
        self.entries()
            .seen
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    /// How many `method` requests arrived for `path` (`OPTIONS` counts preflights).
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.seen(path)
            .iter()
            .filter(|s| s.method == method)
            .count()
    }

    /// How many `method` requests for `path` a handler ran for.
    pub fn handled_count(&self, method: &str, path: &str) -> usize {
        self.entries()
            .handled
            .iter()
            .filter(|(m, p)| m == method && p == path)
            .count()
    }

    /// The statuses `POST`s to `path` were answered with, in order, once there is one (waiting up
    /// to 10 s, so that the page asks once whatever the timing): how the page learns that the
    /// server answered its form, whose answer it may not read. Every server here runs on tokio.
    pub async fn post_statuses(&self, path: &str) -> String {
        for _ in 0..200 {
            let statuses: Vec<String> = self
                .seen(path)
                .into_iter()
                .filter(|s| s.method == "POST")
                .filter_map(|s| s.status.map(|status| status.to_string()))
                .collect();
            if !statuses.is_empty() {
                return statuses.join(" ");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        String::new()
    }
}

/// Axum middleware recording every request into the log in its state, and then the status it
/// was answered with; put it outermost so that it also sees what a CORS layer answers by itself
/// (preflights, refused writes).
pub async fn record(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    let index = log.record(request.method(), request.uri().path(), request.headers());
    let response = next.run(request).await;
    log.answered(index, response.status().as_u16());
    response
}
