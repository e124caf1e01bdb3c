//! A sketch of the change this benchmark still suggests to `checked_cors::CorsLayer`, measured beside
//! it: answer a preflight with a clone of a header map built once, rather than building the map
//! per request. Actual requests are passed to `checked_cors`'s own service unchanged (its adapter
//! already does what the earlier version of this sketch did for them). Built only on `checked-cors`'s
//! public API; it must send exactly the same status and headers (checked by `Scenario::check`) and
//! is not meant for use.
//!
//! Per preflight, `CorsLayer` sizes a new map for eight headers (`HeaderMap::with_capacity(8)`:
//! 16 index slots and 12 entries, an entries buffer of over 1 KiB) and inserts each header (hash,
//! probe, push). Here the map for each shape of answer is built once; a preflight clones it (two
//! allocations sized to its five or six entries, a copy, and a pointer copy per `'static` value)
//! and overwrites the placeholder `Access-Control-Allow-Origin` with the request's own `Origin`
//! value, which an allowed origin equals byte for byte (no per-byte validation).

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use checked_cors::http::read_request;
use checked_cors::{CorsLayer, CorsService, Decision, Policy, ResponseHeader, Value};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

const ALLOW_PRIVATE_NETWORK: header::HeaderName =
    header::HeaderName::from_static("access-control-allow-private-network");

/// The eight header names of [`Decision::headers`], in [`ResponseHeader`]'s order.
const NAMES: usize = 8;

/// A preflight answer's headers, built once for one set of policy values.
struct Template {
    /// The policy string of each header (by [`ResponseHeader`] as index), compared by address with a
    /// decision's before the map is reused; `None` where absent or for `Allow-Origin`.
    values: [Option<&'static str>; NAMES],
    /// The headers, `Access-Control-Allow-Origin` (if any) holding a placeholder.
    map: HeaderMap,
}

/// Templates by the set of header names an answer has (a bit per [`ResponseHeader`]).
struct Templates {
    by_shape: [OnceLock<Template>; 1 << NAMES],
}

/// What a preflight decision needs besides its template: the set of its headers, their policy
/// strings, and its `Access-Control-Allow-Origin` value. `None` if a value echoes the request's
/// `Access-Control-Request-Headers` (policies with `headers = "*"`): those are not templated.
struct Shape {
    mask: usize,
    values: [Option<&'static str>; NAMES],
    allow_origin: Option<HeaderValue>,
}

impl Shape {
    fn of(decision: &Decision<'static, '_>, request: &HeaderMap) -> Option<Shape> {
        let mut shape = Shape {
            mask: 0,
            values: [None; NAMES],
            allow_origin: None,
        };
        for (name, value) in decision.headers() {
            shape.mask |= 1 << name as usize;
            match (name, value) {
                (ResponseHeader::AllowOrigin, Value::Policy("*")) => {
                    shape.allow_origin = Some(HeaderValue::from_static("*"));
                }
                // Allowed origins equal the request's `Origin` byte for byte (the table's copy of
                // an exact origin included): echo the request's value, already a `HeaderValue`.
                (ResponseHeader::AllowOrigin, _) => {
                    shape.allow_origin = Some(request.get(header::ORIGIN)?.clone());
                }
                (_, Value::Policy(s)) => shape.values[name as usize] = Some(s),
                (
                    _,
                    Value::RequestOrigin(_) | Value::RequestHeaders(_) | Value::RequestMethod(_),
                ) => return None,
            }
        }
        Some(shape)
    }
}

impl Templates {
    fn new() -> Box<Self> {
        Box::new(Templates {
            by_shape: std::array::from_fn(|_| OnceLock::new()),
        })
    }

    /// The answer's headers: a clone of the template for `shape`, built the first time.
    fn headers(&self, shape: Shape) -> HeaderMap {
        let template = self.by_shape[shape.mask].get_or_init(|| Template {
            values: shape.values,
            map: build(&shape),
        });
        let mut map = if template.values == shape.values {
            template.map.clone()
        } else {
            // Same header names, other strings (not seen with one policy): built afresh.
            build(&shape)
        };
        if let Some(origin) = shape.allow_origin {
            // Overwrites the placeholder in place. Not `insert`: it reserves room for one more
            // entry before looking the name up, and a clone's entries are full, so it would grow
            // the map (two more allocations) even to replace a value.
            if let Some(placeholder) = map.get_mut(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
                *placeholder = origin;
            }
        }
        map
    }
}

fn build(shape: &Shape) -> HeaderMap {
    let mut map = HeaderMap::new();
    if shape.mask & 1 << ResponseHeader::AllowOrigin as usize != 0 {
        map.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    for (index, value) in shape.values.iter().enumerate() {
        // `checked-cors` drops a policy value that is not a valid header value rather than panic in
        // `from_static`; so does this.
        let Some(value) =
            value.filter(|s| s.bytes().all(|b| b == b'\t' || (b' '..0x7f).contains(&b)))
        else {
            continue;
        };
        map.insert(http_name(index), HeaderValue::from_static(value));
    }
    map
}

fn http_name(index: usize) -> header::HeaderName {
    const BY_INDEX: [(ResponseHeader, header::HeaderName); NAMES] = [
        (
            ResponseHeader::AllowOrigin,
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
        ),
        (
            ResponseHeader::AllowCredentials,
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        ),
        (
            ResponseHeader::AllowMethods,
            header::ACCESS_CONTROL_ALLOW_METHODS,
        ),
        (
            ResponseHeader::AllowHeaders,
            header::ACCESS_CONTROL_ALLOW_HEADERS,
        ),
        (ResponseHeader::MaxAge, header::ACCESS_CONTROL_MAX_AGE),
        (ResponseHeader::AllowPrivateNetwork, ALLOW_PRIVATE_NETWORK),
        (
            ResponseHeader::ExposeHeaders,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
        ),
        (ResponseHeader::Vary, header::VARY),
    ];
    let (name, http) = &BY_INDEX[index];
    debug_assert_eq!(*name as usize, index, "ResponseHeader's order");
    http.clone()
}

/// The lean layer's service: `policy` over `inner`, preflights answered from templates.
pub struct LeanCors<S> {
    policy: &'static Policy<'static>,
    templates: Box<Templates>,
    inner: CorsService<S>,
}

impl<S> LeanCors<S> {
    /// `policy` over `inner`.
    pub fn new(policy: &'static Policy<'static>, inner: S) -> Self {
        LeanCors {
            policy,
            templates: Templates::new(),
            inner: CorsLayer::from_policy(policy.clone()).layer(inner),
        }
    }
}

impl<S, B> Service<http::Request<()>> for LeanCors<S>
where
    S: Service<http::Request<()>, Response = Response<B>>,
    CorsService<S>: Service<http::Request<()>, Response = Response<B>, Error = S::Error>,
    B: Default,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = LeanFuture<<CorsService<S> as Service<http::Request<()>>>::Future, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<()>) -> Self::Future {
        if request.method() == Method::OPTIONS {
            let headers = request.headers();
            let decision = self
                .policy
                .evaluate(&read_request(request.method(), headers));
            let status = decision
                .preflight_status()
                .and_then(|status| StatusCode::from_u16(status).ok());
            if let (Some(status), Some(shape)) = (status, Shape::of(&decision, headers)) {
                let mut answer = Response::new(B::default());
                *answer.status_mut() = status;
                *answer.headers_mut() = self.templates.headers(shape);
                return LeanFuture::Preflight {
                    answer: Some(answer),
                };
            }
        }
        // Actual requests (and the rare preflights not templated) take checked-cors's own path.
        LeanFuture::Inner {
            future: self.inner.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`LeanCors`].
    #[project = LeanProjection]
    pub enum LeanFuture<F, B> {
        /// A preflight's answer.
        Preflight { answer: Option<Response<B>> },
        /// `checked_cors`'s future.
        Inner { #[pin] future: F },
    }
}

impl<F, B, E> Future for LeanFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            LeanProjection::Preflight { answer } => {
                Poll::Ready(Ok(answer.take().expect("polled after completion")))
            }
            LeanProjection::Inner { future } => future.poll(cx),
        }
    }
}
