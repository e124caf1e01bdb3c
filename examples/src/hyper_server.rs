//! Plain hyper 1: a `service_fn` wrapped in the tower layer with `tower::ServiceBuilder`, served
//! by hyper's HTTP/1 connection through hyper-util's adapters.

use std::convert::Infallible;
use std::io;

use bytes::Bytes;
use checked_cors::{Cors, CorsLayer};
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceBuilder;

use crate::observe::{log_refusal, Calls, Refusals};

/// The app's origin and its subdomains may read and write notes.
#[derive(Cors)]
#[cors(
    origins = ["https://notes.example.com", "https://*.notes.example.com"],
    methods = [GET, POST, PUT],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id"],
    credentials,
    max_age = 3600
)]
pub struct Notes;

/// A body that is either whole or streamed. `BoxBody` implements `Default`, which the layer needs
/// to build its preflight answers.
pub type Body = BoxBody<Bytes, Infallible>;

/// Accepts connections on `listener` forever, each served on its own task.
pub async fn serve(listener: TcpListener, calls: Calls, refusals: Refusals) -> io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let calls = calls.clone();
        let refusals = refusals.clone();
        let service = ServiceBuilder::new()
            // Outermost, so that `on_refusal` finds the log in the request.
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(refusals.clone());
                request
            })
            .layer(CorsLayer::<Notes>::new().on_refusal(log_refusal))
            .service_fn(move |request| handle(request, calls.clone()));
        tokio::spawn(async move {
            let connection = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(error) = connection.await {
                eprintln!("hyper example: connection error: {error}");
            }
        });
    }
}

fn whole(text: &'static str) -> Body {
    Full::new(Bytes::from_static(text.as_bytes())).boxed()
}

/// The routes: `GET /notes` (with its own `Vary`), `PUT /notes`, `GET /ticks` (streamed).
async fn handle(request: Request<Incoming>, calls: Calls) -> Result<Response<Body>, Infallible> {
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/notes") => {
            calls.record("list");
            Response::builder()
                .header(header::VARY, "authorization")
                .header("x-request-id", "1")
                .body(whole("buy milk\n"))
        }
        (&Method::PUT, "/notes") => {
            calls.record("put");
            // The body is the client's; a CORS layer has no business reading it, this handler does.
            let body = match request.into_body().collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(_) => Bytes::new(),
            };
            Response::builder().body(Full::new(body).boxed())
        }
        (&Method::GET, "/ticks") => {
            calls.record("ticks");
            let ticks = crate::body::ticks(crate::demo::TICK_DELAY);
            Response::builder().body(ticks.boxed())
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(whole("not found\n")),
    };
    Ok(response.expect("static response parts are valid"))
}
