//! One behaviour suite, two integrations: the same table of requests sent over loopback sockets to
//! an axum server behind `CorsLayer` and to an actix-web server behind `checked_cors::actix::Cors`,
//! with the same policy and handlers that behave alike. Each answer (status, CORS headers, `Vary`,
//! body), whether the handler ran, and the refusal reported must be the table's, for both.

mod common;

use std::future::IntoFuture;
use std::io;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
use checked_cors::{Cors, CorsLayer};
use cors_examples::observe::{log_refusal, Calls, Refusals};

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://*.example.com"],
    methods = [GET, POST, PUT],
    headers = ["content-type", "x-api-key"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600,
)]
struct Api;

const APP: &str = "https://app.example.com";
const SHOP: &str = "https://shop.example.com";
const EVIL: &str = "https://evil.example.net";

/// The handlers' common behaviour: `GET /items` sets its own `Vary` and an exposed header,
/// `POST /items` echoes its body with `201`, `GET /fail` fails with `500`.
const ITEMS: &str = "items";
const FAIL_BODY: &str = "the stock service is down";

async fn axum_items(Extension(calls): Extension<Calls>) -> impl IntoResponse {
    calls.record("items");
    ([("vary", "accept-encoding"), ("x-request-id", "7")], ITEMS)
}

async fn axum_post(Extension(calls): Extension<Calls>, body: String) -> impl IntoResponse {
    calls.record("post");
    (StatusCode::CREATED, body)
}

async fn axum_fail(Extension(calls): Extension<Calls>) -> impl IntoResponse {
    calls.record("fail");
    (StatusCode::INTERNAL_SERVER_ERROR, FAIL_BODY)
}

async fn serve_axum(calls: Calls, refusals: Refusals) -> String {
    let router = Router::new()
        .route("/items", get(axum_items).post(axum_post))
        .route("/fail", get(axum_fail))
        // `Router::layer` covers the fallback too, so preflights reach the layer.
        .layer(CorsLayer::<Api>::new().on_refusal(log_refusal))
        // Outside the CORS layer, so that handlers and `on_refusal` find them in the request.
        .layer(Extension(calls))
        .layer(Extension(refusals));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, router).into_future());
    url
}

mod actix {
    use actix_web::{error, web, App, HttpResponse, HttpServer};
    use checked_cors::actix::Cors;
    use cors_examples::observe::{Calls, Refusals};

    use super::{Api, FAIL_BODY, ITEMS};

    async fn items(calls: web::Data<Calls>) -> HttpResponse {
        calls.record("items");
        HttpResponse::Ok()
            .insert_header(("vary", "accept-encoding"))
            .insert_header(("x-request-id", "7"))
            .body(ITEMS)
    }

    async fn post(calls: web::Data<Calls>, body: String) -> HttpResponse {
        calls.record("post");
        HttpResponse::Created().body(body)
    }

    // An error, as actix handlers usually fail: the middleware must decorate what it renders.
    async fn fail(calls: web::Data<Calls>) -> Result<HttpResponse, actix_web::Error> {
        calls.record("fail");
        Err(error::ErrorInternalServerError(FAIL_BODY))
    }

    /// Serves the app on its own thread and actix runtime; returns its URL and the handle that
    /// stops it.
    pub fn serve(
        calls: Calls,
        refusals: Refusals,
    ) -> std::io::Result<(String, actix_web::dev::ServerHandle)> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        // Made once, cloned into each worker's app.
        let cors = Cors::<Api>::new().on_refusal(move |refusal, request| {
            let origin = request.headers().get("origin").map(|o| o.as_bytes());
            refusals.push(refusal, request.method().as_str(), request.path(), origin);
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(calls.clone()))
                .wrap(cors.clone())
                .route("/items", web::get().to(items))
                .route("/items", web::post().to(post))
                .route("/fail", web::get().to(fail))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        let handle = server.handle();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
        Ok((url, handle))
    }
}

type Headers = &'static [(&'static str, &'static str)];

/// One row: a request and everything its answer must be.
struct Case {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    headers: Headers,
    body: &'static str,
    status: u16,
    cors: Headers,
    vary: &'static [&'static str],
    /// The answer's body, when the handler answered.
    answer: Option<&'static str>,
    /// The handler that must have run, if any.
    handler: Option<&'static str>,
    /// The refusal `on_refusal` must have reported, if any.
    refusal: Option<&'static str>,
}

const CREDENTIALS: (&str, &str) = ("access-control-allow-credentials", "true");
const EXPOSE: (&str, &str) = ("access-control-expose-headers", "x-request-id");
const VARY_ACTUAL: &[&str] = &["accept-encoding", "origin"];
const VARY_PREFLIGHT: &[&str] = &[
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
];

fn cases() -> Vec<Case> {
    let actual = |name: &'static str, origin: Headers| Case {
        name,
        method: "GET",
        path: "/items",
        headers: origin,
        body: "",
        status: 200,
        cors: &[],
        vary: VARY_ACTUAL,
        answer: Some(ITEMS),
        handler: Some("items"),
        refusal: None,
    };
    let preflight = |name: &'static str, headers: Headers| Case {
        name,
        method: "OPTIONS",
        path: "/items",
        headers,
        body: "",
        status: 403,
        cors: &[],
        vary: VARY_PREFLIGHT,
        answer: None,
        handler: None,
        refusal: None,
    };
    let post = |name: &'static str, headers: Headers| Case {
        name,
        method: "POST",
        path: "/items",
        headers,
        body: "pear",
        status: 201,
        cors: &[],
        vary: &["origin"],
        answer: Some("pear"),
        handler: Some("post"),
        refusal: None,
    };
    vec![
        Case {
            cors: &[("access-control-allow-origin", APP), CREDENTIALS, EXPOSE],
            ..actual("allowed origin, listed", &[("origin", APP)])
        },
        Case {
            cors: &[("access-control-allow-origin", SHOP), CREDENTIALS, EXPOSE],
            ..actual("allowed origin, by pattern", &[("origin", SHOP)])
        },
        actual("no origin: not a CORS request", &[]),
        Case {
            refusal: Some("origin not allowed"),
            ..actual(
                "refused origin: handler runs, undecorated",
                &[("origin", EVIL)],
            )
        },
        Case {
            refusal: Some("malformed request: several `Origin` headers"),
            ..actual(
                "two origins: malformed",
                &[("origin", APP), ("origin", SHOP)],
            )
        },
        Case {
            status: 204,
            cors: &[
                ("access-control-allow-origin", APP),
                CREDENTIALS,
                ("access-control-allow-methods", "GET, POST, PUT"),
                ("access-control-allow-headers", "content-type, x-api-key"),
                ("access-control-max-age", "600"),
            ],
            ..preflight(
                "preflight allowed: 204, handler not run",
                &[
                    ("origin", APP),
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-headers", "content-type,x-api-key"),
                ],
            )
        },
        Case {
            status: 204,
            cors: &[
                ("access-control-allow-origin", SHOP),
                CREDENTIALS,
                ("access-control-allow-methods", "GET, POST, PUT"),
                ("access-control-max-age", "600"),
            ],
            ..preflight(
                "preflight without request headers",
                &[("origin", SHOP), ("access-control-request-method", "PUT")],
            )
        },
        Case {
            refusal: Some("method DELETE not allowed"),
            ..preflight(
                "preflight refused: method",
                &[("origin", APP), ("access-control-request-method", "DELETE")],
            )
        },
        Case {
            refusal: Some("header x-debug not allowed"),
            ..preflight(
                "preflight refused: header",
                &[
                    ("origin", APP),
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-headers", "content-type,x-debug"),
                ],
            )
        },
        Case {
            refusal: Some("origin not allowed"),
            ..preflight(
                "preflight refused: origin",
                &[("origin", EVIL), ("access-control-request-method", "GET")],
            )
        },
        Case {
            refusal: Some("private network access not allowed"),
            ..preflight(
                "preflight refused: private network",
                &[
                    ("origin", APP),
                    ("access-control-request-method", "GET"),
                    ("access-control-request-private-network", "true"),
                ],
            )
        },
        Case {
            name: "a 500 is decorated",
            path: "/fail",
            status: 500,
            cors: &[("access-control-allow-origin", APP), CREDENTIALS, EXPOSE],
            vary: &["origin"],
            answer: Some(FAIL_BODY),
            handler: Some("fail"),
            ..actual("", &[("origin", APP)])
        },
        Case {
            cors: &[("access-control-allow-origin", SHOP), CREDENTIALS, EXPOSE],
            ..post(
                "allowed cross-site POST",
                &[("origin", SHOP), ("sec-fetch-site", "same-site")],
            )
        },
        Case {
            refusal: Some("origin not allowed"),
            ..post(
                "same-origin POST from an unlisted origin runs, undecorated",
                &[("origin", EVIL), ("sec-fetch-site", "same-origin")],
            )
        },
        Case {
            status: 403,
            answer: None,
            handler: None,
            refusal: Some("cross-origin write from an unlisted origin"),
            ..post(
                "forged cross-site POST: 403, handler not run",
                &[
                    ("origin", EVIL),
                    ("sec-fetch-site", "cross-site"),
                    ("cookie", "session=victim"),
                ],
            )
        },
        Case {
            status: 403,
            answer: None,
            handler: None,
            refusal: Some("cross-origin write from an unlisted origin"),
            // No `Sec-Fetch-Site` (an older browser): the origin differs from the `Host`.
            ..post("forged POST without Sec-Fetch-Site", &[("origin", EVIL)])
        },
    ]
}

/// What one server did with one case.
#[derive(Debug, PartialEq)]
struct Observed {
    status: u16,
    cors: Vec<(String, String)>,
    vary: Vec<String>,
    answer: Option<String>,
    handler_ran: Vec<&'static str>,
    refusals: Vec<String>,
}

impl Case {
    fn expected(&self) -> Observed {
        Observed {
            status: self.status,
            cors: common::expected(self.cors),
            vary: self.vary.iter().map(|v| v.to_string()).collect(),
            answer: self.answer.map(str::to_owned),
            handler_ran: self.handler.into_iter().collect(),
            refusals: self.refusal.into_iter().map(str::to_owned).collect(),
        }
    }

    async fn send(&self, url: &str, calls: &Calls, refusals: &Refusals) -> Observed {
        let handlers = ["items", "post", "fail"];
        let before = handlers.map(|h| calls.count(h));
        let logged = refusals.all().len();
        let reply = common::send(
            self.method,
            &format!("{url}{}", self.path),
            self.headers,
            self.body.as_bytes(),
        )
        .await;
        let after = handlers.map(|h| calls.count(h));
        Observed {
            status: reply.status.as_u16(),
            cors: reply.cors_headers(),
            vary: reply.vary(),
            answer: self.answer.map(|_| reply.text().to_owned()),
            handler_ran: (0..handlers.len())
                .filter(|&i| after[i] > before[i])
                .map(|i| handlers[i])
                .collect(),
            refusals: refusals.all()[logged..]
                .iter()
                .map(|l| l.reason.clone())
                .collect(),
        }
    }
}

#[tokio::test]
async fn the_tower_layer_and_the_actix_middleware_answer_alike() -> io::Result<()> {
    let (tower_calls, tower_refusals) = (Calls::default(), Refusals::default());
    let tower = serve_axum(tower_calls.clone(), tower_refusals.clone()).await;
    let (actix_calls, actix_refusals) = (Calls::default(), Refusals::default());
    let (actix, actix_server) = actix::serve(actix_calls.clone(), actix_refusals.clone())?;

    let mut failures = Vec::new();
    for case in cases() {
        let expected = case.expected();
        let by_tower = case.send(&tower, &tower_calls, &tower_refusals).await;
        let by_actix = case.send(&actix, &actix_calls, &actix_refusals).await;
        for (who, observed) in [("tower", by_tower), ("actix", by_actix)] {
            if observed != expected {
                failures.push(format!(
                    "{}: {who}\n  got      {observed:?}\n  expected {expected:?}",
                    case.name
                ));
            }
        }
    }
    actix_server.stop(true).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    Ok(())
}
