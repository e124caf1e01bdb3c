//! A service whose CORS policy is a TOML file, reloaded while it serves:
//! `cargo run -p cors-examples --bin reload -- [FILE] [--port N] [--interval SECONDS]`.
//!
//! It reloads on `SIGHUP` (`kill -HUP <pid>`; Unix only) and whenever the file's contents change,
//! checked every `--interval` seconds (2 by default). A file that is not a valid policy is
//! refused, every violation logged on stderr on its own line, and the previous policy keeps
//! serving. The logic is in `src/reload.rs`; see there why not a file watcher.

use std::future::IntoFuture;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cors_examples::observe::{Calls, Refusals};
use cors_examples::reload::{self, Reloader};
use tokio::net::TcpListener;

const USAGE: &str = "usage: reload [FILE] [--port N] [--interval SECONDS]";

struct Args {
    path: PathBuf,
    port: u16,
    interval: Duration,
}

fn args() -> Result<Args, String> {
    let mut parsed = Args {
        path: concat!(env!("CARGO_MANIFEST_DIR"), "/reload.toml").into(),
        port: 8090,
        interval: Duration::from_secs(2),
    };
    let mut args = std::env::args().skip(1);
    let mut path = None;
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value; {USAGE}"))
        };
        match arg.as_str() {
            "--port" => {
                let value = value()?;
                parsed.port = value
                    .parse()
                    .map_err(|_| format!("--port: not a port: {value:?}"))?;
            }
            "--interval" => {
                let value = value()?;
                let seconds: u64 = value
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("--interval: not a number of seconds: {value:?}"))?;
                parsed.interval = Duration::from_secs(seconds);
            }
            _ if arg.starts_with('-') || path.is_some() => {
                return Err(format!("unexpected argument {arg:?}; {USAGE}"))
            }
            _ => path = Some(PathBuf::from(arg)),
        }
    }
    if let Some(path) = path {
        parsed.path = path;
    }
    Ok(parsed)
}

fn log(lines: Vec<String>) {
    for line in lines {
        eprintln!("{line}");
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = args().unwrap_or_else(|message| {
        eprintln!("{message}");
        std::process::exit(2)
    });
    let reloader = match Reloader::open(&args.path) {
        Ok(reloader) => Arc::new(reloader),
        Err(error) => {
            eprintln!("{}: not a valid policy, not starting:", args.path.display());
            log(error
                .lines()
                .into_iter()
                .map(|l| format!("  {l}"))
                .collect());
            std::process::exit(1)
        }
    };
    // Before anything announces the service: until the handler is installed, SIGHUP kills.
    #[cfg(unix)]
    let hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    #[cfg(not(unix))]
    let hangups = ();
    let listener = TcpListener::bind(("127.0.0.1", args.port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    println!(
        "policy: {} (reloaded on SIGHUP and when it changes, checked every {:?})",
        args.path.display(),
        args.interval
    );
    let app = reload::app(reloader.live(), Calls::default(), Refusals::default());
    tokio::spawn(watch(reloader, args.interval, hangups));
    axum::serve(listener, app).into_future().await
}

#[cfg(unix)]
type Hangups = tokio::signal::unix::Signal;
#[cfg(not(unix))]
type Hangups = ();

/// Reloads on `SIGHUP`, and every `interval` if the file changed. Reading a small file is quick:
/// it runs on the runtime's threads rather than `spawn_blocking`.
#[cfg_attr(not(unix), allow(unused_variables, unused_mut))]
async fn watch(reloader: Arc<Reloader>, interval: Duration, mut hangups: Hangups) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await; // the first tick is immediate; the file was just read
    loop {
        #[cfg(unix)]
        let hangup = hangups.recv();
        #[cfg(not(unix))]
        let hangup = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = hangup => {
                eprintln!("reload: SIGHUP");
                let outcome = reloader.reload();
                log(reloader.log_lines(&outcome));
            }
            _ = ticks.tick() => match reloader.reload_if_changed() {
                Ok(false) => {}
                Ok(true) => log(reloader.log_lines(&Ok(()))),
                Err(error) => log(reloader.log_lines(&Err(error))),
            },
        }
    }
}
