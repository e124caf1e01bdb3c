//! The `tracing` event of a refusal (feature `tracing`), shared by the tower layer and the actix
//! middleware so that both report alike.

use core::fmt;

use crate::{Header, Refusal};

/// The target of every event: the crate's name whatever module emits it, so that a filter such
/// as `RUST_LOG=checked_cors=debug` keeps working if the modules move.
const TARGET: &str = "checked_cors";

/// A request's `Origin` as an event field. It is whatever the client sent, headed for a log, so
/// its bytes are escaped (`\n`, `\xff`), never written as they came.
struct Origin<'r>(&'r [u8]);

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.escape_ascii(), f)
    }
}

/// Emits the event of one refusal: `origin` (absent when the request had none, `several` when it
/// had more than one), `method`, `path` and `reason` (the refusal's `Display`).
///
/// A refused read is `DEBUG`: CORS refusals are the browser's business and mostly what other
/// sites, extensions and scanners do, a stream no operator acts on, while the handler ran as
/// usual. A blocked cross-origin write is `WARN`: the server itself refused the request before its
/// handler, and either another site tried to act with a user's cookies or a legitimate partner is
/// missing from `write_origins` and its feature is broken; both are for someone to look at (as
/// Django logs CSRF failures at `WARNING`).
pub(crate) fn refusal(refusal: &Refusal<'_>, origin: Header<'_>, method: &str, path: &str) {
    let origin = match origin {
        Header::Absent => None,
        Header::One(bytes) => Some(Origin(bytes)),
        Header::Many => Some(Origin(b"several")),
    };
    let origin = origin.as_ref().map(tracing::field::display);
    if let Refusal::CrossOriginWrite = refusal {
        tracing::warn!(
            target: TARGET,
            origin,
            method,
            path,
            reason = %refusal,
            "cross-origin write blocked",
        );
    } else {
        tracing::debug!(
            target: TARGET,
            origin,
            method,
            path,
            reason = %refusal,
            "CORS request refused",
        );
    }
}
