//! Configuration reload, end to end: a service whose CORS policy lives in a TOML file with the
//! keys of `#[cors(...)]`, replaced while it serves, never by a policy that breaks a rule.
//!
//! The policy is a [`LivePolicy`] behind [`CorsLayer::live`]; a [`Reloader`] reads the file,
//! deserializes it into a [`PolicyConfig`] and hands it to [`LivePolicy::reload_config`], which
//! checks it with the compiler's rules and swaps it in, or refuses it and keeps the policy in
//! force. The binary (`src/bin/reload.rs`) reloads on `SIGHUP` and when the file's contents
//! change, checked every few seconds, and logs each refusal's violations one per line.
//!
//! Why `SIGHUP` and polling rather than a file watcher (the `notify` crate): `SIGHUP` is the
//! Unix convention for "reload your configuration" that service managers send (`systemctl
//! reload`), and costs one tokio feature; polling the contents of one small file every few
//! seconds works on every platform and file system (network mounts and containers' bind mounts
//! included, where change events may never arrive), sees a file replaced by a rename (as editors
//! and configuration tools save it), which a watch on the file itself misses once its old inode is
//! gone, and is not fooled by modification times that tick once a second or are kept by a copy.
//! A watcher would bring a back end per platform and still need debouncing; its only gain is
//! reacting within milliseconds rather than seconds, which `SIGHUP` gives whoever needs it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use axum::extract::Extension;
use axum::routing::get;
use axum::Router;
use checked_cors::{BuildError, CorsLayer, LivePolicy, PolicyConfig};

use crate::observe::{log_refusal, Calls, Refusals};

/// Why a reload was refused: the file could not be read, was not a policy, or broke a rule.
/// The policy in force is kept in every case.
#[derive(Debug)]
pub enum ReloadError {
    /// The file could not be read.
    Read(io::Error),
    /// The file is not TOML, or not a policy (an unknown key, a value of the wrong type, no
    /// `origins`).
    Parse(toml::de::Error),
    /// The policy breaks rules: every violation, with its fix.
    Invalid(BuildError),
}

impl ReloadError {
    /// The error as log lines: one per violation for [`ReloadError::Invalid`], so that a reader
    /// sees every broken rule at once; the parser's message, which may span lines, otherwise.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ReloadError::Read(error) => vec![format!("cannot read the file: {error}")],
            ReloadError::Parse(error) => error
                .to_string()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect(),
            ReloadError::Invalid(error) => {
                error.violations().iter().map(|v| v.to_string()).collect()
            }
        }
    }
}

impl fmt::Display for ReloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

impl std::error::Error for ReloadError {}

/// What the last look at the file found, so that polling reports a change once.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    /// These bytes, whether or not they made a valid policy.
    Contents(Vec<u8>),
    /// The file could not be read.
    Unreadable,
}

/// Reads the policy file and replaces the [`LivePolicy`] it serves.
#[derive(Debug)]
pub struct Reloader {
    path: PathBuf,
    live: LivePolicy,
    seen: Mutex<Seen>,
}

/// Reads and deserializes the policy at `path`, without checking its rules.
pub fn read_config(path: &Path) -> Result<PolicyConfig, ReloadError> {
    parse(&std::fs::read(path).map_err(ReloadError::Read)?)
}

fn parse(contents: &[u8]) -> Result<PolicyConfig, ReloadError> {
    let text = std::str::from_utf8(contents)
        .map_err(|e| ReloadError::Read(io::Error::new(io::ErrorKind::InvalidData, e)))?;
    toml::from_str(text).map_err(ReloadError::Parse)
}

impl Reloader {
    /// Loads the policy at `path`: the service starts only with a valid one.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, ReloadError> {
        let path = path.into();
        let contents = std::fs::read(&path).map_err(ReloadError::Read)?;
        let policy = parse(&contents)?.build().map_err(ReloadError::Invalid)?;
        Ok(Reloader {
            path,
            live: LivePolicy::new(policy),
            seen: Mutex::new(Seen::Contents(contents)),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The policy the service serves: give it to [`app`].
    pub fn live(&self) -> &LivePolicy {
        &self.live
    }

    /// Reads the file and replaces the policy with it, or keeps the policy in force and returns
    /// why not: what `SIGHUP` does.
    pub fn reload(&self) -> Result<(), ReloadError> {
        let read = std::fs::read(&self.path);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        match read {
            Ok(contents) => {
                let result = self.apply(&contents);
                *seen = Seen::Contents(contents);
                result
            }
            Err(error) => {
                *seen = Seen::Unreadable;
                Err(ReloadError::Read(error))
            }
        }
    }

    /// [`Reloader::reload`] if the file changed since it was last read, reporting each change
    /// once: `Ok(false)` when nothing changed (a file still broken, or still missing, included),
    /// `Ok(true)` when a new policy is in force. What the binary does every few seconds.
    pub fn reload_if_changed(&self) -> Result<bool, ReloadError> {
        let read = std::fs::read(&self.path);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        match read {
            Ok(contents) if matches!(&*seen, Seen::Contents(old) if *old == contents) => Ok(false),
            Ok(contents) => {
                let result = self.apply(&contents);
                *seen = Seen::Contents(contents);
                result.map(|()| true)
            }
            Err(_) if *seen == Seen::Unreadable => Ok(false),
            Err(error) => {
                *seen = Seen::Unreadable;
                Err(ReloadError::Read(error))
            }
        }
    }

    fn apply(&self, contents: &[u8]) -> Result<(), ReloadError> {
        self.live
            .reload_config(parse(contents)?)
            .map_err(ReloadError::Invalid)
    }

    /// The log lines for the outcome of a reload: a line saying the policy was replaced, or one
    /// saying it was refused followed by one line per reason.
    pub fn log_lines(&self, outcome: &Result<(), ReloadError>) -> Vec<String> {
        let path = self.path.display();
        match outcome {
            Ok(()) => vec![format!("reload: {path}: new policy in force")],
            Err(error) => {
                let mut lines = vec![format!(
                    "reload: {path}: refused, the previous policy stays in force:"
                )];
                lines.extend(error.lines().into_iter().map(|l| format!("  {l}")));
                lines
            }
        }
    }
}

/// The service: `GET /api/hello` under whatever policy `live` holds, refusals logged to stderr
/// and kept in `refusals`.
pub fn app(live: &LivePolicy, calls: Calls, refusals: Refusals) -> Router {
    let cors = CorsLayer::live(live).on_refusal(log_refusal);
    Router::new()
        .route("/api/hello", get(hello).layer(cors))
        .layer(Extension(calls))
        .layer(Extension(refusals))
}

async fn hello(Extension(calls): Extension<Calls>) -> &'static str {
    calls.record("hello");
    "hello from a reloadable policy"
}
