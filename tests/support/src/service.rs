//! A handler that counts its calls, and a way to drive a service whose futures are ready at once.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use http::{Request, Response};
use tower_service::Service;

/// The inner service of a layer under test: answers `200 handled` at once and counts its calls
/// in the shared counter, so that a test can tell whether the layer let a request through.
#[derive(Clone, Debug, Default)]
pub struct Handler(pub Arc<AtomicUsize>);

impl Handler {
    /// How many requests reached the handler so far.
    pub fn calls(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Service<Request<()>> for Handler {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        self.0.fetch_add(1, Ordering::SeqCst);
        ready(Ok(Response::new("handled".to_owned())))
    }
}

/// The output of `future`, which must be ready when first polled (no executor is needed).
///
/// # Panics
///
/// If the future is not ready at once.
pub fn now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future is not ready at once"),
    }
}
