//! The API on picoserve (its `tokio` feature), each route behind the library's picoserve layer,
//! `checked_cors::picoserve::CorsLayer`.
//!
//! picoserve's `Router::layer` covers every route added before it, and a nested router only takes
//! whole path prefixes, so a policy per route is a layer that applies `CorsLayer::<P>` to its own
//! path and passes every other request on (`OnPath`).

use std::convert::Infallible;
use std::io;
use std::net::TcpListener;

use ::picoserve::extract::FromRequestParts;
use ::picoserve::io::Read;
use ::picoserve::request::RequestParts;
use ::picoserve::response::{Body, Connection, HeadersIter, Response, ResponseWriter};
use ::picoserve::routing::{get, Layer, MethodHandler, Next, PathRouter};
use ::picoserve::time::Duration;
use ::picoserve::{Config, ResponseSent, Router, Timeouts};
use checked_cors::picoserve::CorsLayer;
use checked_cors::CorsPolicy;

use crate::log::RequestLog;

/// picoserve's request buffer: a browser's request head (cookie, user agent, client hints) and a
/// form's body must fit.
const BUFFER: usize = 16 * 1024;

/// The stack of the server's thread, where every connection's future is polled.
const STACK: usize = 64 * 1024 * 1024;

/// picoserve's defaults, with time for [`RequestLog::post_statuses`], which answers after up to
/// 10 s. One request per connection (picoserve's default): every connection has a task of its
/// own, so a browser's idle connection holds no one up.
static CONFIG: Config = Config::new(Timeouts {
    start_read_request: Duration::from_secs(5),
    persistent_start_read_request: Duration::from_secs(1),
    read_request: Duration::from_secs(15),
    write: Duration::from_secs(15),
});

/// The route builder of the picoserve server: the same methods as [`super::TowerRoutes`], each
/// returning a builder of a new type (picoserve's router type grows with every route).
pub struct Routes<R: PathRouter> {
    router: Router<R>,
    log: &'static RequestLog,
}

/// An empty builder whose routes record into `log`.
pub fn routes(log: RequestLog) -> Routes<impl PathRouter> {
    Routes {
        router: Router::new(),
        // picoserve's handlers borrow what they use for the life of the router, which serves
        // until the test process ends.
        log: Box::leak(Box::new(log)),
    }
}

impl<R: PathRouter> Routes<R> {
    /// `path` answered by the same handler as the other servers' for `GET` and `POST` (the
    /// methods of the core scenarios; preflights are the layer's), behind `P`'s layer.
    pub fn cors<P: CorsPolicy>(self, path: &'static str) -> Routes<impl PathRouter> {
        let route = handler(self.log, path);
        self.with(path, route, CorsLayer::<P>::new())
    }

    /// `path` answering how many `POST`s to the path in its query a handler ran for, behind `P`.
    pub fn handled_posts<P: CorsPolicy>(self, path: &'static str) -> Routes<impl PathRouter> {
        let route = handled_posts(self.log);
        self.with(path, route, CorsLayer::<P>::new())
    }

    /// `path` answering the statuses of the `POST`s to the path in its query, behind `P`.
    pub fn post_statuses<P: CorsPolicy>(self, path: &'static str) -> Routes<impl PathRouter> {
        let route = post_statuses(self.log);
        self.with(path, route, CorsLayer::<P>::new())
    }

    /// `path` answering the HTML page `html`, with no CORS layer.
    pub fn page(self, path: &'static str, html: &'static str) -> Routes<impl PathRouter> {
        Routes {
            router: self.router.route(path, page(html)),
            log: self.log,
        }
    }

    fn with<L: Layer<(), (), NextState = (), NextPathParameters = ()>>(
        self,
        path: &'static str,
        route: impl MethodHandler,
        layer: L,
    ) -> Routes<impl PathRouter> {
        Routes {
            router: self.router.route(path, route).layer(OnPath { path, layer }),
            log: self.log,
        }
    }

    /// The router, with every request recorded in the log (outermost, so that what a layer
    /// answers by itself is recorded too).
    pub fn into_router(self) -> Router<impl PathRouter> {
        self.router.layer(Record { log: self.log })
    }
}

// The handlers are made outside `Routes`' methods, which are generic over the router so far: a
// closure made there would carry that type, and the router's type would grow quadratically.

/// The handler of every CORS route, as [`super::handler`] answers on axum.
fn handler(log: &'static RequestLog, path: &'static str) -> impl MethodHandler {
    let handle = move |method: &'static str| {
        log.handled(method, path);
        (("x-request-id", "42"), "ok")
    };
    get(async move || handle("GET")).post(async move || handle("POST"))
}

fn handled_posts(log: &'static RequestLog) -> impl MethodHandler {
    get(async move |Query(query): Query| log.handled_count("POST", &query).to_string())
}

fn post_statuses(log: &'static RequestLog) -> impl MethodHandler {
    get(async move |Query(query): Query| log.post_statuses(&query).await)
}

fn page(html: &'static str) -> impl MethodHandler {
    get(async move || Response::ok(html).with_content_type("text/html; charset=utf-8"))
}

/// The request's query, as sent (`/forms/handled?/forms/unlisted` gives `/forms/unlisted`).
struct Query(String);

impl<'r, State> FromRequestParts<'r, State> for Query {
    type Rejection = Infallible;

    async fn from_request_parts(
        _state: &'r State,
        request: &RequestParts<'r>,
    ) -> Result<Self, Infallible> {
        Ok(Query(
            request.query().map(|q| q.0).unwrap_or_default().to_owned(),
        ))
    }
}

/// `layer` for the requests to `path`; every other request goes on untouched.
struct OnPath<L> {
    path: &'static str,
    layer: L,
}

impl<State, Params, L> Layer<State, Params> for OnPath<L>
where
    L: Layer<State, Params, NextState = State, NextPathParameters = Params>,
{
    type NextState = State;
    type NextPathParameters = Params;

    async fn call_layer<
        'a,
        R: Read + 'a,
        N: Next<'a, R, State, Params>,
        W: ResponseWriter<Error = R::Error>,
    >(
        &self,
        next: N,
        state: &State,
        params: Params,
        request: RequestParts<'_>,
        writer: W,
    ) -> Result<ResponseSent, W::Error> {
        if request.path().encoded() == self.path {
            self.layer
                .call_layer(next, state, params, request, writer)
                .await
        } else {
            next.run(state, params, writer).await
        }
    }
}

/// Records each request as it arrives, and the status it is answered with.
struct Record {
    log: &'static RequestLog,
}

impl<State, Params> Layer<State, Params> for Record {
    type NextState = State;
    type NextPathParameters = Params;

    async fn call_layer<
        'a,
        R: Read + 'a,
        N: Next<'a, R, State, Params>,
        W: ResponseWriter<Error = R::Error>,
    >(
        &self,
        next: N,
        state: &State,
        params: Params,
        request: RequestParts<'_>,
        writer: W,
    ) -> Result<ResponseSent, W::Error> {
        let headers = request.headers();
        let index = self
            .log
            .record_with(request.method(), request.path().encoded(), |name| {
                let value = headers.get(name)?;
                Some(String::from_utf8_lossy(value.as_raw()).into_owned())
            });
        let writer = Answered {
            inner: writer,
            log: self.log,
            index,
        };
        next.run(state, params, writer).await
    }
}

/// The response writer [`Record`] hands on: notes the status, then writes the response.
struct Answered<W> {
    inner: W,
    log: &'static RequestLog,
    index: usize,
}

impl<W: ResponseWriter> ResponseWriter for Answered<W> {
    type Error = W::Error;

    async fn write_response<R: Read<Error = Self::Error>, H: HeadersIter, B: Body>(
        self,
        connection: Connection<'_, R>,
        response: Response<H, B>,
    ) -> Result<ResponseSent, Self::Error> {
        self.log
            .answered(self.index, response.status_code().as_u16());
        self.inner.write_response(connection, response).await
    }
}

/// Serves the router `app` makes on `listener`, from a thread of its own with its own tokio
/// runtime, for the life of the test process: each connection in a task of its own.
///
/// # Errors
///
/// When the runtime cannot be built or the thread started.
pub fn spawn<P, F>(listener: TcpListener, app: F) -> io::Result<()>
where
    P: PathRouter + 'static,
    F: FnOnce() -> Router<P> + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let listener = {
        // Converting needs the runtime's reactor.
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    std::thread::Builder::new()
        .name("cors-browser-picoserve".into())
        // Polling a request through a router that nests a route and a layer per path, unoptimized,
        // overflows a thread's default 2 MiB.
        .stack_size(STACK)
        .spawn(move || {
            // picoserve's futures are not `Send`: its connections run on this thread's set.
            let tasks = tokio::task::LocalSet::new();
            tasks.block_on(&runtime, async move {
                let app: &'static Router<P> = Box::leak(Box::new(app()));
                loop {
                    let stream = match listener.accept().await {
                        Ok((stream, _)) => stream,
                        // A server that stops is a harness bug: say so instead of hanging.
                        Err(e) => panic!("the picoserve test server stopped: {e}"),
                    };
                    tokio::task::spawn_local(async move {
                        let mut buffer = vec![0; BUFFER];
                        // A connection the browser drops is no failure: its requests were logged.
                        let _ = ::picoserve::Server::new_tokio(app, &CONFIG, &mut buffer)
                            .serve(stream)
                            .await;
                    });
                }
            });
        })?;
    Ok(())
}
