//! What the examples let their tests (and the demo page) observe: which handlers ran, and why
//! requests were refused.
//!
//! `on_refusal` takes a plain `fn`, so that an unset one costs nothing; it reaches per-app state
//! through the request's extensions, where an outer layer put a [`Refusals`] log.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use checked_cors::Refusal;
use http::request::Parts;

/// How many refusals a [`Refusals`] log keeps.
const KEPT: usize = 64;

/// The names of the handlers that ran, in order, shared by clones.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<Mutex<Vec<&'static str>>>);

impl Calls {
    /// Notes that `handler` ran.
    pub fn record(&self, handler: &'static str) {
        lock(&self.0).push(handler);
    }

    /// How many times `handler` ran.
    pub fn count(&self, handler: &str) -> usize {
        lock(&self.0).iter().filter(|h| **h == handler).count()
    }
}

/// One refusal, as a log line would show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// Increases by one with each refusal, so that a reader can ask for the new ones.
    pub seq: u64,
    /// The request's method.
    pub method: String,
    /// The request's path.
    pub path: String,
    /// The request's `Origin`, escaped: it is attacker-controlled text headed for a log.
    pub origin: String,
    /// [`Refusal`]'s `Display`.
    pub reason: String,
}

/// The last refusals of one app, shared by clones.
#[derive(Clone, Debug, Default)]
pub struct Refusals(Arc<Mutex<(u64, VecDeque<Logged>)>>);

impl Refusals {
    /// Adds a refusal, forgetting the oldest beyond a few dozen.
    pub fn push(&self, refusal: &Refusal<'_>, method: &str, path: &str, origin: Option<&[u8]>) {
        let mut log = lock(&self.0);
        log.0 += 1;
        let entry = Logged {
            seq: log.0,
            method: method.to_owned(),
            path: path.to_owned(),
            origin: origin.map_or_else(String::new, escape),
            reason: refusal.to_string(),
        };
        if log.1.len() == KEPT {
            log.1.pop_front();
        }
        log.1.push_back(entry);
    }

    /// The refusals kept, oldest first.
    pub fn all(&self) -> Vec<Logged> {
        lock(&self.0).1.iter().cloned().collect()
    }
}

/// An `on_refusal` for the tower layer: logs to stderr and, when an outer layer put a
/// [`Refusals`] in the request's extensions, records the refusal there.
pub fn log_refusal(refusal: &Refusal<'_>, request: &Parts) {
    let origin = request
        .headers
        .get(http::header::ORIGIN)
        .map(|o| o.as_bytes());
    eprintln!(
        "cors: refused {} {} from {}: {refusal}",
        request.method,
        request.uri.path(),
        origin.map_or_else(|| "(no origin)".to_owned(), escape),
    );
    if let Some(log) = request.extensions.get::<Refusals>() {
        log.push(refusal, request.method.as_str(), request.uri.path(), origin);
    }
}

/// `bytes` as printable text: escaped, and cut at a length no serialized origin reaches, so that
/// a hostile `Origin` cannot forge log lines or flood the log.
pub fn escape(bytes: &[u8]) -> String {
    const MAX: usize = checked_cors::MAX_ORIGIN_LEN;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    let mut escaped: String = text.escape_debug().collect();
    if bytes.len() > MAX {
        escaped.push_str("...");
    }
    escaped
}

/// Locks `mutex`, recovering from a handler that panicked while holding it: the data is a log.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
