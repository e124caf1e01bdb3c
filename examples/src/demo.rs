//! The README's demo: an API with one policy per route, and a page on another origin that calls
//! it with `fetch()` and shows what the browser allowed and why.
//!
//! The page is served from `http://127.0.0.1:PAGE_PORT`, the API from `http://127.0.0.1:API_PORT`:
//! an origin is scheme, host *and port*, so every call is cross-origin. Both are one site (a site
//! ignores ports), so the browser keeps the API's cookie: across sites, browsers now block
//! third-party cookies, and the demo's `credentials` calls would show that instead of CORS.
//!
//! A third server, `http://127.0.0.1:OTHER_PORT`, is "another site" in the sense of the attack
//! CORS alone does not stop: its page auto-submits a transfer form to the API, and the API's
//! `/api/transfer` policy, which lists only the demo page's origin, refuses it before the
//! handler runs. (It is the same *site* as the API, since sites ignore ports; the browser marks
//! its form `Sec-Fetch-Site: same-site`, which the layer refuses from an unlisted origin just as
//! it does `cross-site`. `SameSite` cookies would not stop it: they stop at sites, not origins.)
//!
//! The page server also has an admin endpoint that adds origins to an [`OriginSet`] while the
//! demo runs: the `/api/tenant` row is blocked until the page adds its own origin.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Extension, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use checked_cors::{
    BuildError, Cors, CorsLayer, CorsPolicy, OriginSet, PolicyBuilder, RuntimePolicy,
};

use crate::observe::{log_refusal, Calls, Refusals};

/// The page, a static file: it asks the page server for the other origins (`/config`).
pub const PAGE: &str = include_str!("../demo.html");

/// The other site's page, with `API_ORIGIN` where the API's origin goes: a form that posts a
/// transfer to the API as soon as the page loads.
pub const OTHER_PAGE: &str = include_str!("../demo-other.html");

/// The form both the other site and the demo page submit to `POST /api/transfer`.
pub const TRANSFER_FORM: &str = "to=mallory&amount=100";

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

/// A tenant's report: the origins it lists are the ones known when the service was built; the
/// rest come from an [`OriginSet`] that the page server's admin endpoint changes while the demo
/// runs (`CorsLayer::<Tenant>::new().with_origins(tenants)`).
#[derive(Cors)]
#[cors(origins = ["https://first-tenant.example.com"])]
pub struct Tenant;

/// The per-route layer: the policy of `P`, refusals logged.
fn cors<P: CorsPolicy>() -> CorsLayer<P> {
    CorsLayer::new().on_refusal(log_refusal)
}

/// A policy that lists only `origin`, with `methods`: built at start-up, since the demo's ports
/// are chosen at run time.
fn only(origin: &str, methods: &[&str]) -> Result<CorsLayer<RuntimePolicy>, BuildError> {
    let policy = PolicyBuilder::new()
        .allow_origins([origin])
        .allow_methods(methods)
        .build()?;
    Ok(CorsLayer::from_policy(policy).on_refusal(log_refusal))
}

/// How many transfers the API made, shared by clones: the number the attack would raise.
#[derive(Clone, Debug, Default)]
pub struct Transfers(Arc<AtomicU64>);

impl Transfers {
    /// The transfers made so far.
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Notes a transfer; the count after it.
    fn record(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// What the demo's servers share, and what its tests observe: clones share the same state.
#[derive(Clone, Debug, Default)]
pub struct Shared {
    /// The API's handlers that ran.
    pub calls: Calls,
    /// The API's refusals, which the page server shows the page.
    pub refusals: Refusals,
    /// The origins `/api/tenant` allows beyond its policy's own, changed by the admin endpoint.
    pub tenants: OriginSet,
    /// The transfers `POST /api/transfer` made.
    pub transfers: Transfers,
}

/// The API: one policy per route. `page_origin` is the demo page's origin, the only one
/// `/api/transfer` allows; an error if it is not a serialized origin.
///
/// Each layer goes on the route's `MethodRouter` with `.layer`, not `.route_layer`: a preflight is
/// an `OPTIONS` request, which no handler here takes, so axum sends it to the route's fallback,
/// which `MethodRouter::route_layer` leaves out (axum would answer `405` without CORS headers).
pub fn api(page_origin: &str, shared: &Shared) -> Result<Router, BuildError> {
    let request_ids = Arc::new(AtomicU64::new(0));
    let tenant = cors::<Tenant>().with_origins(shared.tenants.clone());
    Ok(Router::new()
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
        .route(
            "/api/transfer",
            get(transfer_count)
                .post(transfer)
                .layer(only(page_origin, &["GET", "POST"])?),
        )
        .route("/api/tenant", get(tenant_report).layer(tenant))
        // Outside the CORS layers, so that handlers and `on_refusal` find them in the request.
        .layer(Extension(shared.calls.clone()))
        .layer(Extension(shared.refusals.clone()))
        .layer(Extension(shared.transfers.clone()))
        .layer(Extension(request_ids)))
}

/// The demo's three origins, as browsers write them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origins {
    /// The page's, which serves the page, its configuration, the API's refusals and the admin
    /// endpoint.
    pub page: String,
    /// The API's.
    pub api: String,
    /// The other site's, whose page submits the transfer form.
    pub other: String,
}

impl Origins {
    /// `http://127.0.0.1:PORT` for each port.
    pub fn loopback(ports: Ports) -> Self {
        let origin = |port| format!("http://127.0.0.1:{port}");
        Origins {
            page: origin(ports.page),
            api: origin(ports.api),
            other: origin(ports.other),
        }
    }
}

/// The page server: the page, the other origins and whether the page's origin is a tenant
/// (`/config`, JSON), the API's refusals (which the browser never tells the page), and the admin
/// endpoint `/admin/tenants`, which adds (`POST`) or removes (`DELETE`) the origin in the body.
///
/// The admin endpoint is for the page only: a policy listing only the page's origin guards it, so
/// that another site's form cannot post to it (the layer refuses the write); the page's own
/// `fetch` is same-origin and passes.
pub fn page(origins: &Origins, shared: &Shared) -> Result<Router, BuildError> {
    let config = {
        let (origins, tenants) = (origins.clone(), shared.tenants.clone());
        move || async move {
            let json = format!(
                "{{\"api\": \"{}\", \"other\": \"{}\", \"tenant\": {}}}\n",
                origins.api,
                origins.other,
                tenants.contains(&origins.page)
            );
            ([(header::CONTENT_TYPE, "application/json")], json)
        }
    };
    let admin = post(add_tenant)
        .delete(remove_tenant)
        .layer(only(&origins.page, &["POST", "DELETE"])?);
    Ok(Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/config", get(config))
        .route("/refusals", get(list_refusals))
        .route("/admin/tenants", admin)
        .layer(Extension(shared.refusals.clone()))
        .layer(Extension(shared.tenants.clone())))
}

/// The other site: one page, whose form posts a transfer to the API at `api_origin` as soon as it
/// loads, into a hidden frame, and then tells the page that embeds it (`postMessage`).
pub fn other_site(api_origin: &str) -> Router {
    let page = OTHER_PAGE.replace("API_ORIGIN", api_origin);
    Router::new().route("/", get(|| async move { Html(page) }))
}

/// `POST /admin/tenants`: adds the origin in the body to the tenants, checked by the rules of
/// `origins` (a malformed one is answered `400` with the rule and its fix).
async fn add_tenant(Extension(tenants): Extension<OriginSet>, body: String) -> Response {
    let origin = body.trim();
    match tenants.insert(origin) {
        Ok(()) => format!("added {origin}: {} tenant(s)\n", tenants.len()).into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, format!("refused {error}\n")).into_response(),
    }
}

/// `DELETE /admin/tenants`: removes the origin in the body from the tenants.
async fn remove_tenant(Extension(tenants): Extension<OriginSet>, body: String) -> Response {
    let origin = body.trim();
    if tenants.remove(origin) {
        format!("removed {origin}: {} tenant(s)\n", tenants.len()).into_response()
    } else {
        (StatusCode::NOT_FOUND, format!("{origin} is not a tenant\n")).into_response()
    }
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

/// `GET /api/transfer`: the number of transfers, which the page reads before and after a form.
async fn transfer_count(Extension(transfers): Extension<Transfers>) -> String {
    transfers.count().to_string()
}

/// `POST /api/transfer`: a transfer, as a bank would make it for whoever posts the form. Runs only
/// for the page's origin (and clients that are not browsers): the layer answers a browser's form
/// from any other origin `403` before this handler.
async fn transfer(
    Extension(calls): Extension<Calls>,
    Extension(transfers): Extension<Transfers>,
) -> String {
    calls.record("transfer");
    format!("transfer {} made\n", transfers.record())
}

async fn tenant_report(Extension(calls): Extension<Calls>) -> &'static str {
    calls.record("tenant");
    "the tenant's report"
}

/// Where the demo listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    /// The page's port, on `127.0.0.1`.
    pub page: u16,
    /// The API's port, on `127.0.0.1` too.
    pub api: u16,
    /// The other site's port, on `127.0.0.1` too.
    pub other: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Ports {
            page: 8080,
            api: 8081,
            other: 8082,
        }
    }
}

impl Ports {
    /// Reads `--page-port N`, `--api-port N` and `--other-port N` from `args` (without the
    /// program name), falling back on the environment variables `PAGE_PORT`, `API_PORT` and
    /// `OTHER_PORT`, then on 8080, 8081 and 8082.
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
        if let Some(value) = env("OTHER_PORT") {
            ports.other = parse("OTHER_PORT", &value)?;
        }
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let port = match arg.as_str() {
                "--page-port" => &mut ports.page,
                "--api-port" => &mut ports.api,
                "--other-port" => &mut ports.other,
                _ => return Err(format!("unknown argument {arg:?}; {USAGE}")),
            };
            let value = args.next().ok_or_else(|| format!("{arg} needs a port"))?;
            *port = parse(&arg, &value)?;
        }
        let pairs = [
            ("the page", ports.page, "the API", ports.api),
            ("the page", ports.page, "the other site", ports.other),
            ("the API", ports.api, "the other site", ports.other),
        ];
        for (a, port_a, b, port_b) in pairs {
            if port_a == port_b {
                return Err(format!("{a} and {b} need two ports, got {port_a} twice"));
            }
        }
        Ok(ports)
    }
}

/// How to run the demo.
pub const USAGE: &str = "usage: demo [--page-port N] [--api-port N] [--other-port N] \
                         (or PAGE_PORT, API_PORT, OTHER_PORT)";
