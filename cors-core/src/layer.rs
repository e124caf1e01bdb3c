//! `CorsLayer`: a tower layer that answers preflights itself and decorates every other response.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use ::http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use std::sync::Arc;

use crate::http::{answer, evaluate, read_parts, Decoration, PreparedPolicy};
use crate::{CorsPolicy, DynamicOrigins, Policy, Refusal, RuntimePolicy};

/// What [`CorsLayer::on_refusal`] calls with why a request got no CORS permission, for logs or
/// metrics: any closure, which may hold a logger or a metrics handle.
pub type OnRefusal = Arc<ReportRefusal>;

/// The closure behind an [`OnRefusal`].
pub type ReportRefusal = dyn Fn(&Refusal<'_>, &::http::request::Parts) + Send + Sync;

/// Origins decided while the service runs, shared by a layer's services.
type Dynamic = Arc<dyn DynamicOrigins + Send + Sync>;

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
/// In axum 0.8, `MethodRouter::route_layer` (as in `get(h).route_layer(layer)`) wraps only the
/// handlers that exist, so a preflight to a route without an `OPTIONS` handler never reaches the
/// layer and gets axum's `405`: use `.layer` there.
pub struct CorsLayer<P> {
    source: Source,
    dynamic: Option<Dynamic>,
    on_refusal: Option<OnRefusal>,
    _policy: PhantomData<fn() -> P>,
}

/// Where a layer's service finds the policy for each request.
#[derive(Clone)]
enum Source {
    /// A derived policy, prepared once per type: cloning the service copies a reference.
    Static(&'static PreparedPolicy),
    /// One policy for the layer's life: shared, so that cloning the service per request (as axum
    /// does) copies one pointer.
    Fixed(Arc<PreparedPolicy>),
    /// Whatever policy is in force when the request arrives.
    #[cfg(feature = "live")]
    Live(crate::LivePolicy),
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

impl<P> CorsLayer<P> {
    fn with_source(source: Source) -> Self {
        CorsLayer {
            source,
            dynamic: None,
            on_refusal: None,
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
    pub fn live(live: &crate::LivePolicy) -> Self {
        Self::with_source(Source::Live(live.clone()))
    }
}

impl<P: CorsPolicy> Default for CorsLayer<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> CorsLayer<P> {
    /// Calls `f` with the reason of every refusal (the request's origin, method or headers are not
    /// allowed, or are malformed; a forged write) and the request's parts. Costs nothing when
    /// unset.
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
    /// them unchanged; see [`Policy::evaluate_with`] for what `dynamic` is asked.
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
}

impl<P> Clone for CorsLayer<P> {
    fn clone(&self) -> Self {
        CorsLayer {
            source: self.source.clone(),
            dynamic: self.dynamic.clone(),
            on_refusal: self.on_refusal.clone(),
            _policy: PhantomData,
        }
    }
}

impl<P> fmt::Debug for CorsLayer<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("CorsLayer");
        match &self.source {
            Source::Static(prepared) => debug.field("policy", prepared.policy()),
            Source::Fixed(prepared) => debug.field("policy", prepared.policy()),
            #[cfg(feature = "live")]
            Source::Live(live) => debug.field("live", live),
        };
        debug.finish_non_exhaustive()
    }
}

impl<S, P> Layer<S> for CorsLayer<P> {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        CorsService {
            inner,
            source: self.source.clone(),
            dynamic: self.dynamic.clone(),
            on_refusal: self.on_refusal.clone(),
        }
    }
}

/// The service made by [`CorsLayer`].
#[derive(Clone)]
pub struct CorsService<S> {
    inner: S,
    source: Source,
    dynamic: Option<Dynamic>,
    on_refusal: Option<OnRefusal>,
}

impl<S: fmt::Debug> fmt::Debug for CorsService<S> {
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

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let hooks = Hooks {
            dynamic: self.dynamic.as_deref().map(|d| d as &dyn DynamicOrigins),
            on_refusal: self.on_refusal.as_deref(),
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
        }
    }
}

/// What a service adds to its policy, borrowed for one request.
#[derive(Clone, Copy)]
struct Hooks<'a> {
    dynamic: Option<&'a dyn DynamicOrigins>,
    on_refusal: Option<&'a ReportRefusal>,
}

/// Answers a preflight or a forged write from `prepared`, or calls `inner` with the decoration of
/// its response.
fn call<S, ReqBody, ResBody>(
    inner: &mut S,
    prepared: &PreparedPolicy,
    hooks: Hooks<'_>,
    mut request: Request<ReqBody>,
) -> ResponseFuture<S::Future>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    {
        let decision = evaluate(prepared.policy(), &request, hooks.dynamic);
        let refused = decision.refusal().is_some();
        let own = answer(prepared, &decision, request.headers());
        let decoration = match own {
            Some(_) => None,
            None => Some(Decoration::new(prepared, &decision, request.headers())),
        };
        if let (Some(report), true) = (hooks.on_refusal, refused) {
            request = report_refusal(report, prepared.policy(), hooks.dynamic, request);
        }
        match own {
            Some(answer) => ResponseFuture {
                state: State::Answered {
                    answer: Some(answer),
                },
            },
            None => ResponseFuture {
                state: State::Inner {
                    future: inner.call(request),
                    decoration,
                },
            },
        }
    }
}

/// Hands a refusal to the service's hook, with the request's parts. Kept out of the hot path: the
/// request is split only when a hook is set and the request was refused, and the (cheap, bounded)
/// evaluation is repeated to borrow the reason from the parts.
#[cold]
fn report_refusal<B>(
    report: &ReportRefusal,
    policy: &Policy<'static>,
    dynamic: Option<&dyn DynamicOrigins>,
    request: Request<B>,
) -> Request<B> {
    let (parts, body) = request.into_parts();
    if let Some(refusal) = policy
        .evaluate_with(
            &read_parts(&parts.method, &parts.uri, &parts.headers),
            dynamic,
        )
        .refusal()
    {
        report(&refusal, &parts);
    }
    Request::from_parts(parts, body)
}

pin_project_lite::pin_project! {
    /// The future of [`CorsService`]: the layer's own answer (a preflight's, or the `403` to a
/// blocked write), or the handler's response decorated.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Answered { answer: Option<Response<()>> },
        Inner { #[pin] future: F, decoration: Option<Decoration> },
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Answered { answer } => {
                let answer = answer
                    .take()
                    .expect("ResponseFuture polled after completion");
                Poll::Ready(Ok(answer.map(|()| B::default())))
            }
            StateProj::Inner { future, decoration } => {
                let mut response = core::task::ready!(future.poll(cx))?;
                if let Some(decoration) = decoration.take() {
                    decoration.apply(response.headers_mut());
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}
