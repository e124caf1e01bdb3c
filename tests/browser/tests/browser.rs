//! What headless Chromium does with the answers of `CorsLayer`, scenario by scenario.
//!
//! One Chromium run serves every test: the page on `http://127.0.0.1:P1` runs all scenarios with
//! `fetch` against the API on `http://localhost:P2` (a different origin and a different site) and
//! reports what its scripts could read; each test then checks its scenario's report against the
//! requests the API server logged. Every scenario has its own routes, so that the browser's
//! preflight cache and the server's counters never mix scenarios.

use std::net::SocketAddr;
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN, LOCATION, ORIGIN, SET_COOKIE,
    VARY,
};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse};
use axum::routing::{any, get, post};
use axum::{middleware, Router};
use cors_browser_tests::chromium::{self, Availability, Browser};
use cors_browser_tests::log::{self, RequestLog};
use cors_browser_tests::report::Report;
use cors_browser_tests::{serve, wire};
use cors_core::{Cors, CorsLayer, CorsPolicy, Policy, PolicyBuilder};

/// The page's origin has an ephemeral port that no compile-time policy can name: the derived
/// policies allow any port on `127.0.0.1`; `exact_policy` (built at run time) names the exact one.
#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"])]
struct PageOrigin;

/// A policy that does not list the page's origin.
#[derive(Cors)]
#[cors(origins = ["https://app.example.com"])]
struct OtherOrigin;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], credentials)]
struct WithCredentials;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], headers = ["x-custom"])]
struct CustomHeader;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], methods = [GET, PUT, DELETE, PATCH])]
struct Methods;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], methods = [GET, PUT])]
struct FewMethods;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], expose = ["x-request-id"])]
struct Exposed;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], headers = ["x-custom"], max_age = 600)]
struct Cached;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], headers = ["x-custom"], max_age = 0)]
struct NotCached;

#[derive(Cors)]
#[cors(origins = "*")]
struct AnyOrigin;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], headers = "*", expose = "*")]
struct AnyHeader;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*"], methods = [GET, OPTIONS])]
struct RealOptions;

#[derive(Cors)]
#[cors(origins = ["http://127.0.0.1:*", "null"], dangerously_allow_null_origin)]
struct NullOrigin;

/// The cookie `/login` sets. Cross-site `fetch` sends only `SameSite=None` cookies, which must be
/// `Secure`; Chromium accepts `Secure` over `http://localhost` because loopback is a secure
/// context.
const COOKIE: &str = "session=s3cr3t";

/// How long the page may take; the whole run takes about a second here.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything a test needs once the page has run.
struct Suite {
    report: Report,
    log: RequestLog,
    api: SocketAddr,
    page_origin: String,
}

/// Runs the browser once for all tests; `None` when the suite is skipped (said loudly).
fn suite() -> Option<&'static Suite> {
    static SUITE: OnceLock<Result<Option<Suite>, String>> = OnceLock::new();
    // A failed run is remembered, so that every test reports it instead of relaunching Chromium.
    match SUITE.get_or_init(run) {
        Ok(Some(suite)) => Some(suite),
        Ok(None) => {
            // libtest names each test's thread after the test.
            let test = std::thread::current().name().unwrap_or("a test").to_owned();
            chromium::loud(&format!("skipped {test} (see above)"));
            None
        }
        Err(message) => panic!("{message}"),
    }
}

fn run() -> Result<Option<Suite>, String> {
    let binary = match chromium::locate()? {
        Availability::Ready(binary) => binary,
        Availability::Skip(_) => return Ok(None),
    };
    let started = Instant::now();
    let fail = |what: &str, e: std::io::Error| format!("{what}: {e}");
    let (page_listener, page_addr) = serve::bind().map_err(|e| fail("binding the page", e))?;
    let (api_listener, api) = serve::bind().map_err(|e| fail("binding the API", e))?;
    let page_origin = format!("http://127.0.0.1:{}", page_addr.port());
    let api_origin = format!("http://localhost:{}", api.port());

    let log = RequestLog::new();
    let (report_tx, report_rx) = mpsc::channel();
    serve::spawn(vec![
        (page_listener, page_router(&api_origin, report_tx)),
        (api_listener, api_router(page_addr.port(), log.clone())),
    ])
    .map_err(|e| fail("starting the servers", e))?;

    // Start on the API's own site so that its cookie is set first-party, as after a login.
    let mut browser = Browser::launch(&binary, &format!("{api_origin}/login"))
        .map_err(|e| fail("launching Chromium", e))?;
    let text = wait_for_report(&mut browser, &report_rx, &log)?;
    drop(browser);
    let report = Report::parse(&text)?;
    if report.get("page", "done") != Some("yes") {
        return Err(format!("the page did not finish: {report:#?}"));
    }
    // The transcript, for `--nocapture` readers and for the test that ran the page.
    for (scenario, key, value) in report.iter() {
        eprintln!("page observed {scenario}.{key}: {value}");
    }
    chromium::loud(&format!(
        "Chromium ran every scenario in {:.2?} (servers, browser launch and page)",
        started.elapsed()
    ));
    Ok(Some(Suite {
        report,
        log,
        api,
        page_origin,
    }))
}

/// The page's report, or why it never came: Chromium exited, or the page hung.
fn wait_for_report(
    browser: &mut Browser,
    report: &mpsc::Receiver<String>,
    log: &RequestLog,
) -> Result<String, String> {
    let deadline = Instant::now() + PAGE_TIMEOUT;
    loop {
        if let Ok(text) = report.recv_timeout(Duration::from_millis(100)) {
            return Ok(text);
        }
        let why = if let Some(status) = browser.exited() {
            format!("Chromium exited ({status}) before the page reported")
        } else if Instant::now() > deadline {
            format!("the page sent no report within {PAGE_TIMEOUT:?}")
        } else {
            continue;
        };
        return Err(format!(
            "{why}; requests seen by the API: {:#?}\nChromium's stderr:\n{}",
            log.seen_all(),
            browser.stderr()
        ));
    }
}

/// A policy allowing just `origin`, built once the page's port is known.
fn exact_policy(origin: &str) -> Policy<'static> {
    PolicyBuilder::new()
        .allow_origins([origin])
        .build()
        .expect("a loopback origin is a valid policy")
}

/// The page origin: the scenarios page, and `/report` where it posts what it observed.
fn page_router(api_origin: &str, report: mpsc::Sender<String>) -> Router {
    let page = include_str!("page.html").replace("__API__", api_origin);
    Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route(
            "/report",
            post(move |body: String| async move {
                // The test may have timed out and gone: nothing left to tell.
                let _ = report.send(body);
                StatusCode::NO_CONTENT
            }),
        )
}

/// The API origin: one route per scenario and policy, all answered by `handler` behind a
/// `CorsLayer`, plus hand-written routes without one.
fn api_router(page_port: u16, log: RequestLog) -> Router {
    fn cors<P: CorsPolicy + 'static>(router: Router<RequestLog>, path: &str) -> Router<RequestLog> {
        router.route(path, any(handler).layer(CorsLayer::<P>::new()))
    }
    let mut router = Router::new();
    router = cors::<PageOrigin>(router, "/simple/allowed");
    router = cors::<OtherOrigin>(router, "/simple/refused");
    // The page's exact origin, then the same port on `localhost`: the same machine, another
    // origin.
    let page_origin = format!("http://127.0.0.1:{page_port}");
    for (path, origin) in [
        ("/simple/exact", page_origin.clone()),
        (
            "/simple/exact-other-host",
            format!("http://localhost:{page_port}"),
        ),
    ] {
        router = router.route(
            path,
            any(handler).layer(CorsLayer::from_policy(exact_policy(&origin))),
        );
    }
    router = cors::<WithCredentials>(router, "/credentials/with");
    router = cors::<PageOrigin>(router, "/credentials/without");
    router = cors::<WithCredentials>(router, "/credentials/omitted");
    router = cors::<CustomHeader>(router, "/header/listed");
    router = cors::<PageOrigin>(router, "/header/unlisted");
    for path in [
        "/methods/put",
        "/methods/delete",
        "/methods/patch",
        "/methods/patch-lowercase",
    ] {
        router = cors::<Methods>(router, path);
    }
    router = cors::<FewMethods>(router, "/methods/refused");
    router = cors::<Exposed>(router, "/expose/listed");
    router = cors::<PageOrigin>(router, "/expose/unlisted");
    router = cors::<AnyHeader>(router, "/expose/any");
    router = cors::<AnyHeader>(router, "/any-header/custom");
    router = cors::<RealOptions>(router, "/real-options");
    router = cors::<Cached>(router, "/max-age/600");
    router = cors::<NotCached>(router, "/max-age/0");
    router = cors::<AnyOrigin>(router, "/any-origin/plain");
    router = cors::<AnyOrigin>(router, "/any-origin/credentials");
    router = cors::<PageOrigin>(router, "/null-origin/refused");
    router = cors::<NullOrigin>(router, "/null-origin/allowed");
    router
        .route(
            "/vary",
            any(vary_handler).layer(CorsLayer::<PageOrigin>::new()),
        )
        .route(
            "/errors/500",
            any(failing_handler).layer(CorsLayer::<PageOrigin>::new()),
        )
        .route("/control/wildcard-credentials", any(wildcard_credentials))
        .route("/control/echo-credentials", any(echo_credentials))
        .route("/login", get(move || login(page_origin)))
        // Outermost, so that preflights answered by the layers are logged too.
        .layer(middleware::from_fn_with_state(log.clone(), log::record))
        .with_state(log)
}

/// Every CORS route's handler: logs that it ran and sends a header that only `expose` reveals.
async fn handler(State(log): State<RequestLog>, method: Method, uri: Uri) -> impl IntoResponse {
    log.handled(&method, uri.path());
    ([("x-request-id", "42")], "ok")
}

/// A handler with its own `Vary`, which the layer must extend, not replace.
async fn vary_handler(
    State(log): State<RequestLog>,
    method: Method,
    uri: Uri,
) -> impl IntoResponse {
    log.handled(&method, uri.path());
    ([(VARY, "accept-encoding")], "ok")
}

/// A handler that fails: the script must still read the error, so the layer decorates it.
async fn failing_handler(
    State(log): State<RequestLog>,
    method: Method,
    uri: Uri,
) -> impl IntoResponse {
    log.handled(&method, uri.path());
    (StatusCode::INTERNAL_SERVER_ERROR, "ok")
}

/// The negative control: `*` with credentials, written by hand, which browsers must refuse.
async fn wildcard_credentials(
    State(log): State<RequestLog>,
    method: Method,
    uri: Uri,
) -> impl IntoResponse {
    log.handled(&method, uri.path());
    (
        [
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"),
        ],
        "ok",
    )
}

/// The control's positive twin: the request's origin echoed with credentials, which browsers
/// accept, so that the refusal above is due to `*` and nothing else.
async fn echo_credentials(
    State(log): State<RequestLog>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> impl IntoResponse {
    log.handled(&method, uri.path());
    let origin = headers.get(ORIGIN).cloned();
    let mut response = "ok".into_response();
    if let Some(origin) = origin {
        let out = response.headers_mut();
        out.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        out.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true".parse().unwrap());
    }
    response
}

/// Sets the session cookie on the API's site, then sends the browser to the page.
async fn login(page_origin: String) -> impl IntoResponse {
    (
        StatusCode::FOUND,
        [
            (
                SET_COOKIE,
                format!("{COOKIE}; SameSite=None; Secure; HttpOnly; Path=/"),
            ),
            (LOCATION, format!("{page_origin}/")),
        ],
    )
}

impl Suite {
    /// What the page's script observed.
    #[track_caller]
    fn observed(&self, scenario: &str, key: &str) -> &str {
        assert_eq!(
            self.report.get(scenario, "error"),
            None,
            "the {scenario} scenario threw in the page"
        );
        self.report
            .get(scenario, key)
            .unwrap_or_else(|| panic!("the page reported no {scenario}.{key}: {:#?}", self.report))
    }

    /// `(method, path)` requests that reached the server, and how many a handler ran for.
    fn counts(&self, method: &str, path: &str) -> (usize, usize) {
        (
            self.log.count(method, path),
            self.log.handled_count(method, path),
        )
    }

    /// The `Cookie` header of every `method` request to `path`.
    fn cookies(&self, method: &str, path: &str) -> Vec<Option<String>> {
        self.log
            .seen(path)
            .into_iter()
            .filter(|s| s.method == method)
            .map(|s| s.cookie)
            .collect()
    }

    fn api_host(&self) -> String {
        format!("localhost:{}", self.api.port())
    }
}

const READABLE: &str = "readable 200 ok";
const REFUSED: &str = "TypeError";

#[test]
fn simple_get_is_readable_only_from_an_allowed_origin() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("simple", "allowed"), READABLE);
    assert_eq!(s.observed("simple", "refused"), REFUSED);
    // A simple request is sent without a preflight either way: the server answers, and the
    // browser hides the answer from the script.
    for path in ["/simple/allowed", "/simple/refused"] {
        assert_eq!(s.counts("OPTIONS", path), (0, 0), "{path}");
        assert_eq!(s.counts("GET", path), (1, 1), "{path}");
        let seen = s.log.seen(path);
        assert_eq!(seen[0].origin.as_deref(), Some(s.page_origin.as_str()));
    }
}

#[test]
fn exact_origin_from_a_runtime_policy_matches_host_and_port() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("simple", "exact"), READABLE);
    // Same machine and port, other host name: another origin.
    assert_eq!(s.observed("simple", "exact-other-host"), REFUSED);
    assert_eq!(s.counts("GET", "/simple/exact"), (1, 1));
    assert_eq!(s.counts("GET", "/simple/exact-other-host"), (1, 1));
}

#[test]
fn cookies_are_readable_only_with_credentials_in_the_policy() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("credentials", "with"), READABLE);
    assert_eq!(s.cookies("GET", "/credentials/with"), [Some(COOKIE.into())]);
    // The browser sends the cookie anyway; only the response is hidden: a policy without
    // `credentials` protects what the script reads, not what the server receives.
    assert_eq!(s.observed("credentials", "without"), REFUSED);
    assert_eq!(
        s.cookies("GET", "/credentials/without"),
        [Some(COOKIE.into())]
    );
    assert_eq!(s.counts("GET", "/credentials/without"), (1, 1));
    // Without `credentials: 'include'`, a cross-origin fetch carries no cookie.
    assert_eq!(s.observed("credentials", "omitted"), READABLE);
    assert_eq!(s.cookies("GET", "/credentials/omitted"), [None]);
}

#[test]
fn a_custom_header_is_preflighted_and_allowed_only_when_listed() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("header", "listed"), READABLE);
    assert_eq!(s.counts("OPTIONS", "/header/listed"), (1, 0));
    assert_eq!(s.counts("GET", "/header/listed"), (1, 1));
    let preflight = &s.log.seen("/header/listed")[0];
    assert_eq!(preflight.method, "OPTIONS");
    assert_eq!(preflight.request_method.as_deref(), Some("GET"));
    assert_eq!(preflight.request_headers.as_deref(), Some("x-custom"));
    // Preflights never carry cookies.
    assert_eq!(preflight.cookie, None);

    assert_eq!(s.observed("header", "unlisted"), REFUSED);
    assert_eq!(s.counts("OPTIONS", "/header/unlisted"), (1, 0));
    // Refused at the preflight: the actual request is never sent.
    assert_eq!(s.counts("GET", "/header/unlisted"), (0, 0));
}

#[test]
fn other_methods_are_preflighted_and_allowed_only_when_listed() {
    let Some(s) = suite() else { return };
    for (key, method) in [("put", "PUT"), ("delete", "DELETE"), ("patch", "PATCH")] {
        let path = format!("/methods/{key}");
        assert_eq!(s.observed("methods", key), READABLE, "{method}");
        assert_eq!(s.counts("OPTIONS", &path), (1, 0), "{method}");
        assert_eq!(s.counts(method, &path), (1, 1), "{method}");
        assert_eq!(s.log.seen(&path)[0].request_method.as_deref(), Some(method));
    }
    // `fetch` upper-cases `delete`, `get`, `head`, `options`, `post` and `put`, not `patch`:
    // the preflight asks for `patch`, which `PATCH` does not match.
    assert_eq!(s.observed("methods", "patch-lowercase"), REFUSED);
    let seen = s.log.seen("/methods/patch-lowercase");
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(seen[0].request_method.as_deref(), Some("patch"));

    assert_eq!(s.observed("methods", "refused"), REFUSED);
    assert_eq!(s.counts("OPTIONS", "/methods/refused"), (1, 0));
    assert_eq!(s.counts("DELETE", "/methods/refused"), (0, 0));
}

#[test]
fn only_exposed_headers_are_readable() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("expose", "listed"), READABLE);
    assert_eq!(s.observed("expose", "listed-header"), "42");
    assert_eq!(s.observed("expose", "unlisted"), READABLE);
    assert_eq!(s.observed("expose", "unlisted-header"), "null");
    // `expose = "*"` covers every header when the request has no credentials.
    assert_eq!(s.observed("expose", "any"), READABLE);
    assert_eq!(s.observed("expose", "any-header"), "42");
    // Both responses carried the header: the difference is what the browser let the script see.
    for path in ["/expose/listed", "/expose/unlisted"] {
        let response = wire::request(
            s.api,
            &s.api_host(),
            "GET",
            path,
            &[("origin", &s.page_origin)],
        )
        .unwrap();
        assert_eq!(response.all("x-request-id"), ["42"], "{path}");
    }
}

#[test]
fn any_header_covers_a_custom_header() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("any-header", "custom"), READABLE);
    assert_eq!(s.counts("OPTIONS", "/any-header/custom"), (1, 0));
    assert_eq!(s.counts("GET", "/any-header/custom"), (1, 1));
}

#[test]
fn a_real_options_request_reaches_the_handler_after_its_preflight() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("real-options", "options"), READABLE);
    // `fetch` with `method: 'OPTIONS'` sends a preflight asking for `OPTIONS`, then the request
    // itself: the layer answers the first and must pass the second to the handler.
    let seen = s.log.seen("/real-options");
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!(seen[0].request_method.as_deref(), Some("OPTIONS"));
    assert_eq!(seen[1].request_method, None);
    assert_eq!(s.counts("OPTIONS", "/real-options"), (2, 1));
}

#[test]
fn an_error_response_is_readable_too() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("errors", "500"), "readable 500 ok");
    assert_eq!(s.counts("GET", "/errors/500"), (1, 1));
}

#[test]
fn max_age_lets_the_browser_skip_the_second_preflight() {
    let Some(s) = suite() else { return };
    for key in ["600-first", "600-second", "0-first", "0-second"] {
        assert_eq!(s.observed("max-age", key), READABLE, "{key}");
    }
    assert_eq!(s.counts("OPTIONS", "/max-age/600"), (1, 0));
    assert_eq!(s.counts("GET", "/max-age/600"), (2, 2));
    // `max_age = 0` disables the cache (without it Chromium would cache for 5 s).
    assert_eq!(s.counts("OPTIONS", "/max-age/0"), (2, 0));
    assert_eq!(s.counts("GET", "/max-age/0"), (2, 2));
}

#[test]
fn any_origin_is_readable_without_credentials_only() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("any-origin", "plain"), READABLE);
    assert_eq!(s.observed("any-origin", "credentials"), REFUSED);
    assert_eq!(s.counts("GET", "/any-origin/plain"), (1, 1));
    // Sent with the cookie, answered with `*`, hidden by the browser.
    assert_eq!(
        s.cookies("GET", "/any-origin/credentials"),
        [Some(COOKIE.into())]
    );
    let response = wire::request(
        s.api,
        &s.api_host(),
        "GET",
        "/any-origin/credentials",
        &[("origin", &s.page_origin)],
    )
    .unwrap();
    assert_eq!(response.all("access-control-allow-origin"), ["*"]);
    assert!(response.all("access-control-allow-credentials").is_empty());
}

#[test]
fn a_sandboxed_iframe_is_refused_unless_null_is_allowed() {
    let Some(s) = suite() else { return };
    assert_eq!(
        s.observed("null-origin", "refused"),
        "TypeError origin=null"
    );
    assert_eq!(
        s.observed("null-origin", "allowed"),
        "readable 200 ok origin=null"
    );
    for path in ["/null-origin/refused", "/null-origin/allowed"] {
        let seen = s.log.seen(path);
        assert_eq!(seen.len(), 1, "{path}: {seen:#?}");
        assert_eq!(seen[0].origin.as_deref(), Some("null"), "{path}");
        assert_eq!(s.counts("GET", path), (1, 1), "{path}");
    }
}

#[test]
fn the_handlers_vary_is_kept_and_extended() {
    let Some(s) = suite() else { return };
    assert_eq!(s.observed("vary", "handler-vary"), READABLE);
    assert_eq!(s.counts("GET", "/vary"), (1, 1));
    // With and without `Origin`: a shared cache must not serve one to the other.
    for origin in [Some(s.page_origin.as_str()), None] {
        let headers: Vec<(&str, &str)> = origin.map(|o| ("origin", o)).into_iter().collect();
        let response = wire::request(s.api, &s.api_host(), "GET", "/vary", &headers).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(
            response.all("vary"),
            ["accept-encoding", "origin"],
            "Origin: {origin:?}"
        );
    }
}

#[test]
fn negative_control_wildcard_with_credentials_is_refused_by_the_browser() {
    let Some(s) = suite() else { return };
    // The suite can see a failure: a hand-written `*` with credentials is refused...
    assert_eq!(s.observed("control", "wildcard-credentials"), REFUSED);
    assert_eq!(
        s.cookies("GET", "/control/wildcard-credentials"),
        [Some(COOKIE.into())]
    );
    assert_eq!(s.counts("GET", "/control/wildcard-credentials"), (1, 1));
    // ...while the same route echoing the origin is read: only the `*` differs.
    assert_eq!(s.observed("control", "echo-credentials"), READABLE);
    assert_eq!(s.counts("GET", "/control/echo-credentials"), (1, 1));
}

#[test]
fn the_page_reported_every_scenario_and_nothing_else() {
    let Some(s) = suite() else { return };
    let errors: Vec<_> = s.report.iter().filter(|(_, k, _)| *k == "error").collect();
    assert!(
        errors.is_empty(),
        "scenarios threw in the page: {errors:#?}"
    );
    let scenarios: std::collections::BTreeSet<&str> = s.report.iter().map(|(s, _, _)| s).collect();
    let expected = [
        "any-header",
        "any-origin",
        "control",
        "credentials",
        "errors",
        "expose",
        "header",
        "max-age",
        "methods",
        "null-origin",
        "page",
        "real-options",
        "simple",
        "vary",
    ];
    assert_eq!(scenarios.into_iter().collect::<Vec<_>>(), expected);
}
