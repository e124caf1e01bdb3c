//! Policies replaced while requests are served.

use std::borrow::ToOwned;
use std::boxed::Box;
use std::collections::HashSet;
use std::fmt;
use std::string::String;
use std::sync::Arc;
use std::vec::Vec;

use arc_swap::{ArcSwap, Guard};
use checked_cors_rules::{
    check_policy, CheckedOrigins, CheckedPolicy, KeyId, PolicyInput, Value, Violation,
};

use crate::builder::pattern;
use crate::http::PreparedPolicy;
use crate::{BuildError, DynamicOrigins, OriginPattern, Policy, PolicyBuilder};

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
/// use checked_cors::{LivePolicy, PolicyBuilder};
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
/// # Ok::<(), checked_cors::BuildError>(())
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

/// A set of origins that grows and shrinks while the service runs: a multi-tenant service's
/// customers, kept in its database. Give a clone to
/// [`CorsLayer::with_origins`](crate::CorsLayer::with_origins) and keep one to change it.
///
/// Every insertion is checked by the rules of `origins` (the same messages and fixes as the
/// compiler's), as for a policy with `credentials`: a plain `http://` origin other than loopback
/// is refused unless [`OriginSet::dangerously_allow_insecure_origins`]; `"*"` and `"null"` are
/// never members. Looking an origin up hashes it once (exact origins) and tries each pattern, and
/// takes no lock and allocates nothing; a change copies the set (cost in proportion to its size)
/// and swaps it in atomically, like [`LivePolicy`].
///
/// ```
/// use checked_cors::OriginSet;
///
/// let tenants = OriginSet::new();
/// tenants.insert("https://initech.example.net")?;
/// tenants.insert("https://*.hooli.example.org")?;
/// assert!(tenants.contains("https://initech.example.net"));
/// assert!(tenants.contains("https://eu.hooli.example.org"));
///
/// // The tenant typed with a trailing slash is refused at once, with the fix.
/// let refused = tenants.insert("https://globex.example.com/").unwrap_err();
/// assert_eq!(
///     refused.to_string(),
///     "`https://globex.example.com/`: an origin has no trailing `/`, so this one would never \
///      match (remove the trailing `/`)"
/// );
/// assert!(tenants.remove("https://initech.example.net"));
/// assert!(!tenants.contains("https://initech.example.net"));
/// # Ok::<(), checked_cors::OriginError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct OriginSet {
    members: Arc<ArcSwap<Members>>,
    allow_insecure: bool,
}

#[derive(Clone, Debug, Default)]
struct Members {
    exact: HashSet<Box<str>>,
    /// Each pattern as written, for removal, and as matched.
    patterns: Vec<(Box<str>, OriginPattern<'static>)>,
}

impl Members {
    fn contains(&self, origin: &str) -> bool {
        self.exact.contains(origin)
            || self
                .patterns
                .iter()
                .any(|(_, p)| p.matches(origin.as_bytes()))
    }
}

/// A checked member of an [`OriginSet`].
enum Member {
    Exact(Box<str>),
    Pattern(Box<str>, OriginPattern<'static>),
}

/// Why [`OriginSet::insert`] refused an origin: every rule it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginError {
    origin: String,
    violations: Vec<Violation>,
}

impl OriginError {
    /// The origin, as given.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The rules it breaks, each with its message and fix.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: ", self.origin)?;
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation} ({})", violation.fix_for(&self.origin))?;
        }
        Ok(())
    }
}

impl std::error::Error for OriginError {}

impl OriginSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts plain `http://` origins that are not loopback, which anyone on the network path
    /// can impersonate: only for a policy without `credentials`, or an intranet you trust.
    pub fn dangerously_allow_insecure_origins(mut self) -> Self {
        self.allow_insecure = true;
        self
    }

    /// Adds `origin` (an exact origin or a pattern such as `https://*.tenant.example`), after
    /// checking it by the rules of `origins`. Adding a member again changes nothing.
    pub fn insert(&self, origin: &str) -> Result<(), OriginError> {
        self.extend([origin]).map_err(|mut errors| errors.remove(0))
    }

    /// Adds every origin of `origins` in one change (one copy of the set, however many), or, if
    /// any breaks a rule, none of them, and returns every refusal: loading a database's tenants
    /// at start-up, say.
    pub fn extend<I, S>(&self, origins: I) -> Result<(), Vec<OriginError>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut accepted = Vec::new();
        let mut errors = Vec::new();
        for origin in origins {
            match self.check(origin.as_ref()) {
                Ok(member) => accepted.push(member),
                Err(error) => errors.push(error),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.members.rcu(|members| {
            let mut members = Members::clone(members);
            for member in &accepted {
                match member {
                    Member::Exact(origin) => {
                        members.exact.insert(origin.clone());
                    }
                    Member::Pattern(written, matcher) => {
                        if !members.patterns.iter().any(|(w, _)| w == written) {
                            members.patterns.push((written.clone(), matcher.clone()));
                        }
                    }
                }
            }
            members
        });
        Ok(())
    }

    /// `origin` checked by the rules of `origins`, as the member it would be.
    fn check(&self, origin: &str) -> Result<Member, OriginError> {
        let entries = [origin];
        let mut input = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&entries))
            .with(KeyId::Credentials, Value::On);
        if self.allow_insecure {
            input.set(KeyId::AllowInsecureOrigins, Value::On);
        }
        let mut violations = Vec::new();
        let checked = check_policy(&input, &mut |_, violation| violations.push(violation));
        let Some(CheckedPolicy {
            origins: CheckedOrigins::List {
                exact, patterns, ..
            },
            ..
        }) = checked
        else {
            return Err(OriginError {
                origin: origin.to_owned(),
                violations,
            });
        };
        match (exact.first(), patterns.first()) {
            (Some(_), _) => Ok(Member::Exact(origin.into())),
            (None, Some(written)) => Ok(Member::Pattern(origin.into(), pattern(written))),
            // `check_policy` classified the one entry as exact or a pattern.
            (None, None) => Err(OriginError {
                origin: origin.to_owned(),
                violations: Vec::new(),
            }),
        }
    }

    /// Removes `origin` (as it was inserted); whether it was a member.
    pub fn remove(&self, origin: &str) -> bool {
        let mut removed = false;
        self.members.rcu(|members| {
            let mut members = Members::clone(members);
            removed = members.exact.remove(origin);
            let before = members.patterns.len();
            members.patterns.retain(|(written, _)| &**written != origin);
            removed |= members.patterns.len() != before;
            members
        });
        removed
    }

    /// Whether the set allows `origin` (exactly as a browser sends it).
    pub fn contains(&self, origin: &str) -> bool {
        self.members.load().contains(origin)
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        let members = self.members.load();
        members.exact.len() + members.patterns.len()
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl DynamicOrigins for OriginSet {
    fn allows(&self, origin: &str) -> bool {
        self.contains(origin)
    }
}
