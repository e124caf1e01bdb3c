//! `actix::Cors` in process with `actix_web::test`: built and live policies, errors that stay
//! errors, scopes and resources. The behaviour shared with the tower layer is checked against
//! both over real sockets in `examples/tests/tower_and_actix.rs`.
#![cfg(all(feature = "actix", feature = "live"))]

use std::sync::{Arc, Mutex};

use actix_web::dev::ServiceResponse;
use actix_web::http::header::HeaderMap;
use actix_web::http::Method;
use actix_web::test as actix_test;
use actix_web::{error, web, App, HttpResponse};
use checked_cors::actix::Cors;
use checked_cors::{LivePolicy, PolicyBuilder};

fn builder() -> PolicyBuilder {
    PolicyBuilder::new()
        .allow_origins(["https://app.example.com", "https://*.example.com"])
        .allow_methods(["GET", "PUT"])
        .allow_headers(["x-api-key"])
        .expose_headers(["x-request-id"])
        .allow_credentials()
}

fn get(origin: &str) -> actix_test::TestRequest {
    actix_test::TestRequest::get()
        .uri("/api")
        .insert_header(("origin", origin))
}

fn preflight(origin: &str, method: &str) -> actix_test::TestRequest {
    actix_test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/api")
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", method))
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

async fn ok() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("vary", "accept-encoding"))
        .body("ok")
}

#[test]
fn a_built_policy_is_served_like_a_derived_one() {
    run(async {
        let cors = Cors::from_policy(builder().build().unwrap());
        let app =
            actix_test::init_service(App::new().wrap(cors).route("/api", web::get().to(ok))).await;
        let response =
            actix_test::call_service(&app, get("https://shop.example.com").to_request()).await;
        let headers = response.headers();
        assert_eq!(
            header(headers, "access-control-allow-origin"),
            Some("https://shop.example.com")
        );
        assert_eq!(
            header(headers, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(
            header(headers, "access-control-expose-headers"),
            Some("x-request-id")
        );
        let vary: Vec<_> = headers
            .get_all("vary")
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(vary, ["accept-encoding", "origin"]);

        let answer = actix_test::call_service(
            &app,
            preflight("https://app.example.com", "PUT").to_request(),
        )
        .await;
        assert_eq!(answer.status(), 204);
        assert_eq!(
            header(answer.headers(), "access-control-allow-methods"),
            Some("GET, PUT")
        );
    });
}

#[test]
fn a_live_policy_answers_with_the_policy_in_force() {
    run(async {
        let live = LivePolicy::new(builder().build().unwrap());
        let app = actix_test::init_service(
            App::new()
                .wrap(Cors::live(&live))
                .route("/api", web::get().to(ok)),
        )
        .await;
        let origin = "https://partner.example.net";
        let before = actix_test::call_service(&app, get(origin).to_request()).await;
        assert_eq!(
            header(before.headers(), "access-control-allow-origin"),
            None
        );

        live.reload(PolicyBuilder::new().allow_origins([origin]))
            .unwrap();
        let after = actix_test::call_service(&app, get(origin).to_request()).await;
        assert_eq!(
            header(after.headers(), "access-control-allow-origin"),
            Some(origin)
        );
        // The new policy has no credentials and lists no `PUT`.
        assert_eq!(
            header(after.headers(), "access-control-allow-credentials"),
            None
        );
        let refused = actix_test::call_service(&app, preflight(origin, "PUT").to_request()).await;
        assert_eq!(refused.status(), 403);
    });
}

#[test]
fn an_error_of_the_wrapped_service_stays_an_error_and_renders_decorated() {
    run(async {
        // The innermost middleware fails; `Cors`, registered last, is the outermost.
        let app = actix_test::init_service(
            App::new()
                .wrap_fn(|_, _| async {
                    Err::<ServiceResponse, _>(error::ErrorServiceUnavailable("down"))
                })
                .wrap(Cors::from_policy(builder().build().unwrap()))
                .route("/api", web::get().to(ok)),
        )
        .await;
        let error =
            match actix_test::try_call_service(&app, get("https://app.example.com").to_request())
                .await
            {
                Err(error) => error,
                Ok(response) => panic!("the error became a response: {response:?}"),
            };
        let rendered = error.error_response();
        assert_eq!(rendered.status(), 503);
        assert_eq!(
            header(rendered.headers(), "access-control-allow-origin"),
            Some("https://app.example.com")
        );
        assert_eq!(header(rendered.headers(), "vary"), Some("origin"));
    });
}

#[test]
fn scopes_and_resources_take_the_middleware_and_on_refusal_captures_state() {
    run(async {
        let refusals = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = refusals.clone();
        let cors =
            Cors::from_policy(builder().build().unwrap()).on_refusal(move |refusal, request| {
                log.lock().unwrap().push(format!(
                    "{} {}: {refusal}",
                    request.method(),
                    request.path()
                ));
            });
        let app = actix_test::init_service(
            App::new()
                .service(
                    web::scope("/scoped")
                        .wrap(cors.clone())
                        .route("/api", web::get().to(ok)),
                )
                .service(web::resource("/api").wrap(cors).route(web::get().to(ok)))
                .route("/bare", web::get().to(ok)),
        )
        .await;
        // The resource has no OPTIONS route; the middleware answers for it.
        let refused = actix_test::call_service(
            &app,
            preflight("https://app.example.com", "DELETE").to_request(),
        )
        .await;
        assert_eq!(refused.status(), 403);
        let scoped = actix_test::TestRequest::get()
            .uri("/scoped/api")
            .insert_header(("origin", "https://evil.example.net"))
            .to_request();
        let scoped = actix_test::call_service(&app, scoped).await;
        assert_eq!(scoped.status(), 200);
        assert_eq!(
            header(scoped.headers(), "access-control-allow-origin"),
            None
        );
        let bare = actix_test::TestRequest::get()
            .uri("/bare")
            .insert_header(("origin", "https://app.example.com"))
            .to_request();
        let bare = actix_test::call_service(&app, bare).await;
        assert_eq!(header(bare.headers(), "access-control-allow-origin"), None);
        assert_eq!(
            *refusals.lock().unwrap(),
            [
                "OPTIONS /api: method DELETE not allowed",
                "GET /scoped/api: origin not allowed"
            ]
        );
    });
}

#[test]
fn the_host_of_a_write_is_the_uri_authority_when_there_is_one() {
    run(async {
        let app = actix_test::init_service(
            App::new()
                .wrap(Cors::from_policy(builder().build().unwrap()))
                .route("/api", web::post().to(ok)),
        )
        .await;
        // No `Sec-Fetch-Site`: the origin is compared with the host the request was sent to.
        let post = |uri: &str, host: &str| {
            actix_test::TestRequest::post()
                .uri(uri)
                .insert_header(("origin", "https://other.example.net"))
                .insert_header(("host", host))
                .to_request()
        };
        let same = actix_test::call_service(&app, post("/api", "other.example.net")).await;
        assert_eq!(same.status(), 200);
        let cross = actix_test::call_service(&app, post("/api", "api.example.org")).await;
        assert_eq!(cross.status(), 403);
        // An absolute URI (as HTTP/2's `:authority`) names the host, whatever `Host` says.
        let absolute = actix_test::call_service(
            &app,
            post("https://other.example.net/api", "api.example.org"),
        )
        .await;
        assert_eq!(absolute.status(), 200);
    });
}

/// `with_origins`: tenants of an `OriginSet` are allowed while it changes, echoed with the
/// policy's credentials, preflights included; a predicate is asked only about serialized origins
/// the policy does not list.
#[test]
fn tenant_origins_and_predicates_decide_beside_the_policy() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use checked_cors::OriginSet;

    fn allow_origin<B>(response: &ServiceResponse<B>) -> Option<String> {
        header(response.headers(), "access-control-allow-origin").map(str::to_owned)
    }

    run(async {
        let tenants = OriginSet::new();
        tenants.insert("https://initech.example.net").unwrap();
        let cors = Cors::from_policy(builder().build().unwrap()).with_origins(tenants.clone());
        let app = actix_test::init_service(
            App::new()
                .wrap(cors)
                .route("/api", web::get().to(ok))
                .route("/api", web::put().to(ok)),
        )
        .await;

        let tenant = "https://initech.example.net";
        let response = actix_test::call_service(&app, get(tenant).to_request()).await;
        assert_eq!(allow_origin(&response).as_deref(), Some(tenant));
        assert_eq!(
            header(response.headers(), "access-control-allow-credentials"),
            Some("true")
        );
        let answer = actix_test::call_service(&app, preflight(tenant, "PUT").to_request()).await;
        assert_eq!(answer.status(), 204);
        assert_eq!(allow_origin(&answer).as_deref(), Some(tenant));

        let stranger = "https://hooli.example.org";
        let response = actix_test::call_service(&app, get(stranger).to_request()).await;
        assert_eq!(allow_origin(&response), None);
        let vary: Vec<_> = response
            .headers()
            .get_all("vary")
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(vary, ["accept-encoding", "origin"]);

        assert!(tenants.remove(tenant));
        let response = actix_test::call_service(&app, get(tenant).to_request()).await;
        assert_eq!(allow_origin(&response), None, "a removed tenant is refused");
    });

    run(async {
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let cors =
            Cors::from_policy(builder().build().unwrap()).with_origins(move |origin: &str| {
                counter.fetch_add(1, Ordering::SeqCst);
                origin == "https://initech.example.net"
            });
        let app =
            actix_test::init_service(App::new().wrap(cors).route("/api", web::get().to(ok))).await;
        for (origin, allowed, asks) in [
            ("https://initech.example.net", true, 1),
            ("https://initech.example.net/", false, 0),
            ("https://app.example.com", true, 0),
            ("https://hooli.example.org", false, 1),
        ] {
            let before = asked.load(Ordering::SeqCst);
            let response = actix_test::call_service(&app, get(origin).to_request()).await;
            let got = header(response.headers(), "access-control-allow-origin");
            assert_eq!(got.is_some(), allowed, "{origin}");
            assert_eq!(asked.load(Ordering::SeqCst) - before, asks, "{origin}");
        }
    });
}
