//! actix-web with the library's middleware, `checked_cors::actix::Cors` (feature `actix`): one
//! `.wrap(...)` per resource, and an `on_refusal` closure that logs into the app's [`Refusals`].

use std::io;

use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer, Responder};
// The middleware and the derive share a name, in two namespaces (a type and a macro).
use checked_cors::actix::Cors;
use checked_cors::{Cors, Refusal};

use crate::observe::{Calls, Refusals};

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

/// The example's `on_refusal`: logs to stderr and into `log`, which the closure given to the
/// middleware captures.
pub fn log_refusal(log: &Refusals, refusal: &Refusal<'_>, request: &ServiceRequest) {
    let origin = request.headers().get(header::ORIGIN).map(|o| o.as_bytes());
    eprintln!(
        "cors: refused {} {} from {}: {refusal}",
        request.method(),
        request.path(),
        origin.map_or_else(|| "(no origin)".to_owned(), crate::observe::escape),
    );
    log.push(refusal, request.method().as_str(), request.path(), origin);
}

/// The example's routes, each resource wrapped in the middleware: `GET /cart` (with its own
/// `Vary`), `POST /cart`, `DELETE /cart`, `GET /ticks` (streamed), `GET /fail` (an error).
pub fn configure(calls: Calls, refusals: Refusals) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let cors = Cors::<Shop>::new()
            .on_refusal(move |refusal, request| log_refusal(&refusals, refusal, request));
        config
            .app_data(web::Data::new(calls))
            .service(
                web::resource("/cart")
                    .wrap(cors.clone())
                    .route(web::get().to(cart))
                    .route(web::post().to(add_to_cart))
                    .route(web::delete().to(empty_cart)),
            )
            .service(web::resource("/ticks").wrap(cors.clone()).get(ticks))
            .service(web::resource("/fail").wrap(cors).get(fail));
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
