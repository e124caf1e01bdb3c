//! actix-web: a middleware over the byte-slice API, `Policy::evaluate` and `Decision::headers`,
//! since the tower layer does not fit actix's own `Service` trait (nor its `http` 0.2 types).
//!
//! ```no_run
//! use actix_web::{web, App, HttpServer};
//! use cors_core::Cors;
//! use cors_examples::actix::CorsMiddleware;
//!
//! #[derive(Cors)]
//! #[cors(origins = ["https://app.example.com"], methods = [GET, PUT], headers = ["content-type"])]
//! struct Api;
//!
//! # fn main() -> std::io::Result<()> {
//! actix_web::rt::System::new().block_on(async {
//!     HttpServer::new(|| {
//!         App::new().service(
//!             web::resource("/things")
//!                 .wrap(CorsMiddleware::<Api>::new())
//!                 .route(web::get().to(|| async { "things" })),
//!         )
//!     })
//!     .bind(("127.0.0.1", 8080))?
//!     .run()
//!     .await
//! })
//! # }
//! ```

use std::future::{ready, Future, Ready};
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, Responder};
use cors_core::{Cors, CorsPolicy, Decision, Header, Policy, Refusal, Request, Value};

use crate::observe::{Calls, Refusals};

/// A function told why a request got no CORS permission.
pub type OnRefusal = fn(&Refusal<'_>, &ServiceRequest);

/// Applies the policy of `P` to a resource or scope: answers preflights (`204` allowed, `403`
/// refused, the inner service never called) and adds CORS headers to every other response,
/// including error responses.
pub struct CorsMiddleware<P> {
    on_refusal: Option<OnRefusal>,
    _policy: PhantomData<fn() -> P>,
}

impl<P: CorsPolicy> CorsMiddleware<P> {
    /// The middleware for `P`'s policy.
    pub fn new() -> Self {
        CorsMiddleware {
            on_refusal: None,
            _policy: PhantomData,
        }
    }

    /// Calls `f` with the reason of every refusal.
    pub fn on_refusal(mut self, f: OnRefusal) -> Self {
        self.on_refusal = Some(f);
        self
    }
}

impl<P: CorsPolicy> Default for CorsMiddleware<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S, B, P> Transform<S, ServiceRequest> for CorsMiddleware<P>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
    P: CorsPolicy,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = CorsService<S>;
    type InitError = ();
    type Future = Ready<Result<CorsService<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CorsService {
            service,
            policy: P::policy(),
            on_refusal: self.on_refusal,
        }))
    }
}

/// The service made by [`CorsMiddleware`].
pub struct CorsService<S> {
    service: S,
    policy: &'static Policy<'static>,
    on_refusal: Option<OnRefusal>,
}

type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for CorsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let decision = self
            .policy
            .evaluate(&read_request(request.method(), request.headers()));
        if let (Some(report), Some(refusal)) = (self.on_refusal, decision.refusal()) {
            report(&refusal, &request);
        }
        let decoration = Decoration::new(&decision, request.headers());
        if let Some(status) = decision.status() {
            let mut answer = HttpResponse::new(StatusCode::from_u16(status).expect("204 or 403"));
            decoration.apply(answer.headers_mut());
            let answer = request.into_response(answer).map_into_right_body();
            return Box::pin(ready(Ok(answer)));
        }
        // Kept to turn an error into a response that gets CORS headers too: a browser lets a
        // script read a decorated 500, and the script can then tell a failure from a refusal.
        let http_request = request.request().clone();
        let response = self.service.call(request);
        Box::pin(async move {
            let mut response = match response.await {
                Ok(response) => response.map_into_left_body(),
                Err(error) => ServiceResponse::from_err(error, http_request).map_into_right_body(),
            };
            decoration.apply(response.headers_mut());
            Ok(response)
        })
    }
}

/// Reads the parts of a request that decide its CORS answer, borrowing from `headers`.
pub fn read_request<'r>(method: &'r Method, headers: &'r HeaderMap) -> Request<'r> {
    let read = |name: &str| {
        let mut values = headers.get_all(name);
        match (values.next(), values.next()) {
            (None, _) => Header::Absent,
            (Some(value), None) => Header::One(value.as_bytes()),
            (Some(_), Some(_)) => Header::Many,
        }
    };
    Request {
        method: method.as_str().as_bytes(),
        origin: read("origin"),
        request_method: read("access-control-request-method"),
        request_headers: read("access-control-request-headers"),
        request_private_network: read("access-control-request-private-network"),
        sec_fetch_site: read("sec-fetch-site"),
        host: read("host"),
    }
}

/// A decision's headers, detached from the request so that they outlive it: policy values are
/// `'static` (no copy), echoed values are clones of the request's header values (no copy either).
struct Decoration {
    headers: [Option<(HeaderName, HeaderValue)>; 8],
}

impl Decoration {
    fn new(decision: &Decision<'static, '_>, request: &HeaderMap) -> Self {
        let mut headers: [Option<(HeaderName, HeaderValue)>; 8] = Default::default();
        for (slot, (name, value)) in headers.iter_mut().zip(decision.headers()) {
            let value = match value {
                // Derived policies hold valid header values (the macro checked them).
                Value::Policy(s) => HeaderValue::from_str(s).ok(),
                Value::RequestOrigin(_) => request.get(header::ORIGIN).cloned(),
                Value::RequestHeaders(_) => {
                    request.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned()
                }
                Value::RequestMethod(_) => {
                    request.get(header::ACCESS_CONTROL_REQUEST_METHOD).cloned()
                }
            };
            *slot = value.map(|v| (HeaderName::from_static(name.as_str()), v));
        }
        Decoration { headers }
    }

    /// CORS headers replace the handler's (two `Access-Control-Allow-Origin` fail the CORS
    /// check); `Vary` is appended to the handler's.
    fn apply(self, headers: &mut HeaderMap) {
        for (name, value) in self.headers.into_iter().flatten() {
            if name == header::VARY {
                headers.append(name, value);
            } else {
                headers.insert(name, value);
            }
        }
    }
}

/// The example's policy: a shop's storefront may browse and fill a cart with cookies.
#[derive(Cors)]
#[cors(
    origins = ["https://shop.example.com"],
    methods = [GET, POST, DELETE],
    headers = ["content-type", "x-csrf-token"],
    expose = ["x-cart-size"],
    credentials,
    max_age = 600
)]
pub struct Shop;

/// The example's `on_refusal`: logs to stderr and into the app's [`Refusals`].
pub fn log_refusal(refusal: &Refusal<'_>, request: &ServiceRequest) {
    let origin = request.headers().get(header::ORIGIN).map(|o| o.as_bytes());
    eprintln!(
        "cors: refused {} {} from {}: {refusal}",
        request.method(),
        request.path(),
        origin.map_or_else(|| "(no origin)".to_owned(), crate::observe::escape),
    );
    if let Some(log) = request.app_data::<web::Data<Refusals>>() {
        log.push(refusal, request.method().as_str(), request.path(), origin);
    }
}

/// The example's routes, each resource wrapped in the middleware: `GET /cart` (with its own
/// `Vary`), `POST /cart`, `DELETE /cart`, `GET /ticks` (streamed), `GET /fail` (an error).
pub fn configure(calls: Calls, refusals: Refusals) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let cors = || CorsMiddleware::<Shop>::new().on_refusal(log_refusal);
        config
            .app_data(web::Data::new(calls))
            .app_data(web::Data::new(refusals))
            .service(
                web::resource("/cart")
                    .wrap(cors())
                    .route(web::get().to(cart))
                    .route(web::post().to(add_to_cart))
                    .route(web::delete().to(empty_cart)),
            )
            .service(web::resource("/ticks").wrap(cors()).get(ticks))
            .service(web::resource("/fail").wrap(cors()).get(fail));
    }
}

async fn cart(calls: web::Data<Calls>) -> impl Responder {
    calls.record("cart");
    HttpResponse::Ok()
        .insert_header((header::VARY, "cookie"))
        .insert_header(("x-cart-size", "2"))
        .body("2 apples\n")
}

async fn add_to_cart(calls: web::Data<Calls>, body: web::Bytes) -> impl Responder {
    calls.record("add_to_cart");
    HttpResponse::Created().body(body)
}

async fn empty_cart(calls: web::Data<Calls>) -> impl Responder {
    calls.record("empty_cart");
    HttpResponse::NoContent().finish()
}

async fn ticks(calls: web::Data<Calls>) -> impl Responder {
    calls.record("ticks");
    let ticks = crate::body::ticks(crate::demo::TICK_DELAY);
    HttpResponse::Ok().streaming(http_body_util::BodyDataStream::new(ticks))
}

async fn fail(
    calls: web::Data<Calls>,
    _request: HttpRequest,
) -> Result<&'static str, actix_web::Error> {
    calls.record("fail");
    Err(actix_web::error::ErrorServiceUnavailable(
        "the stock service is down",
    ))
}

/// Serves the example on `listener` from a thread of its own, with its own actix runtime; returns
/// the handle that stops it.
pub fn start(
    listener: std::net::TcpListener,
    calls: Calls,
    refusals: Refusals,
) -> io::Result<actix_web::dev::ServerHandle> {
    let (handle_sender, handle) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new().configure(configure(calls.clone(), refusals.clone()))
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .map(|server| server.run());
            match server {
                Ok(server) => {
                    let _ = handle_sender.send(Ok(server.handle()));
                    if let Err(error) = server.await {
                        eprintln!("actix example: {error}");
                    }
                }
                Err(error) => {
                    let _ = handle_sender.send(Err(error));
                }
            }
        })
    });
    handle
        .recv()
        .map_err(|_| io::Error::other("the actix thread ended before starting"))?
}
