//! A real HTTP client over loopback, and assertions shared by the servers' tests.
#![allow(dead_code)] // each test binary uses its own part

use std::future::Future;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

use cors_examples::observe::{Calls, Refusals};

/// An example server on a loopback port, with what its handlers and its layer saw.
pub struct Server {
    /// `http://127.0.0.1:port` and `path`.
    pub url: String,
    pub calls: Calls,
    pub refusals: Refusals,
}

impl Server {
    /// Binds a free loopback port and spawns `serve` on it.
    pub async fn start<F, S>(serve: S, path: &str) -> Server
    where
        S: FnOnce(TcpListener, Calls, Refusals) -> F,
        F: Future + Send + 'static,
        F::Output: Send,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}{path}", listener.local_addr().unwrap());
        let (calls, refusals) = (Calls::default(), Refusals::default());
        tokio::spawn(serve(listener, calls.clone(), refusals.clone()));
        Server {
            url,
            calls,
            refusals,
        }
    }

    /// The refusals so far, as `(method, reason)`.
    pub fn reasons(&self) -> Vec<(String, String)> {
        let all = self.refusals.all().into_iter();
        all.map(|r| (r.method, r.reason)).collect()
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The only value of `name`, as text; panics if there are several.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.get_all(name).iter();
        let value = values.next()?;
        assert!(
            values.next().is_none(),
            "several {name} headers: {:?}",
            self.headers
        );
        Some(value.to_str().expect("ASCII header"))
    }

    /// Every value of every `Vary` header, split at commas, in order.
    pub fn vary(&self) -> Vec<String> {
        self.headers
            .get_all("vary")
            .iter()
            .flat_map(|v| v.to_str().unwrap().split(','))
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The `access-control-*` headers, as `(name, value)`, sorted by name.
    pub fn cors_headers(&self) -> Vec<(String, String)> {
        let mut headers: Vec<_> = self
            .headers
            .iter()
            .filter(|(name, _)| name.as_str().starts_with("access-control-"))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        headers
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }
}

/// `[(name, value)]` as `cors_headers` returns them, for exact comparisons.
pub fn expected(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut headers: Vec<_> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.sort();
    headers
}

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Request<Full<Bytes>> {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap()
}

/// Sends one request and reads the whole answer.
pub async fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let response = client()
        .request(request(method, url, headers, body))
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e:?}"));
    let (parts, body) = response.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("whole body").to_bytes(),
    }
}

/// Sends a GET and records each data frame of the answer with the time it arrived.
pub async fn frames(url: &str, headers: &[(&str, &str)]) -> (HeaderMap, Vec<(Instant, Bytes)>) {
    let response = client()
        .request(request("GET", url, headers, b""))
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e:?}"));
    let (parts, mut body) = response.into_parts();
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.expect("frame").into_data() {
            frames.push((Instant::now(), data));
        }
    }
    (parts.headers, frames)
}

/// Asserts that the frames hold every tick, in order, and arrived spread over time, as sent: a
/// layer that buffered the body would deliver them all at once.
pub fn assert_streamed(frames: &[(Instant, Bytes)], delay: Duration) {
    let ticks = cors_examples::body::TICKS;
    let all: Vec<u8> = frames.iter().flat_map(|(_, d)| d.to_vec()).collect();
    let expected: String = (0..ticks).map(cors_examples::body::tick).collect();
    assert_eq!(String::from_utf8(all).unwrap(), expected);
    let (first, last) = (frames[0].0, frames[frames.len() - 1].0);
    // The server waits `delay` between chunks; half of it per gap leaves room for a slow machine
    // while staying far from the ~0 of a buffered body.
    let spread = delay * (ticks as u32 - 1) / 2;
    assert!(
        last - first >= spread,
        "{} frames within {:?}: the body was buffered",
        frames.len(),
        last - first
    );
}
