//! A global policy with a route's own, one table through axum (`Router::layer`, `route_layer`,
//! `MethodRouter::layer`) and actix-web (`App::wrap`, `Scope::wrap`), in both orders of
//! nesting. Each row says who decides: the route's policy on `/route`, the global one elsewhere,
//! whichever layer is outside; a cross-origin write passes only if every policy on its path
//! allows its origin. The answer's status, whether the handler ran, its
//! `Access-Control-Allow-Origin` and its `Vary` values must be the row's, for both frameworks.
#![cfg(all(feature = "tower", feature = "actix", feature = "derive"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use checked_cors::Cors;

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://both.example.com"],
    methods = [GET, POST, PUT]
)]
struct Global;

#[derive(Cors)]
#[cors(
    origins = ["https://route.example.net", "https://both.example.com"],
    methods = [GET, PUT]
)]
struct Route;

const ROUTE_ONLY: &str = "https://route.example.net";
const GLOBAL_ONLY: &str = "https://app.example.com";
const BOTH: &str = "https://both.example.com";
const NEITHER: &str = "https://evil.example";
const ORIGINS: [&str; 4] = [ROUTE_ONLY, GLOBAL_ONLY, BOTH, NEITHER];

/// Which layer sees the request first on `/route`; `/other` has the global layer alone.
#[derive(Clone, Copy, Debug)]
enum Nesting {
    GlobalOutside,
    RouteOutside,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// `OPTIONS` asking for `PUT` (both policies allow the method).
    Preflight,
    /// A `GET` a page sends with `fetch`.
    Get,
    /// A form another site submits: `POST`, marked `cross-site`, no preflight.
    FormPost,
}

/// What the answer must be.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: u16,
    handler_ran: bool,
    allow_origin: Option<String>,
    /// The `Vary` field lines: the handler sets `accept-encoding`, a layer adds one.
    vary: Vec<String>,
}

fn allows(policy_origins: &[&str], origin: &str) -> bool {
    policy_origins.contains(&origin)
}

const GLOBAL_ORIGINS: &[&str] = &[GLOBAL_ONLY, BOTH];
const ROUTE_ORIGINS: &[&str] = &[ROUTE_ONLY, BOTH];
const PREFLIGHT_VARY: &str =
    "origin, access-control-request-method, access-control-request-headers";

/// The table: the answer to `kind` from `origin` on `path`, in either nesting (both orders must
/// give the same answers).
fn expected(path: &str, kind: Kind, origin: &str) -> Outcome {
    let on_route = path == "/route";
    let deciding = if on_route {
        ROUTE_ORIGINS
    } else {
        GLOBAL_ORIGINS
    };
    let allowed = allows(deciding, origin);
    let echoed = allowed.then(|| origin.to_owned());
    match kind {
        Kind::Preflight => Outcome {
            status: if allowed { 204 } else { 403 },
            handler_ran: false,
            allow_origin: echoed,
            vary: vec![PREFLIGHT_VARY.to_owned()],
        },
        Kind::Get => Outcome {
            status: 200,
            handler_ran: true,
            allow_origin: echoed,
            vary: vec!["accept-encoding".to_owned(), "origin".to_owned()],
        },
        Kind::FormPost => {
            // The global layer cannot know before the handler whether a route's own layer
            // will decide, so it refuses what its own policy refuses: the union.
            let trusted = allowed && allows(GLOBAL_ORIGINS, origin);
            if trusted {
                Outcome {
                    status: 200,
                    handler_ran: true,
                    allow_origin: echoed,
                    vary: vec!["accept-encoding".to_owned(), "origin".to_owned()],
                }
            } else {
                Outcome {
                    status: 403,
                    handler_ran: false,
                    allow_origin: None,
                    vary: vec!["origin".to_owned()],
                }
            }
        }
    }
}

/// Every row: both nestings, both paths, three kinds, four origins.
fn rows() -> Vec<(Nesting, &'static str, Kind, &'static str)> {
    let mut rows = Vec::new();
    for nesting in [Nesting::GlobalOutside, Nesting::RouteOutside] {
        for path in ["/route", "/other"] {
            for kind in [Kind::Preflight, Kind::Get, Kind::FormPost] {
                for origin in ORIGINS {
                    rows.push((nesting, path, kind, origin));
                }
            }
        }
    }
    rows
}

/// The request headers of a row.
fn headers(kind: Kind, origin: &'static str) -> Vec<(&'static str, &'static str)> {
    let mut headers = vec![("origin", origin), ("host", "api.example.com")];
    match kind {
        Kind::Preflight => headers.push(("access-control-request-method", "PUT")),
        Kind::Get => headers.push(("sec-fetch-site", "cross-site")),
        Kind::FormPost => {
            headers.push(("sec-fetch-site", "cross-site"));
            headers.push(("content-type", "application/x-www-form-urlencoded"));
        }
    }
    headers
}

fn method(kind: Kind) -> &'static str {
    match kind {
        Kind::Preflight => "OPTIONS",
        Kind::Get => "GET",
        Kind::FormPost => "POST",
    }
}

/// Checks every vary value is there once: the table's lines, and no token twice across them.
fn check(row: &(Nesting, &str, Kind, &str), got: Outcome) {
    let (_, path, kind, origin) = *row;
    let tokens: Vec<&str> = got
        .vary
        .iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    let mut unique = tokens.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), tokens.len(), "{row:?}: vary {:?}", got.vary);
    assert_eq!(got, expected(path, kind, origin), "{row:?}");
}

mod tower {
    use super::*;

    use axum::body::Body;
    use axum::routing::{get, post, MethodRouter};
    use axum::Router;
    use checked_cors::CorsLayer;
    use cors_test_support::service::now;
    use http::Request;
    use tower_service::Service;

    fn handler(calls: &Arc<AtomicUsize>) -> MethodRouter {
        let (on_get, on_post) = (calls.clone(), calls.clone());
        let answer = || ([("vary", "accept-encoding")], "handled");
        get(move || {
            on_get.fetch_add(1, Ordering::SeqCst);
            async move { answer() }
        })
        .merge(post(move || {
            on_post.fetch_add(1, Ordering::SeqCst);
            async move { answer() }
        }))
    }

    fn global() -> CorsLayer<Global> {
        CorsLayer::<Global>::new().defer_to_inner()
    }

    fn app(nesting: Nesting, calls: &Arc<AtomicUsize>) -> Router {
        match nesting {
            // The usual shape: the route's own layer on its method router, the global one over
            // the whole router (its fallback included).
            Nesting::GlobalOutside => Router::new()
                .route("/route", handler(calls).layer(CorsLayer::<Route>::new()))
                .route("/other", handler(calls))
                .layer(global()),
            // `route_layer` after `layer`: the route's layer wraps the global one.
            Nesting::RouteOutside => Router::new()
                .route("/route", handler(calls))
                .layer(global())
                .route_layer(CorsLayer::<Route>::new())
                .merge(
                    Router::new()
                        .route("/other", handler(calls))
                        .layer(global()),
                ),
        }
    }

    #[test]
    fn the_route_decides_on_its_route_and_the_global_policy_elsewhere() {
        for row in rows() {
            let (nesting, path, kind, origin) = row;
            let calls = Arc::new(AtomicUsize::new(0));
            let mut app = app(nesting, &calls);
            let mut request = Request::builder().method(method(kind)).uri(path);
            for (name, value) in headers(kind, origin) {
                request = request.header(name, value);
            }
            let response = now(app.call(request.body(Body::empty()).unwrap())).unwrap();
            let headers = response.headers();
            let got = Outcome {
                status: response.status().as_u16(),
                handler_ran: calls.load(Ordering::SeqCst) > 0,
                allow_origin: headers
                    .get("access-control-allow-origin")
                    .map(|v| v.to_str().unwrap().to_owned()),
                vary: headers
                    .get_all("vary")
                    .iter()
                    .map(|v| v.to_str().unwrap().to_owned())
                    .collect(),
            };
            check(&row, got);
        }
    }
}

mod actix {
    use super::*;

    // Not `actix_web::test` itself: with actix-web's `macros` feature (on in the workspace) it is
    // also an attribute, which would shadow `#[test]`.
    use actix_web::test::{call_service, init_service, TestRequest};
    use actix_web::{web, App, HttpResponse};
    use checked_cors::actix::Cors;

    fn handler(calls: &Arc<AtomicUsize>) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
        let calls = calls.clone();
        move || {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(
                HttpResponse::Ok()
                    .insert_header(("vary", "accept-encoding"))
                    .body("handled"),
            )
        }
    }

    fn global() -> Cors<Global> {
        Cors::<Global>::new().defer_to_inner()
    }

    #[test]
    fn the_route_decides_on_its_scope_and_the_global_policy_elsewhere() {
        actix_web::rt::System::new().block_on(async {
            for row in rows() {
                let (nesting, path, kind, origin) = row;
                let calls = Arc::new(AtomicUsize::new(0));
                let routes = |scope: actix_web::Scope<_>| {
                    scope
                        .route("", web::get().to(handler(&calls)))
                        .route("", web::post().to(handler(&calls)))
                };
                let mut request = TestRequest::default()
                    .method(method(kind).parse().unwrap())
                    .uri(path);
                for (name, value) in headers(kind, origin) {
                    request = request.insert_header((name, value));
                }
                let response = match nesting {
                    // `App::wrap` is outside every scope's `wrap`.
                    Nesting::GlobalOutside => {
                        let app = App::new()
                            .wrap(global())
                            .service(routes(web::scope("/route")).wrap(Cors::<Route>::new()))
                            .service(routes(web::scope("/other")));
                        let app = init_service(app).await;
                        call_service(&app, request.to_request())
                            .await
                            .map_into_boxed_body()
                    }
                    // The last `wrap` of a scope is its outermost.
                    Nesting::RouteOutside => {
                        let app = App::new()
                            .service(
                                routes(web::scope("/route"))
                                    .wrap(global())
                                    .wrap(Cors::<Route>::new()),
                            )
                            .service(routes(web::scope("/other")).wrap(global()));
                        let app = init_service(app).await;
                        call_service(&app, request.to_request())
                            .await
                            .map_into_boxed_body()
                    }
                };
                let headers = response.headers();
                let got = Outcome {
                    status: response.status().as_u16(),
                    handler_ran: calls.load(Ordering::SeqCst) > 0,
                    allow_origin: headers
                        .get("access-control-allow-origin")
                        .map(|v| v.to_str().unwrap().to_owned()),
                    vary: headers
                        .get_all("vary")
                        .map(|v| v.to_str().unwrap().to_owned())
                        .collect(),
                };
                check(&row, got);
            }
        });
    }
}
