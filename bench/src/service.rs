//! The inner service every implementation wraps, and the call that drives any of them.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use http::{Request, Response};
use tower_service::Service;

/// Room left in the handler's response headers, so that a CORS layer adding its four or five
/// headers does not have to grow the map: what the allocation targets assume.
pub const RESPONSE_HEADER_CAPACITY: usize = 16;

/// The baseline: a handler that answers at once with an empty body, a `content-type`, and header
/// room reserved (two allocations, the map's).
#[derive(Clone, Copy, Debug, Default)]
pub struct Bare;

impl Service<Request<()>> for Bare {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        let mut response = Response::new(String::new());
        let headers = response.headers_mut();
        *headers = HeaderMap::with_capacity(RESPONSE_HEADER_CAPACITY);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        ready(Ok(response))
    }
}

/// One request through `service` as `tower::ServiceExt::oneshot` does it (`poll_ready`, `call`,
/// then poll the future), with a no-op waker: every service here is ready at once, so no executor
/// is needed and none is measured.
///
/// # Panics
///
/// If the service or its future is not ready at once.
pub fn call<S>(service: &mut S, request: Request<()>) -> Response<String>
where
    S: Service<Request<()>, Response = Response<String>, Error = Infallible>,
{
    let mut cx = Context::from_waker(Waker::noop());
    match service.poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => {}
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("benchmarked services are always ready"),
    }
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("benchmarked futures are ready when first polled"),
    }
}
