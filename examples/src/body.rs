//! A response body that arrives in timed chunks, shared by the servers that show CORS decoration
//! never buffers a response.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::channel::Channel;

/// How many chunks [`ticks`] sends.
pub const TICKS: usize = 5;

/// The `n`th chunk of [`ticks`], so that clients can check what they received.
pub fn tick(n: usize) -> String {
    format!("tick {n}\n")
}

/// A body sending [`TICKS`] chunks, `delay` apart, from a task of the current tokio runtime.
///
/// Dropping the body (a client that hung up) ends the task at its next send.
pub fn ticks(delay: Duration) -> Channel<Bytes, Infallible> {
    let (mut sender, body) = Channel::new(1);
    tokio::spawn(async move {
        for n in 0..TICKS {
            if n > 0 {
                tokio::time::sleep(delay).await;
            }
            if sender.send_data(Bytes::from(tick(n))).await.is_err() {
                return;
            }
        }
    });
    body
}
