//! A sketch of the changes this benchmark suggests to `cors_core::CorsLayer`, measured beside it.
//! It is built only on `cors-core`'s public API (`Policy::evaluate`, `Decision::headers`) and must
//! send exactly the same headers (checked by `Scenario::check`); it is not meant for use.
//!
//! The three differences from `cors_core::CorsLayer` (see `BENCHMARKS.md` for their measured cost):
//! 1. only `Origin` is looked up for a request that is not `OPTIONS`: the three
//!    `Access-Control-Request-*` headers matter only to a preflight;
//! 2. no header value is validated per request: the policy's strings are made `HeaderValue`s once
//!    per header name and cloned after (a static `Bytes` clone copies four words), and an allowed
//!    origin is answered with a clone of the request's own `Origin` value, which it equals byte for
//!    byte;
//! 3. the decoration kept while the handler runs holds the four headers an actual response can
//!    get (`Access-Control-Allow-Origin`, `-Allow-Credentials`, `-Expose-Headers`, `Vary`), not
//!    eight, so that less is moved into the response future.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use cors_core::{Decision, Header, HeaderName, Policy, Request, Value};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use tower_service::Service;

// `const`s, so that `from_static` (which checks every byte) runs at compile time.
const REQUEST_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-request-private-network");
const ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

/// Header values made once per header name and policy string.
#[derive(Default)]
struct Cache {
    slots: [OnceLock<(&'static str, HeaderValue)>; 16],
}

impl Cache {
    /// The value for `s` as header `name` of a preflight answer or not: a clone of the one made the
    /// first time, when `s` is the same string (by address) as then.
    fn get(&self, name: HeaderName, preflight: bool, s: &'static str) -> HeaderValue {
        let slot = &self.slots[name as usize * 2 + usize::from(preflight)];
        let (cached, value) = slot.get_or_init(|| (s, HeaderValue::from_static(s)));
        if std::ptr::eq(*cached, s) {
            value.clone()
        } else {
            HeaderValue::from_static(s)
        }
    }
}

/// The lean layer's service: `policy` over `inner`.
pub struct LeanCors<S> {
    inner: S,
    policy: &'static Policy<'static>,
    cache: &'static Cache,
}

impl<S> LeanCors<S> {
    /// `policy` over `inner`. Leaks a small cache: build it once, as the policy itself is.
    pub fn new(policy: &'static Policy<'static>, inner: S) -> Self {
        LeanCors {
            inner,
            policy,
            cache: Box::leak(Box::default()),
        }
    }
}

fn read<'r>(headers: &'r HeaderMap, name: &header::HeaderName) -> Header<'r> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Header::Absent,
        (Some(value), None) => Header::One(value.as_bytes()),
        (Some(_), Some(_)) => Header::Many,
    }
}

/// At most four headers, the most an actual response gets.
pub type Decoration = [Option<(header::HeaderName, HeaderValue)>; 4];

fn values<'a>(
    decision: &'a Decision<'static, '_>,
    request: &'a HeaderMap,
    cache: &'a Cache,
) -> impl Iterator<Item = (header::HeaderName, HeaderValue)> + 'a {
    let preflight = decision.is_preflight();
    decision.headers().filter_map(move |(name, value)| {
        let value = match (name, value) {
            // Allowed origins equal the request's `Origin` byte for byte (the table's copy of an
            // exact origin included): echo the request's value, already a `HeaderValue`.
            (HeaderName::AllowOrigin, Value::Policy("*")) => cache.get(name, preflight, "*"),
            (HeaderName::AllowOrigin, _) | (_, Value::RequestOrigin(_)) => {
                request.get(header::ORIGIN)?.clone()
            }
            (_, Value::RequestHeaders(_)) => {
                request.get(header::ACCESS_CONTROL_REQUEST_HEADERS)?.clone()
            }
            (_, Value::Policy(s)) => cache.get(name, preflight, s),
        };
        Some((http_name(name), value))
    })
}

fn http_name(name: HeaderName) -> header::HeaderName {
    match name {
        HeaderName::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderName::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderName::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderName::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderName::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
        HeaderName::AllowPrivateNetwork => ALLOW_PRIVATE_NETWORK,
        HeaderName::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderName::Vary => header::VARY,
    }
}

fn apply(
    headers: &mut HeaderMap,
    decoration: impl IntoIterator<Item = (header::HeaderName, HeaderValue)>,
) {
    for (name, value) in decoration {
        if name == header::VARY {
            headers.append(name, value);
        } else {
            headers.insert(name, value);
        }
    }
}

impl<S, B> Service<http::Request<()>> for LeanCors<S>
where
    S: Service<http::Request<()>, Response = Response<B>>,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = LeanFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<()>) -> Self::Future {
        let headers = request.headers();
        let options = request.method() == Method::OPTIONS;
        let read_if = |on: bool, name| {
            if on {
                read(headers, name)
            } else {
                Header::Absent
            }
        };
        let decision = self.policy.evaluate(&Request {
            method: request.method().as_str().as_bytes(),
            origin: read(headers, &header::ORIGIN),
            request_method: read_if(options, &header::ACCESS_CONTROL_REQUEST_METHOD),
            request_headers: read_if(options, &header::ACCESS_CONTROL_REQUEST_HEADERS),
            request_private_network: read_if(options, &REQUEST_PRIVATE_NETWORK),
        });
        if let Some(status) = decision.preflight_status() {
            let mut answer = Response::new(());
            *answer.status_mut() = StatusCode::from_u16(status).expect("204 or 403");
            apply(answer.headers_mut(), values(&decision, headers, self.cache));
            return LeanFuture::Preflight {
                answer: Some(answer),
            };
        }
        let mut decoration: Decoration = Default::default();
        for (slot, value) in decoration
            .iter_mut()
            .zip(values(&decision, headers, self.cache))
        {
            *slot = Some(value);
        }
        LeanFuture::Inner {
            future: self.inner.call(request),
            decoration,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`LeanCors`].
    #[project = LeanProjection]
    pub enum LeanFuture<F> {
        /// A preflight's answer.
        Preflight { answer: Option<Response<()>> },
        /// The handler's future and the headers to add to its response.
        Inner { #[pin] future: F, decoration: Decoration },
    }
}

impl<F, B, E> Future for LeanFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            LeanProjection::Preflight { answer } => {
                let answer = answer.take().expect("polled after completion");
                Poll::Ready(Ok(answer.map(|()| B::default())))
            }
            LeanProjection::Inner { future, decoration } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                apply(
                    response.headers_mut(),
                    std::mem::take(decoration).into_iter().flatten(),
                );
                Poll::Ready(Ok(response))
            }
        }
    }
}
