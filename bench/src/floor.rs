//! The floor: a tower layer doing only the work no correct CORS layer over `http` types can avoid,
//! so that `CorsLayer`'s cost is read against it rather than only against another library.
//!
//! Per request it reads `Origin`, compares it with one allowed value, and writes headers prepared
//! at start-up: four into the handler's response for an allowed actual request, `Vary` alone for
//! any other actual request, a clone of a whole prepared header map for a preflight. It checks no
//! method, no requested header, no syntax: it answers only the benchmark's policy
//! ([`crate::policies`]), and `Scenario::check` proves it sends exactly the status and headers
//! `CorsLayer` sends, scenario by scenario.
//!
//! "One comparison" holds for the scenarios that ask with several origins too (the exact lists and
//! the pattern): the floor is given the origins its scenario sends, in the order it sends them,
//! and compares each request with the one it expects next, so it stands for an ideal matcher
//! whose cost does not depend on the policy's size. Only when out of step (at a batch's start)
//! does it look further.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

/// Everything the floor writes, built once. Leaked by [`FloorLayer::new`], like the `static` a
/// derived policy's prepared values live in, so that a response future holds one reference.
#[derive(Debug)]
pub struct Answers {
    /// The allowed origins, in the order the scenario sends them.
    origins: Box<[HeaderValue]>,
    credentials: HeaderValue,
    expose: HeaderValue,
    vary: HeaderValue,
    /// One whole allowed preflight answer per origin, `Access-Control-Allow-Origin` included.
    preflights: Box<[HeaderMap]>,
    /// The refused preflight's answer: `Vary` alone.
    refused_preflight: HeaderMap,
}

/// The floor layer for the benchmark's policy, allowing `origins` (in the order they are sent).
#[derive(Clone, Copy, Debug)]
pub struct FloorLayer {
    answers: &'static Answers,
}

impl FloorLayer {
    /// The floor allowing `origins`, which must be valid header values.
    ///
    /// # Panics
    ///
    /// If `origins` is empty or one of them is not a valid header value.
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(origins: I) -> Self {
        // `from_static` values clone without touching a shared count, as a derived policy's do:
        // the strings must live as long as the values, and the benchmark builds a bounded
        // number of layers.
        let origins: Box<[HeaderValue]> = origins
            .into_iter()
            .map(|origin| {
                let leaked: &'static str = Box::leak(origin.as_ref().into());
                HeaderValue::from_static(leaked)
            })
            .collect();
        assert!(!origins.is_empty(), "the floor allows at least one origin");
        let preflights = origins
            .iter()
            .map(|origin| {
                let mut map = HeaderMap::with_capacity(6);
                for (name, value) in [
                    (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone()),
                    (
                        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                        HeaderValue::from_static("true"),
                    ),
                    (
                        header::ACCESS_CONTROL_ALLOW_METHODS,
                        HeaderValue::from_static("GET, POST, PUT, DELETE"),
                    ),
                    (
                        header::ACCESS_CONTROL_ALLOW_HEADERS,
                        HeaderValue::from_static("content-type, authorization, x-api-key"),
                    ),
                    (
                        header::ACCESS_CONTROL_MAX_AGE,
                        HeaderValue::from_static("600"),
                    ),
                    (header::VARY, HeaderValue::from_static(VARY_PREFLIGHT)),
                ] {
                    map.insert(name, value);
                }
                map
            })
            .collect();
        let mut refused_preflight = HeaderMap::with_capacity(1);
        refused_preflight.insert(header::VARY, HeaderValue::from_static(VARY_PREFLIGHT));
        let answers = Box::leak(Box::new(Answers {
            origins,
            credentials: HeaderValue::from_static("true"),
            expose: HeaderValue::from_static("x-request-id"),
            vary: HeaderValue::from_static("origin"),
            preflights,
            refused_preflight,
        }));
        FloorLayer { answers }
    }
}

const VARY_PREFLIGHT: &str =
    "origin, access-control-request-method, access-control-request-headers";

impl<S> Layer<S> for FloorLayer {
    type Service = Floor<S>;

    fn layer(&self, inner: S) -> Floor<S> {
        Floor {
            inner,
            answers: self.answers,
            next: 0,
        }
    }
}

/// The floor's service.
#[derive(Clone, Debug)]
pub struct Floor<S> {
    inner: S,
    answers: &'static Answers,
    /// The origin expected next.
    next: usize,
}

impl<S> Floor<S> {
    /// Where `origin` is among the allowed origins: one comparison when in step.
    fn find(&mut self, origin: &[u8]) -> Option<usize> {
        let origins = &self.answers.origins;
        let at = if origins[self.next].as_bytes() == origin {
            self.next
        } else if origins.len() == 1 {
            return None;
        } else {
            out_of_step(origins, origin)?
        };
        self.next = if at + 1 == origins.len() { 0 } else { at + 1 };
        Some(at)
    }
}

#[cold]
fn out_of_step(origins: &[HeaderValue], origin: &[u8]) -> Option<usize> {
    origins.iter().position(|o| o.as_bytes() == origin)
}

impl<S, ReqBody, B> Service<Request<ReqBody>> for Floor<S>
where
    S: Service<Request<ReqBody>, Response = Response<B>>,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = FloorFuture<S::Future, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let found = match request.headers().get(header::ORIGIN) {
            Some(origin) => self.find(origin.as_bytes()).map(Some),
            None => Some(None),
        };
        let answers = self.answers;
        if request.method() == Method::OPTIONS {
            // Every preflight of the benchmark comes with an `Origin`.
            let (status, headers) = match found {
                Some(Some(at)) => (StatusCode::NO_CONTENT, answers.preflights[at].clone()),
                _ => (StatusCode::FORBIDDEN, answers.refused_preflight.clone()),
            };
            let mut answer = Response::new(B::default());
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            return FloorFuture::Answered {
                answer: Some(answer),
            };
        }
        FloorFuture::Inner {
            future: self.inner.call(request),
            answers,
            origin: found.flatten(),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Floor`].
    #[project = FloorProjection]
    pub enum FloorFuture<F, B> {
        /// A preflight's answer.
        Answered { answer: Option<Response<B>> },
        /// The handler's response, to decorate.
        Inner {
            #[pin]
            future: F,
            answers: &'static Answers,
            origin: Option<usize>,
        },
    }
}

impl<F, B, E> Future for FloorFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            FloorProjection::Answered { answer } => {
                Poll::Ready(Ok(answer.take().expect("polled after completion")))
            }
            FloorProjection::Inner {
                future,
                answers,
                origin,
            } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                let headers = response.headers_mut();
                if let Some(at) = *origin {
                    headers.insert(
                        header::ACCESS_CONTROL_ALLOW_ORIGIN,
                        answers.origins[at].clone(),
                    );
                    headers.insert(
                        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                        answers.credentials.clone(),
                    );
                    headers.insert(
                        header::ACCESS_CONTROL_EXPOSE_HEADERS,
                        answers.expose.clone(),
                    );
                }
                headers.append(header::VARY, answers.vary.clone());
                Poll::Ready(Ok(response))
            }
        }
    }
}
