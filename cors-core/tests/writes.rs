//! Forged cross-origin writes, one table through every integration of this crate: the `no_std`
//! API (`Policy::evaluate`), the tower layer and the actix-web middleware. Each row says whether
//! the request is refused with `403` before the handler; the layers must also not run the
//! handler then, and must run it otherwise. The rows follow the cases of Go's
//! `net/http.CrossOriginProtection` tests, with the policy's origins as the trusted ones.
#![cfg(all(feature = "tower", feature = "actix"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use checked_cors::{CorsLayer, CorsRequest, Header, Policy, PolicyBuilder, Refusal};
use cors_test_support::service::{now, Handler};
use tower_layer::Layer;
use tower_service::Service;

/// The API at `api.example.com`, its page at `app.example.com`, an identity provider trusted to
/// post.
fn policy(open: bool) -> Policy<'static> {
    let builder = PolicyBuilder::new()
        .allow_origins(["https://app.example.com"])
        .trust_origins_for_writes(["https://idp.example.net"])
        .allow_credentials();
    let builder = if open {
        builder.dangerously_allow_cross_origin_writes()
    } else {
        builder
    };
    builder.build().unwrap()
}

/// One request: method, `Origin`, `Sec-Fetch-Site`, `Host`, whether the policy opts out, and
/// whether it is blocked.
struct Row {
    method: &'static str,
    origin: Option<&'static str>,
    site: Option<&'static str>,
    host: Option<&'static str>,
    open: bool,
    blocked: bool,
}

const API: Option<&str> = Some("api.example.com");
const EVIL: Option<&str> = Some("https://evil.example");

const fn row(
    method: &'static str,
    origin: Option<&'static str>,
    site: Option<&'static str>,
    host: Option<&'static str>,
    blocked: bool,
) -> Row {
    Row {
        method,
        origin,
        site,
        host,
        open: false,
        blocked,
    }
}

const ROWS: &[Row] = &[
    // Browsers mark the request: only same-origin and user-typed (`none`) writes pass.
    row("POST", EVIL, Some("cross-site"), API, true),
    row("POST", EVIL, Some("same-site"), API, true),
    row("POST", EVIL, Some("same-origin"), API, false),
    row("POST", EVIL, Some("none"), API, false),
    row("POST", EVIL, Some("somewhere-else"), API, true),
    row("PUT", EVIL, Some("cross-site"), API, true),
    row("DELETE", EVIL, Some("cross-site"), API, true),
    row("PATCH", EVIL, Some("cross-site"), API, true),
    row("PURGE", EVIL, Some("cross-site"), API, true),
    // Safe methods are never refused.
    row("GET", EVIL, Some("cross-site"), API, false),
    row("HEAD", EVIL, Some("cross-site"), API, false),
    row("OPTIONS", EVIL, Some("cross-site"), API, false),
    // Trusted origins: the policy's own, and those trusted for writes only.
    row(
        "POST",
        Some("https://app.example.com"),
        Some("cross-site"),
        API,
        false,
    ),
    row(
        "POST",
        Some("https://idp.example.net"),
        Some("cross-site"),
        API,
        false,
    ),
    row(
        "POST",
        Some("https://idp.example.net.evil.example"),
        Some("cross-site"),
        API,
        true,
    ),
    // Without `Sec-Fetch-Site`: `Origin`'s host and port against `Host`, the scheme ignored.
    row("POST", Some("https://api.example.com"), None, API, false),
    row("POST", Some("http://api.example.com"), None, API, false),
    row(
        "POST",
        Some("https://api.example.com:8443"),
        None,
        API,
        true,
    ),
    row(
        "POST",
        Some("https://api.example.com"),
        None,
        Some("api.example.com:8443"),
        true,
    ),
    row("POST", EVIL, None, API, true),
    row("POST", Some("null"), None, API, true),
    row("POST", EVIL, None, None, true),
    // Neither header: not a browser, so no page could have made it carry the user's cookies.
    row("POST", None, None, API, false),
    // Marked cross-site without `Origin`: nothing to trust it by.
    row("POST", None, Some("cross-site"), API, true),
    // The opt-out lets everything through.
    Row {
        open: true,
        ..row("POST", EVIL, Some("cross-site"), API, false)
    },
    Row {
        open: true,
        ..row("DELETE", Some("null"), None, API, false)
    },
];

impl Row {
    fn shown(&self) -> String {
        format!(
            "{} origin={:?} sec-fetch-site={:?} host={:?} open={}",
            self.method, self.origin, self.site, self.host, self.open
        )
    }

    fn http(&self) -> http::Request<()> {
        let mut builder = http::Request::builder()
            .method(self.method)
            .uri("/transfer");
        for (name, value) in self.headers() {
            builder = builder.header(name, value);
        }
        builder.body(()).unwrap()
    }

    fn headers(&self) -> Vec<(&'static str, &'static str)> {
        [
            ("origin", self.origin),
            ("sec-fetch-site", self.site),
            ("host", self.host),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect()
    }
}

#[test]
fn the_no_std_api_blocks_exactly_the_forged_writes() {
    let (strict, open) = (policy(false), policy(true));
    for row in ROWS {
        let request = CorsRequest {
            method: row.method.as_bytes(),
            origin: Header::from_option(row.origin.map(str::as_bytes)),
            sec_fetch_site: Header::from_option(row.site.map(str::as_bytes)),
            host: Header::from_option(row.host.map(str::as_bytes)),
            ..CorsRequest::default()
        };
        let decision = if row.open { &open } else { &strict }.evaluate(&request);
        assert_eq!(decision.is_blocked(), row.blocked, "{}", row.shown());
        if row.blocked {
            assert_eq!(decision.status(), Some(403), "{}", row.shown());
            assert_eq!(decision.refusal(), Some(Refusal::CrossOriginWrite));
        }
    }
}

#[test]
fn the_tower_layer_never_runs_the_handler_for_a_forged_write() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut strict = CorsLayer::from_policy(policy(false)).layer(Handler(calls.clone()));
    let mut open = CorsLayer::from_policy(policy(true)).layer(Handler(calls.clone()));
    for row in ROWS {
        let before = calls.load(Ordering::SeqCst);
        let service = if row.open { &mut open } else { &mut strict };
        let response = now(service.call(row.http())).unwrap();
        let ran = calls.load(Ordering::SeqCst) - before;
        let expected = if row.blocked { (403, 0) } else { (200, 1) };
        assert_eq!(
            (response.status().as_u16(), ran),
            expected,
            "{}",
            row.shown()
        );
    }
}

#[test]
fn the_actix_middleware_never_runs_the_handler_for_a_forged_write() {
    use actix_web::{test, web, App, HttpResponse};
    use checked_cors::actix::Cors;

    actix_web::rt::System::new().block_on(async {
        let calls = Arc::new(AtomicUsize::new(0));
        let app = |open: bool, calls: Arc<AtomicUsize>| {
            App::new()
                .wrap(Cors::from_policy(policy(open)))
                .default_service(web::to(move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    async { HttpResponse::Ok().body("done") }
                }))
        };
        let strict = test::init_service(app(false, calls.clone())).await;
        let open = test::init_service(app(true, calls.clone())).await;
        for row in ROWS {
            let before = calls.load(Ordering::SeqCst);
            let mut request = test::TestRequest::default()
                .method(row.method.parse().unwrap())
                .uri("/transfer");
            for (name, value) in row.headers() {
                request = request.insert_header((name, value));
            }
            let response = if row.open {
                test::call_service(&open, request.to_request()).await
            } else {
                test::call_service(&strict, request.to_request()).await
            };
            let ran = calls.load(Ordering::SeqCst) - before;
            let expected = if row.blocked { (403, 0) } else { (200, 1) };
            assert_eq!(
                (response.status().as_u16(), ran),
                expected,
                "{}",
                row.shown()
            );
        }
    });
}
