//! The three browser engines: where Debian installs each, how each is launched headless with a
//! fresh profile, and what a missing one means.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Set to `1` to skip the whole browser suite on a machine without the engines (never honoured
/// under `CI=true`).
pub const SKIP_VAR: &str = "CORS_SKIP_BROWSER";

/// Every Debian package the suite needs, in the order `apt-get install` is told them.
pub const PACKAGES: &[&str] = &["chromium", "firefox-esr", "libwebkit2gtk-4.1-0", "xvfb"];

/// A browser engine, as Debian ships it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Engine {
    /// Blink, in Debian's `chromium` (the engine of Chrome and Edge).
    Chromium,
    /// Gecko, in Debian's `firefox-esr`.
    Firefox,
    /// WebKit, in WebKitGTK's `MiniBrowser` (the engine of Safari).
    WebKit,
}

/// Flags that make Chromium headless, quiet and reproducible in a container: no sandbox (root in
/// a container has no user namespaces), no GPU, no QUIC (loopback servers speak HTTP/1.1 only),
/// no background traffic (updates, sync, field trials) that could interleave with the scenarios,
/// and no shared memory in `/dev/shm`, which containers often cap at 64 MB.
const CHROMIUM_FLAGS: &[&str] = &[
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

/// Chromium profile preferences written before launch.
///
/// Headless Chromium blocks third-party cookies by default (`cookie_controls_mode` 2): a page on
/// `http://127.0.0.1` then never sends the cookie of `http://localhost` with
/// `credentials: 'include'`, whatever the CORS answer says. Mode 0 (third-party cookies allowed)
/// is the setting under which `credentials` is what decides, which is what the suite tests.
const CHROMIUM_PREFERENCES: &str = r#"{"profile":{"cookie_controls_mode":0}}"#;

/// Firefox preferences, written as the fresh profile's `user.js`.
///
/// Without them a first run opens welcome and privacy pages, phones home (telemetry, updates,
/// remote settings, safe browsing, captive-portal and connectivity probes) and partitions
/// third-party cookies. None of that is CORS, and background requests could slow or disturb the
/// page. `cookieBehavior` 0 allows third-party cookies (as the other engines are set up), so that
/// the credentials scenarios turn on the CORS answer alone.
const FIREFOX_USER_JS: &str = r#"// Written by cors-browser-tests for one run.
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.startup.firstrunSkipsHomepage", true);
user_pref("startup.homepage_welcome_url", "");
user_pref("startup.homepage_welcome_url.additional", "");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.policy.firstRunURL", "");
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.server", "");
user_pref("app.update.auto", false);
user_pref("app.update.enabled", false);
user_pref("app.normandy.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.blocklist.enabled", false);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("browser.region.update.enabled", false);
user_pref("media.gmp-manager.url", "");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.prefetch-next", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("network.proxy.type", 0);
user_pref("network.cookie.cookieBehavior", 0);
"#;

impl Engine {
    /// Every engine, in the order the suite runs them.
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// The engine's short lower-case name, as in test names (`firefox::...`).
    pub fn id(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }

    /// The Debian packages this engine needs.
    pub fn packages(self) -> &'static [&'static str] {
        match self {
            Engine::Chromium => &["chromium"],
            Engine::Firefox => &["firefox-esr"],
            // MiniBrowser is a GTK application: without a display it cannot start, and
            // `xvfb-run` gives it a virtual one.
            Engine::WebKit => &["libwebkit2gtk-4.1-0", "xvfb"],
        }
    }

    /// The environment variable that overrides [`Engine::default_binary`].
    pub fn binary_var(self) -> &'static str {
        match self {
            Engine::Chromium => "CORS_CHROMIUM",
            Engine::Firefox => "CORS_FIREFOX",
            Engine::WebKit => "CORS_MINIBROWSER",
        }
    }

    /// Where Debian's package installs the browser.
    pub fn default_binary(self) -> &'static str {
        match self {
            Engine::Chromium => "/usr/bin/chromium",
            Engine::Firefox => "/usr/bin/firefox-esr",
            Engine::WebKit => "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        }
    }

    /// The binary to run: [`Engine::binary_var`] if set, else [`Engine::default_binary`].
    pub fn binary(self) -> PathBuf {
        std::env::var_os(self.binary_var())
            .map_or_else(|| PathBuf::from(self.default_binary()), PathBuf::from)
    }

    /// The engine's binary, or why it cannot run here, naming the packages to install. Under
    /// `CI=true` the message says that CI forbids skipping.
    ///
    /// # Errors
    ///
    /// The message, when the binary (or, for WebKit, `xvfb-run`) is missing.
    pub fn locate(self) -> Result<PathBuf, String> {
        let binary = self.binary();
        let mut missing = Vec::new();
        if !binary.is_file() {
            missing.push(binary.display().to_string());
        }
        if self == Engine::WebKit && !Path::new(XVFB_RUN).is_file() {
            missing.push(XVFB_RUN.to_owned());
        }
        if missing.is_empty() {
            return Ok(binary);
        }
        let how = format!(
            "install it with `apt-get install -y {}` (`./scripts/test` installs every engine), or \
             point {} at another build",
            self.packages().join(" "),
            self.binary_var()
        );
        let missing = missing.join(" and ");
        Err(if ci() {
            format!(
                "the browser suite needs {self} ({missing}) and CI=true forbids skipping: {how}"
            )
        } else {
            format!(
                "the browser suite needs {self} ({missing}): {how}, or set {SKIP_VAR}=1 to skip the \
                 browser suite knowingly"
            )
        })
    }

    /// The engine's version, as its binary reports it (for the matrix).
    pub fn version(self, binary: &Path) -> String {
        let mut command = match self {
            // MiniBrowser opens a display even to print its version.
            Engine::WebKit => {
                let mut c = Command::new(XVFB_RUN);
                c.arg("-a").arg(binary);
                c
            }
            _ => Command::new(binary),
        };
        let out = command
            .arg("--version")
            .env("HOME", std::env::temp_dir())
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        let line = text.unwrap_or_default();
        let line = line.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        match self {
            // Debian's build says where it was built; the number is what matters.
            Engine::Chromium => line.split(" built on").next().unwrap_or(line),
            _ => line,
        }
        .trim()
        .to_owned()
    }

    /// Opens `url` in a fresh profile of this engine. The browser's output goes to a file in the
    /// profile (see [`Browser::output`]): it is noisy and only useful when something fails.
    ///
    /// # Errors
    ///
    /// When the profile cannot be written or the process cannot start.
    pub fn launch(self, binary: &Path, url: &str) -> io::Result<Browser> {
        let profile = fresh_dir(self)?;
        let mut command = match self {
            Engine::Chromium => {
                fs::create_dir_all(profile.join("Default"))?;
                fs::write(
                    profile.join("Default").join("Preferences"),
                    CHROMIUM_PREFERENCES,
                )?;
                let mut c = Command::new(binary);
                c.args(CHROMIUM_FLAGS)
                    .arg(format!("--user-data-dir={}", profile.display()));
                c
            }
            Engine::Firefox => {
                let dir = profile.join("profile");
                fs::create_dir(&dir)?;
                fs::write(dir.join("user.js"), FIREFOX_USER_JS)?;
                let mut c = Command::new(binary);
                // `--no-remote`: never hand the URL to a Firefox the user already runs.
                c.args(["--headless", "--no-remote", "--profile"])
                    .arg(&dir)
                    .env("MOZ_CRASHREPORTER_DISABLE", "1");
                c
            }
            Engine::WebKit => {
                let mut c = Command::new(XVFB_RUN);
                // `-a`: the first free display number, so that a desktop's display is left
                // alone. MiniBrowser keeps its data under the XDG directories, all fresh here.
                // Its default cookie policy, `no-third-party`, stores no cookie set by a
                // cross-site response; `always` matches the other engines' set-up (see
                // `CHROMIUM_PREFERENCES`).
                c.arg("-a")
                    .arg(binary)
                    .arg("--cookies-policy=always")
                    .env("XDG_DATA_HOME", profile.join("data"))
                    .env("XDG_CACHE_HOME", profile.join("cache"))
                    .env("XDG_CONFIG_HOME", profile.join("config"));
                c
            }
        };
        let output = fs::File::create(profile.join("output.log"))?;
        let child = command
            .arg(url)
            // The home too, so that no engine reads or writes the user's own files.
            .env("HOME", &profile)
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output)
            // Its own process group, so that drop can end the browser's helpers (renderers,
            // content processes, Xvfb) with it, by that group's id.
            .process_group(0)
            .spawn()?;
        Ok(Browser {
            engine: self,
            child,
            profile,
        })
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit",
        })
    }
}

/// Where Debian's `xvfb` package installs its wrapper.
const XVFB_RUN: &str = "/usr/bin/xvfb-run";

/// Whether this is a CI run, where nothing may be skipped.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether the user asked to skip the browser suite, and the note saying so (already printed).
/// Under `CI=true` the request is refused, loudly.
pub fn skip_requested() -> Option<String> {
    if !std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
        return None;
    }
    if ci() {
        loud(&format!(
            "note: {SKIP_VAR}=1 is ignored under CI=true: the browser suite always runs in CI"
        ));
        return None;
    }
    let note = format!(
        "SKIPPED: the browser suite (cors-browser-tests) did not run because {SKIP_VAR}=1; its \
         results say nothing about browsers"
    );
    loud(&note);
    Some(note)
}

/// Writes to the process's stderr directly: the test harness captures `eprintln!` of passing
/// tests, and a skip must never be silent.
pub fn loud(message: &str) {
    let _ = writeln!(io::stderr(), "cors-browser-tests: {message}");
}

/// A running browser with its own throw-away profile; ended and cleaned up on drop.
#[derive(Debug)]
pub struct Browser {
    engine: Engine,
    child: Child,
    profile: PathBuf,
}

impl Browser {
    /// Whether the browser has already exited, and how: a browser that cannot start exits at
    /// once, and waiting for its page would only waste the timeout.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The last lines the browser wrote, without the D-Bus complaints of a machine without a
    /// session bus.
    pub fn output(&self) -> String {
        let text = fs::read_to_string(self.profile.join("output.log")).unwrap_or_default();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.to_ascii_lowercase().contains("dbus"))
            .collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        format!("{} output (last lines):\n{tail}", self.engine)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Only the group this harness started, by its id: politely first, and until every
        // member is gone (Xvfb removes its lock file, the browser stops writing to the profile),
        // then for good.
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            // Reaps the leader as soon as it exits; the group lives on while any member does.
            let _ = self.exited();
            if !signal("-0") {
                break;
            }
            if Instant::now() > deadline {
                signal("-KILL");
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// A new empty directory under the system's temp dir, unique to this process, engine and moment.
fn fresh_dir(engine: Engine) -> io::Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!(
        "cors-browser-{}-{}-{nanos}",
        engine.id(),
        std::process::id()
    );
    let dir = std::env::temp_dir().join(name);
    fs::create_dir(&dir)?;
    Ok(dir)
}
