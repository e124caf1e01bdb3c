//! The API on a real actix-web `HttpServer`, each resource wrapped in the library's middleware,
//! `checked_cors::actix::Cors`, as an actix user writes it.

use std::io;
use std::net::TcpListener;
use std::sync::mpsc;

use actix_web::dev::Service;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use checked_cors::actix::Cors;
use checked_cors::CorsPolicy;

use crate::log::RequestLog;

/// The route builder of the actix-web server: the same methods as [`super::TowerRoutes`].
pub struct Routes<'a> {
    config: &'a mut web::ServiceConfig,
}

impl Routes<'_> {
    /// `path` answered by the same handler as the other servers' for every method, behind `P`'s
    /// middleware.
    pub fn cors<P: CorsPolicy + 'static>(self, path: &'static str) -> Self {
        let resource = web::resource(path).wrap(Cors::<P>::new()).to(handler);
        self.config.service(resource);
        self
    }

    /// `path` answering how many `POST`s to the path in its query a handler ran for, behind `P`.
    pub fn handled_posts<P: CorsPolicy + 'static>(self, path: &'static str) -> Self {
        let count = |log: web::Data<RequestLog>, request: HttpRequest| async move {
            log.handled_count("POST", request.query_string())
                .to_string()
        };
        let resource = web::resource(path).wrap(Cors::<P>::new()).get(count);
        self.config.service(resource);
        self
    }

    /// `path` answering the statuses of the `POST`s to the path in its query, behind `P`.
    pub fn post_statuses<P: CorsPolicy + 'static>(self, path: &'static str) -> Self {
        let statuses = |log: web::Data<RequestLog>, request: HttpRequest| async move {
            log.post_statuses(request.query_string()).await
        };
        let resource = web::resource(path).wrap(Cors::<P>::new()).get(statuses);
        self.config.service(resource);
        self
    }

    /// `path` answering the HTML page `html`, with no CORS middleware.
    pub fn page(self, path: &'static str, html: &'static str) -> Self {
        let page = move || async move {
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(html)
        };
        self.config.service(web::resource(path).get(page));
        self
    }
}

/// The handler of every CORS route, as [`super::handler`] answers on axum.
async fn handler(log: web::Data<RequestLog>, request: HttpRequest) -> HttpResponse {
    log.handled(request.method().as_str(), request.path());
    HttpResponse::Ok()
        .insert_header(("x-request-id", "42"))
        .body("ok")
}

/// Serves the routes `routes` adds, recorded in `log`, on `listener` from a thread of its own with
/// its own actix runtime, for the life of the test process; returns once the server listens.
///
/// # Errors
///
/// When the server cannot start on `listener`.
pub fn spawn<F>(listener: TcpListener, log: RequestLog, routes: F) -> io::Result<()>
where
    F: for<'a> Fn(Routes<'a>) -> Routes<'a> + Clone + Send + 'static,
{
    let (started, start) = mpsc::channel();
    std::thread::Builder::new()
        .name("cors-browser-actix".into())
        .spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    let (log, routes) = (log.clone(), routes.clone());
                    let record = log.clone();
                    App::new()
                        .app_data(web::Data::new(log))
                        .configure(|config| {
                            routes(Routes { config });
                        })
                        // Outermost, so that what a middleware answers by itself (preflights,
                        // refused writes) is logged too.
                        .wrap_fn(move |request, service| {
                            let headers = request.headers();
                            let index = record.record_with(
                                request.method().as_str(),
                                request.path(),
                                |name| {
                                    let value = headers.get(name)?;
                                    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
                                },
                            );
                            let (record, answer) = (record.clone(), service.call(request));
                            async move {
                                let answer = answer.await;
                                let status = match &answer {
                                    Ok(response) => response.status(),
                                    Err(error) => error.as_response_error().status_code(),
                                };
                                record.answered(index, status.as_u16());
                                answer
                            }
                        })
                })
                // One worker: the page's requests are few, and the machine's cores are the
                // browser's.
                .workers(1)
                .disable_signals()
                .listen(listener)
                .map(HttpServer::run);
                match server {
                    Ok(server) => {
                        let _ = started.send(Ok(()));
                        // A server that stops is a harness bug: say so instead of hanging.
                        if let Err(e) = server.await {
                            panic!("the actix-web test server stopped: {e}");
                        }
                    }
                    Err(e) => {
                        let _ = started.send(Err(e));
                    }
                }
            });
        })?;
    start
        .recv()
        .map_err(|_| io::Error::other("the actix-web thread ended before listening"))?
}
