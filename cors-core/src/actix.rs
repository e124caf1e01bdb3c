//! An actix-web 4 middleware answering exactly as [`CorsLayer`](crate::CorsLayer) does.
//!
//! ```
//! use actix_web::{test, web, App, HttpResponse};
//! use checked_cors::actix::Cors;
//! use checked_cors::Cors;
//!
//! #[derive(Cors)]
//! #[cors(origins = ["https://app.example.com"], methods = [GET, PUT], headers = ["content-type"])]
//! struct Api;
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = App::new()
//!     // For the whole app, a scope or a resource: `.wrap` on each takes the same middleware.
//!     .wrap(Cors::<Api>::new().on_refusal(|refusal, request| {
//!         eprintln!("cors: {} {}: {refusal}", request.method(), request.path());
//!     }))
//!     .route("/things", web::get().to(|| async { HttpResponse::Ok().body("things") }));
//! let app = test::init_service(app).await;
//!
//! // A preflight is answered without calling the handler (the resource has no PUT route).
//! let preflight = test::TestRequest::default()
//!     .method(actix_web::http::Method::OPTIONS)
//!     .uri("/things")
//!     .insert_header(("origin", "https://app.example.com"))
//!     .insert_header(("access-control-request-method", "PUT"))
//!     .to_request();
//! let response = test::call_service(&app, preflight).await;
//! assert_eq!(response.status(), 204);
//! assert_eq!(response.headers().get("access-control-allow-methods").unwrap(), "GET, PUT");
//!
//! // An actual request gets its CORS headers, and `Vary` appended to the handler's.
//! let get = test::TestRequest::get()
//!     .uri("/things")
//!     .insert_header(("origin", "https://app.example.com"))
//!     .to_request();
//! let response = test::call_service(&app, get).await;
//! assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://app.example.com");
//! assert_eq!(response.headers().get("vary").unwrap(), "origin");
//! # });
//! ```
//!
//! The `Cors` type and the `Cors` derive have one name in two namespaces (a type and a macro),
//! so both imports above can stand side by side.

use core::fmt;
use core::future::{ready, Future, Ready};
use core::marker::PhantomData;
use core::ops::Deref;
use core::pin::Pin;
use core::task::{Context, Poll};

use std::boxed::Box;
use std::cell::Cell;
use std::rc::Rc;
use std::string::String;
use std::sync::Arc;
use std::vec::Vec;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{Error, HttpMessage, HttpResponse};

use crate::decision::Dynamic;
use crate::http::{composing, is_header_value, PreparedPolicy};
use crate::lookup::{Awaiting, Finish, Probe};
use crate::request::{Field, MethodKind};
use crate::storage::Text;
use crate::{
    AsyncOrigins, CorsPolicy, CorsRequest, Decision, DynamicOrigins, Header, HeaderList, Lookup,
    NoLookup, Policy, Refusal, RuntimePolicy, SerializedOrigin, Value,
};

const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// The function [`Cors::on_refusal`] calls.
type Hook = Arc<dyn Fn(&Refusal<'_>, &ServiceRequest) + Send + Sync>;

/// An actix-web middleware applying the policy of `P` (usually a `#[derive(Cors)]` type), for
/// `App::wrap`, `Scope::wrap` and `Resource::wrap`.
///
/// It answers as [`CorsLayer`](crate::CorsLayer) does: preflights are answered by the
/// middleware (`204 No Content` with the CORS headers, or `403 Forbidden` with only `Vary`), and
/// the service it wraps never sees them, so a resource with only a `GET` route still gets its
/// preflight answered; every other response, error responses included, passes through with CORS
/// headers added when the origin is allowed and `Vary` appended to the handler's. An unsafe
/// request that the browser marks as cross-origin, from an origin the policy does not allow, is
/// answered `403 Forbidden` without running the handler (see [`Refusal::CrossOriginWrite`]).
///
/// The policy's header values are built once, when the middleware is made; a request only
/// copies them (no allocation: shared or static bytes). A `Cors` is `Send` and cheap to clone,
/// so one can be made at start-up and cloned into `HttpServer::new`'s factory.
///
/// The second parameter is the middleware's origin lookup: [`NoLookup`] unless
/// [`Cors::with_origins_async`] gave one.
pub struct Cors<P, L = NoLookup> {
    source: Source,
    dynamic: Option<SharedOrigins>,
    on_refusal: Option<Hook>,
    lookup: L,
    deferring: bool,
    _policy: PhantomData<fn() -> P>,
}

/// Origins decided while the service runs, shared by a middleware's services.
type SharedOrigins = Arc<dyn DynamicOrigins + Send + Sync>;

/// Where a middleware finds the policy for each request.
#[derive(Clone)]
enum Source {
    Fixed(Arc<PreparedPolicy>),
    #[cfg(feature = "live")]
    Live(crate::LivePolicy),
}

impl<P: CorsPolicy> Cors<P> {
    /// A middleware applying `P`'s policy.
    pub fn new() -> Self {
        Self::with_source(Source::Fixed(Arc::new(PreparedPolicy::new(P::policy()))))
    }
}

impl<P: CorsPolicy> Default for Cors<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl Cors<RuntimePolicy> {
    /// A middleware applying a policy built at start-up, for instance by
    /// [`PolicyBuilder`](crate::PolicyBuilder): served exactly like a derived one.
    ///
    /// ```
    /// use actix_web::App;
    /// use checked_cors::{actix::Cors, PolicyBuilder};
    ///
    /// let policy = PolicyBuilder::new().allow_origins(["https://app.example.com"]).build()?;
    /// let cors = Cors::from_policy(policy);
    /// let app = App::new().wrap(cors);
    /// # let _ = app;
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn from_policy(policy: Policy<'static>) -> Self {
        Self::with_source(Source::Fixed(Arc::new(PreparedPolicy::from_owned(policy))))
    }
}

#[cfg(feature = "live")]
impl Cors<crate::Live> {
    /// A middleware applying whatever policy `live` holds when each request arrives: a request
    /// is answered by one policy from start to end, even if `live` is replaced meanwhile.
    ///
    /// ```
    /// use actix_web::App;
    /// use checked_cors::{actix::Cors, LivePolicy, PolicyBuilder};
    ///
    /// let live = LivePolicy::new(PolicyBuilder::new().allow_origins(["https://a.example"]).build()?);
    /// let app = App::new().wrap(Cors::live(&live));
    /// // Later, from a configuration watcher or an admin endpoint:
    /// live.reload(PolicyBuilder::new().allow_origins(["https://a.example", "https://b.example"]))?;
    /// # let _ = app;
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn live(live: &crate::LivePolicy) -> Self {
        Self::with_source(Source::Live(live.clone()))
    }
}

impl<P> Cors<P> {
    fn with_source(source: Source) -> Self {
        Cors {
            source,
            dynamic: None,
            on_refusal: None,
            lookup: NoLookup,
            deferring: false,
            _policy: PhantomData,
        }
    }
}

impl<P, L> Cors<P, L> {
    /// Calls `f` with the reason of every refusal (the request's origin, method or headers are
    /// not allowed, or are malformed, or a cross-origin write was blocked) and the request, for
    /// logs or metrics; `f` may capture a logger or a counter. Costs nothing when unset. With the
    /// `tracing` feature every refusal is also a `tracing` event, hook or not (see the crate
    /// documentation, "Refusals in logs").
    #[must_use]
    pub fn on_refusal<F>(mut self, f: F) -> Self
    where
        F: Fn(&Refusal<'_>, &ServiceRequest) + Send + Sync + 'static,
    {
        self.on_refusal = Some(Arc::new(f));
        self
    }

    /// Also allows the origins `dynamic` allows, decided while the service runs: an
    /// [`OriginSet`](crate::OriginSet) of tenants, or a closure `Fn(&str) -> bool`, as
    /// [`CorsLayer::with_origins`](crate::CorsLayer::with_origins) does. The policy's methods,
    /// headers, credentials and max age apply to them unchanged; `dynamic` is only asked about a
    /// serialized origin the policy does not list (see
    /// [`Policy::evaluate_with`](crate::Policy::evaluate_with)), and an origin it allows is
    /// echoed, never `*`.
    ///
    /// ```
    /// use actix_web::App;
    /// use checked_cors::actix::Cors;
    /// use checked_cors::Cors;
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"], credentials)]
    /// struct Api;
    ///
    /// let customers = ["https://initech.example.net", "https://hooli.example.org"];
    /// let app = App::new().wrap(Cors::<Api>::new().with_origins(move |origin: &str| customers.contains(&origin)));
    /// # let _ = app;
    /// ```
    #[must_use]
    pub fn with_origins<D: DynamicOrigins + Send + Sync + 'static>(mut self, dynamic: D) -> Self {
        self.dynamic = Some(Arc::new(dynamic));
        self
    }

    /// Makes this a global middleware that lets the `Cors` middlewares nested inside it (on a
    /// scope or a resource) decide for the requests that reach them, and decides only the
    /// others, as [`CorsLayer::defer_to_inner`](crate::CorsLayer::defer_to_inner) does: a
    /// cross-origin write this middleware's policy refuses is still answered `403` at once.
    /// See the crate's "Composing layers".
    ///
    /// ```
    /// use actix_web::{web, App, HttpResponse};
    /// use checked_cors::actix::Cors;
    /// use checked_cors::Cors;
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"])]
    /// struct Global;
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://partner.example.net"], methods = [GET, PUT])]
    /// struct Partner;
    ///
    /// let app = App::new()
    ///     .wrap(Cors::<Global>::new().defer_to_inner())
    ///     .service(
    ///         web::scope("/partner")
    ///             .wrap(Cors::<Partner>::new())
    ///             .route("", web::get().to(|| async { HttpResponse::Ok().body("p") })),
    ///     );
    /// # let _ = app;
    /// ```
    #[must_use]
    pub fn defer_to_inner(mut self) -> Self {
        crate::http::start_composing();
        self.deferring = true;
        self
    }
}

impl<P> Cors<P> {
    /// Also allows the origins `lookup` allows, asked per request and awaited: a query to the
    /// service's database of tenants, say, exactly as
    /// [`CorsLayer::with_origins_async`](crate::CorsLayer::with_origins_async) does. `lookup` is
    /// an [`AsyncOrigins`], such as a closure
    /// `Fn(SerializedOrigin) -> impl Future<Output = Result<bool, E>>` with `E: Display`.
    ///
    /// It is asked exactly when [`Cors::with_origins`]'s `dynamic` would be (after it, if both
    /// are set): only about a serialized origin that the policy does not list, checked first by
    /// the rules of [`Policy::evaluate_with`] (ASCII, the form browsers send, at most
    /// [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN) bytes), so it never sees `https://x/`, `null`
    /// or 64 KiB of junk. It can only allow the origin (echoed, never `*`, so credentials stay
    /// safe) or refuse it; `Vary: Origin` is sent either way. An `Err` refuses the origin, and
    /// [`Cors::on_refusal`] gets [`Refusal::OriginLookupFailed`] with the error's text. A
    /// refused preflight gets the usual `403` without running the handler, and a cross-origin
    /// write from an origin the lookup refuses is blocked as any other.
    ///
    /// The lookup runs inside the middleware's response future, which then calls the wrapped
    /// service: the middleware holds that service in an `Rc` (actix services are not `Clone`)
    /// and clones it into the future only for a request the lookup is asked about. Every other
    /// request is decided by one evaluation and served at once, as without a lookup. The request
    /// uses one policy from start to end, also under [`Cors::live`]. The lookup's future need
    /// not be `Send` (each actix worker runs its own); the lookup itself is shared by the
    /// workers' middlewares, so it must be `Send + Sync` for the `Cors` to be cloned into
    /// `HttpServer::new`'s factory.
    ///
    /// With [`Cors::defer_to_inner`] (either order), the lookup decides the requests this
    /// middleware decides; a nested middleware with its own lookup decides the requests that
    /// reach it, as with the tower layer. A deferring middleware decides before the request
    /// reaches any nested one, so its lookup is also asked about requests a nested middleware
    /// then decides (its verdict unused): give the global middleware a lookup only if that
    /// extra query is acceptable.
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::Arc;
    ///
    /// use actix_web::{test, web, App, HttpResponse};
    /// use checked_cors::actix::Cors;
    /// use checked_cors::{Cors, SerializedOrigin};
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"], methods = [GET, PUT], credentials)]
    /// struct Api;
    ///
    /// /// Stands for a database client.
    /// #[derive(Clone)]
    /// struct Tenants(Arc<HashSet<String>>);
    ///
    /// impl Tenants {
    ///     async fn is_customer(&self, origin: &str) -> Result<bool, std::io::Error> {
    ///         Ok(self.0.contains(origin))
    ///     }
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let db = Tenants(Arc::new(HashSet::from(["https://initech.example.net".to_owned()])));
    /// let cors = Cors::<Api>::new().with_origins_async(move |origin: SerializedOrigin| {
    ///     let db = db.clone();
    ///     async move { db.is_customer(origin.as_str()).await }
    /// });
    /// let app = App::new()
    ///     .wrap(cors)
    ///     .route("/api", web::get().to(|| async { HttpResponse::Ok().body("hi") }));
    /// let app = test::init_service(app).await;
    ///
    /// let get = test::TestRequest::get()
    ///     .uri("/api")
    ///     .insert_header(("origin", "https://initech.example.net"))
    ///     .to_request();
    /// let response = test::call_service(&app, get).await;
    /// let allowed = response.headers().get("access-control-allow-origin").unwrap();
    /// assert_eq!(allowed, "https://initech.example.net");
    /// # });
    /// ```
    #[must_use]
    pub fn with_origins_async<A: AsyncOrigins>(self, lookup: A) -> Cors<P, Lookup<A>> {
        Cors {
            source: self.source,
            dynamic: self.dynamic,
            on_refusal: self.on_refusal,
            lookup: Lookup::new(lookup),
            deferring: self.deferring,
            _policy: PhantomData,
        }
    }
}

impl<P, L: Clone> Clone for Cors<P, L> {
    fn clone(&self) -> Self {
        Cors {
            source: self.source.clone(),
            dynamic: self.dynamic.clone(),
            on_refusal: self.on_refusal.clone(),
            lookup: self.lookup.clone(),
            deferring: self.deferring,
            _policy: PhantomData,
        }
    }
}

impl<P, L> fmt::Debug for Cors<P, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Cors");
        match &self.source {
            Source::Fixed(prepared) => debug.field("policy", prepared.policy()),
            #[cfg(feature = "live")]
            Source::Live(live) => debug.field("live", live),
        };
        debug
            .field("on_refusal", &self.on_refusal.is_some())
            .field("defer_to_inner", &self.deferring)
            .finish()
    }
}

impl<S, B, P> Transform<S, ServiceRequest> for Cors<P>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<CorsMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(self.middleware(service)))
    }
}

impl<S, B, P, A> Transform<S, ServiceRequest> for Cors<P, Lookup<A>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    A: AsyncOrigins,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<Rc<S>, Lookup<A>>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        // Shared with the futures of the requests whose origin the lookup decides, which call
        // the service once it has answered.
        ready(Ok(self.middleware(Rc::new(service))))
    }
}

impl<P, L: Clone> Cors<P, L> {
    fn middleware<S>(&self, service: S) -> CorsMiddleware<S, L> {
        CorsMiddleware {
            service,
            source: self.source.clone(),
            dynamic: self.dynamic.clone(),
            on_refusal: self.on_refusal.clone(),
            lookup: self.lookup.clone(),
            deferring: self.deferring,
        }
    }
}

/// The service made by [`Cors`] around the service it wraps.
///
/// With an origin lookup ([`Cors::with_origins_async`]), `S` is that service behind an `Rc`
/// (`CorsMiddleware<Rc<S>, Lookup<A>>`): a request whose origin the lookup decides keeps a
/// clone of it in its future, to call the service once the lookup has answered.
pub struct CorsMiddleware<S, L = NoLookup> {
    service: S,
    source: Source,
    dynamic: Option<SharedOrigins>,
    on_refusal: Option<Hook>,
    lookup: L,
    deferring: bool,
}

/// The composition protocol of nested middlewares, in request and response extensions, as the
/// tower layer's (`layer.rs`): a deferring middleware marks the request with a `Deferred` flag,
/// which the first middleware inside that sees it sets, and a deferring one that decided itself
/// records what it did as `Fallback`, for a middleware outside whose policy decides to take
/// back.
struct Deferred(Rc<Cell<bool>>);

/// See [`Deferred`].
enum Fallback {
    /// The decoration it applied to the service's response.
    Decorated(Decoration),
    /// Its own `403` to a forged write, which no middleware outside decorates either.
    Answered,
}

impl<S, L> fmt::Debug for CorsMiddleware<S, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsMiddleware").finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = ResponseFuture<S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        match &self.source {
            Source::Fixed(prepared) => self.handle(prepared, request),
            #[cfg(feature = "live")]
            Source::Live(live) => {
                // One load per request: the whole answer comes from this policy.
                let current = live.current();
                self.handle(&current, request)
            }
        }
    }
}

impl<S> CorsMiddleware<S> {
    /// Answers a preflight or a forged write from `prepared`, or calls the service with the
    /// decoration of its response; a deferring middleware first lets a nested one decide.
    fn handle<B>(
        &self,
        prepared: &PreparedPolicy,
        request: ServiceRequest,
    ) -> ResponseFuture<S::Future>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    {
        claim(&request);
        let dynamic = self
            .dynamic
            .as_deref()
            .map(|d| Dynamic::Ask(d as &dyn DynamicOrigins));
        let own = {
            let mut origin = None;
            let decision = evaluate(prepared, &request, dynamic, &mut origin);
            conclude(
                prepared,
                &request,
                &decision,
                origin,
                self.on_refusal.as_ref(),
                None,
            )
        };
        respond(&self.service, request, own, self.deferring)
    }
}

impl<S, B, A> Service<ServiceRequest> for CorsMiddleware<Rc<S>, Lookup<A>>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
    A: AsyncOrigins,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LookupFuture<S, A::Future, S::Future>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        match &self.source {
            Source::Fixed(prepared) => self.ask(prepared, request, |prepared| prepared.clone()),
            // One load per request, held on its own only if the lookup is awaited.
            #[cfg(feature = "live")]
            Source::Live(live) => self.ask(live.current(), request, arc_swap::Guard::into_inner),
        }
    }
}

impl<S, A: AsyncOrigins> CorsMiddleware<Rc<S>, Lookup<A>> {
    /// [`CorsMiddleware::handle`] with the lookup: one evaluation, whose `with_origins` is a
    /// [`Probe`]. If it did not ask about the origin, its decision stands and the request goes
    /// on at once, as without a lookup; otherwise it is dropped, unreported, and the request
    /// waits in its future for the lookup's verdict, with `policy` held by `pin`.
    fn ask<Q, B>(
        &self,
        policy: Q,
        request: ServiceRequest,
        pin: impl FnOnce(Q) -> Arc<PreparedPolicy>,
    ) -> LookupFuture<S, A::Future, S::Future>
    where
        Q: Deref<Target = Arc<PreparedPolicy>>,
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    {
        claim(&request);
        let dynamic = self.dynamic.as_deref().map(|d| d as &dyn DynamicOrigins);
        let probe = Probe::new(dynamic);
        let mut origin = None;
        let decision = evaluate(&policy, &request, Some(Dynamic::Ask(&probe)), &mut origin);
        // Asked only about a single `Origin`, so `origin` is the value it checked.
        let origin = match origin {
            Some(origin) if probe.asked() => origin.clone(),
            // Returned from here, as `handle` does, rather than through a `Result`: the outcome
            // is moved once, not twice, on the path of most requests.
            _ => {
                let hook = self.on_refusal.as_ref();
                let own = conclude(&policy, &request, &decision, origin, hook, None);
                let response = respond(&self.service, request, own, self.deferring);
                let state = Awaiting::Responding { response };
                return LookupFuture { state };
            }
        };
        let state = Awaiting::Asking {
            lookup: self.lookup.get().allows(SerializedOrigin::actix(origin)),
            pending: Some(Pending {
                service: self.service.clone(),
                request,
                policy: pin(policy),
                on_refusal: self.on_refusal.clone(),
                deferring: self.deferring,
            }),
        };
        LookupFuture { state }
    }
}

/// What a request waiting for its origin's lookup needs afterwards.
struct Pending<S> {
    service: Rc<S>,
    request: ServiceRequest,
    policy: Arc<PreparedPolicy>,
    on_refusal: Option<Hook>,
    deferring: bool,
}

impl<S, B> Finish for Pending<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ResponseFuture<S::Future>;

    /// Answers the request as the policy does with the lookup's verdict on its origin.
    fn finish(self, allowed: bool, failure: Option<String>) -> Self::Response {
        // The evaluation asks again about the same origin only (`with_origins` said no to it
        // already, and the probe checked its syntax): the lookup's verdict is the answer.
        let decided = Some(Dynamic::Verdict(allowed));
        let own = {
            let mut origin = None;
            let decision = evaluate(&self.policy, &self.request, decided, &mut origin);
            let hook = self.on_refusal.as_ref();
            conclude(
                &self.policy,
                &self.request,
                &decision,
                origin,
                hook,
                failure.as_deref(),
            )
        };
        respond(&self.service, self.request, own, self.deferring)
    }
}

pin_project_lite::pin_project! {
    /// The future of a [`CorsMiddleware`] with an origin lookup: the lookup, if the request's
    /// origin is the lookup's to decide, then the middleware's own answer or the service's
    /// response decorated, as [`ResponseFuture`].
    pub struct LookupFuture<S, L, F> {
        #[pin]
        state: Awaiting<L, Pending<S>, ResponseFuture<F>>,
    }
}

impl<S, L, E, F, B> Future for LookupFuture<S, L, F>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error, Future = F>,
    L: Future<Output = Result<bool, E>>,
    E: fmt::Display,
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().state.poll(cx)
    }
}

/// What a middleware's decision makes of a request: its own answer (a preflight's, or the `403`
/// to a forged write, `blocked`), or the decoration of the service's response.
struct Outcome {
    answer: Option<HttpResponse>,
    decoration: Option<Decoration>,
    blocked: bool,
}

/// Tells a deferring middleware outside, if any, that this one decides `request`.
#[inline(always)]
fn claim(request: &ServiceRequest) {
    if composing() {
        if let Some(Deferred(decided)) = request.extensions_mut().remove::<Deferred>() {
            decided.set(true);
        }
    }
}

/// `prepared`'s decision on `request`, with `dynamic` as `with_origins`; sets `origin` to the
/// request's `Origin` value. Inlined, as the code it was before a lookup needed it twice.
#[inline(always)]
fn evaluate<'p, 'r>(
    prepared: &'p PreparedPolicy,
    request: &'r ServiceRequest,
    dynamic: Option<Dynamic<'_>>,
    origin: &mut Option<&'r HeaderValue>,
) -> Decision<'p, 'r> {
    let cors_request = read(request, origin);
    // As the tower layer does: `Access-Control-Request-Headers` and `-Private-Network`
    // are looked up only once a preflight's origin and method are allowed.
    let headers = request.headers();
    let kind = method_kind(request.method());
    prepared
        .policy()
        .evaluate_deferred(&cors_request, Some(kind), dynamic, || {
            (
                read_header(headers, &header::ACCESS_CONTROL_REQUEST_HEADERS),
                read_header(headers, &ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK),
            )
        })
}

/// Reports `decision`'s refusal, if any, to the hook (and `tracing`), and makes the answer or
/// the decoration. `failure` is the error of the lookup that refused the origin: then it is the
/// reason reported, whatever check the refusal made fail.
#[inline(always)]
fn conclude(
    prepared: &PreparedPolicy,
    request: &ServiceRequest,
    decision: &Decision<'_, '_>,
    origin: Option<&HeaderValue>,
    on_refusal: Option<&Hook>,
    failure: Option<&str>,
) -> Outcome {
    let values = &prepared.actix;
    #[cfg(feature = "tracing")]
    if let Some(refusal) = decision.refusal() {
        let refusal = refusal.or_lookup_failure(failure);
        let (method, path) = (request.method().as_str(), request.path());
        // `origin` is set only for a single `Origin`.
        let origin = match origin {
            Some(origin) => Header::One(origin.as_bytes()),
            None if request.headers().contains_key(header::ORIGIN) => Header::Many,
            None => Header::Absent,
        };
        crate::trace::refusal(&refusal, origin, method, path);
    }
    if let (Some(hook), Some(refusal)) = (on_refusal, decision.refusal()) {
        hook(&refusal.or_lookup_failure(failure), request);
    }
    match values.answer(decision, request.headers(), origin) {
        Some(answer) => Outcome {
            blocked: decision.is_blocked(),
            answer: Some(answer),
            decoration: None,
        },
        None => Outcome {
            answer: None,
            decoration: Some(Decoration::new(values, decision, origin)),
            blocked: false,
        },
    }
}

/// Answers the request with the middleware's own answer, or calls `service` with the decoration
/// of its response; a deferring middleware first lets a nested one decide.
#[inline(always)]
fn respond<S, B>(
    service: &S,
    request: ServiceRequest,
    own: Outcome,
    deferring: bool,
) -> ResponseFuture<S::Future>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    if deferring {
        return defer(service, request, own);
    }
    let state = match own.answer {
        Some(answer) => State::Answered {
            answer: Some(request.into_response(answer)),
        },
        None => State::Inner {
            future: service.call(request),
            decoration: own.decoration,
        },
    };
    ResponseFuture { state }
}

/// [`respond`] for a deferring middleware: marks the request and lets a nested middleware
/// decide, keeping its own decision for when none did. A forged write is refused at once,
/// whoever would decide.
#[inline(never)]
fn defer<S, B>(service: &S, request: ServiceRequest, own: Outcome) -> ResponseFuture<S::Future>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    let own = match own.answer {
        Some(mut answer) if own.blocked => {
            answer.extensions_mut().insert(Fallback::Answered);
            let state = State::Answered {
                answer: Some(request.into_response(answer)),
            };
            return ResponseFuture { state };
        }
        Some(answer) => Own::Answer(Some(answer)),
        None => Own::Decoration(own.decoration.unwrap_or_default()),
    };
    let decided = Rc::new(Cell::new(false));
    request.extensions_mut().insert(Deferred(decided.clone()));
    let state = State::Deferring {
        future: service.call(request),
        own: Box::new((own, decided)),
    };
    ResponseFuture { state }
}

/// Reads the parts of an actix request that decide its CORS answer, as
/// [`http::read_parts`](crate::http::read_parts) does for the `http` crate's: the host is the
/// URI's authority (an HTTP/2 request's `:authority`) or else the `Host` header. Leaves out
/// `Access-Control-Request-Headers` and `-Private-Network`, which the evaluation asks for when
/// it needs them, and sets `origin` to the `Origin` value, echoed without a second lookup.
fn read<'r>(request: &'r ServiceRequest, origin: &mut Option<&'r HeaderValue>) -> CorsRequest<'r> {
    let headers = request.headers();
    let kind = method_kind(request.method());
    let mut read = CorsRequest::read_with(request.method().as_str().as_bytes(), kind, |field| {
        let name = match field {
            Field::Origin => {
                let mut values = headers.get_all(header::ORIGIN);
                return match (values.next(), values.next()) {
                    (None, _) => Header::Absent,
                    (Some(value), None) => {
                        *origin = Some(value);
                        Header::One(value.as_bytes())
                    }
                    (Some(_), Some(_)) => Header::Many,
                };
            }
            Field::RequestHeaders | Field::RequestPrivateNetwork => return Header::Absent,
            Field::RequestMethod => &header::ACCESS_CONTROL_REQUEST_METHOD,
            Field::SecFetchSite => &SEC_FETCH_SITE,
            Field::Host => &header::HOST,
        };
        read_header(headers, name)
    });
    if kind == MethodKind::Unsafe {
        if let Some(authority) = request.uri().authority() {
            read.host = Header::One(authority.as_str().as_bytes());
        }
    }
    read
}

/// The [`MethodKind`] of actix-web's (`http` 0.2) `method`, by its variant, as for `http` 1's.
// The variants' comparisons, cheaper than the bytes'; `a_method_s_variant_has_the_kind_of_its_bytes`
// holds them to `MethodKind::of`, the one rule, as `crate::http`'s test does for `http` 1.
#[inline]
fn method_kind(method: &actix_web::http::Method) -> MethodKind {
    use actix_web::http::Method;
    if method == Method::GET || method == Method::HEAD {
        MethodKind::Safe
    } else if method == Method::OPTIONS {
        MethodKind::Options
    } else {
        MethodKind::Unsafe
    }
}

fn read_header<'r>(headers: &'r HeaderMap, name: &HeaderName) -> Header<'r> {
    let mut values = headers.get_all(name);
    match (values.next(), values.next()) {
        (None, _) => Header::Absent,
        (Some(value), None) => Header::One(value.as_bytes()),
        (Some(_), Some(_)) => Header::Many,
    }
}

/// A policy's response header values as actix-web's (`http` 0.2) `HeaderValue`s, built once per
/// [`PreparedPolicy`]: the values of [`crate::http::PreparedPolicy`]'s `http` 1 ones, which are
/// another type.
#[derive(Clone, Debug)]
pub(crate) struct Values {
    any: HeaderValue,
    truth: HeaderValue,
    /// One value per exact origin of a derived policy, in its table's order (see
    /// `http::listed_values`).
    listed: Box<[HeaderValue]>,
    allow_methods: Option<HeaderValue>,
    allow_headers: Option<HeaderValue>,
    max_age: Option<HeaderValue>,
    expose: Option<HeaderValue>,
    vary_actual: Option<HeaderValue>,
    vary_preflight: Option<HeaderValue>,
}

/// The header value of a policy string, or `None` if it is not one (as in `http.rs`).
fn value(text: &Text<'static>) -> Option<HeaderValue> {
    if !is_header_value(text) {
        return None;
    }
    match text {
        Text::Static(s) => Some(HeaderValue::from_static(s)),
        Text::Owned(s) => {
            let value = HeaderValue::from_str(s).ok()?;
            // The first clone moves the bytes into a shared buffer; every later one, per
            // request, is a count increment.
            drop(value.clone());
            Some(value)
        }
    }
}

fn list_value(list: &HeaderList<'static>) -> Option<HeaderValue> {
    match list {
        HeaderList::Any | HeaderList::AnyWithAuthorization => Some(HeaderValue::from_static("*")),
        HeaderList::Names { names, .. } if names.is_empty() => None,
        HeaderList::Names { rendered, .. } => value(rendered),
    }
}

impl Values {
    pub(crate) fn new(policy: &Policy<'static>) -> Self {
        let any = HeaderValue::from_static("*");
        Values {
            truth: HeaderValue::from_static("true"),
            listed: crate::http::listed_values(policy, value, &any),
            allow_methods: value(&policy.allow_methods),
            allow_headers: list_value(&policy.headers),
            max_age: policy.max_age.as_ref().and_then(value),
            expose: list_value(&policy.expose),
            vary_actual: policy.vary(false).map(HeaderValue::from_static),
            vary_preflight: policy.vary(true).map(HeaderValue::from_static),
            any,
        }
    }

    /// The `Access-Control-Allow-Origin` value of an allowed decision; `origin` is the `Origin`
    /// value of the request the decision was read from.
    fn origin_value(
        &self,
        decision: &Decision<'_, '_>,
        origin: Option<&HeaderValue>,
    ) -> Option<HeaderValue> {
        crate::http::origin_value(decision, &self.any, &self.listed, origin)
    }

    /// The middleware's own answer, without the handler: an allowed preflight's `204` with its
    /// headers, a refused preflight's `403` with `Vary`, a blocked write's `403` with `Vary`.
    /// `None` when the handler answers.
    fn answer(
        &self,
        decision: &Decision<'_, '_>,
        request: &HeaderMap,
        origin: Option<&HeaderValue>,
    ) -> Option<HttpResponse> {
        let status = StatusCode::from_u16(decision.status()?).ok()?;
        let mut answer = HttpResponse::new(status);
        let headers = answer.headers_mut();
        let vary = if decision.is_blocked() {
            &self.vary_actual
        } else {
            &self.vary_preflight
        };
        if decision.refusal().is_none() {
            // In `Decision::headers`' order.
            let allow_headers = match decision.allow_headers {
                Some(Value::RequestHeaders(_)) => {
                    request.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned()
                }
                Some(_) => self.allow_headers.clone(),
                None => None,
            };
            let allow_methods = match decision.allow_methods {
                Some(Value::RequestMethod(_)) => {
                    request.get(header::ACCESS_CONTROL_REQUEST_METHOD).cloned()
                }
                Some(_) => self.allow_methods.clone(),
                None => None,
            };
            let truth = |on: bool| on.then(|| self.truth.clone());
            let allowed = [
                (
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    self.origin_value(decision, origin),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    truth(decision.allow_credentials),
                ),
                (header::ACCESS_CONTROL_ALLOW_METHODS, allow_methods),
                (header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers),
                (header::ACCESS_CONTROL_MAX_AGE, self.max_age.clone()),
                (
                    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
                    truth(decision.allow_private_network),
                ),
            ];
            for (name, value) in allowed {
                if let Some(value) = value {
                    headers.insert(name, value);
                }
            }
        }
        if let Some(vary) = vary {
            headers.insert(header::VARY, vary.clone());
        }
        Some(answer)
    }
}

/// The headers a decision on an actual request adds to the handler's response, detached from the
/// request (as [`crate::http::Decoration`] is).
#[derive(Clone, Debug, Default)]
struct Decoration {
    allow_origin: Option<HeaderValue>,
    allow_credentials: Option<HeaderValue>,
    expose_headers: Option<HeaderValue>,
    vary: Option<HeaderValue>,
}

impl Decoration {
    fn new(values: &Values, decision: &Decision<'_, '_>, origin: Option<&HeaderValue>) -> Self {
        Decoration {
            allow_origin: values.origin_value(decision, origin),
            allow_credentials: decision.allow_credentials.then(|| values.truth.clone()),
            expose_headers: decision.expose_headers.and_then(|_| values.expose.clone()),
            vary: decision.vary.and_then(|_| values.vary_actual.clone()),
        }
    }

    /// Takes out of `headers` what [`Decoration::apply`] put in (as the `http` one's does).
    fn undo(&self, headers: &mut HeaderMap) {
        let set = [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, &self.allow_origin),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                &self.allow_credentials,
            ),
            (header::ACCESS_CONTROL_EXPOSE_HEADERS, &self.expose_headers),
        ];
        for (name, value) in set {
            if value.is_some() {
                headers.remove(name);
            }
        }
        if let Some(vary) = &self.vary {
            let mut kept: Vec<HeaderValue> = headers.get_all(header::VARY).cloned().collect();
            if let Some(at) = kept.iter().position(|v| v == vary) {
                kept.remove(at);
                headers.remove(header::VARY);
                for value in kept {
                    headers.append(header::VARY, value);
                }
            }
        }
    }

    /// CORS headers replace any the handler set (two `Access-Control-Allow-Origin` fail the CORS
    /// check); `Vary` is appended to the handler's.
    fn apply(&self, headers: &mut HeaderMap) {
        if let Some(value) = &self.allow_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value.clone());
        }
        if let Some(value) = &self.allow_credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, value.clone());
        }
        if let Some(value) = &self.expose_headers {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, value.clone());
        }
        if let Some(value) = &self.vary {
            headers.append(header::VARY, value.clone());
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`CorsMiddleware`]: the middleware's own answer (a preflight's, or the `403`
    /// to a blocked write), or the wrapped service's response decorated.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Answered { answer: Option<ServiceResponse> },
        Inner { #[pin] future: F, decoration: Option<Decoration> },
        // A deferring middleware's: the service's response if a nested middleware decided, else
        // this one's own answer or decoration.
        Deferring { #[pin] future: F, own: Box<(Own, Rc<Cell<bool>>)> },
    }
}

/// What a deferring middleware does when no nested one decided.
enum Own {
    /// Answer the preflight, whatever the service said (a `404` or `405`, most likely).
    Answer(Option<HttpResponse>),
    /// Decorate the service's response.
    Decoration(Decoration),
}

impl<F, B> Future for ResponseFuture<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Answered { answer } => {
                let answer = answer
                    .take()
                    .expect("ResponseFuture polled after completion");
                Poll::Ready(Ok(answer.map_into_right_body()))
            }
            StateProj::Inner { future, decoration } => {
                let result = core::task::ready!(future.poll(cx));
                let decoration = decoration.take().unwrap_or_default();
                match result {
                    Ok(mut response) => {
                        decide(response.response_mut(), &decoration);
                        Poll::Ready(Ok(response.map_into_left_body()))
                    }
                    // An error stays an error for the middlewares outside this one; the response
                    // actix renders from it gets the CORS headers, since a browser lets a script
                    // read a decorated 500 and tell a failure from a refusal.
                    Err(mut error) => {
                        error.add_response_mapper(move |mut response| {
                            decide(&mut response, &decoration);
                            response
                        });
                        Poll::Ready(Err(error))
                    }
                }
            }
            StateProj::Deferring { future, own } => {
                let result = core::task::ready!(future.poll(cx));
                Poll::Ready(fall_back(result, own))
            }
        }
    }
}

/// Applies the decision of a middleware whose policy decides: a deferring middleware nested
/// inside may have decided first (see [`Deferred`]), which is taken back, or blocked a forged
/// write, whose answer stays as it is.
fn decide<B>(response: &mut HttpResponse<B>, decoration: &Decoration) {
    let theirs = match composing() {
        true => response.extensions_mut().remove::<Fallback>(),
        false => None,
    };
    match theirs {
        Some(Fallback::Decorated(theirs)) => theirs.undo(response.headers_mut()),
        Some(Fallback::Answered) => return,
        None => {}
    }
    decoration.apply(response.headers_mut());
}

/// A deferring middleware's response: the service's if a nested middleware decided, else its
/// own answer or its decoration of the service's response, recorded for a middleware outside.
#[inline(never)]
fn fall_back<B>(
    result: Result<ServiceResponse<B>, Error>,
    own: &mut (Own, Rc<Cell<bool>>),
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let (own, decided) = own;
    if decided.get() {
        return result.map(ServiceResponse::map_into_left_body);
    }
    match (result, own) {
        (result, Own::Answer(answer)) => {
            let answer = answer
                .take()
                .expect("ResponseFuture polled after completion");
            match result {
                Ok(response) => Ok(response.into_response(answer).map_into_right_body()),
                // The service failed on a preflight no nested middleware answered (an `OPTIONS`
                // handler's error): the error goes on, rendered as this middleware's answer.
                Err(mut error) => {
                    let (status, headers) = (answer.status(), answer.headers().clone());
                    error.add_response_mapper(move |_| {
                        let mut answer = HttpResponse::new(status);
                        *answer.headers_mut() = headers.clone();
                        answer
                    });
                    Err(error)
                }
            }
        }
        (Ok(mut response), Own::Decoration(decoration)) => {
            record(response.response_mut(), decoration);
            Ok(response.map_into_left_body())
        }
        (Err(mut error), Own::Decoration(decoration)) => {
            let decoration = decoration.clone();
            error.add_response_mapper(move |mut response| {
                record(&mut response, &decoration);
                response
            });
            Err(error)
        }
    }
}

/// Applies a deferring middleware's decoration and records it for a middleware outside.
fn record<B>(response: &mut HttpResponse<B>, decoration: &Decoration) {
    decoration.apply(response.headers_mut());
    response
        .extensions_mut()
        .insert(Fallback::Decorated(decoration.clone()));
}

#[cfg(test)]
mod tests {
    use super::{method_kind, MethodKind};
    use actix_web::http::Method;

    #[test]
    fn a_method_s_variant_has_the_kind_of_its_bytes() {
        let methods: [&[u8]; 12] = [
            b"GET", b"HEAD", b"OPTIONS", b"POST", b"PUT", b"DELETE", b"PATCH", b"CONNECT",
            b"TRACE", b"get", b"Options", b"PURGE",
        ];
        for bytes in methods {
            let method = Method::from_bytes(bytes).unwrap();
            assert_eq!(method_kind(&method), MethodKind::of(bytes), "{method}");
        }
    }
}
