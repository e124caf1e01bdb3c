//! Origins decided by an asynchronous lookup: `CorsLayer::with_origins_async` (feature `tower`)
//! and `actix::Cors::with_origins_async` (feature `actix`). The types the lookup sees are
//! shared; each integration awaits it in its own future.

use core::cell::Cell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use std::string::{String, ToString};
use std::sync::Arc;

#[cfg(feature = "tower")]
use ::http::header::ORIGIN;
#[cfg(feature = "tower")]
use ::http::{Request, Response};
#[cfg(feature = "tower")]
use tower_service::Service;

#[cfg(feature = "tower")]
use crate::decision::Dynamic;
#[cfg(feature = "tower")]
use crate::http::{read, PreparedPolicy};
#[cfg(feature = "tower")]
use crate::layer::{call, CorsService, Hooks, OnRefusal, ResponseFuture};
use crate::DynamicOrigins;

/// A request's `Origin` as the browser sent it, which passed the checks of
/// [`Policy::evaluate_with`](crate::Policy::evaluate_with) (ASCII, the serialized form browsers
/// send, at most [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN) bytes) and is not among the policy's
/// origins: what an [`AsyncOrigins`] lookup is asked about. Only the tower layer and the actix
/// middleware make one.
///
/// It shares the request header's bytes (a reference count, no copy), and can be moved into the
/// lookup's future.
#[derive(Clone)]
pub struct SerializedOrigin(Repr);

/// The `Origin` header value, in the `http` crate version of the server it came from: actix-web 4
/// has `http` 0.2's, whose bytes cannot be moved into an `http` 1 value without a copy.
#[derive(Clone)]
enum Repr {
    #[cfg(feature = "tower")]
    Http(::http::HeaderValue),
    #[cfg(feature = "actix")]
    Actix(actix_web::http::header::HeaderValue),
}

impl SerializedOrigin {
    /// The origin, such as `https://initech.example.net`.
    pub fn as_str(&self) -> &str {
        let bytes = match &self.0 {
            #[cfg(feature = "tower")]
            Repr::Http(value) => value.as_bytes(),
            #[cfg(feature = "actix")]
            Repr::Actix(value) => value.as_bytes(),
        };
        // Checked to be visible ASCII before it was made, so this is never the default.
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The `Origin` of an actix-web request, which the middleware's evaluation checked.
    #[cfg(feature = "actix")]
    pub(crate) fn actix(origin: actix_web::http::header::HeaderValue) -> Self {
        SerializedOrigin(Repr::Actix(origin))
    }
}

impl PartialEq for SerializedOrigin {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SerializedOrigin {}

impl AsRef<str> for SerializedOrigin {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for SerializedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SerializedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Origins a layer allows beyond its policy's, decided per request by a lookup that may wait (a
/// database query): see `CorsLayer::with_origins_async` (feature `tower`) and
/// `actix::Cors::with_origins_async` (feature `actix`). Implemented by closures `Fn(SerializedOrigin) -> Fut` where `Fut` is a
/// `Future<Output = Result<bool, E>>` and `E: Display`.
pub trait AsyncOrigins {
    /// Why the lookup failed; its text is the reason of [`Refusal::OriginLookupFailed`](crate::Refusal::OriginLookupFailed).
    type Error: fmt::Display;
    /// The lookup in progress.
    type Future: Future<Output = Result<bool, Self::Error>>;

    /// Whether `origin` may read responses (`Ok(true)`), may not (`Ok(false)`), or could not be
    /// looked up (`Err`, a refusal too).
    fn allows(&self, origin: SerializedOrigin) -> Self::Future;
}

impl<F, Fut, E> AsyncOrigins for F
where
    F: Fn(SerializedOrigin) -> Fut,
    Fut: Future<Output = Result<bool, E>>,
    E: fmt::Display,
{
    type Error = E;
    type Future = Fut;

    fn allows(&self, origin: SerializedOrigin) -> Fut {
        self(origin)
    }
}

/// The origin lookup of a `CorsLayer` or an `actix::Cors` without one: the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoLookup;

/// The origin lookup of a `CorsLayer` or an `actix::Cors` given by their `with_origins_async`,
/// shared by the layer's services (the middleware's, in every worker).
pub struct Lookup<A>(Arc<A>);

impl<A> Lookup<A> {
    pub(crate) fn new(lookup: A) -> Self {
        Lookup(Arc::new(lookup))
    }

    /// The lookup itself.
    #[cfg(feature = "actix")]
    pub(crate) fn get(&self) -> &A {
        &self.0
    }
}

impl<A> Clone for Lookup<A> {
    fn clone(&self) -> Self {
        Lookup(self.0.clone())
    }
}

impl<A> fmt::Debug for Lookup<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lookup")
    }
}

/// The policy one request is answered by, held until its answer is complete.
#[cfg(feature = "tower")]
pub(crate) enum Pinned {
    Static(&'static PreparedPolicy),
    Shared(Arc<PreparedPolicy>),
}

#[cfg(feature = "tower")]
impl Pinned {
    fn get(&self) -> &PreparedPolicy {
        match self {
            Pinned::Static(prepared) => prepared,
            Pinned::Shared(prepared) => prepared,
        }
    }
}

/// The layer's own origins (`with_origins`) first; records whether the evaluation went on to
/// ask about an origin they do not allow, which is then the lookup's to decide. Asked by
/// `Policy::evaluate_with` itself, so the lookup gets exactly the origins that passed its checks.
pub(crate) struct Probe<'a> {
    dynamic: Option<&'a dyn DynamicOrigins>,
    asked: Cell<bool>,
}

impl<'a> Probe<'a> {
    pub(crate) fn new(dynamic: Option<&'a dyn DynamicOrigins>) -> Self {
        Probe {
            dynamic,
            asked: Cell::new(false),
        }
    }

    /// Whether the evaluation asked about an origin the layer's own origins do not allow.
    pub(crate) fn asked(&self) -> bool {
        self.asked.get()
    }
}

impl DynamicOrigins for Probe<'_> {
    fn allows(&self, origin: &str) -> bool {
        if self.dynamic.is_some_and(|d| d.allows(origin)) {
            return true;
        }
        self.asked.set(true);
        false
    }
}

#[cfg(feature = "tower")]
impl<S, A, ReqBody, ResBody> Service<Request<ReqBody>> for CorsService<S, Lookup<A>>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    A: AsyncOrigins,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = LookupFuture<S, ReqBody, A::Future, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // One policy for the whole request, lookup included.
        let policy = self.source.now();
        let dynamic = self.dynamic.as_deref().map(|d| d as &dyn DynamicOrigins);
        let probe = Probe::new(dynamic);
        let _ = policy
            .get()
            .policy()
            .evaluate_with(&read(&request), Some(&probe));
        // Asked only about a single `Origin`, so this is the value it checked.
        let asked = probe.asked();
        let origin = asked.then(|| request.headers().get(ORIGIN).cloned());
        let Some(Some(origin)) = origin else {
            let hooks = Hooks {
                dynamic: dynamic.map(Dynamic::Ask),
                on_refusal: self.on_refusal.as_deref(),
                failure: None,
                deferring: self.deferring,
            };
            let response = call(&mut self.inner, policy.get(), hooks, request);
            return LookupFuture {
                state: Awaiting::Responding { response },
            };
        };
        let lookup = self.lookup.0.allows(SerializedOrigin(Repr::Http(origin)));
        // The inner service was made ready by `poll_ready`: that one serves this request, later,
        // and its clone the next.
        let ready = self.inner.clone();
        let inner = core::mem::replace(&mut self.inner, ready);
        LookupFuture {
            state: Awaiting::Asking {
                lookup,
                pending: Some(Pending {
                    inner,
                    request,
                    policy: policy.pin(),
                    on_refusal: self.on_refusal.clone(),
                    deferring: self.deferring,
                }),
            },
        }
    }
}

/// What a request waiting for its origin's lookup needs afterwards.
#[cfg(feature = "tower")]
struct Pending<S, B> {
    inner: S,
    request: Request<B>,
    policy: Pinned,
    on_refusal: Option<OnRefusal>,
    deferring: bool,
}

#[cfg(feature = "tower")]
impl<S, B, R> Finish for Pending<S, B>
where
    S: Service<Request<B>, Response = Response<R>>,
    R: Default,
{
    type Response = ResponseFuture<S::Future>;

    /// Answers the request as the policy does with the lookup's verdict on its origin.
    fn finish(mut self, allowed: bool, failure: Option<String>) -> Self::Response {
        // The evaluation asks again about the same origin only (the layer's `with_origins` said
        // no to it already): the lookup's verdict is the answer.
        let hooks = Hooks {
            dynamic: Some(Dynamic::Verdict(allowed)),
            on_refusal: self.on_refusal.as_deref(),
            failure: failure.as_deref(),
            deferring: self.deferring,
        };
        call(&mut self.inner, self.policy.get(), hooks, self.request)
    }
}

/// A request waiting for its origin's lookup, as the tower layer and the actix middleware each
/// keep it: what answers it once the lookup has.
pub(crate) trait Finish {
    /// The future of the answer.
    type Response;

    /// Answers the request with the lookup's verdict, `allowed`; `failure` is the lookup's error,
    /// if it failed (then `allowed` is `false`).
    fn finish(self, allowed: bool, failure: Option<String>) -> Self::Response;
}

pin_project_lite::pin_project! {
    /// The lookup, if the request's origin is the lookup's to decide, then the answer: the
    /// state of both integrations' `LookupFuture`, which differ only in what `P` is.
    #[project = AwaitingProj]
    pub(crate) enum Awaiting<L, P, R> {
        Asking { #[pin] lookup: L, pending: Option<P> },
        Responding { #[pin] response: R },
    }
}

impl<L, P, R, E> Future for Awaiting<L, P, R>
where
    L: Future<Output = Result<bool, E>>,
    E: fmt::Display,
    P: Finish<Response = R>,
    R: Future,
{
    type Output = R::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R::Output> {
        loop {
            match self.as_mut().project() {
                AwaitingProj::Asking { lookup, pending } => {
                    let verdict = core::task::ready!(lookup.poll(cx));
                    let pending = pending
                        .take()
                        .expect("LookupFuture polled after completion");
                    // A failed lookup refuses the origin, with its error as the reason.
                    let response = match verdict {
                        Ok(allowed) => pending.finish(allowed, None),
                        Err(error) => pending.finish(false, Some(error.to_string())),
                    };
                    self.set(Awaiting::Responding { response });
                }
                AwaitingProj::Responding { response } => return response.poll(cx),
            }
        }
    }
}

#[cfg(feature = "tower")]
pin_project_lite::pin_project! {
    /// The future of a [`CorsService`] with an origin lookup: the lookup, if the request's
    /// origin is the lookup's to decide, then the layer's own answer or the handler's response
    /// decorated, as [`ResponseFuture`].
    pub struct LookupFuture<S, B, L, F> {
        #[pin]
        state: Awaiting<L, Pending<S, B>, ResponseFuture<F>>,
    }
}

#[cfg(feature = "tower")]
impl<S, B, L, E, F, R> Future for LookupFuture<S, B, L, F>
where
    S: Service<Request<B>, Response = Response<R>, Future = F>,
    L: Future<Output = Result<bool, E>>,
    E: fmt::Display,
    F: Future<Output = Result<Response<R>, S::Error>>,
    R: Default,
{
    type Output = Result<Response<R>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().state.poll(cx)
    }
}
