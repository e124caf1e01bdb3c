//! The reload example end to end: the service on a loopback port with its policy in a temporary
//! file, requests from a real HTTP client, the file rewritten and reloaded.

mod common;

use std::future::IntoFuture;
use std::path::{Path, PathBuf};

use common::{expected, send, Reply};
use cors_examples::observe::{Calls, Refusals};
use cors_examples::reload::{self, ReloadError, Reloader};

const APP: &str = "https://app.example.com";
const NEW: &str = "https://new.example.com";

const FIRST: &str = r#"
origins = ["https://app.example.com"]
methods = ["GET", "PUT"]
"#;

const SECOND: &str = r#"
origins = ["https://app.example.com", "https://new.example.com"]
methods = ["GET", "PUT"]
"#;

/// Three rules broken at once: a trailing `/`, plain `http://` with credentials, a lower-case
/// method.
const INVALID: &str = r#"
origins = ["https://other.example.com/", "http://intranet.example.com"]
methods = ["get"]
credentials = true
"#;

/// A test's policy file, in a fresh directory of its own, removed with it.
struct PolicyFile(PathBuf);

impl std::ops::Deref for PolicyFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for PolicyFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn policy_file(test: &str, contents: &str) -> PolicyFile {
    let dir = std::env::temp_dir().join(format!("cors-reload-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = PolicyFile(dir.join("policy.toml"));
    write(&path, contents);
    path
}

/// Replaces the file as configuration tools do: a new file renamed over the old one.
fn write(path: &Path, contents: &str) {
    let new = path.with_extension("toml.new");
    std::fs::write(&new, contents).unwrap();
    std::fs::rename(&new, path).unwrap();
}

struct Service {
    url: String,
    reloader: Reloader,
    calls: Calls,
    refusals: Refusals,
}

async fn service(path: &Path) -> Service {
    let reloader = Reloader::open(path).unwrap();
    let (calls, refusals) = (Calls::default(), Refusals::default());
    let app = reload::app(reloader.live(), calls.clone(), refusals.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());
    Service {
        url,
        reloader,
        calls,
        refusals,
    }
}

impl Service {
    async fn hello(&self, origin: &str) -> Reply {
        send(
            "GET",
            &format!("{}/api/hello", self.url),
            &[("origin", origin)],
            b"",
        )
        .await
    }

    /// Whether `origin` may read `/api/hello` now, asserting the answer is the handler's.
    async fn allows(&self, origin: &str) -> bool {
        let reply = self.hello(origin).await;
        assert_eq!(reply.text(), "hello from a reloadable policy");
        match reply.header("access-control-allow-origin") {
            Some(allowed) => {
                assert_eq!(allowed, origin);
                true
            }
            None => false,
        }
    }
}

#[tokio::test]
async fn reload_adds_an_origin_and_an_invalid_file_keeps_the_old_policy() {
    let path = policy_file("reload", FIRST);
    let service = service(&path).await;
    assert!(service.allows(APP).await);
    assert!(!service.allows(NEW).await);
    let refusals = service.refusals.all();
    assert_eq!(
        (
            refusals.len(),
            refusals[0].origin.as_str(),
            refusals[0].reason.as_str()
        ),
        (1, NEW, "origin not allowed")
    );

    write(&path, SECOND);
    // Nothing changes until the service is told, or looks.
    assert!(!service.allows(NEW).await);
    service.reloader.reload().unwrap();
    assert!(service.allows(NEW).await);
    assert!(service.allows(APP).await);

    write(&path, INVALID);
    let Err(ReloadError::Invalid(error)) = service.reloader.reload() else {
        panic!("an invalid policy was accepted");
    };
    let lines: Vec<String> = error.violations().iter().map(|v| v.to_string()).collect();
    assert_eq!(
        lines,
        [
            "origins[0] `https://other.example.com/`: an origin has no trailing `/`, so this one \
             would never match (remove the trailing `/`)",
            "origins[1] `http://intranet.example.com`: a plain `http://` origin can be \
             impersonated by anyone on the network path, and `credentials` would hand it the \
             user's session (use `https://`, or add `dangerously_allow_insecure_origins` if this \
             network is trusted)",
            "methods[0] `get`: methods are case-sensitive, so this would not match the standard \
             upper-case method (write `GET`)",
        ]
    );
    // The log shows the refusal, then each violation on its own line.
    let outcome = Err(ReloadError::Invalid(error));
    let log = service.reloader.log_lines(&outcome);
    assert_eq!(log.len(), 4, "{log:#?}");
    assert!(log[0].ends_with("refused, the previous policy stays in force:"));
    for (logged, violation) in log[1..].iter().zip(&lines) {
        assert_eq!(logged, &format!("  {violation}"));
    }
    // The previous policy keeps serving, whole: its methods too.
    assert!(service.allows(NEW).await);
    let preflight = send(
        "OPTIONS",
        &format!("{}/api/hello", service.url),
        &[("origin", NEW), ("access-control-request-method", "PUT")],
        b"",
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.cors_headers(),
        expected(&[
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-origin", NEW),
        ])
    );

    // Not TOML, or not a policy: refused the same way.
    for (broken, message) in [
        ("origins = [", "unclosed array"),
        (
            "origins = [\"https://app.example.com\"]\norigin = []",
            "unknown key `origin`",
        ),
        ("methods = [\"GET\"]", "missing field `origins`"),
    ] {
        write(&path, broken);
        match service.reloader.reload() {
            Err(error @ ReloadError::Parse(_)) => {
                assert!(error.to_string().contains(message), "{error}")
            }
            other => panic!("{broken:?}: {other:?}"),
        }
        assert!(service.allows(NEW).await);
    }
    assert_eq!(service.calls.count("hello"), 9);
}

#[tokio::test]
async fn polling_reloads_each_change_once() {
    let path = policy_file("poll", FIRST);
    let service = service(&path).await;
    assert!(!service.reloader.reload_if_changed().unwrap(), "unchanged");

    write(&path, SECOND);
    assert!(service.reloader.reload_if_changed().unwrap());
    assert!(service.allows(NEW).await);
    assert!(!service.reloader.reload_if_changed().unwrap());

    // A broken file is reported once, not at every look, and changes nothing.
    write(&path, INVALID);
    let Err(ReloadError::Invalid(error)) = service.reloader.reload_if_changed() else {
        panic!("an invalid policy was accepted");
    };
    assert_eq!(error.violations().len(), 3);
    assert!(!service.reloader.reload_if_changed().unwrap());
    assert!(service.allows(NEW).await);

    // So is a missing file (an editor between writing and renaming, say).
    std::fs::remove_file(&*path).unwrap();
    assert!(matches!(
        service.reloader.reload_if_changed(),
        Err(ReloadError::Read(_))
    ));
    assert!(!service.reloader.reload_if_changed().unwrap());
    assert!(service.allows(NEW).await);

    write(&path, FIRST);
    assert!(service.reloader.reload_if_changed().unwrap());
    assert!(!service.allows(NEW).await);
    assert!(service.allows(APP).await);
}

#[test]
fn an_invalid_file_at_start_up_is_refused() {
    let path = policy_file("start", INVALID);
    let Err(ReloadError::Invalid(error)) = Reloader::open(&*path) else {
        panic!("started with an invalid policy");
    };
    assert_eq!(error.violations().len(), 3);
    assert!(matches!(
        Reloader::open(path.with_file_name("missing.toml")),
        Err(ReloadError::Read(_))
    ));
}

/// The example's own file is a valid policy.
#[test]
fn the_example_policy_file_is_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/reload.toml");
    let config = reload::read_config(Path::new(path)).unwrap();
    let policy = config.build().unwrap();
    assert!(policy.allows_origin(b"https://app.example.com"));
}

/// The binary itself, as an operator runs it: `SIGHUP` (sent to this test's own child process)
/// reloads; an invalid file is logged on stderr, one violation per line, and changes nothing.
#[cfg(unix)]
#[tokio::test]
async fn the_binary_reloads_on_sighup_and_logs_every_violation() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let path = policy_file("bin", FIRST);
    // A long interval: only SIGHUP reloads during the test.
    let mut child = Command::new(env!("CARGO_BIN_EXE_reload"))
        .arg(&*path)
        .args(["--port", "0", "--interval", "3600"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_owned();
    let (lines, stderr) = mpsc::channel();
    let reader = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // The stderr lines up to and including the first one `done` accepts.
    let until = |done: &dyn Fn(&str) -> bool| {
        let mut seen = Vec::new();
        loop {
            let line = stderr
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|e| panic!("{e} after {seen:#?}"));
            let last = done(&line);
            seen.push(line);
            if last {
                return seen;
            }
        }
    };
    let hangup = || {
        let status = Command::new("kill")
            .args(["-HUP", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    let allows = |origin: &'static str| {
        let url = format!("{url}/api/hello");
        async move {
            let reply = send("GET", &url, &[("origin", origin)], b"").await;
            reply.header("access-control-allow-origin") == Some(origin)
        }
    };

    assert!(!allows(NEW).await);
    assert!(until(&|l| l.starts_with("cors: refused GET /api/hello"))[0]
        .ends_with("from https://new.example.com: origin not allowed"));

    write(&path, SECOND);
    hangup();
    let log = until(&|l| l.contains("new policy in force"));
    assert_eq!(
        log,
        [
            "reload: SIGHUP".to_owned(),
            format!("reload: {}: new policy in force", path.display())
        ]
    );
    assert!(allows(NEW).await);

    write(&path, INVALID);
    hangup();
    let mut log = until(&|l| l.contains("refused, the previous policy stays in force"));
    for _ in 0..3 {
        log.push(stderr.recv_timeout(Duration::from_secs(20)).unwrap());
    }
    assert_eq!(log.len(), 5, "{log:#?}");
    assert!(
        log[2].starts_with("  origins[0] `https://other.example.com/`: "),
        "{log:#?}"
    );
    assert!(
        log[3].starts_with("  origins[1] `http://intranet.example.com`: "),
        "{log:#?}"
    );
    assert!(log[4].starts_with("  methods[0] `get`: "), "{log:#?}");
    assert!(allows(NEW).await, "the previous policy stopped serving");

    child.kill().unwrap();
    child.wait().unwrap();
}
