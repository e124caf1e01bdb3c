//! `CorsLayer::with_origins_async` on a real axum server and `actix::Cors::with_origins_async`
//! on a real actix-web server, over loopback: the lookup awaits (a timer standing for a database
//! query) inside the layer's, or the middleware's, future.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::{routing::get, Router};
use checked_cors::{Cors, CorsLayer, SerializedOrigin};
use common::{expected, send};

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com"],
    methods = [GET, PUT],
    headers = ["content-type"],
    credentials,
    max_age = 600
)]
struct Api;

const TENANT: &str = "https://initech.example.net";

/// A tenant table that takes a while to answer, and fails for one origin.
#[derive(Clone, Default)]
struct Database {
    tenants: Arc<Mutex<HashSet<String>>>,
    queries: Arc<AtomicUsize>,
}

impl Database {
    async fn is_tenant(&self, origin: &str) -> Result<bool, String> {
        self.queries.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        if origin == "https://broken.example.org" {
            return Err("the tenant table is unreachable".to_owned());
        }
        Ok(self.tenants.lock().unwrap().contains(origin))
    }
}

struct Server {
    url: String,
    database: Database,
    calls: Arc<AtomicUsize>,
    refusals: Arc<Mutex<Vec<String>>>,
}

async fn start() -> Server {
    let database = Database::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let refusals = Arc::new(Mutex::new(Vec::new()));
    let (db, counted, told) = (database.clone(), calls.clone(), refusals.clone());
    let layer = CorsLayer::<Api>::new()
        .on_refusal(move |refusal, _| told.lock().unwrap().push(refusal.to_string()))
        .with_origins_async(move |origin: SerializedOrigin| {
            let db = db.clone();
            async move { db.is_tenant(origin.as_str()).await }
        });
    let handler = move || {
        counted.fetch_add(1, Ordering::SeqCst);
        async { "hello" }
    };
    let app = Router::new().route("/api", get(handler).layer(layer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        url,
        database,
        calls,
        refusals,
    }
}

fn preflight(origin: &str) -> [(&str, &str); 3] {
    [
        ("origin", origin),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", "content-type"),
    ]
}

#[tokio::test]
async fn a_tenant_added_to_the_database_is_allowed_by_the_next_request() {
    let server = start().await;
    let refused = send("GET", &server.url, &[("origin", TENANT)], b"").await;
    assert_eq!(refused.text(), "hello");
    assert_eq!(refused.cors_headers(), expected(&[]));
    assert_eq!(refused.vary(), ["origin"]);
    let refused = send("OPTIONS", &server.url, &preflight(TENANT), b"").await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.cors_headers(), expected(&[]));

    server
        .database
        .tenants
        .lock()
        .unwrap()
        .insert(TENANT.to_owned());
    let allowed = send("GET", &server.url, &[("origin", TENANT)], b"").await;
    assert_eq!(allowed.text(), "hello");
    assert_eq!(
        allowed.cors_headers(),
        expected(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", TENANT),
        ])
    );
    assert_eq!(allowed.vary(), ["origin"]);
    let allowed = send("OPTIONS", &server.url, &preflight(TENANT), b"").await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.cors_headers(),
        expected(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "content-type"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-origin", TENANT),
            ("access-control-max-age", "600"),
        ])
    );
    assert_eq!(
        server.calls.load(Ordering::SeqCst),
        2,
        "preflights skip the handler"
    );
    assert_eq!(server.database.queries.load(Ordering::SeqCst), 4);
    assert_eq!(
        *server.refusals.lock().unwrap(),
        ["origin not allowed", "origin not allowed"]
    );
}

#[tokio::test]
async fn a_failing_lookup_refuses_and_says_why() {
    let server = start().await;
    let origin = "https://broken.example.org";
    let reply = send("GET", &server.url, &[("origin", origin)], b"").await;
    assert_eq!(reply.text(), "hello");
    assert_eq!(reply.cors_headers(), expected(&[]));
    let reply = send("OPTIONS", &server.url, &preflight(origin), b"").await;
    assert_eq!(reply.status, 403);
    assert_eq!(server.calls.load(Ordering::SeqCst), 1);
    assert_eq!(
        *server.refusals.lock().unwrap(),
        ["origin lookup failed: the tenant table is unreachable"; 2]
    );
    // Neither the policy's own origin nor a malformed one costs a query.
    for origin in ["https://app.example.com", "https://initech.example.net/"] {
        let _ = send("GET", &server.url, &[("origin", origin)], b"").await;
    }
    assert_eq!(server.database.queries.load(Ordering::SeqCst), 2);
}

/// The same database behind `actix::Cors::with_origins_async`, on actix's own server (one
/// worker, on a thread of its own): `/api` has a `GET` and a `PUT` handler.
fn start_actix(database: &Database) -> (String, actix_web::dev::ServerHandle, Server) {
    use actix_web::{web, App, HttpResponse, HttpServer};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let refusals = Arc::new(Mutex::new(Vec::new()));
    let (db, counted, told) = (database.clone(), calls.clone(), refusals.clone());
    let cors = checked_cors::actix::Cors::<Api>::new()
        .on_refusal(move |refusal, _| told.lock().unwrap().push(refusal.to_string()))
        .with_origins_async(move |origin: SerializedOrigin| {
            let db = db.clone();
            async move { db.is_tenant(origin.as_str()).await }
        });
    let (sender, handle) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                let counted = counted.clone();
                let handler = move || {
                    counted.fetch_add(1, Ordering::SeqCst);
                    async { HttpResponse::Ok().body("hello") }
                };
                App::new().wrap(cors.clone()).service(
                    web::resource("/api")
                        .route(web::get().to(handler.clone()))
                        .route(web::put().to(handler)),
                )
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
            sender.send(server.handle()).unwrap();
            server.await.unwrap();
        })
    });
    let server = Server {
        url: url.clone(),
        database: database.clone(),
        calls,
        refusals,
    };
    (url, handle.recv().unwrap(), server)
}

#[tokio::test]
async fn the_actix_middleware_awaits_the_lookup_too() {
    let database = Database::default();
    let (url, handle, server) = start_actix(&database);
    let refused = send("GET", &url, &[("origin", TENANT)], b"").await;
    assert_eq!(refused.text(), "hello");
    assert_eq!(refused.cors_headers(), expected(&[]));
    assert_eq!(refused.vary(), ["origin"]);
    let refused = send("OPTIONS", &url, &preflight(TENANT), b"").await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.cors_headers(), expected(&[]));
    // A form another site posts, from an origin the lookup refuses: blocked before the handler.
    let forged = [("origin", TENANT), ("sec-fetch-site", "cross-site")];
    let blocked = send("PUT", &url, &forged, b"").await;
    assert_eq!(blocked.status, 403);
    assert_eq!(server.calls.load(Ordering::SeqCst), 1);

    database.tenants.lock().unwrap().insert(TENANT.to_owned());
    // Lookups overlap on the one worker: each request waits in its own future.
    let asking = preflight(TENANT);
    let (a, b, c) = tokio::join!(
        send("GET", &url, &[("origin", TENANT)], b""),
        send("OPTIONS", &url, &asking, b""),
        send("PUT", &url, &forged, b""),
    );
    for allowed in [&a, &c] {
        assert_eq!(allowed.text(), "hello");
        assert_eq!(
            allowed.cors_headers(),
            expected(&[
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-origin", TENANT),
            ])
        );
        assert_eq!(allowed.vary(), ["origin"]);
    }
    assert_eq!(b.status, 204);
    assert_eq!(
        b.cors_headers(),
        expected(&[
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "content-type"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-origin", TENANT),
            ("access-control-max-age", "600"),
        ])
    );
    assert_eq!(
        server.calls.load(Ordering::SeqCst),
        3,
        "preflights and blocked writes skip the handler"
    );

    let origin = "https://broken.example.org";
    let failed = send("GET", &url, &[("origin", origin)], b"").await;
    assert_eq!(failed.cors_headers(), expected(&[]));
    assert_eq!(database.queries.load(Ordering::SeqCst), 7);
    // Neither the policy's own origin, nor `null`, nor a malformed one costs a query.
    for origin in [
        "https://app.example.com",
        "null",
        "https://initech.example.net/",
    ] {
        let _ = send("GET", &url, &[("origin", origin)], b"").await;
    }
    assert_eq!(database.queries.load(Ordering::SeqCst), 7);
    assert_eq!(
        *server.refusals.lock().unwrap(),
        [
            "origin not allowed",
            "origin not allowed",
            "cross-origin write from an unlisted origin",
            "origin lookup failed: the tenant table is unreachable",
            "origin not allowed",
            "origin not allowed",
        ]
    );
    handle.stop(true).await;
}
