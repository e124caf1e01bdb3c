//! `CorsLayer::with_origins_async` on a real axum server over loopback: the lookup awaits (a
//! timer standing for a database query) inside the layer's future.

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
