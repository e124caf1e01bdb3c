//! actix-cors and this project's actix middleware (`checked_cors::actix::Cors`), driven in process the way `actix_web::test` does it: `init_service` builds the app,
//! its `call` future is polled once. Requests are converted from the scenario's templates untimed.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use actix_cors::Cors;
use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{test, web, App, HttpResponse};
use checked_cors::CorsPolicy;

use crate::policies::is_example_com_subdomain;

/// What an app answers.
pub enum Answer {
    /// A response.
    Response(ServiceResponse),
    /// An error (actix-cors refuses a preflight with one), rendered as actix's dispatcher would,
    /// so that its cost is counted.
    Error(HttpResponse),
}

/// An actix app with its type erased, so that the bare and the wrapped apps fit in one field.
pub struct ActixApp {
    send: Box<dyn FnMut(Request) -> Answer>,
}

impl ActixApp {
    /// The handler alone: an empty `text/plain` answer, like [`Bare`](crate::service::Bare).
    pub fn bare() -> Self {
        ActixApp::from_service(ready(test::init_service(
            App::new().default_service(web::to(handler)),
        )))
    }

    /// The handler behind `cors`.
    pub fn with(cors: Cors) -> Self {
        ActixApp::from_service(ready(test::init_service(
            App::new().wrap(cors).default_service(web::to(handler)),
        )))
    }

    /// The handler behind this project's actix middleware with `P`'s policy.
    pub fn with_ours<P: CorsPolicy + 'static>() -> Self {
        ActixApp::from_service(ready(test::init_service(
            App::new()
                .wrap(checked_cors::actix::Cors::<P>::new())
                .default_service(web::to(handler)),
        )))
    }

    /// [`ActixApp::with_ours`] with an origin lookup (`with_origins_async`) that refuses every
    /// origin at once: what a lookup adds to the requests it is not asked about (the policy's own
    /// origins, preflights of them), and to those it is.
    pub fn with_ours_lookup<P: CorsPolicy + 'static>() -> Self {
        let lookup = |_: checked_cors::SerializedOrigin| {
            std::future::ready(Ok::<_, std::convert::Infallible>(false))
        };
        ActixApp::from_service(ready(test::init_service(
            App::new()
                .wrap(checked_cors::actix::Cors::<P>::new().with_origins_async(lookup))
                .default_service(web::to(handler)),
        )))
    }

    fn from_service<S, B>(service: S) -> Self
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
        B: MessageBody + 'static,
    {
        ActixApp {
            send: Box::new(move |request| match ready(service.call(request)) {
                Ok(response) => Answer::Response(response.map_into_boxed_body()),
                Err(error) => Answer::Error(error.as_response_error().error_response()),
            }),
        }
    }

    /// Sends one request.
    pub fn send(&mut self, request: Request) -> Answer {
        (self.send)(request)
    }
}

async fn handler() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").finish()
}

/// actix-cors configured like [`Fixed`](crate::policies::Fixed), with no origin yet.
pub fn cors() -> Cors {
    Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::HeaderName::from_static("x-api-key"),
        ])
        .expose_headers(["x-request-id"])
        .supports_credentials()
        .max_age(600)
        // Refused origins pass through undecorated, as with the other two layers.
        .block_on_origin_mismatch(false)
}

/// [`cors`] with an exact list (a hash set in actix-cors).
pub fn cors_list<I: IntoIterator<Item = S>, S: AsRef<str>>(origins: I) -> Cors {
    origins
        .into_iter()
        .fold(cors(), |cors, origin| cors.allowed_origin(origin.as_ref()))
}

/// [`cors`] with the same careful predicate as tower-http's subdomain scenario.
pub fn cors_subdomains() -> Cors {
    cors().allowed_origin_fn(|origin: &HeaderValue, _| is_example_com_subdomain(origin.as_bytes()))
}

/// The actix form of a scenario's request template (actix-web 4 uses `http` 0.2 types).
pub fn request(template: &http::Request<()>) -> Request {
    let method = Method::from_bytes(template.method().as_str().as_bytes())
        .expect("a method valid in http 1 is valid in http 0.2");
    let mut request = test::TestRequest::default()
        .method(method)
        .uri(&template.uri().to_string());
    for (name, value) in template.headers() {
        let value = value.to_str().expect("benchmark header values are ASCII");
        request = request.insert_header((name.as_str(), value));
    }
    request.to_request()
}

/// The `Access-Control-Allow-Origin` of an answer, as bytes.
pub fn allow_origin(answer: &Answer) -> Option<Vec<u8>> {
    let headers = match answer {
        Answer::Response(response) => response.headers(),
        Answer::Error(response) => response.headers(),
    };
    headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|value| value.as_bytes().to_vec())
}

/// Polls `future` once: the apps here never wait, so no runtime is needed.
fn ready<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("actix apps without I/O are ready when first polled"),
    }
}
