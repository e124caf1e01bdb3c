//! The actix-web middleware: in process with `actix_web::test`, then over a real socket.

mod common;

use actix_web::http::header::HeaderMap;
use actix_web::{test, App};
use cors_examples::actix::configure;
use cors_examples::demo::TICK_DELAY;
use cors_examples::observe::{Calls, Refusals};

const SHOP: &str = "https://shop.example.com";

/// The `access-control-*` headers of an actix answer, sorted.
fn cors_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut found: Vec<_> = headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    found.sort();
    found
}

fn vary(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("vary")
        .flat_map(|v| v.to_str().unwrap().split(','))
        .map(|v| v.trim().to_owned())
        .collect()
}

/// The example's app in process, with what its handlers and `on_refusal` recorded. A macro: the
/// service's type is not nameable without depending on `actix-http` directly.
macro_rules! app {
    () => {{
        let (calls, refusals) = (Calls::default(), Refusals::default());
        let app =
            test::init_service(App::new().configure(configure(calls.clone(), refusals.clone())))
                .await;
        (app, calls, refusals)
    }};
}

#[actix_web::test]
async fn allowed_origin_is_decorated_and_vary_appended() {
    let (app, calls, _) = app!();
    let request = test::TestRequest::get()
        .uri("/cart")
        .insert_header(("origin", SHOP))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        cors_headers(response.headers()),
        common::expected(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", SHOP),
            ("access-control-expose-headers", "x-cart-size"),
        ])
    );
    assert_eq!(vary(response.headers()), ["cookie", "origin"]);
    assert_eq!(test::read_body(response).await, "2 apples\n");
    assert_eq!(calls.count("cart"), 1);
}

#[actix_web::test]
async fn refused_origin_runs_the_handler_without_cors_headers() {
    let (app, calls, refusals) = app!();
    // A write the browser marks same-origin is not a forged one: it runs, undecorated.
    let request = test::TestRequest::post()
        .uri("/cart")
        .insert_header(("origin", "https://shop.example.com.evil.example"))
        .insert_header(("sec-fetch-site", "same-origin"))
        .set_payload("pear")
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 201);
    assert_eq!(cors_headers(response.headers()), common::expected(&[]));
    assert_eq!(vary(response.headers()), ["origin"]);
    assert_eq!(test::read_body(response).await, "pear");
    assert_eq!(calls.count("add_to_cart"), 1);
    let logged = refusals.all();
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (
            logged[0].method.as_str(),
            logged[0].path.as_str(),
            logged[0].reason.as_str()
        ),
        ("POST", "/cart", "origin not allowed")
    );
}

#[actix_web::test]
async fn a_cross_site_write_from_an_unlisted_origin_never_reaches_the_handler() {
    let (app, calls, refusals) = app!();
    let request = test::TestRequest::post()
        .uri("/cart")
        .insert_header(("origin", "https://shop.example.com.evil.example"))
        .insert_header(("sec-fetch-site", "cross-site"))
        .insert_header(("cookie", "session=victim"))
        .set_payload("pear")
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 403);
    assert_eq!(cors_headers(response.headers()), common::expected(&[]));
    assert_eq!(calls.count("add_to_cart"), 0);
    let logged = refusals.all();
    assert_eq!(
        logged[0].reason,
        "cross-origin write from an unlisted origin"
    );
}

#[actix_web::test]
async fn preflights_are_answered_without_the_handler() {
    let (app, calls, refusals) = app!();
    let preflight = |method: &str, headers: &str| {
        test::TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/cart")
            .insert_header(("origin", SHOP))
            .insert_header(("access-control-request-method", method))
            .insert_header(("access-control-request-headers", headers))
            .to_request()
    };
    let allowed = test::call_service(&app, preflight("DELETE", "x-csrf-token")).await;
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        cors_headers(allowed.headers()),
        common::expected(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "content-type, x-csrf-token"),
            ("access-control-allow-methods", "GET, POST, DELETE"),
            ("access-control-allow-origin", SHOP),
            ("access-control-max-age", "600"),
        ])
    );
    assert_eq!(
        vary(allowed.headers()),
        [
            "origin",
            "access-control-request-method",
            "access-control-request-headers"
        ]
    );
    let refused = test::call_service(&app, preflight("DELETE", "x-csrf-token,x-debug")).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(cors_headers(refused.headers()), common::expected(&[]));
    assert_eq!(calls.count("empty_cart"), 0);
    assert_eq!(refusals.all()[0].reason, "header x-debug not allowed");
}

#[actix_web::test]
async fn preflight_to_a_get_only_resource_is_answered() {
    let (app, calls, _) = app!();
    let request = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/ticks")
        .insert_header(("origin", SHOP))
        .insert_header(("access-control-request-method", "GET"))
        .insert_header(("access-control-request-headers", "content-type"))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        SHOP
    );
    assert_eq!(calls.count("ticks"), 0);
}

#[actix_web::test]
async fn error_responses_are_decorated_too() {
    let (app, calls, _) = app!();
    let request = test::TestRequest::get()
        .uri("/fail")
        .insert_header(("origin", SHOP))
        .to_request();
    let response = test::call_service(&app, request).await;
    // A script can tell a failure from a refusal only if it may read the failure.
    assert_eq!(response.status(), 503);
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        SHOP
    );
    assert_eq!(calls.count("fail"), 1);
}

/// The same middleware behind actix's own server and a real client.
#[tokio::test]
async fn over_a_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (calls, refusals) = (Calls::default(), Refusals::default());
    let server = cors_examples::actix::start(listener, calls.clone(), refusals.clone()).unwrap();

    let reply = common::send("GET", &format!("{url}/cart"), &[("origin", SHOP)], b"").await;
    assert_eq!(reply.text(), "2 apples\n");
    assert_eq!(reply.header("access-control-allow-origin"), Some(SHOP));
    assert_eq!(reply.vary(), ["cookie", "origin"]);

    let refused = common::send(
        "OPTIONS",
        &format!("{url}/cart"),
        &[("origin", SHOP), ("access-control-request-method", "PUT")],
        b"",
    )
    .await;
    assert_eq!(
        (refused.status.as_u16(), refused.cors_headers()),
        (403, vec![])
    );
    assert_eq!(refusals.all()[0].reason, "method PUT not allowed");

    let (headers, frames) = common::frames(&format!("{url}/ticks"), &[("origin", SHOP)]).await;
    assert_eq!(headers["access-control-allow-origin"], SHOP);
    common::assert_streamed(&frames, TICK_DELAY);
    assert_eq!((calls.count("cart"), calls.count("ticks")), (1, 1));
    server.stop(true).await;
}
