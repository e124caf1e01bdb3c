//! Serving routers on loopback, on ports chosen by the system, for the life of the test process.

use std::io;
use std::net::{SocketAddr, TcpListener};

use axum::Router;

/// A listener on `127.0.0.1` with an ephemeral port, bound before the routers exist so that each
/// router can be told the other's origin.
pub fn bind() -> io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// Serves each `(listener, router)` pair on a background thread with its own tokio runtime.
///
/// The servers live as long as the test process: every test of the suite shares them, and the
/// process exit ends them.
pub fn spawn(servers: Vec<(TcpListener, Router)>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let mut listeners = Vec::new();
    for (listener, router) in servers {
        // Converting needs the runtime's reactor.
        let _guard = runtime.enter();
        listeners.push((tokio::net::TcpListener::from_std(listener)?, router));
    }
    std::thread::Builder::new()
        .name("cors-browser-servers".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut tasks = Vec::new();
                for (listener, router) in listeners {
                    tasks.push(tokio::spawn(
                        async move { axum::serve(listener, router).await },
                    ));
                }
                for task in tasks {
                    // A server that stops is a harness bug: say so instead of hanging silently.
                    match task.await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => panic!("a test server stopped: {e}"),
                        Err(e) => panic!("a test server panicked: {e}"),
                    }
                }
            });
        })?;
    Ok(())
}
