//! The demo's API and page server over loopback sockets, with a real HTTP client.

mod common;

use std::future::IntoFuture;

use axum::routing::get;
use axum::Router;
use checked_cors::CorsLayer;
use common::{expected, frames, send, Reply};
use cors_examples::demo::{self, Origins, Ports, Shared, TICK_DELAY};
use cors_examples::observe::{Calls, Refusals};

/// The page's origin, as a browser would send it (the policies allow any port of 127.0.0.1;
/// `/api/transfer` allows only this one).
const PAGE: &str = "http://127.0.0.1:8080";

/// The other site's origin: another port of the same host, so another origin of the same site.
const OTHER: &str = "http://127.0.0.1:8082";

struct Api {
    url: String,
    calls: Calls,
    refusals: Refusals,
    shared: Shared,
}

/// Serves `router` on an ephemeral port; returns its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, router).into_future());
    url
}

async fn api() -> Api {
    let shared = Shared::default();
    let url = serve(demo::api(PAGE, &shared).unwrap()).await;
    Api {
        url,
        calls: shared.calls.clone(),
        refusals: shared.refusals.clone(),
        shared,
    }
}

impl Api {
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        send("GET", &format!("{}{path}", self.url), headers, b"").await
    }

    async fn preflight(&self, path: &str, method: &str, headers: Option<&str>) -> Reply {
        let mut request = vec![("origin", PAGE), ("access-control-request-method", method)];
        if let Some(headers) = headers {
            request.push(("access-control-request-headers", headers));
        }
        send("OPTIONS", &format!("{}{path}", self.url), &request, b"").await
    }

    async fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        send(
            "POST",
            &format!("{}{path}", self.url),
            headers,
            body.as_bytes(),
        )
        .await
    }

    /// The transfer counter as the page reads it: a CORS `GET` from the page's origin.
    async fn transfers(&self) -> u64 {
        let reply = self.get("/api/transfer", &[("origin", PAGE)]).await;
        assert_eq!(reply.header("access-control-allow-origin"), Some(PAGE));
        reply.text().parse().unwrap()
    }

    fn reasons(&self) -> Vec<(String, String, String)> {
        self.refusals
            .all()
            .into_iter()
            .map(|r| (format!("{} {}", r.method, r.path), r.origin, r.reason))
            .collect()
    }
}

#[tokio::test]
async fn allowed_origin_reads_with_exposed_headers() {
    let api = api().await;
    let reply = api.get("/api/items", &[("origin", PAGE)]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "1 apple\n2 pear\n");
    assert_eq!(
        reply.cors_headers(),
        expected(&[
            ("access-control-allow-origin", PAGE),
            ("access-control-expose-headers", "x-request-id"),
        ])
    );
    assert_eq!(reply.header("x-request-id"), Some("1"));
    assert_eq!(reply.vary(), ["origin"]);
    assert_eq!(api.calls.count("list_items"), 1);
    assert!(api.refusals.all().is_empty());
}

#[tokio::test]
async fn public_route_answers_any_origin_with_a_wildcard() {
    let api = api().await;
    for origin in [PAGE, "https://anyone.example", "null"] {
        let reply = api.get("/api/public", &[("origin", origin)]).await;
        assert_eq!(reply.text(), "hello, whoever you are");
        assert_eq!(
            reply.cors_headers(),
            expected(&[("access-control-allow-origin", "*")])
        );
        // `*` is the same for every origin: nothing for a cache to tell apart.
        assert!(reply.vary().is_empty(), "{:?}", reply.headers);
    }
}

#[tokio::test]
async fn credentials_route_echoes_the_origin_and_sets_the_cookie() {
    let api = api().await;
    let login = send(
        "POST",
        &format!("{}/api/login", api.url),
        &[("origin", "http://127.0.0.1:18080")],
        b"",
    )
    .await;
    assert_eq!(login.status, 200);
    assert_eq!(
        login.cors_headers(),
        expected(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", "http://127.0.0.1:18080"),
        ])
    );
    let cookie = login.header("set-cookie").expect("a session cookie");
    assert!(cookie.starts_with(demo::SESSION), "{cookie}");
    let signed_in = api
        .get(
            "/api/account",
            &[("origin", PAGE), ("cookie", demo::SESSION)],
        )
        .await;
    assert_eq!(
        (signed_in.status.as_u16(), signed_in.text()),
        (200, "signed in as demo-user")
    );
    let anonymous = api.get("/api/account", &[("origin", PAGE)]).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("access-control-allow-origin"), Some(PAGE));
}

#[tokio::test]
async fn refused_origin_runs_the_handler_but_gets_no_cors_headers() {
    let api = api().await;
    let reply = api.get("/api/admin", &[("origin", PAGE)]).await;
    // A simple request is not the server's to block: the handler runs, the browser hides.
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "the admin's secrets");
    assert_eq!(reply.cors_headers(), expected(&[]));
    assert_eq!(reply.vary(), ["origin"]);
    assert_eq!(api.calls.count("admin"), 1);
    assert_eq!(
        api.reasons(),
        [(
            "GET /api/admin".into(),
            PAGE.into(),
            "origin not allowed".into()
        )]
    );
    let allowed = api
        .get("/api/admin", &[("origin", "https://admin.example.com")])
        .await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://admin.example.com")
    );
}

#[tokio::test]
async fn request_without_origin_is_not_cors() {
    let api = api().await;
    let reply = api.get("/api/admin", &[]).await;
    assert_eq!(reply.text(), "the admin's secrets");
    assert_eq!(reply.cors_headers(), expected(&[]));
    // The answer still depends on `Origin` for a cache.
    assert_eq!(reply.vary(), ["origin"]);
    assert!(api.refusals.all().is_empty());
}

#[tokio::test]
async fn allowed_preflight_is_answered_204_with_exact_headers() {
    let api = api().await;
    let reply = api
        .preflight("/api/items/1", "PUT", Some("content-type,x-api-key"))
        .await;
    assert_eq!(reply.status, 204);
    assert!(reply.body.is_empty());
    assert_eq!(
        reply.cors_headers(),
        expected(&[
            ("access-control-allow-headers", "x-api-key, content-type"),
            ("access-control-allow-methods", "GET, PUT, DELETE"),
            ("access-control-allow-origin", PAGE),
            ("access-control-max-age", "600"),
        ])
    );
    assert_eq!(
        reply.vary(),
        [
            "origin",
            "access-control-request-method",
            "access-control-request-headers"
        ]
    );
    assert_eq!(api.calls.count("put_item"), 0);
    // The actual request the preflight allowed.
    let put = send(
        "PUT",
        &format!("{}/api/items/1", api.url),
        &[
            ("origin", PAGE),
            ("x-api-key", demo::API_KEY),
            ("content-type", "application/json"),
        ],
        b"\"green\"",
    )
    .await;
    assert_eq!(put.text(), "item 1 is now \"green\"");
    assert_eq!(put.header("access-control-allow-origin"), Some(PAGE));
    assert_eq!(
        put.header("access-control-expose-headers"),
        Some("x-request-id")
    );
    assert_eq!(api.calls.count("put_item"), 1);
}

#[tokio::test]
async fn refused_preflights_get_403_without_cors_headers_nor_handler() {
    let api = api().await;
    let cases = [
        ("PATCH", Some("x-api-key"), "method PATCH not allowed"),
        (
            "PUT",
            Some("x-api-key,x-debug"),
            "header x-debug not allowed",
        ),
        // Methods are case-sensitive: `fetch` does not upper-case `patch`, nor does a policy.
        ("put", None, "method put not allowed"),
    ];
    for (method, headers, _) in cases {
        let reply = api.preflight("/api/items/1", method, headers).await;
        assert_eq!(reply.status, 403, "{method} {headers:?}");
        assert_eq!(reply.cors_headers(), expected(&[]), "{method} {headers:?}");
        assert!(reply.body.is_empty());
    }
    for handler in ["put_item", "delete_item", "list_items"] {
        assert_eq!(api.calls.count(handler), 0, "{handler} ran");
    }
    let reasons: Vec<_> = api.reasons().into_iter().map(|(_, _, r)| r).collect();
    let wanted: Vec<_> = cases.iter().map(|(_, _, r)| r.to_string()).collect();
    assert_eq!(reasons, wanted);
    // A preflight from an origin the policy does not list.
    let foreign = send(
        "OPTIONS",
        &format!("{}/api/items", api.url),
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "DELETE"),
        ],
        b"",
    )
    .await;
    assert_eq!(
        (foreign.status.as_u16(), foreign.cors_headers()),
        (403, expected(&[]))
    );
    assert_eq!(
        api.reasons().last().unwrap(),
        &(
            "OPTIONS /api/items".into(),
            "https://evil.example".into(),
            "origin not allowed".into()
        )
    );
}

#[tokio::test]
async fn preflight_to_a_get_only_route_is_answered() {
    let api = api().await;
    let reply = api
        .preflight("/api/greeting", "GET", Some("x-requested-with"))
        .await;
    // `Greeting` lists no header: refused, but by the layer (403), not by axum (405).
    assert_eq!(reply.status, 403);
    let reply = api.preflight("/api/greeting", "GET", None).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), Some(PAGE));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET, HEAD, POST")
    );
    assert_eq!(api.calls.count("greeting"), 0);
}

/// Why the demo puts each layer on the `MethodRouter` with `.layer`: axum sends an `OPTIONS` that
/// no handler takes to the route's fallback, which `MethodRouter::route_layer` does not wrap.
/// `Router::route_layer` wraps each route whole, fallback included, and `.layer` always does.
#[tokio::test]
async fn route_layer_would_leave_preflights_to_axum() {
    let hello = || get(|| async { "hello" });
    let layer = CorsLayer::<demo::Greeting>::new;
    let routers = [
        (
            405,
            Router::new().route("/greeting", hello().route_layer(layer())),
        ),
        (
            204,
            Router::new()
                .route("/greeting", hello())
                .route_layer(layer()),
        ),
        (
            204,
            Router::new().route("/greeting", hello().layer(layer())),
        ),
        (
            204,
            Router::new().route("/greeting", hello()).layer(layer()),
        ),
    ];
    for (i, (status, router)) in routers.into_iter().enumerate() {
        let url = serve(router).await;
        let reply = send(
            "OPTIONS",
            &format!("{url}/greeting"),
            &[("origin", PAGE), ("access-control-request-method", "GET")],
            b"",
        )
        .await;
        assert_eq!(reply.status, status, "router {i}");
        let allowed = reply.header("access-control-allow-origin");
        assert_eq!(allowed, (status == 204).then_some(PAGE), "router {i}");
    }
}

#[tokio::test]
async fn handlers_vary_is_kept_and_origin_appended() {
    let api = api().await;
    let reply = api
        .get(
            "/api/greeting",
            &[("origin", PAGE), ("accept-language", "fr-CH")],
        )
        .await;
    assert_eq!(reply.text(), "bonjour");
    assert_eq!(reply.vary(), ["accept-language", "origin"]);
    let refused = api
        .get("/api/greeting", &[("origin", "https://evil.example")])
        .await;
    assert_eq!(refused.text(), "hello");
    assert_eq!(refused.vary(), ["accept-language", "origin"]);
    assert_eq!(refused.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn streamed_body_passes_through_chunk_by_chunk() {
    let api = api().await;
    let (headers, frames) = frames(&format!("{}/api/ticks", api.url), &[("origin", PAGE)]).await;
    assert_eq!(headers["access-control-allow-origin"], "*");
    common::assert_streamed(&frames, TICK_DELAY);
}

/// The three servers on ephemeral ports, as the binary runs them: the page server, the API and
/// the other site.
async fn demo() -> (Origins, Shared) {
    let bind = || tokio::net::TcpListener::bind("127.0.0.1:0");
    let (page, api, other) = (
        bind().await.unwrap(),
        bind().await.unwrap(),
        bind().await.unwrap(),
    );
    let port = |l: &tokio::net::TcpListener| l.local_addr().unwrap().port();
    let origins = Origins::loopback(Ports {
        page: port(&page),
        api: port(&api),
        other: port(&other),
    });
    let shared = Shared::default();
    let routers = [
        demo::page(&origins, &shared).unwrap(),
        demo::api(&origins.page, &shared).unwrap(),
        demo::other_site(&origins.api),
    ];
    for (listener, router) in [page, api, other].into_iter().zip(routers) {
        tokio::spawn(axum::serve(listener, router).into_future());
    }
    (origins, shared)
}

#[tokio::test]
async fn page_server_serves_the_page_its_config_and_the_refusals() {
    let (origins, _) = demo().await;
    let (page, api_url) = (&origins.page, &origins.api);
    let html = send("GET", &format!("{page}/"), &[], b"").await;
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(html.text(), demo::PAGE);
    let config = send("GET", &format!("{page}/config"), &[], b"").await;
    assert_eq!(config.header("content-type"), Some("application/json"));
    assert_eq!(
        config.text(),
        format!(
            "{{\"api\": \"{api_url}\", \"other\": \"{}\", \"tenant\": false}}\n",
            origins.other
        )
    );
    send(
        "GET",
        &format!("{api_url}/api/admin"),
        &[("origin", PAGE)],
        b"",
    )
    .await;
    send(
        "GET",
        &format!("{api_url}/api/admin"),
        &[("origin", "https://a\tb.example")],
        b"",
    )
    .await;
    let log = send("GET", &format!("{page}/refusals"), &[], b"").await;
    assert_eq!(
        log.text(),
        format!(
            "1\tGET\t/api/admin\t{PAGE}\torigin not allowed\n\
             2\tGET\t/api/admin\thttps://a\\tb.example\tmalformed request: `Origin` is not a serialized origin\n"
        )
    );
}

/// The page shows each route's policy as its `#[cors(...)]` attribute: it must be the one in the
/// source, not a stale copy.
#[test]
fn page_shows_the_policies_of_the_source() {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace(",)]", ")]")
    };
    let source = squeeze(include_str!("../src/demo.rs"));
    let page = demo::PAGE;
    let mut shown = 0;
    for line in page.lines().filter(|l| l.contains(": '#[cors(")) {
        let attribute = line.split('\'').nth(1).unwrap();
        assert!(
            source.contains(&squeeze(attribute)),
            "the page shows {attribute}, which src/demo.rs does not derive"
        );
        shown += 1;
    }
    assert_eq!(shown, 6, "one attribute per derived policy");
}

#[test]
fn ports_come_from_arguments_then_environment_then_defaults() {
    let none = |_: &str| None;
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(Ports::from_args(args(&[]), none), Ok(Ports::default()));
    let env = |name: &str| (name == "API_PORT").then(|| "9001".to_owned());
    assert_eq!(
        Ports::from_args(args(&[]), env),
        Ok(Ports {
            page: 8080,
            api: 9001,
            other: 8082,
        })
    );
    assert_eq!(
        Ports::from_args(args(&["--api-port", "9002", "--page-port", "9000"]), env),
        Ok(Ports {
            page: 9000,
            api: 9002,
            other: 8082,
        })
    );
    let other = |name: &str| (name == "OTHER_PORT").then(|| "9003".to_owned());
    assert_eq!(
        Ports::from_args(args(&[]), other).map(|p| p.other),
        Ok(9003)
    );
    assert_eq!(
        Ports::from_args(args(&["--other-port", "9004"]), other).map(|p| p.other),
        Ok(9004)
    );
    for bad in [
        &["--api-port"][..],
        &["--api-port", "x"],
        &["--port", "1"],
        &["--api-port", "8080"],
        &["--other-port", "8080"],
        &["--other-port", "8081"],
        &["--other-port"],
    ] {
        assert!(Ports::from_args(args(bad), none).is_err(), "{bad:?}");
    }
}

/// What a browser sends with a form posted to the API: its origin, `Sec-Fetch-Site` (or, from an
/// older browser, nothing: the layer then compares `Origin` with `Host`) and the form's body type.
fn form_headers<'a>(origin: &'a str, site: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut headers = vec![
        ("origin", origin),
        ("content-type", "application/x-www-form-urlencoded"),
        ("cookie", demo::SESSION),
    ];
    if let Some(site) = site {
        headers.push(("sec-fetch-site", site));
    }
    headers
}

#[tokio::test]
async fn other_sites_transfer_form_is_refused_before_the_handler() {
    let api = api().await;
    assert_eq!(api.transfers().await, 0);
    // `same-site` is what a browser sends here (another port of 127.0.0.1); `cross-site` from a
    // page on another registrable domain; none at all from a browser without Fetch Metadata.
    for site in [Some("same-site"), Some("cross-site"), None] {
        let reply = api
            .post(
                "/api/transfer",
                &form_headers(OTHER, site),
                demo::TRANSFER_FORM,
            )
            .await;
        assert_eq!(reply.status, 403, "{site:?}");
        assert!(reply.body.is_empty(), "{site:?}");
        assert_eq!(reply.cors_headers(), expected(&[]), "{site:?}");
    }
    assert_eq!(api.calls.count("transfer"), 0, "the handler ran");
    assert_eq!(api.transfers().await, 0);
    assert_eq!(api.shared.transfers.count(), 0);
    let refusal = (
        "POST /api/transfer".to_owned(),
        OTHER.to_owned(),
        "cross-origin write from an unlisted origin".to_owned(),
    );
    assert_eq!(api.reasons(), vec![refusal; 3]);
    // The other site can still ask for the counter (a GET changes nothing), but not read it.
    let read = api.get("/api/transfer", &[("origin", OTHER)]).await;
    assert_eq!(
        (read.status.as_u16(), read.cors_headers()),
        (200, expected(&[]))
    );
}

#[tokio::test]
async fn pages_own_transfer_form_makes_the_transfer() {
    let api = api().await;
    let reply = api
        .post(
            "/api/transfer",
            &form_headers(PAGE, Some("same-site")),
            demo::TRANSFER_FORM,
        )
        .await;
    assert_eq!(
        (reply.status.as_u16(), reply.text()),
        (200, "transfer 1 made\n")
    );
    assert_eq!(reply.header("access-control-allow-origin"), Some(PAGE));
    assert_eq!(api.transfers().await, 1);
    // Without `Sec-Fetch-Site`, `Origin` differs from `Host`, but the origin is listed.
    let reply = api
        .post(
            "/api/transfer",
            &form_headers(PAGE, None),
            demo::TRANSFER_FORM,
        )
        .await;
    assert_eq!(reply.status, 200);
    // A client that is not a browser sends neither header: no page made it, it passes.
    let reply = api.post("/api/transfer", &[], demo::TRANSFER_FORM).await;
    assert_eq!(reply.status, 200);
    assert_eq!(api.transfers().await, 3);
    assert_eq!(api.calls.count("transfer"), 3);
    assert!(api.refusals.all().is_empty(), "{:?}", api.refusals.all());
}

#[tokio::test]
async fn other_site_serves_a_form_posting_to_the_api() {
    let (origins, _) = demo().await;
    let page = send("GET", &format!("{}/", origins.other), &[], b"").await;
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    let action = format!(
        r#"<form id="transfer" method="post" action="{}/api/transfer""#,
        origins.api
    );
    assert!(html.contains(&action), "{html}");
    assert!(!html.contains("API_ORIGIN"));
    // The fields `TRANSFER_FORM` encodes, in order, with their values.
    let fields: Vec<String> = html
        .lines()
        .flat_map(|l| l.split("<input ").skip(1))
        .map(|input| {
            let attr = |name: &str| {
                input
                    .split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            };
            format!("{}={}", attr("name"), attr("value"))
        })
        .collect();
    assert_eq!(fields.join("&"), demo::TRANSFER_FORM);
}

/// What the page's `fetch` sends to its own server's admin endpoint.
async fn admin(page: &str, method: &str, origin: &str) -> Reply {
    let headers = [("origin", page), ("sec-fetch-site", "same-origin")];
    let url = format!("{page}/admin/tenants");
    send(method, &url, &headers, origin.as_bytes()).await
}

#[tokio::test]
async fn admin_endpoint_adds_the_page_origin_and_the_blocked_call_becomes_readable() {
    let (origins, shared) = demo().await;
    let (page, api) = (origins.page.as_str(), origins.api.as_str());
    let (tenant_url, config_url) = (format!("{api}/api/tenant"), format!("{page}/config"));
    let from_page = [("origin", page)];
    let tenant = || send("GET", &tenant_url, &from_page, b"");
    let config = || send("GET", &config_url, &[], b"");

    let blocked = tenant().await;
    assert_eq!(blocked.text(), "the tenant's report");
    assert_eq!(blocked.cors_headers(), expected(&[]));
    assert!(config().await.text().ends_with("\"tenant\": false}\n"));

    let added = admin(page, "POST", page).await;
    assert_eq!(
        (added.status.as_u16(), added.text()),
        (200, format!("added {page}: 1 tenant(s)\n").as_str())
    );
    assert!(shared.tenants.contains(page));
    assert!(config().await.text().ends_with("\"tenant\": true}\n"));
    let readable = tenant().await;
    assert_eq!(
        readable.cors_headers(),
        expected(&[("access-control-allow-origin", page)])
    );
    assert_eq!(readable.vary(), ["origin"]);

    let removed = admin(page, "DELETE", page).await;
    assert_eq!(
        (removed.status.as_u16(), removed.text()),
        (200, format!("removed {page}: 0 tenant(s)\n").as_str())
    );
    assert_eq!(tenant().await.cors_headers(), expected(&[]));
    let again = admin(page, "DELETE", page).await;
    assert_eq!(again.status, 404);

    // The set checks what it is given, with the compiler's message and fix.
    let malformed = admin(page, "POST", "http://127.0.0.1:8080/").await;
    assert_eq!(malformed.status, 400);
    assert_eq!(
        malformed.text(),
        "refused `http://127.0.0.1:8080/`: an origin has no trailing `/`, so this one would never \
         match (remove the trailing `/`)\n"
    );
    assert!(shared.tenants.is_empty());

    // Another site's form cannot use the admin endpoint: the page server refuses the write.
    let forged = send(
        "POST",
        &format!("{page}/admin/tenants"),
        &[
            ("origin", origins.other.as_str()),
            ("sec-fetch-site", "same-site"),
        ],
        origins.other.as_bytes(),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(shared.tenants.is_empty());
    let refusals = shared.refusals.all();
    let last = refusals.last().unwrap();
    assert_eq!(
        (last.path.as_str(), last.reason.as_str()),
        (
            "/admin/tenants",
            "cross-origin write from an unlisted origin"
        )
    );
}
