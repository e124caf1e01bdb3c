//! The demo's API and page server over loopback sockets, with a real HTTP client.

mod common;

use std::future::IntoFuture;

use axum::routing::get;
use axum::Router;
use common::{expected, frames, send, Reply};
use cors_core::CorsLayer;
use cors_examples::demo::{self, Ports, TICK_DELAY};
use cors_examples::observe::{Calls, Refusals};

/// The page's origin, as a browser would send it (the policies allow any port of 127.0.0.1).
const PAGE: &str = "http://127.0.0.1:8080";

struct Api {
    url: String,
    calls: Calls,
    refusals: Refusals,
}

/// Serves `router` on an ephemeral port; returns its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, router).into_future());
    url
}

async fn api() -> Api {
    let (calls, refusals) = (Calls::default(), Refusals::default());
    let url = serve(demo::api(calls.clone(), refusals.clone())).await;
    Api {
        url,
        calls,
        refusals,
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

#[tokio::test]
async fn page_server_serves_the_page_its_config_and_the_refusals() {
    let refusals = Refusals::default();
    let api_url = serve(demo::api(Calls::default(), refusals.clone())).await;
    let page = serve(demo::page(api_url.clone(), refusals)).await;
    let html = send("GET", &format!("{page}/"), &[], b"").await;
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(html.text(), demo::PAGE);
    assert_eq!(
        send("GET", &format!("{page}/config"), &[], b"")
            .await
            .text(),
        api_url
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
    assert_eq!(shown, 5, "one attribute per policy");
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
            api: 9001
        })
    );
    assert_eq!(
        Ports::from_args(args(&["--api-port", "9002", "--page-port", "9000"]), env),
        Ok(Ports {
            page: 9000,
            api: 9002
        })
    );
    for bad in [
        &["--api-port"][..],
        &["--api-port", "x"],
        &["--port", "1"],
        &["--api-port", "8080"],
    ] {
        assert!(Ports::from_args(args(bad), none).is_err(), "{bad:?}");
    }
}
