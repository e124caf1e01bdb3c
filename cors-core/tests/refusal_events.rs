//! The `tracing` feature: one event per refusal, with its fields, recorded by a real subscriber
//! (a `tracing-subscriber` registry with a layer that keeps every event), from the tower layer
//! and from the actix middleware, for one table of requests.
#![cfg(all(
    feature = "tracing",
    feature = "derive",
    any(feature = "tower", feature = "actix")
))]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use checked_cors::Cors;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://*.example.com"],
    methods = [GET, PUT],
    headers = ["content-type"],
)]
struct Api;

/// One event as the subscriber saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Captured {
    level: Level,
    target: String,
    /// Every field, the message included, as text.
    fields: BTreeMap<String, String>,
}

/// A `tracing-subscriber` layer keeping every event it is given.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

impl Capture {
    fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }
}

/// A request of the table: method, path, headers.
struct Case {
    method: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static [u8])],
    /// The status the layer answers with itself, or `None` when the handler answers.
    status: Option<u16>,
    /// The event expected.
    event: Option<Expected>,
}

/// An event expected: level, message, and the fields but the message.
type Expected = (Level, &'static str, &'static [(&'static str, &'static str)]);

const REFUSED: &str = "CORS request refused";

const CASES: &[Case] = &[
    // Allowed requests and requests without `Origin` are not refusals: no event.
    Case {
        method: "GET",
        path: "/things",
        headers: &[("origin", b"https://app.example.com")],
        status: None,
        event: None,
    },
    Case {
        method: "POST",
        path: "/things",
        headers: &[],
        status: None,
        event: None,
    },
    Case {
        method: "OPTIONS",
        path: "/things",
        headers: &[
            ("origin", b"https://shop.example.com"),
            ("access-control-request-method", b"PUT"),
        ],
        status: Some(204),
        event: None,
    },
    // A refused read: the handler runs, the event is `DEBUG`.
    Case {
        method: "GET",
        path: "/things",
        headers: &[("origin", b"https://evil.example.net")],
        status: None,
        event: Some((
            Level::DEBUG,
            REFUSED,
            &[
                ("method", "GET"),
                ("origin", "https://evil.example.net"),
                ("path", "/things"),
                ("reason", "origin not allowed"),
            ],
        )),
    },
    // Refused preflights: the reason names what was refused.
    Case {
        method: "OPTIONS",
        path: "/things/7",
        headers: &[
            ("origin", b"https://app.example.com"),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-headers", b"content-type,x-secret"),
        ],
        status: Some(403),
        event: Some((
            Level::DEBUG,
            REFUSED,
            &[
                ("method", "OPTIONS"),
                ("origin", "https://app.example.com"),
                ("path", "/things/7"),
                ("reason", "header x-secret not allowed"),
            ],
        )),
    },
    Case {
        method: "OPTIONS",
        path: "/things",
        headers: &[
            ("origin", b"https://app.example.com"),
            ("access-control-request-method", b"DELETE"),
        ],
        status: Some(403),
        event: Some((
            Level::DEBUG,
            REFUSED,
            &[
                ("method", "OPTIONS"),
                ("origin", "https://app.example.com"),
                ("path", "/things"),
                ("reason", "method DELETE not allowed"),
            ],
        )),
    },
    // A forged write, blocked before the handler: `WARN`.
    Case {
        method: "POST",
        path: "/things",
        headers: &[
            ("origin", b"https://evil.example.net"),
            ("sec-fetch-site", b"cross-site"),
        ],
        status: Some(403),
        event: Some((
            Level::WARN,
            "cross-origin write blocked",
            &[
                ("method", "POST"),
                ("origin", "https://evil.example.net"),
                ("path", "/things"),
                ("reason", "cross-origin write from an unlisted origin"),
            ],
        )),
    },
    // Attacker-controlled bytes reach the log escaped.
    Case {
        method: "GET",
        path: "/things",
        headers: &[("origin", b"https://app.example.com\xff\xfe")],
        status: None,
        event: Some((
            Level::DEBUG,
            REFUSED,
            &[
                ("method", "GET"),
                ("origin", "https://app.example.com\\xff\\xfe"),
                ("path", "/things"),
                (
                    "reason",
                    "malformed request: `Origin` is not a serialized origin",
                ),
            ],
        )),
    },
    Case {
        method: "GET",
        path: "/things",
        headers: &[
            ("origin", b"https://app.example.com"),
            ("origin", b"https://evil.example.net"),
        ],
        status: None,
        event: Some((
            Level::DEBUG,
            REFUSED,
            &[
                ("method", "GET"),
                ("origin", "several"),
                ("path", "/things"),
                ("reason", "malformed request: several `Origin` headers"),
            ],
        )),
    },
];

impl Case {
    fn expected(&self) -> Vec<Captured> {
        self.event
            .iter()
            .map(|(level, message, fields)| {
                let mut fields: BTreeMap<String, String> = fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                fields.insert("message".into(), message.to_string());
                Captured {
                    level: *level,
                    target: "checked_cors".into(),
                    fields,
                }
            })
            .collect()
    }

    fn describe(&self) -> String {
        format!("{} {} {:?}", self.method, self.path, self.headers)
    }
}

/// Runs `f` with a subscriber that keeps every event, and returns them.
fn captured(f: impl FnOnce(&Capture)) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    tracing::subscriber::with_default(subscriber, || f(&capture));
}

#[cfg(feature = "tower")]
#[test]
fn the_tower_layer_emits_one_event_per_refusal() {
    use checked_cors::CorsLayer;
    use cors_test_support::service::{now, Handler};
    use http::{HeaderValue, Method, Request};
    use tower_layer::Layer;
    use tower_service::Service;

    captured(|capture| {
        for case in CASES {
            let handler = Handler::default();
            // A hook beside the events: it must not make them two.
            let mut service = CorsLayer::<Api>::new()
                .on_refusal(|_, _| {})
                .layer(handler.clone());
            let mut request = Request::new(());
            *request.method_mut() = Method::from_bytes(case.method.as_bytes()).unwrap();
            *request.uri_mut() = format!("http://api.example.com{}", case.path)
                .parse()
                .unwrap();
            for (name, value) in case.headers {
                request
                    .headers_mut()
                    .append(*name, HeaderValue::from_bytes(value).unwrap());
            }
            let response = now(service.call(request)).unwrap();
            let ran = usize::from(case.status.is_none());
            assert_eq!(handler.calls(), ran, "{}", case.describe());
            assert_eq!(
                case.status.unwrap_or(200),
                response.status().as_u16(),
                "{}",
                case.describe()
            );
            assert_eq!(capture.take(), case.expected(), "{}", case.describe());
        }
    });
}

#[cfg(feature = "actix")]
#[test]
fn the_actix_middleware_emits_the_same_events() {
    use actix_web::http::header::HeaderValue;
    use actix_web::http::Method;
    use actix_web::test as actix_test;
    use actix_web::{web, App, HttpResponse};
    use checked_cors::actix::Cors;

    captured(|capture| {
        actix_web::rt::System::new().block_on(async {
            let app = App::new()
                .wrap(Cors::<Api>::new())
                .default_service(web::to(|| async { HttpResponse::Ok().finish() }));
            let app = actix_test::init_service(app).await;
            for case in CASES {
                let mut request = actix_test::TestRequest::default()
                    .method(Method::from_bytes(case.method.as_bytes()).unwrap())
                    .uri(case.path)
                    .insert_header(("host", "api.example.com"))
                    .to_request();
                for (name, value) in case.headers {
                    request.headers_mut().append(
                        name.parse().unwrap(),
                        HeaderValue::from_bytes(value).unwrap(),
                    );
                }
                let response = actix_test::call_service(&app, request).await;
                assert_eq!(
                    case.status.unwrap_or(200),
                    response.status().as_u16(),
                    "{}",
                    case.describe()
                );
                assert_eq!(capture.take(), case.expected(), "{}", case.describe());
            }
        });
    });
}

/// With an origin lookup that refuses every origin (after being pending once), the actix
/// middleware emits exactly the events it does without one: the evaluation that asks the lookup
/// reports nothing, only the one that takes its verdict does. A failed lookup is the reason.
#[cfg(feature = "actix")]
#[test]
fn the_actix_middleware_with_a_lookup_emits_the_same_events() {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;

    use actix_web::http::header::HeaderValue;
    use actix_web::http::Method;
    use actix_web::test as actix_test;
    use actix_web::{web, App, HttpResponse};
    use checked_cors::actix::Cors;
    use checked_cors::SerializedOrigin;

    /// Its answer, after one `Pending`.
    struct Later(Option<Result<bool, &'static str>>, bool);

    impl Future for Later {
        type Output = Result<bool, &'static str>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
            if !self.1 {
                self.1 = true;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Poll::Ready(self.0.take().expect("polled after completion"))
        }
    }

    captured(|capture| {
        actix_web::rt::System::new().block_on(async {
            let lookup = |origin: SerializedOrigin| match origin.as_str() {
                "https://broken.example.net" => Later(Some(Err("db down")), false),
                _ => Later(Some(Ok(false)), false),
            };
            let app = App::new()
                .wrap(Cors::<Api>::new().with_origins_async(lookup))
                .default_service(web::to(|| async { HttpResponse::Ok().finish() }));
            let app = actix_test::init_service(app).await;
            for case in CASES {
                let mut request = actix_test::TestRequest::default()
                    .method(Method::from_bytes(case.method.as_bytes()).unwrap())
                    .uri(case.path)
                    .insert_header(("host", "api.example.com"))
                    .to_request();
                for (name, value) in case.headers {
                    request.headers_mut().append(
                        name.parse().unwrap(),
                        HeaderValue::from_bytes(value).unwrap(),
                    );
                }
                let response = actix_test::call_service(&app, request).await;
                assert_eq!(
                    case.status.unwrap_or(200),
                    response.status().as_u16(),
                    "{}",
                    case.describe()
                );
                assert_eq!(capture.take(), case.expected(), "{}", case.describe());
            }
            let request = actix_test::TestRequest::get()
                .uri("/things")
                .insert_header(("origin", "https://broken.example.net"))
                .to_request();
            let response = actix_test::call_service(&app, request).await;
            assert_eq!(response.status(), 200);
            let reasons: Vec<_> = capture
                .take()
                .into_iter()
                .map(|e| e.fields["reason"].clone())
                .collect();
            assert_eq!(reasons, ["origin lookup failed: db down"]);
        });
    });
}

/// The levels are the filter's handle: a subscriber at `INFO` gets the blocked write and not the
/// refused read.
#[cfg(feature = "tower")]
#[test]
fn a_level_filter_keeps_only_the_blocked_writes() {
    use checked_cors::CorsLayer;
    use cors_test_support::service::{now, Handler};
    use http::Request;
    use tower_layer::Layer;
    use tower_service::Service;
    use tracing_subscriber::filter::LevelFilter;

    let capture = Capture::default();
    let subscriber =
        tracing_subscriber::registry().with(capture.clone().with_filter(LevelFilter::INFO));
    tracing::subscriber::with_default(subscriber, || {
        let mut service = CorsLayer::<Api>::new().layer(Handler::default());
        let read = Request::get("/things")
            .header("origin", "https://evil.example.net")
            .body(())
            .unwrap();
        let write = Request::post("/things")
            .header("origin", "https://evil.example.net")
            .header("sec-fetch-site", "cross-site")
            .body(())
            .unwrap();
        now(service.call(read)).unwrap();
        now(service.call(write)).unwrap();
    });
    let levels: Vec<_> = capture
        .take()
        .into_iter()
        .map(|e| (e.level, e.fields["reason"].clone()))
        .collect();
    assert_eq!(
        levels,
        [(
            Level::WARN,
            "cross-origin write from an unlisted origin".to_owned()
        )]
    );
}

/// A failed origin lookup is the event's reason, as it is `on_refusal`'s.
#[cfg(feature = "tower")]
#[test]
fn a_failed_lookup_is_the_reason() {
    use checked_cors::{CorsLayer, SerializedOrigin};
    use cors_test_support::service::{now, Handler};
    use http::Request;
    use tower_layer::Layer;
    use tower_service::Service;

    captured(|capture| {
        let handler = Handler::default();
        let mut service = CorsLayer::<Api>::new()
            .with_origins_async(|_: SerializedOrigin| std::future::ready(Err::<bool, _>("db down")))
            .layer(handler.clone());
        let request = Request::get("/things")
            .header("origin", "https://tenant.example.net")
            .body(())
            .unwrap();
        now(service.call(request)).unwrap();
        let reasons: Vec<_> = capture
            .take()
            .into_iter()
            .map(|e| e.fields["reason"].clone())
            .collect();
        assert_eq!(reasons, ["origin lookup failed: db down"]);
        assert_eq!(
            handler.calls(),
            1,
            "a refused read still reaches the handler"
        );
    });
}
