//! What the README's comparison table says of tower-http and actix-cors, checked against the very
//! versions the benchmarks run.

use std::panic::{catch_unwind, AssertUnwindSafe};

use actix_cors::Cors;
use cors_bench::actix::{self, ActixApp, Answer};
use cors_bench::policies::tower_http_list;
use cors_bench::service::{call, Bare};
use http::{Method, Request};
use tower_http::cors::{Any, CorsLayer};
use tower_layer::Layer;

fn request(method: Method, headers: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::builder().method(method).uri("/api");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap()
}

fn refused_preflight() -> Request<()> {
    request(
        Method::OPTIONS,
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "PUT"),
        ],
    )
}

#[test]
fn tower_http_panics_on_any_origin_with_credentials_when_the_layer_is_built() {
    let layer = CorsLayer::new().allow_origin(Any).allow_credentials(true);
    assert!(catch_unwind(AssertUnwindSafe(|| layer.layer(Bare))).is_err());
}

#[test]
fn tower_http_answers_a_refused_preflight_200_with_partial_cors_headers() {
    let mut service = tower_http_list(["https://app.example.com"]).layer(Bare);
    let response = call(&mut service, refused_preflight());
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert!(headers.get("access-control-allow-origin").is_none());
    assert!(headers
        .keys()
        .any(|name| name.as_str().starts_with("access-control-")));
}

#[test]
fn tower_http_takes_a_malformed_origin_and_never_matches_it() {
    let mut service = tower_http_list(["https://app.example.com/"]).layer(Bare);
    let response = call(
        &mut service,
        request(Method::GET, &[("origin", "https://app.example.com")]),
    );
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[test]
fn actix_cors_permissive_echoes_any_origin_with_credentials() {
    let mut app = ActixApp::with(Cors::permissive());
    let answer = app.send(actix::request(&request(
        Method::GET,
        &[("origin", "https://evil.example")],
    )));
    assert_eq!(
        actix::allow_origin(&answer).as_deref(),
        Some(&b"https://evil.example"[..])
    );
    let Answer::Response(response) = answer else {
        panic!("a simple request is answered")
    };
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-credentials")
            .unwrap(),
        "true"
    );
}

#[test]
fn actix_cors_answers_a_refused_preflight_400() {
    let mut app = ActixApp::with(Cors::default().allowed_origin("https://app.example.com"));
    let status = match app.send(actix::request(&refused_preflight())) {
        Answer::Error(response) => response.status(),
        Answer::Response(response) => response.status(),
    };
    assert_eq!(status, 400);
}

#[test]
fn actix_cors_takes_a_malformed_origin_and_never_matches_it() {
    let mut app = ActixApp::with(Cors::default().allowed_origin("https://app.example.com/"));
    let answer = app.send(actix::request(&request(
        Method::GET,
        &[("origin", "https://app.example.com")],
    )));
    assert_eq!(actix::allow_origin(&answer), None);
}
