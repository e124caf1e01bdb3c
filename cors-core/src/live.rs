//! Policies replaced while requests are served.

use std::sync::Arc;

use arc_swap::{ArcSwap, Guard};

use crate::http::PreparedPolicy;
use crate::{BuildError, Policy, PolicyBuilder};

/// A policy that can be replaced while requests are served: give clones of one handle to
/// [`CorsLayer::live`](crate::CorsLayer::live) and to whatever reloads the configuration.
///
/// A replacement is checked by the same rules as `#[derive(Cors)]`; a refused one leaves the
/// policy in force untouched and returns every violation. An accepted one is prepared (its
/// header values built) before the swap, which is one atomic pointer store: a request reads the
/// policy once, when it arrives, and uses that policy to its end, so that no answer mixes two.
/// The replaced policy is freed when the last request using it is done.
///
/// Reading the policy costs no lock and no allocation: [`arc_swap`] keeps a few per-thread slots
/// to borrow the current pointer, so readers never write to a shared counter in the common case
/// and a writer never waits for them. An epoch scheme would do as well but needs a collector
/// thread or periodic calls; a `RwLock` would make every request write the lock's cache line.
///
/// ```
/// use cors_core::{LivePolicy, PolicyBuilder};
///
/// let live = LivePolicy::new(PolicyBuilder::new().allow_origins(["https://a.example"]).build()?);
/// assert!(live.current().policy().allows_origin(b"https://a.example"));
///
/// // A reload that breaks a rule is refused, with every violation; the old policy stays.
/// let refused = live.reload(PolicyBuilder::new().allow_origins(["https://b.example/"]));
/// assert_eq!(refused.unwrap_err().violations().len(), 1);
/// assert!(live.current().policy().allows_origin(b"https://a.example"));
///
/// live.reload(PolicyBuilder::new().allow_origins(["https://b.example"]))?;
/// assert!(live.current().policy().allows_origin(b"https://b.example"));
/// assert!(!live.current().policy().allows_origin(b"https://a.example"));
/// # Ok::<(), cors_core::BuildError>(())
/// ```
#[derive(Clone, Debug)]
pub struct LivePolicy {
    current: Arc<ArcSwap<PreparedPolicy>>,
}

/// The policy in force when [`LivePolicy::current`] was called; it stays valid (and unchanged)
/// while held, whatever replaces it meanwhile.
pub type Current = Guard<Arc<PreparedPolicy>>;

impl LivePolicy {
    /// A handle serving `policy` until it is replaced.
    pub fn new(policy: Policy<'static>) -> Self {
        LivePolicy {
            current: Arc::new(ArcSwap::from_pointee(PreparedPolicy::from_owned(policy))),
        }
    }

    /// Replaces the policy with `policy`, already checked (every `Policy` is).
    pub fn replace(&self, policy: Policy<'static>) {
        self.current
            .store(Arc::new(PreparedPolicy::from_owned(policy)));
    }

    /// Checks `builder` and, if it breaks no rule, replaces the policy with it. Otherwise the
    /// policy in force is kept and every violation returned.
    pub fn reload(&self, builder: PolicyBuilder) -> Result<(), BuildError> {
        self.replace(builder.build()?);
        Ok(())
    }

    /// [`LivePolicy::reload`] from a configuration (feature `serde`).
    #[cfg(feature = "serde")]
    pub fn reload_config(&self, config: crate::PolicyConfig) -> Result<(), BuildError> {
        self.reload(config.builder())
    }

    /// The policy in force now.
    pub fn current(&self) -> Current {
        self.current.load()
    }
}
