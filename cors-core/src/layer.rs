//! `CorsLayer`: a tower layer that answers preflights itself and decorates every other response.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use ::http::{Method, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use std::boxed::Box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::decision::Dynamic;
use crate::http::{
    answer_preflight, answer_with_origin, composing, decorate_safe, evaluate, read_parts,
    Decoration, PreparedPolicy,
};
use crate::lookup::{AsyncOrigins, Lookup, NoLookup, Pinned};
use crate::{CorsPolicy, DynamicOrigins, Policy, Refusal, RuntimePolicy};

/// What [`CorsLayer::on_refusal`] calls with why a request got no CORS permission, for logs or
/// metrics: any closure, which may hold a logger or a metrics handle.
pub type OnRefusal = Arc<ReportRefusal>;

/// The closure behind an [`OnRefusal`].
pub type ReportRefusal = dyn Fn(&Refusal<'_>, &::http::request::Parts) + Send + Sync;

/// Origins decided while the service runs, shared by a layer's services.
type SharedOrigins = Arc<dyn DynamicOrigins + Send + Sync>;

/// A tower [`Layer`] applying the policy of `P` (usually a `#[derive(Cors)]` type).
///
/// Preflights are answered by the layer (the inner service never sees them, so a route with only a
/// `GET` handler still gets its preflight answered); every other response passes through with CORS
/// headers added when the origin is allowed and `Vary` appended to the handler's.
///
/// An unsafe request (`POST`, `PUT`, `DELETE`, ...) that the browser marks as cross-origin, from
/// an origin the policy does not allow, is answered `403 Forbidden` without running the handler:
/// CORS alone only hides the response of such a request, so a form another site submits with the
/// user's cookies would otherwise do its work (see [`Refusal::CrossOriginWrite`]). Same-origin
/// pages, addresses the user typed, the policy's origins and clients other than browsers are
/// unaffected; `write_origins` and `dangerously_allow_cross_origin_writes` adjust it per policy.
///
/// ```
/// use axum::{routing::get, Router};
/// use checked_cors::{Cors, CorsLayer};
///
/// #[derive(Cors)]
/// #[cors(origins = ["https://app.example.com"], methods = [GET, PUT], headers = ["content-type"])]
/// struct Api;
///
/// // Per route: `.layer` on the method router also wraps the route's OPTIONS fallback.
/// let app: Router = Router::new().route("/api", get(|| async { "hi" }).layer(CorsLayer::<Api>::new()));
/// // Or for every route of a router (`Router::route_layer` also answers preflights).
/// let all: Router = Router::new().route("/a", get(|| async { "a" })).route_layer(CorsLayer::<Api>::new());
/// ```
///
/// Layers nest: a global one made with [`CorsLayer::defer_to_inner`] lets a route's own layer
/// decide for that route (see the crate's "Composing layers").
///
/// In axum 0.8, `MethodRouter::route_layer` (as in `get(h).route_layer(layer)`) wraps only the
/// handlers that exist, so a preflight to a route without an `OPTIONS` handler never reaches the
/// layer and gets axum's `405`: use `.layer` there.
///
/// The second parameter is the layer's origin lookup: [`NoLookup`] unless
/// [`CorsLayer::with_origins_async`] gave one.
pub struct CorsLayer<P, L = NoLookup> {
    source: Source,
    dynamic: Option<SharedOrigins>,
    on_refusal: Option<OnRefusal>,
    lookup: L,
    deferring: bool,
    _policy: PhantomData<fn() -> P>,
}

/// Where a layer's service finds the policy for each request.
#[derive(Clone)]
pub(crate) enum Source {
    /// A derived policy, prepared once per type: cloning the service copies a reference.
    Static(&'static PreparedPolicy),
    /// One policy for the layer's life: shared, so that cloning the service per request (as axum
    /// does) copies one pointer.
    Fixed(Arc<PreparedPolicy>),
    /// Whatever policy is in force when the request arrives.
    #[cfg(feature = "live")]
    Live(crate::LivePolicy),
    /// The same from a handle that lives as long as the process: cloning the service copies a
    /// reference instead of incrementing the handle's shared count.
    #[cfg(feature = "live")]
    LiveStatic(&'static crate::LivePolicy),
}

impl<P: CorsPolicy> CorsLayer<P> {
    /// A layer applying `P`'s policy.
    pub fn new() -> Self {
        Self::with_source(match P::__prepared() {
            Some(prepared) => Source::Static(prepared),
            None => Source::Fixed(Arc::new(PreparedPolicy::new(P::policy()))),
        })
    }
}

impl Source {
    /// The policy in force now, borrowed for one request: [`Now::pin`] holds it on its own only
    /// if the request must outlive the call (an origin lookup awaited), so that a request served
    /// at once takes no shared reference count.
    pub(crate) fn now(&self) -> Now<'_> {
        match self {
            Source::Static(prepared) => Now::Static(prepared),
            Source::Fixed(prepared) => Now::Fixed(prepared),
            #[cfg(feature = "live")]
            Source::Live(live) => Now::Live(live.current()),
            #[cfg(feature = "live")]
            Source::LiveStatic(live) => Now::Live(live.current()),
        }
    }
}

/// See [`Source::now`].
pub(crate) enum Now<'a> {
    Static(&'static PreparedPolicy),
    Fixed(&'a Arc<PreparedPolicy>),
    /// `arc_swap`'s guard: a slot of the calling thread's, no shared count.
    #[cfg(feature = "live")]
    Live(crate::live::Current),
}

impl Now<'_> {
    pub(crate) fn get(&self) -> &PreparedPolicy {
        match self {
            Now::Static(prepared) => prepared,
            Now::Fixed(prepared) => prepared,
            #[cfg(feature = "live")]
            Now::Live(current) => current,
        }
    }

    /// The same policy, held for a request that outlives this call.
    pub(crate) fn pin(self) -> Pinned {
        match self {
            Now::Static(prepared) => Pinned::Static(prepared),
            Now::Fixed(prepared) => Pinned::Shared(prepared.clone()),
            #[cfg(feature = "live")]
            Now::Live(current) => Pinned::Shared(arc_swap::Guard::into_inner(current)),
        }
    }
}

impl<P> CorsLayer<P> {
    fn with_source(source: Source) -> Self {
        CorsLayer {
            source,
            dynamic: None,
            on_refusal: None,
            lookup: NoLookup,
            deferring: false,
            _policy: PhantomData,
        }
    }
}

impl CorsLayer<RuntimePolicy> {
    /// A layer applying a policy built at start-up, for instance by
    /// [`PolicyBuilder`](crate::PolicyBuilder): served exactly like a derived one.
    ///
    /// ```
    /// use checked_cors::{CorsLayer, PolicyBuilder};
    ///
    /// let policy = PolicyBuilder::new().allow_origins(["https://app.example.com"]).build()?;
    /// let layer = CorsLayer::from_policy(policy);
    /// # let _ = layer;
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn from_policy(policy: Policy<'static>) -> Self {
        Self::with_source(Source::Fixed(Arc::new(PreparedPolicy::from_owned(policy))))
    }
}

#[cfg(feature = "live")]
impl CorsLayer<crate::Live> {
    /// A layer applying whatever policy `live` holds when each request arrives: a request is
    /// answered by one policy from start to end, even if `live` is replaced meanwhile.
    ///
    /// ```
    /// use checked_cors::{CorsLayer, LivePolicy, PolicyBuilder};
    ///
    /// let live = LivePolicy::new(PolicyBuilder::new().allow_origins(["https://a.example"]).build()?);
    /// let layer = CorsLayer::live(&live);
    /// // Later, from a configuration watcher or an admin endpoint:
    /// live.reload(PolicyBuilder::new().allow_origins(["https://a.example", "https://b.example"]))?;
    /// # let _ = layer;
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    ///
    /// The layer's services hold a clone of the handle, whose count every clone of a service
    /// increments: axum clones a route's service for each request, so on many cores that count
    /// is a cache line every request writes. A handle kept for the process's whole life avoids
    /// it with [`CorsLayer::live_static`].
    pub fn live(live: &crate::LivePolicy) -> Self {
        Self::with_source(Source::Live(live.clone()))
    }

    /// [`CorsLayer::live`] for a handle that lives as long as the process (a `static`, or one
    /// leaked at start-up): a clone of the layer's service copies a reference, so requests
    /// served on many cores write nothing they share (see BENCHMARKS.md, "Scaling with
    /// cores").
    ///
    /// ```
    /// use checked_cors::{CorsLayer, LivePolicy, PolicyBuilder};
    ///
    /// let policy = PolicyBuilder::new().allow_origins(["https://a.example"]).build()?;
    /// let live: &'static LivePolicy = Box::leak(Box::new(LivePolicy::new(policy)));
    /// let layer = CorsLayer::live_static(live);
    /// live.reload(PolicyBuilder::new().allow_origins(["https://b.example"]))?;
    /// # let _ = layer;
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn live_static(live: &'static crate::LivePolicy) -> Self {
        Self::with_source(Source::LiveStatic(live))
    }
}

impl<P: CorsPolicy> Default for CorsLayer<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P, L> CorsLayer<P, L> {
    /// Calls `f` with the reason of every refusal (the request's origin, method or headers are not
    /// allowed, or are malformed; a forged write) and the request's parts. Costs nothing when
    /// unset. With the `tracing` feature every refusal is also a `tracing` event, hook or not
    /// (see the crate documentation, "Refusals in logs").
    #[must_use]
    pub fn on_refusal<F>(mut self, f: F) -> Self
    where
        F: Fn(&Refusal<'_>, &::http::request::Parts) + Send + Sync + 'static,
    {
        self.on_refusal = Some(Arc::new(f));
        self
    }

    /// Also allows the origins `dynamic` allows, decided while the service runs: an
    /// [`OriginSet`](crate::OriginSet) of tenants, or a closure `Fn(&str) -> bool` (a lookup in
    /// the service's own store). The policy's methods, headers, credentials and max age apply to
    /// them unchanged; see [`Policy::evaluate_with`] for what `dynamic` is asked. A lookup that
    /// must wait (a database query) is [`CorsLayer::with_origins_async`]'s.
    ///
    /// ```
    /// use checked_cors::{Cors, CorsLayer};
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"], credentials)]
    /// struct Api;
    ///
    /// let customers = ["https://initech.example.net", "https://hooli.example.org"];
    /// let layer = CorsLayer::<Api>::new().with_origins(move |origin: &str| customers.contains(&origin));
    /// # let _ = layer;
    /// ```
    #[must_use]
    pub fn with_origins<D: DynamicOrigins + Send + Sync + 'static>(mut self, dynamic: D) -> Self {
        self.dynamic = Some(Arc::new(dynamic));
        self
    }

    /// Makes this a global layer that lets the CORS layers nested inside it decide for the
    /// requests that reach them (a route's own `CorsLayer`), and decides only the others:
    /// preflights no nested layer answered, and actual requests no nested layer decorated. A
    /// cross-origin write this layer's policy refuses is still answered `403` at once, nested
    /// layers or not, since this layer cannot know before the handler runs whether one is there.
    /// See the crate's "Composing layers".
    ///
    /// ```
    /// use axum::{routing::get, Router};
    /// use checked_cors::{Cors, CorsLayer};
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"])]
    /// struct Global;
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://partner.example.net"], methods = [GET, PUT])]
    /// struct Partner;
    ///
    /// let app: Router = Router::new()
    ///     .route("/partner", get(|| async { "p" }).layer(CorsLayer::<Partner>::new()))
    ///     .route("/", get(|| async { "home" }))
    ///     .layer(CorsLayer::<Global>::new().defer_to_inner());
    /// ```
    #[must_use]
    pub fn defer_to_inner(mut self) -> Self {
        crate::http::start_composing();
        self.deferring = true;
        self
    }
}

impl<P> CorsLayer<P> {
    /// Also allows the origins `lookup` allows, asked per request and awaited: a query to the
    /// service's database of tenants, say. `lookup` is an [`AsyncOrigins`], such as a closure
    /// `Fn(SerializedOrigin) -> impl Future<Output = Result<bool, E>>` with `E: Display`.
    ///
    /// It is asked exactly when [`CorsLayer::with_origins`]'s `dynamic` would be (after it, if
    /// both are set): only about a serialized origin that the policy does not list, checked
    /// first by the rules of [`Policy::evaluate_with`] (ASCII, the form browsers send, at most
    /// [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN) bytes), so it never sees `https://x/`, `null`
    /// or 64 KiB of junk. It can only allow the origin (echoed, never `*`, so credentials stay
    /// safe) or refuse it; `Vary: Origin` is sent either way. An `Err` refuses the origin, and
    /// [`CorsLayer::on_refusal`] gets [`Refusal::OriginLookupFailed`] with the error's text. A
    /// refused preflight gets the usual `403` without running the handler.
    ///
    /// The lookup runs inside the service's response future: the service hands the inner
    /// service it made ready to that future and keeps a clone for the next request (tower's
    /// usual `mem::replace`), which is why this layer's service needs the inner service to be
    /// `Clone` (axum's routes and `tower::util::BoxCloneService` are). Requests the lookup is not
    /// asked about are served by the inner service in place, as without a lookup. The request
    /// uses one policy from start to end, also under [`CorsLayer::live`].
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::Arc;
    ///
    /// use axum::{routing::get, Router};
    /// use checked_cors::{Cors, CorsLayer, SerializedOrigin};
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
    /// let db = Tenants(Arc::new(HashSet::from(["https://initech.example.net".to_owned()])));
    /// let layer = CorsLayer::<Api>::new().with_origins_async(move |origin: SerializedOrigin| {
    ///     let db = db.clone();
    ///     async move { db.is_customer(origin.as_str()).await }
    /// });
    /// let app: Router = Router::new().route("/api", get(|| async { "hi" }).layer(layer));
    /// # let _ = app;
    /// ```
    #[must_use]
    pub fn with_origins_async<A: AsyncOrigins>(self, lookup: A) -> CorsLayer<P, Lookup<A>> {
        CorsLayer {
            source: self.source,
            dynamic: self.dynamic,
            on_refusal: self.on_refusal,
            lookup: Lookup::new(lookup),
            deferring: self.deferring,
            _policy: PhantomData,
        }
    }
}

impl<P, L: Clone> Clone for CorsLayer<P, L> {
    fn clone(&self) -> Self {
        CorsLayer {
            source: self.source.clone(),
            dynamic: self.dynamic.clone(),
            on_refusal: self.on_refusal.clone(),
            lookup: self.lookup.clone(),
            deferring: self.deferring,
            _policy: PhantomData,
        }
    }
}

impl<P, L> fmt::Debug for CorsLayer<P, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("CorsLayer");
        match &self.source {
            Source::Static(prepared) => debug.field("policy", prepared.policy()),
            Source::Fixed(prepared) => debug.field("policy", prepared.policy()),
            #[cfg(feature = "live")]
            Source::Live(live) => debug.field("live", live),
            #[cfg(feature = "live")]
            Source::LiveStatic(live) => debug.field("live", live),
        };
        debug
            .field("defer_to_inner", &self.deferring)
            .finish_non_exhaustive()
    }
}

impl<S, P, L: Clone> Layer<S> for CorsLayer<P, L> {
    type Service = CorsService<S, L>;

    fn layer(&self, inner: S) -> CorsService<S, L> {
        CorsService {
            inner,
            source: self.source.clone(),
            dynamic: self.dynamic.clone(),
            on_refusal: self.on_refusal.clone(),
            lookup: self.lookup.clone(),
            deferring: self.deferring,
        }
    }
}

/// The service made by [`CorsLayer`]; `L` is its origin lookup, as for the layer.
#[derive(Clone)]
pub struct CorsService<S, L = NoLookup> {
    pub(crate) inner: S,
    pub(crate) source: Source,
    pub(crate) dynamic: Option<SharedOrigins>,
    pub(crate) on_refusal: Option<OnRefusal>,
    pub(crate) lookup: L,
    pub(crate) deferring: bool,
}

impl<S: fmt::Debug, L> fmt::Debug for CorsService<S, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsService")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CorsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    // Inlined into the caller, as it was before composition made `call` longer: otherwise the
    // request is copied once more on its way in (measured with `bench/instructions.sh`).
    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let hooks = Hooks {
            dynamic: self
                .dynamic
                .as_deref()
                .map(|d| Dynamic::Ask(d as &dyn DynamicOrigins)),
            on_refusal: self.on_refusal.as_deref(),
            failure: None,
            deferring: self.deferring,
        };
        let inner = &mut self.inner;
        match &self.source {
            Source::Static(prepared) => call(inner, prepared, hooks, request),
            Source::Fixed(prepared) => call(inner, prepared, hooks, request),
            #[cfg(feature = "live")]
            Source::Live(live) => {
                // One load per request: the whole answer comes from this policy.
                let current = live.current();
                call(inner, &current, hooks, request)
            }
            #[cfg(feature = "live")]
            Source::LiveStatic(live) => {
                let current = live.current();
                call(inner, &current, hooks, request)
            }
        }
    }
}

/// What a service adds to its policy, borrowed for one request.
#[derive(Clone, Copy)]
pub(crate) struct Hooks<'a> {
    pub(crate) dynamic: Option<Dynamic<'a>>,
    pub(crate) on_refusal: Option<&'a ReportRefusal>,
    /// The error of the origin lookup that refused the request's origin: the reason reported.
    pub(crate) failure: Option<&'a str>,
    pub(crate) deferring: bool,
}

impl Hooks<'_> {
    /// Whether a request the handler answers takes the slow path, where the request is still at
    /// hand once its decision is made: a deferring layer marks it, and a refusal reported to the
    /// hook is read again from its parts.
    #[inline]
    fn keep_request(&self, refused: bool) -> bool {
        self.deferring || (refused && self.on_refusal.is_some())
    }
}

/// The composition protocol of nested layers (see the crate's "Composing layers"), carried in
/// extensions, which no client can forge. A deferring layer marks the request with a
/// `Deferred` flag; the first layer inside that sees it sets it (a layer decides every request
/// it sees, itself or through one nested inside), so the deferring layer knows, when the
/// response comes back, to leave it alone. A deferring layer that decided itself records what
/// it did as `Fallback`, so that a layer outside it, whose policy decides, can take it back.
#[derive(Clone, Debug)]
struct Deferred(Arc<AtomicBool>);

/// See [`Deferred`].
#[derive(Clone, Debug)]
enum Fallback {
    /// The decoration it applied to the inner service's response.
    Decorated(Decoration),
    /// Its own `403` to a forged write, which no layer outside decorates either.
    Answered,
}

/// Tells a deferring layer outside, if any, that this layer decides `request`.
#[inline]
fn claim<B>(request: &mut Request<B>) {
    if composing() && !request.extensions().is_empty() {
        if let Some(Deferred(decided)) = request.extensions_mut().remove::<Deferred>() {
            decided.store(true, Ordering::Relaxed);
        }
    }
}

/// Answers a preflight or a forged write from `prepared`, or calls `inner` with the decoration of
/// its response.
pub(crate) fn call<S, ReqBody, ResBody>(
    inner: &mut S,
    prepared: &PreparedPolicy,
    hooks: Hooks<'_>,
    mut request: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    claim(&mut request);
    // A `GET` or `HEAD` is decided by its origin alone, on a path of its own. A dynamic list or a
    // lookup's failure takes the whole evaluation, as does a refusal traced with its reason.
    // (The method is compared here too, so that other requests do not pay for a call.)
    let safe = request.method() == Method::GET || request.method() == Method::HEAD;
    if safe && hooks.dynamic.is_none() && hooks.failure.is_none() {
        match decorate_safe(prepared, &request) {
            Some(Ok(decoration)) => {
                return pass(inner, prepared, hooks, request, decoration, false);
            }
            Some(Err(refused)) if !(cfg!(feature = "tracing") && refused) => {
                return pass_vary(inner, prepared, hooks, request, refused);
            }
            _ => {}
        }
    }
    // A preflight likewise, answered from the templates; a refusal that is reported (traced or
    // to the hook) or a deferring layer's answer takes the whole evaluation.
    if request.method() == Method::OPTIONS
        && hooks.dynamic.is_none()
        && hooks.failure.is_none()
        && !hooks.deferring
    {
        let reported = cfg!(feature = "tracing") || hooks.on_refusal.is_some();
        if let Some(answer) = answer_preflight(prepared, &request, reported) {
            return ResponseFuture {
                state: State::Answered {
                    answer: Some(answer),
                },
                decoration: None,
            };
        }
    }
    {
        let mut origin = None;
        let decision = evaluate(prepared.policy(), &request, hooks.dynamic, &mut origin);
        let refused = decision.refusal().is_some();
        #[cfg(feature = "tracing")]
        if let Some(refusal) = decision.refusal() {
            let (method, path) = (request.method().as_str(), request.uri().path());
            let refusal = refusal.or_lookup_failure(hooks.failure);
            let origin = crate::http::read(&request).origin;
            crate::trace::refusal(&refusal, origin, method, path);
        }
        let blocked = decision.is_blocked();
        let own = answer_with_origin(prepared, &decision, request.headers(), origin);
        if own.is_none() {
            let decoration = Decoration::with_origin(prepared, &decision, origin);
            return pass(inner, prepared, hooks, request, decoration, refused);
        }
        if hooks.keep_request(refused) {
            return answer_reported(inner, prepared, hooks, request, own, blocked, refused);
        }
        // (`own` as it is: taken out of its `Option` and put back, the answer is copied twice.)
        ResponseFuture {
            state: State::Answered { answer: own },
            decoration: None,
        }
    }
}

/// [`call`]'s own answer to a refusal reported to the hook, or of a deferring layer.
#[inline(never)]
fn answer_reported<S, ReqBody, ResBody>(
    inner: &mut S,
    prepared: &PreparedPolicy,
    hooks: Hooks<'_>,
    mut request: Request<ReqBody>,
    answer: Option<Response<()>>,
    blocked: bool,
    refused: bool,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    if let (Some(report), true) = (hooks.on_refusal, refused) {
        request = report_refusal(report, prepared.policy(), hooks, request);
    }
    if hooks.deferring {
        return defer(inner, answer, None, blocked, request);
    }
    ResponseFuture {
        state: State::Answered { answer },
        decoration: None,
    }
}

/// [`call`] for a request the handler answers, decorated with `decoration`. Inlined into both
/// of `call`'s paths, so that the request reaches the inner service without a copy.
#[inline(always)]
fn pass<S, ReqBody, ResBody>(
    inner: &mut S,
    prepared: &PreparedPolicy,
    hooks: Hooks<'_>,
    request: Request<ReqBody>,
    decoration: Decoration,
    refused: bool,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    if hooks.keep_request(refused) {
        return pass_reported(inner, prepared, hooks, request, decoration, refused);
    }
    ResponseFuture {
        state: State::Inner {
            future: inner.call(request),
            deferred: None,
        },
        decoration: Some(decoration),
    }
}

/// [`pass`] for [`Decoration::vary`], which is built after the inner service's future: a
/// decoration held while the inner service is called (to be dropped should it panic) makes the
/// compiler build that future aside and copy it, on every request.
#[inline(always)]
fn pass_vary<S, ReqBody, ResBody>(
    inner: &mut S,
    prepared: &PreparedPolicy,
    hooks: Hooks<'_>,
    request: Request<ReqBody>,
    refused: bool,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    if hooks.keep_request(refused) {
        let decoration = Decoration::vary();
        return pass_reported(inner, prepared, hooks, request, decoration, refused);
    }
    ResponseFuture {
        state: State::Inner {
            future: inner.call(request),
            deferred: None,
        },
        decoration: Some(Decoration::vary()),
    }
}

/// [`pass`] for a refusal reported to the hook, or a deferring layer: kept apart, so that the
/// common path hands the request to the inner service without a copy.
#[inline(never)]
fn pass_reported<S, ReqBody, ResBody>(
    inner: &mut S,
    prepared: &PreparedPolicy,
    hooks: Hooks<'_>,
    mut request: Request<ReqBody>,
    decoration: Decoration,
    refused: bool,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    if let (Some(report), true) = (hooks.on_refusal, refused) {
        request = report_refusal(report, prepared.policy(), hooks, request);
    }
    if hooks.deferring {
        return defer(inner, None, Some(decoration), false, request);
    }
    ResponseFuture {
        state: State::Inner {
            future: inner.call(request),
            deferred: None,
        },
        decoration: Some(decoration),
    }
}

/// [`call`] for a deferring layer: marks the request and lets a nested layer decide, keeping its
/// own answer or decoration for when none did. A forged write is refused at once, whoever would
/// decide (see [`CorsLayer::defer_to_inner`]).
#[inline(never)]
fn defer<S, ReqBody, ResBody>(
    inner: &mut S,
    own: Option<Response<()>>,
    decoration: Option<Decoration>,
    blocked: bool,
    mut request: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    let own = match own {
        Some(mut answer) if blocked => {
            answer.extensions_mut().insert(Fallback::Answered);
            return ResponseFuture {
                state: State::Answered {
                    answer: Some(answer),
                },
                decoration: None,
            };
        }
        Some(answer) => Own::Answer(Some(answer)),
        None => Own::Decoration(decoration),
    };
    let decided = Arc::new(AtomicBool::new(false));
    request.extensions_mut().insert(Deferred(decided.clone()));
    ResponseFuture {
        state: State::Inner {
            future: inner.call(request),
            deferred: Some(Box::new((own, decided))),
        },
        decoration: None,
    }
}

/// Hands a refusal to the service's hook, with the request's parts. Kept out of the hot path: the
/// request is split only when a hook is set and the request was refused, and the (cheap, bounded)
/// evaluation is repeated to borrow the reason from the parts.
#[cold]
fn report_refusal<B>(
    report: &ReportRefusal,
    policy: &Policy<'static>,
    hooks: Hooks<'_>,
    request: Request<B>,
) -> Request<B> {
    let (parts, body) = request.into_parts();
    let request = read_parts(&parts.method, &parts.uri, &parts.headers);
    let decision = policy.evaluate_deferred(&request, None, hooks.dynamic, || {
        (request.request_headers, request.request_private_network)
    });
    if let Some(refusal) = decision.refusal() {
        report(&refusal.or_lookup_failure(hooks.failure), &parts);
    }
    Request::from_parts(parts, body)
}

pin_project_lite::pin_project! {
    /// The future of [`CorsService`]: the layer's own answer (a preflight's, or the `403` to a
    /// blocked write), or the handler's response decorated.
    // The decoration sits beside the state rather than in its `Inner` variant: built there, the
    // variant is made in a temporary and copied twice, with the inner service's future in it.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
        // What to add to the inner service's response.
        decoration: Option<Decoration>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Answered { answer: Option<Response<()>> },
        // `deferred` is a deferring layer's: the inner service's response if a nested layer
        // decided (the flag of its mark is set), else its own answer or decoration. Boxed and
        // in this variant, so that a plain layer's future grows by one pointer only, and only
        // this variant has it to drop.
        Inner {
            #[pin] future: F,
            deferred: Option<Box<(Own, Arc<AtomicBool>)>>,
        },
    }
}

/// What a deferring layer does when no nested layer decided.
enum Own {
    /// Answer the preflight, whatever the inner service said (a `404` or `405`, most likely).
    Answer(Option<Response<()>>),
    /// Decorate the inner service's response.
    Decoration(Option<Decoration>),
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    // As for `call`: kept inline, so that the response is not copied once more on its way out.
    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.state.project() {
            StateProj::Answered { answer } => {
                let answer = answer
                    .take()
                    .expect("ResponseFuture polled after completion");
                Poll::Ready(Ok(answer.map(|()| B::default())))
            }
            StateProj::Inner { future, deferred } => {
                let result = core::task::ready!(future.poll(cx));
                if let Some(deferred) = deferred {
                    return Poll::Ready(fall_back(result, deferred));
                }
                let mut response = result?;
                // A deferring layer nested inside may have decided first (see `Deferred`).
                if composing() && !response.extensions().is_empty() && take_back(&mut response) {
                    return Poll::Ready(Ok(response));
                }
                if let Some(decoration) = this.decoration {
                    decoration.apply_once(response.headers_mut());
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// Takes back the decoration a deferring layer nested inside applied, since this layer's policy
/// decides; `true` if that layer blocked a forged write instead, whose answer stays as it is.
#[cold]
fn take_back<B>(response: &mut Response<B>) -> bool {
    match response.extensions_mut().remove::<Fallback>() {
        Some(Fallback::Decorated(theirs)) => {
            theirs.undo(response.headers_mut());
            false
        }
        Some(Fallback::Answered) => true,
        None => false,
    }
}

/// A deferring layer's response: the inner service's if a nested layer decided, else its own
/// answer or its decoration of the inner service's response, recorded for a layer outside.
#[inline(never)]
fn fall_back<B: Default, E>(
    result: Result<Response<B>, E>,
    own: &mut (Own, Arc<AtomicBool>),
) -> Result<Response<B>, E> {
    let (own, decided) = own;
    if decided.load(Ordering::Relaxed) {
        return result;
    }
    match own {
        // Whatever the inner service said, failures included: the preflight is this layer's.
        Own::Answer(answer) => Ok(answer
            .take()
            .expect("ResponseFuture polled after completion")
            .map(|()| B::default())),
        Own::Decoration(decoration) => {
            let mut response = result?;
            if let Some(decoration) = decoration.take() {
                decoration.clone().apply(response.headers_mut());
                let fallback = Fallback::Decorated(decoration);
                response.extensions_mut().insert(fallback);
            }
            Ok(response)
        }
    }
}
