//! The plain hyper example over loopback sockets.

mod common;

use common::{expected, frames, send, Server};
use cors_examples::demo::TICK_DELAY;
use cors_examples::hyper_server;

const APP: &str = "https://notes.example.com";

async fn start() -> Server {
    Server::start(hyper_server::serve, "").await
}

#[tokio::test]
async fn allowed_origins_read_with_credentials_and_both_varys() {
    let server = start().await;
    for origin in [
        APP,
        "https://eu.notes.example.com",
        "https://a.b.notes.example.com",
    ] {
        let reply = send(
            "GET",
            &format!("{}/notes", server.url),
            &[("origin", origin)],
            b"",
        )
        .await;
        assert_eq!(reply.text(), "buy milk\n");
        assert_eq!(
            reply.cors_headers(),
            expected(&[
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-origin", origin),
                ("access-control-expose-headers", "x-request-id"),
            ]),
            "{origin}"
        );
        assert_eq!(reply.vary(), ["authorization", "origin"]);
    }
    assert_eq!(server.calls.count("list"), 3);
}

#[tokio::test]
async fn refused_origins_run_the_handler_without_cors_headers() {
    let server = start().await;
    let lookalikes = [
        "https://notes.example.com.evil.example",
        "https://evilnotes.example.com",
        "https://.notes.example.com",
        "http://notes.example.com",
        "https://notes.example.com:8443",
    ];
    for origin in lookalikes {
        let reply = send(
            "GET",
            &format!("{}/notes", server.url),
            &[("origin", origin)],
            b"",
        )
        .await;
        assert_eq!(reply.text(), "buy milk\n");
        assert_eq!(reply.cors_headers(), expected(&[]), "{origin}");
        assert_eq!(reply.vary(), ["authorization", "origin"]);
    }
    assert_eq!(server.calls.count("list"), lookalikes.len());
    let logged: Vec<_> = server
        .refusals
        .all()
        .into_iter()
        .map(|r| (r.origin, r.reason))
        .collect();
    let wanted: Vec<_> = lookalikes
        .iter()
        .map(|o| (o.to_string(), "origin not allowed".to_string()))
        .collect();
    assert_eq!(logged, wanted);
}

#[tokio::test]
async fn preflights_are_answered_by_the_layer() {
    let server = start().await;
    let url = format!("{}/notes", server.url);
    let allowed = send(
        "OPTIONS",
        &url,
        &[
            ("origin", APP),
            ("access-control-request-method", "PUT"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
        b"",
    )
    .await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.cors_headers(),
        expected(&[
            ("access-control-allow-credentials", "true"),
            (
                "access-control-allow-headers",
                "content-type, authorization"
            ),
            ("access-control-allow-methods", "GET, POST, PUT"),
            ("access-control-allow-origin", APP),
            ("access-control-max-age", "3600"),
        ])
    );
    let refused = send(
        "OPTIONS",
        &url,
        &[("origin", APP), ("access-control-request-method", "DELETE")],
        b"",
    )
    .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.cors_headers(), expected(&[]));
    assert_eq!(server.calls.count("put") + server.calls.count("list"), 0);
    assert_eq!(server.refusals.all()[0].reason, "method DELETE not allowed");
    // `OPTIONS` without `Access-Control-Request-Method` is not a preflight: the handler's.
    let plain = send("OPTIONS", &url, &[("origin", APP)], b"").await;
    assert_eq!(plain.status, 404);
    assert_eq!(plain.header("access-control-allow-origin"), Some(APP));
}

#[tokio::test]
async fn request_and_response_bodies_are_untouched() {
    let server = start().await;
    // Every byte value, and more than one read buffer's worth.
    let body: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let reply = send(
        "PUT",
        &format!("{}/notes", server.url),
        &[
            ("origin", APP),
            ("content-type", "application/octet-stream"),
        ],
        &body,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, body);
    assert_eq!(reply.header("access-control-allow-origin"), Some(APP));
}

#[tokio::test]
async fn streamed_body_passes_through_chunk_by_chunk() {
    let server = start().await;
    let (headers, frames) = frames(&format!("{}/ticks", server.url), &[("origin", APP)]).await;
    assert_eq!(headers["access-control-allow-origin"], APP);
    common::assert_streamed(&frames, TICK_DELAY);
}
