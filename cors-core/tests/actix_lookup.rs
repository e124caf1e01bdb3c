//! `actix::Cors::with_origins_async`: an origin lookup that waits, awaited inside the actix
//! middleware's future, with the semantics of the tower layer's (`tests/lookup.rs`).
#![cfg(all(feature = "actix", feature = "live", feature = "derive"))]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use actix_web::dev::ServiceResponse;
use actix_web::http::Method;
// Not `actix_web::test` itself: with actix-web's `macros` feature (on in the workspace) it
// shadows `#[test]`.
use actix_web::test::{call_service, init_service, TestRequest};
use actix_web::{web, App, HttpResponse};
use checked_cors::actix::Cors;
use checked_cors::{Cors, LivePolicy, PolicyBuilder, Refusal, SerializedOrigin};

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
const STRANGER: &str = "https://globex.example.com";
/// The origin the lookup fails on, as a database that does not answer would.
const BROKEN: &str = "https://broken.example.org";
/// Allowed by the middleware's sync `with_origins`, asked before the lookup.
const PARTNER: &str = "https://partner.example.net";

/// A lookup's answer, pending once before it is ready, as a real query would be; `then` runs
/// on that first poll (while the request waits).
struct Later<T> {
    answer: Option<T>,
    then: Option<Box<dyn FnOnce()>>,
    polled: bool,
}

impl<T> Later<T> {
    fn new(answer: T) -> Self {
        Later {
            answer: Some(answer),
            then: None,
            polled: false,
        }
    }
}

impl<T: Unpin> Future for Later<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.polled {
            self.polled = true;
            if let Some(then) = self.then.take() {
                then();
            }
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(self.answer.take().expect("polled after completion"))
    }
}

/// What the lookup was asked, what the hook was told, how often the handler ran.
#[derive(Clone, Default)]
struct Seen {
    asked: Arc<Mutex<Vec<String>>>,
    refusals: Arc<Mutex<Vec<String>>>,
    lookup_failures: Arc<Mutex<Vec<String>>>,
    handled: Arc<AtomicUsize>,
}

impl Seen {
    fn asked(&self) -> Vec<String> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }

    fn refusals(&self) -> Vec<String> {
        std::mem::take(&mut *self.refusals.lock().unwrap())
    }

    fn handled(&self) -> usize {
        self.handled.swap(0, Ordering::Relaxed)
    }

    /// The lookup: allows [`TENANT`], fails on [`BROKEN`] and refuses the rest, each after being
    /// pending once.
    fn lookup(&self) -> impl Fn(SerializedOrigin) -> Later<Result<bool, &'static str>> {
        let asked = self.asked.clone();
        move |origin: SerializedOrigin| {
            asked.lock().unwrap().push(origin.as_str().to_owned());
            Later::new(match origin.as_str() {
                TENANT => Ok(true),
                BROKEN => Err("connection refused"),
                _ => Ok(false),
            })
        }
    }

    /// The hook: every refusal's text, and the error of each `OriginLookupFailed` apart.
    fn hook(&self) -> impl Fn(&Refusal<'_>, &actix_web::dev::ServiceRequest) + Send + Sync {
        let refusals = self.refusals.clone();
        let failures = self.lookup_failures.clone();
        move |refusal: &Refusal<'_>, _: &actix_web::dev::ServiceRequest| {
            if let Refusal::OriginLookupFailed(error) = refusal {
                failures.lock().unwrap().push((*error).to_owned());
            }
            refusals.lock().unwrap().push(refusal.to_string());
        }
    }

    /// A handler for every method, counting its calls.
    fn handler(&self) -> actix_web::Route {
        let handled = self.handled.clone();
        web::route().to(move || {
            handled.fetch_add(1, Ordering::Relaxed);
            async { HttpResponse::Ok().body("ok") }
        })
    }
}

/// The app: `$cors` around `$seen`'s counting handler on `/api`.
macro_rules! app {
    ($cors:expr, $seen:expr) => {
        init_service(App::new().wrap($cors).route("/api", $seen.handler())).await
    };
}

/// The middleware of most tests: the derived policy, a sync `with_origins` allowing
/// [`PARTNER`], `$seen`'s hook and lookup.
macro_rules! cors {
    ($seen:expr) => {
        Cors::<Api>::new()
            .on_refusal($seen.hook())
            .with_origins(|origin: &str| origin == PARTNER)
            .with_origins_async($seen.lookup())
    };
}

fn get(origin: &str) -> TestRequest {
    TestRequest::get()
        .uri("/api")
        .insert_header(("origin", origin))
}

fn preflight(origin: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/api")
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", "PUT"))
        .insert_header(("access-control-request-headers", "content-type"))
}

/// A `PUT` that the browser marks as cross-site: a form another site posted.
fn forged_write(origin: &str) -> TestRequest {
    TestRequest::put()
        .uri("/api")
        .insert_header(("host", "api.example.com"))
        .insert_header(("origin", origin))
        .insert_header(("sec-fetch-site", "cross-site"))
}

fn header<'a, B>(response: &'a ServiceResponse<B>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn vary<B>(response: &ServiceResponse<B>) -> Vec<String> {
    response
        .headers()
        .get_all("vary")
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// Every CORS header of `response` but `vary`, which the caller checks.
fn cors_headers<B>(response: &ServiceResponse<B>) -> Vec<String> {
    let mut names: Vec<String> = response
        .headers()
        .keys()
        .map(|n| n.to_string())
        .filter(|n| n.starts_with("access-control-"))
        .collect();
    names.sort();
    names
}

fn run<F: Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

#[test]
fn an_origin_the_lookup_allows_is_echoed_with_credentials() {
    run(async {
        let seen = Seen::default();
        let app = app!(cors!(seen), seen);
        let response = call_service(&app, get(TENANT).to_request()).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some(TENANT)
        );
        assert_eq!(
            header(&response, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(vary(&response), ["origin"]);
        assert_eq!(seen.asked(), [TENANT]);
        assert_eq!(seen.handled(), 1);
        assert!(seen.refusals().is_empty());
    });
}

#[test]
fn an_origin_the_lookup_refuses_gets_no_cors_headers_but_vary() {
    run(async {
        let seen = Seen::default();
        let app = app!(cors!(seen), seen);
        let response = call_service(&app, get(STRANGER).to_request()).await;
        // An actual request still reaches the handler; the browser hides the answer.
        assert_eq!(response.status(), 200);
        assert!(cors_headers(&response).is_empty());
        assert_eq!(vary(&response), ["origin"]);
        assert_eq!(seen.asked(), [STRANGER]);
        assert_eq!(seen.handled(), 1);
        assert_eq!(seen.refusals(), ["origin not allowed"]);
    });
}

#[test]
fn a_failed_lookup_refuses_and_its_error_reaches_on_refusal() {
    run(async {
        let seen = Seen::default();
        let app = app!(cors!(seen), seen);
        let response = call_service(&app, get(BROKEN).to_request()).await;
        assert!(cors_headers(&response).is_empty());
        assert_eq!(vary(&response), ["origin"]);
        assert_eq!(
            seen.refusals(),
            ["origin lookup failed: connection refused"]
        );
        assert_eq!(
            *seen.lookup_failures.lock().unwrap(),
            ["connection refused"]
        );

        // A failed preflight is refused as any other, without the handler.
        let answer = call_service(&app, preflight(BROKEN).to_request()).await;
        assert_eq!(answer.status(), 403);
        assert!(cors_headers(&answer).is_empty());
        assert_eq!(seen.handled(), 1);
        assert_eq!(seen.asked(), [BROKEN, BROKEN]);
    });
}

#[test]
fn preflights_are_answered_by_the_lookup_without_the_handler() {
    run(async {
        let seen = Seen::default();
        let app = app!(cors!(seen), seen);
        let allowed = call_service(&app, preflight(TENANT).to_request()).await;
        assert_eq!(allowed.status(), 204);
        assert_eq!(
            header(&allowed, "access-control-allow-origin"),
            Some(TENANT)
        );
        assert_eq!(
            header(&allowed, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(
            header(&allowed, "access-control-allow-methods"),
            Some("GET, PUT")
        );
        assert_eq!(
            header(&allowed, "access-control-allow-headers"),
            Some("content-type")
        );
        assert_eq!(header(&allowed, "access-control-max-age"), Some("600"));
        assert!(vary(&allowed)[0].contains("origin"));

        let refused = call_service(&app, preflight(STRANGER).to_request()).await;
        assert_eq!(refused.status(), 403);
        assert!(cors_headers(&refused).is_empty());
        assert_eq!(vary(&refused), vary(&allowed));
        assert_eq!(seen.handled(), 0);
        assert_eq!(seen.asked(), [TENANT, STRANGER]);
        assert_eq!(seen.refusals(), ["origin not allowed"]);
    });
}

#[test]
fn listed_null_and_malformed_origins_never_reach_the_lookup() {
    run(async {
        let seen = Seen::default();
        let app = app!(cors!(seen), seen);
        // Listed by the policy, and allowed by the sync `with_origins`: no lookup.
        for origin in ["https://app.example.com", PARTNER] {
            let response = call_service(&app, get(origin).to_request()).await;
            assert_eq!(
                header(&response, "access-control-allow-origin"),
                Some(origin)
            );
            let answer = call_service(&app, preflight(origin).to_request()).await;
            assert_eq!(answer.status(), 204);
            assert_eq!(header(&answer, "access-control-allow-origin"), Some(origin));
        }
        // Not serialized origins: refused without asking.
        let malformed = [
            "null",
            "https://initech.example.net/",
            "https://INITECH.example.net",
            "initech.example.net",
            "https://initech.example.net:443",
        ];
        for origin in malformed {
            let response = call_service(&app, get(origin).to_request()).await;
            assert!(cors_headers(&response).is_empty(), "{origin}");
            let answer = call_service(&app, preflight(origin).to_request()).await;
            assert_eq!(answer.status(), 403, "{origin}");
        }
        let long = format!(
            "https://{}.example.net",
            "a".repeat(checked_cors::MAX_ORIGIN_LEN)
        );
        let response = call_service(&app, get(&long).to_request()).await;
        assert!(cors_headers(&response).is_empty());
        // Bytes no browser sends, and two `Origin` headers.
        let non_ascii = TestRequest::get()
            .uri("/api")
            .insert_header((
                "origin",
                actix_web::http::header::HeaderValue::from_bytes(
                    b"https://ini\xfftech.example.net",
                )
                .unwrap(),
            ))
            .to_request();
        assert!(cors_headers(&call_service(&app, non_ascii).await).is_empty());
        let two = TestRequest::get()
            .uri("/api")
            .append_header(("origin", TENANT))
            .append_header(("origin", TENANT))
            .to_request();
        assert!(cors_headers(&call_service(&app, two).await).is_empty());
        // Without `Origin`: same-origin traffic.
        let plain = call_service(&app, TestRequest::get().uri("/api").to_request()).await;
        assert!(cors_headers(&plain).is_empty());

        assert!(seen.asked().is_empty());
        // The lookup is still asked about a serialized origin afterwards.
        let response = call_service(&app, get(TENANT).to_request()).await;
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some(TENANT)
        );
        assert_eq!(seen.asked(), [TENANT]);
    });
}

#[test]
fn a_forged_write_from_an_origin_the_lookup_refuses_is_blocked() {
    run(async {
        let seen = Seen::default();
        let app = app!(cors!(seen), seen);
        let blocked = call_service(&app, forged_write(STRANGER).to_request()).await;
        assert_eq!(blocked.status(), 403);
        assert!(cors_headers(&blocked).is_empty());
        assert_eq!(seen.handled(), 0);
        assert_eq!(
            seen.refusals(),
            ["cross-origin write from an unlisted origin"]
        );

        let failed = call_service(&app, forged_write(BROKEN).to_request()).await;
        assert_eq!(failed.status(), 403);
        assert_eq!(seen.handled(), 0);
        assert_eq!(
            seen.refusals(),
            ["origin lookup failed: connection refused"]
        );

        let passed = call_service(&app, forged_write(TENANT).to_request()).await;
        assert_eq!(passed.status(), 200);
        assert_eq!(header(&passed, "access-control-allow-origin"), Some(TENANT));
        assert_eq!(seen.handled(), 1);
        assert_eq!(seen.asked(), [STRANGER, BROKEN, TENANT]);
    });
}

#[test]
fn a_live_policy_replaced_while_the_lookup_waits_answers_with_the_old_one() {
    run(async {
        let seen = Seen::default();
        let old = PolicyBuilder::new()
            .allow_origins(["https://app.example.com"])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["content-type"])
            .allow_credentials()
            .max_age(600);
        let live = LivePolicy::new(old.build().unwrap());
        let asked = seen.asked.clone();
        let swap = live.clone();
        let cors = Cors::live(&live).with_origins_async(move |origin: SerializedOrigin| {
            asked.lock().unwrap().push(origin.as_str().to_owned());
            let swap = swap.clone();
            let mut later = Later::new(Ok::<_, &str>(true));
            // While this request waits: a policy without credentials, `PUT` or max age.
            later.then = Some(Box::new(move || {
                swap.reload(PolicyBuilder::new().allow_origins(["https://app.example.com"]))
                    .unwrap();
            }));
            later
        });
        let app = app!(cors, seen);

        let answer = call_service(&app, preflight(TENANT).to_request()).await;
        assert_eq!(answer.status(), 204);
        assert_eq!(header(&answer, "access-control-allow-origin"), Some(TENANT));
        assert_eq!(
            header(&answer, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(
            header(&answer, "access-control-allow-methods"),
            Some("GET, PUT")
        );
        assert_eq!(header(&answer, "access-control-max-age"), Some("600"));
        assert_eq!(seen.asked(), [TENANT]);

        // The next request is answered by the new policy: no `PUT` any more.
        let listed = call_service(&app, preflight("https://app.example.com").to_request()).await;
        assert_eq!(listed.status(), 403);
        let get = call_service(&app, get("https://app.example.com").to_request()).await;
        assert_eq!(header(&get, "access-control-allow-credentials"), None);
    });
}

#[test]
fn a_deferring_middleware_with_a_lookup_lets_a_nested_one_decide() {
    #[derive(Cors)]
    #[cors(origins = ["https://partner.example.net"], methods = [GET, PUT], headers = ["content-type"])]
    struct Partner;

    run(async {
        let seen = Seen::default();
        let nested = Seen::default();
        let app = init_service(
            App::new()
                .wrap(
                    Cors::<Api>::new()
                        .with_origins_async(seen.lookup())
                        .defer_to_inner(),
                )
                .route("/api", seen.handler())
                .service(
                    web::scope("/partner")
                        .wrap(Cors::<Partner>::new().with_origins_async(nested.lookup()))
                        .route("", nested.handler()),
                ),
        )
        .await;
        // The global middleware's lookup decides its own routes.
        let response = call_service(&app, get(TENANT).to_request()).await;
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some(TENANT)
        );
        let answer = call_service(&app, preflight(STRANGER).to_request()).await;
        assert_eq!(answer.status(), 403);
        assert!(cors_headers(&answer).is_empty());
        // A deferring middleware lets even a preflight in (a nested middleware may answer it),
        // then gives its own answer: the handler ran for both requests.
        assert_eq!(seen.handled(), 2);
        assert_eq!(seen.asked(), [TENANT, STRANGER]);

        // The nested one's policy and lookup decide the partner scope.
        let partner = |request: TestRequest| request.uri("/partner").to_request();
        let response = call_service(&app, partner(get(TENANT))).await;
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some(TENANT)
        );
        assert_eq!(header(&response, "access-control-allow-credentials"), None);
        let response = call_service(&app, partner(get(STRANGER))).await;
        assert!(cors_headers(&response).is_empty());
        let answer = call_service(&app, partner(preflight(TENANT))).await;
        assert_eq!(answer.status(), 204);
        assert_eq!(header(&answer, "access-control-allow-origin"), Some(TENANT));
        assert_eq!(header(&answer, "access-control-max-age"), None);
        assert_eq!(nested.asked(), [TENANT, STRANGER, TENANT]);
        assert_eq!(nested.handled(), 2);
        // The deferring middleware decided first, not knowing a nested one would: its lookup was
        // asked too, and its verdict left unused.
        assert_eq!(seen.asked(), [TENANT, STRANGER, TENANT]);
        assert_eq!(seen.handled(), 0);
    });
}
