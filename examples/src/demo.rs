//! The README's demo: an API with one derived policy per route, and a page on another origin
//! that calls it with `fetch()` and shows what the browser allowed and why.
//!
//! The page is served from `http://127.0.0.1:PAGE_PORT`, the API from `http://127.0.0.1:API_PORT`:
//! an origin is scheme, host *and port*, so every call is cross-origin. Both are one site (a site
//! ignores ports), so the browser keeps the API's cookie: across sites, browsers now block
//! third-party cookies, and the demo's `credentials` calls would show that instead of CORS.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Extension, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use cors_core::{Cors, CorsLayer, CorsPolicy};

use crate::observe::{log_refusal, Calls, Refusals};

/// The page, a static file: it asks the page server for the API's address (`/config`).
pub const PAGE: &str = include_str!("../demo.html");

/// The API key `PUT` and `DELETE` on `/api/items/{id}` want in `x-api-key`.
pub const API_KEY: &str = "demo-key";

/// The cookie `/api/login` sets and `/api/account` reads.
pub const SESSION: &str = "session=demo-user";

/// The delay between two chunks of `/api/ticks`.
pub const TICK_DELAY: Duration = Duration::from_millis(200);

/// Anyone may read, without credentials: the layer answers `Access-Control-Allow-Origin: *`.
#[derive(Cors)]
#[cors(origins = "*")]
pub struct Public;

/// The page, with cookies.
///
/// The ports are chosen at run time and a derived policy is fixed at compile time, so the policy
/// allows any port of `127.0.0.1`: a loopback origin, which no one else on the network can be.
#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], methods = [GET, POST], credentials)]
pub struct Account;

/// Another site, not the page: the browser hides these answers from the page.
#[derive(Cors)]
#[cors(origins = ["https://admin.example.com"])]
pub struct Admin;

/// The page may change and delete items with an API key, and read the request id.
#[derive(Cors)]
#[cors(
    origins = ["http://127.0.0.1:*"],
    methods = [GET, PUT, DELETE],
    headers = ["x-api-key", "content-type"],
    expose = ["x-request-id"],
    max_age = 600
)]
pub struct Items;

/// The page may read a greeting whose handler sets its own `Vary`.
#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"])]
pub struct Greeting;

/// The per-route layer: the policy of `P`, refusals logged.
fn cors<P: CorsPolicy>() -> CorsLayer<P> {
    CorsLayer::new().on_refusal(log_refusal)
}

/// The API: one policy per route.
///
/// Each layer goes on the route's `MethodRouter` with `.layer`, not `.route_layer`: a preflight is
/// an `OPTIONS` request, which no handler here takes, so axum sends it to the route's fallback,
/// which `MethodRouter::route_layer` leaves out (axum would answer `405` without CORS headers).
pub fn api(calls: Calls, refusals: Refusals) -> Router {
    let request_ids = Arc::new(AtomicU64::new(0));
    Router::new()
        .route("/api/public", get(public).layer(cors::<Public>()))
        .route("/api/login", post(login).layer(cors::<Account>()))
        .route("/api/account", get(account).layer(cors::<Account>()))
        .route("/api/admin", get(admin).layer(cors::<Admin>()))
        .route("/api/items", get(list_items).layer(cors::<Items>()))
        .route(
            "/api/items/{id}",
            put(put_item).delete(delete_item).layer(cors::<Items>()),
        )
        .route("/api/greeting", get(greeting).layer(cors::<Greeting>()))
        .route("/api/ticks", get(ticks).layer(cors::<Public>()))
        // Outside the CORS layers, so that handlers and `on_refusal` find them in the request.
        .layer(Extension(calls))
        .layer(Extension(refusals))
        .layer(Extension(request_ids))
}

/// The page server: the page, the API's address, and the API's refusals (which the browser
/// never tells the page).
pub fn page(api_origin: String, refusals: Refusals) -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/config", get(|| async move { api_origin }))
        .route("/refusals", get(list_refusals))
        .layer(Extension(refusals))
}

/// `/refusals`: one line per refusal, `seq method path origin reason`, tab-separated.
async fn list_refusals(Extension(refusals): Extension<Refusals>) -> String {
    refusals
        .all()
        .iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                r.seq, r.method, r.path, r.origin, r.reason
            )
        })
        .collect()
}

async fn public(Extension(calls): Extension<Calls>) -> &'static str {
    calls.record("public");
    "hello, whoever you are"
}

async fn login(Extension(calls): Extension<Calls>) -> impl IntoResponse {
    calls.record("login");
    // Same-site (only the port differs), so `SameSite=Lax` lets the page's `fetch` send it back.
    let cookie = format!("{SESSION}; Path=/api; HttpOnly; SameSite=Lax");
    ([(header::SET_COOKIE, cookie)], "signed in")
}

async fn account(Extension(calls): Extension<Calls>, headers: HeaderMap) -> Response {
    calls.record("account");
    let signed_in = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == SESSION);
    if signed_in {
        "signed in as demo-user".into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "no session cookie").into_response()
    }
}

async fn admin(Extension(calls): Extension<Calls>) -> &'static str {
    // Runs even for a refused origin: a simple GET is not preflighted, the browser only hides
    // the answer.
    calls.record("admin");
    "the admin's secrets"
}

/// A fresh `x-request-id`, exposed to scripts by [`Items`].
fn request_id(ids: &AtomicU64) -> (header::HeaderName, HeaderValue) {
    let id = ids.fetch_add(1, Ordering::Relaxed) + 1;
    (
        header::HeaderName::from_static("x-request-id"),
        HeaderValue::from(id),
    )
}

/// A header scripts cannot read: [`Items`] does not expose it.
const TRACE: (header::HeaderName, HeaderValue) = (
    header::HeaderName::from_static("x-internal-trace"),
    HeaderValue::from_static("not-exposed"),
);

async fn list_items(
    Extension(calls): Extension<Calls>,
    Extension(ids): Extension<Arc<AtomicU64>>,
) -> impl IntoResponse {
    calls.record("list_items");
    ([request_id(&ids), TRACE], "1 apple\n2 pear\n")
}

fn has_key(headers: &HeaderMap) -> bool {
    headers.get("x-api-key").is_some_and(|k| k == API_KEY)
}

async fn put_item(
    Extension(calls): Extension<Calls>,
    Extension(ids): Extension<Arc<AtomicU64>>,
    Path(id): Path<u32>,
    headers: HeaderMap,
    body: String,
) -> Response {
    calls.record("put_item");
    if !has_key(&headers) {
        return (StatusCode::UNAUTHORIZED, "missing x-api-key").into_response();
    }
    ([request_id(&ids)], format!("item {id} is now {body}")).into_response()
}

async fn delete_item(
    Extension(calls): Extension<Calls>,
    Extension(ids): Extension<Arc<AtomicU64>>,
    Path(id): Path<u32>,
    headers: HeaderMap,
) -> Response {
    calls.record("delete_item");
    if !has_key(&headers) {
        return (StatusCode::UNAUTHORIZED, "missing x-api-key").into_response();
    }
    ([request_id(&ids)], format!("item {id} deleted")).into_response()
}

async fn greeting(Extension(calls): Extension<Calls>, headers: HeaderMap) -> impl IntoResponse {
    calls.record("greeting");
    let french = headers
        .get(header::ACCEPT_LANGUAGE)
        .is_some_and(|l| l.as_bytes().starts_with(b"fr"));
    // The answer depends on the language: the layer appends `origin` to this `Vary`.
    let vary = [(header::VARY, "accept-language")];
    (vary, if french { "bonjour" } else { "hello" })
}

async fn ticks(Extension(calls): Extension<Calls>) -> Body {
    calls.record("ticks");
    Body::new(crate::body::ticks(TICK_DELAY))
}

/// Where the demo listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    /// The page's port, on `127.0.0.1`.
    pub page: u16,
    /// The API's port, on `127.0.0.1` too.
    pub api: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            page: 8080,
            api: 8081,
        }
    }
}

impl Ports {
    /// Reads `--page-port N` and `--api-port N` from `args` (without the program name), falling
    /// back on the environment variables `PAGE_PORT` and `API_PORT`, then on 8080 and 8081.
    pub fn from_args(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Ports, String> {
        let parse = |what: &str, value: &str| {
            value
                .parse::<u16>()
                .map_err(|_| format!("{what}: expected a port number, got {value:?}"))
        };
        let mut ports = Ports::default();
        if let Some(value) = env("PAGE_PORT") {
            ports.page = parse("PAGE_PORT", &value)?;
        }
        if let Some(value) = env("API_PORT") {
            ports.api = parse("API_PORT", &value)?;
        }
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let port = match arg.as_str() {
                "--page-port" => &mut ports.page,
                "--api-port" => &mut ports.api,
                _ => return Err(format!("unknown argument {arg:?}; {USAGE}")),
            };
            let value = args.next().ok_or_else(|| format!("{arg} needs a port"))?;
            *port = parse(&arg, &value)?;
        }
        if ports.page == ports.api {
            return Err(format!(
                "the page and the API need two ports, got {} twice",
                ports.api
            ));
        }
        Ok(ports)
    }
}

/// How to run the demo.
pub const USAGE: &str = "usage: demo [--page-port N] [--api-port N] (or PAGE_PORT, API_PORT)";
