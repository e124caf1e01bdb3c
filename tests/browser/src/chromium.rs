//! Finding and launching headless Chromium, and deciding what a missing browser means.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where Debian's `chromium` package installs the browser.
pub const DEFAULT_BINARY: &str = "/usr/bin/chromium";

/// Overrides [`DEFAULT_BINARY`], for machines that install Chromium elsewhere.
pub const BINARY_VAR: &str = "CORS_CHROMIUM";

/// Set to `1` to skip the suite on a machine without Chromium (never honoured under `CI=true`).
pub const SKIP_VAR: &str = "CORS_SKIP_BROWSER";

/// Flags that make Chromium headless, quiet and reproducible in a container: no sandbox (root in
/// a container has no user namespaces), no GPU, no QUIC (loopback servers speak HTTP/1.1 only),
/// no background traffic (updates, sync, field trials) that could interleave with the scenarios,
/// and no shared memory in `/dev/shm`, which containers often cap at 64 MB.
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
];

/// Profile preferences written before launch.
///
/// Headless Chromium 148 blocks third-party cookies by default (`cookie_controls_mode` 2):
/// a page on `http://127.0.0.1` then never sends the cookie of `http://localhost` with
/// `credentials: 'include'`, whatever the CORS answer says. Mode 0 is the setting most browsers
/// still ship (third-party cookies allowed), under which `credentials` is what decides.
const PREFERENCES: &str = r#"{"profile":{"cookie_controls_mode":0}}"#;

/// Whether the suite can run here.
#[derive(Debug)]
pub enum Availability {
    /// Run with this binary.
    Ready(PathBuf),
    /// Skip, for this reason (already explained to the user on stderr).
    Skip(String),
}

/// Looks for the browser and applies the policy for a missing one: under `CI=true` it is a
/// failure; elsewhere also, with install instructions, unless [`SKIP_VAR`] is `1`.
///
/// # Errors
///
/// The failure message, when the browser is missing and skipping is not allowed.
pub fn locate() -> Result<Availability, String> {
    let binary = std::env::var_os(BINARY_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BINARY));
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let skip = std::env::var(SKIP_VAR).is_ok_and(|v| v == "1");
    if ci && skip {
        loud(&format!(
            "note: {SKIP_VAR}=1 is ignored under CI=true: the browser suite always runs in CI"
        ));
    }
    if !ci && skip {
        let note = format!(
            "SKIPPED: the browser suite (cors-browser-tests) did not run because {SKIP_VAR}=1; \
             its results say nothing about browsers"
        );
        loud(&note);
        return Ok(Availability::Skip(note));
    }
    if binary.is_file() {
        return Ok(Availability::Ready(binary));
    }
    let how = format!(
        "install it with `apt-get install -y chromium` (or point {BINARY_VAR} at a Chromium \
         binary)"
    );
    Err(if ci {
        format!(
            "the browser suite needs Chromium at {} and CI=true forbids skipping: {how}",
            binary.display()
        )
    } else {
        format!(
            "the browser suite needs Chromium at {}: {how}, or set {SKIP_VAR}=1 to skip it \
             knowingly",
            binary.display()
        )
    })
}

/// Writes to the process's stderr directly: the test harness captures `eprintln!` of passing
/// tests, and a skip must never be silent.
pub fn loud(message: &str) {
    let _ = writeln!(io::stderr(), "cors-browser-tests: {message}");
}

/// A running headless Chromium with its own throw-away profile; killed and cleaned up on drop.
#[derive(Debug)]
pub struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    /// Opens `url` in a fresh profile. Chromium's stderr goes to a file in the profile directory
    /// (see [`Browser::stderr`]): it is noisy (D-Bus) and only useful when something fails.
    pub fn launch(binary: &Path, url: &str) -> io::Result<Browser> {
        let profile = fresh_dir()?;
        fs::create_dir_all(profile.join("Default"))?;
        fs::write(profile.join("Default").join("Preferences"), PREFERENCES)?;
        let stderr = fs::File::create(profile.join("chromium.stderr"))?;
        let child = Command::new(binary)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()?;
        Ok(Browser { child, profile })
    }

    /// Whether Chromium has already exited, and how: a browser that cannot start exits at once,
    /// and waiting for its page would only waste the timeout.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The last lines Chromium wrote to stderr, without its D-Bus complaints.
    pub fn stderr(&self) -> String {
        let text = fs::read_to_string(self.profile.join("chromium.stderr")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.contains("dbus")).collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Only the process this harness started, by its id; its renderers exit with it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// A new empty directory under the system's temp dir, unique to this process and moment.
fn fresh_dir() -> io::Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("cors-browser-{}-{nanos}", std::process::id()));
    fs::create_dir(&dir)?;
    Ok(dir)
}
