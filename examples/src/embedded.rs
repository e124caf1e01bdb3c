//! CORS with no allocator, as firmware does it: a [picoserve](https://docs.rs/picoserve/0.20) app
//! behind [`checked_cors::picoserve::CorsLayer`].
//!
//! [`Dashboard`], [`Device`] and [`app`] use only `core`, `checked_cors` and picoserve, nothing that
//! allocates, so they compile unchanged in a `#![no_std]` firmware crate, where embassy serves the
//! app:
//!
//! ```ignore
//! static DEVICE: Device = Device::new();
//! static CONFIG: picoserve::Config = picoserve::Config::const_default();
//! let app = app(&DEVICE, |refusal, request| defmt::warn!("cors: {} {}", request.path(), defmt::Display2Format(refusal)));
//! picoserve::Server::new(&app, &CONFIG, &mut [0; 2048])
//!     .listen_and_serve(task_id, stack, 80, &mut [0; 1024], &mut [0; 1024])
//!     .await;
//! ```
//!
//! On the host, [`serve`] runs the same app on tokio, picoserve's `tokio` feature; the tests
//! drive it over loopback, and serve it from memory to count its allocations: zero.
#![deny(
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::alloc_instead_of_core
)]

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use checked_cors::picoserve::{CorsLayer, OnRefusal};
use checked_cors::Cors;
use picoserve::extract::{FromRequest, FromRequestParts};
use picoserve::io::Read;
use picoserve::request::{ReadAllBodyError, RequestBody, RequestParts};
use picoserve::response::{IntoResponse, Response, StatusCode};
use picoserve::routing::{get, PathRouter};
use picoserve::Router;

/// The size of picoserve's request buffer: the whole request head and body must fit.
pub const BUFFER: usize = 2048;

/// The dashboard, a public website, may read and switch the device's LED across the private
/// network (hence `private_network`: Chromium asked before letting a public page reach a device).
#[derive(Cors)]
#[cors(
    origins = ["https://dashboard.example.com"],
    methods = [GET, PUT],
    headers = ["content-type"],
    max_age = 300,
    private_network
)]
pub struct Dashboard;

/// The device: an LED, and a count of the requests its handlers served.
#[derive(Debug, Default)]
pub struct Device {
    led: AtomicBool,
    calls: AtomicUsize,
}

impl Device {
    /// A device with its LED off; `const`, so that firmware can keep it in a `static`.
    pub const fn new() -> Device {
        Device {
            led: AtomicBool::new(false),
            calls: AtomicUsize::new(0),
        }
    }

    /// Whether the LED is on.
    pub fn led(&self) -> bool {
        self.led.load(Ordering::Relaxed)
    }

    /// How many requests the handlers served.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    /// `GET /led`: JSON or text, by `Accept`, so the answer varies on `Accept`.
    fn read(&self, accept: Accept) -> impl IntoResponse {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let (content_type, body) = match (accept, self.led()) {
            (Accept::Json, true) => ("application/json", "{\"led\":true}"),
            (Accept::Json, false) => ("application/json", "{\"led\":false}"),
            (Accept::Text, true) => ("text/plain", "on\n"),
            (Accept::Text, false) => ("text/plain", "off\n"),
        };
        Response::ok(body)
            .with_content_type(content_type)
            .with_header("vary", "accept")
    }

    /// `PUT /led` with `on` or `off`.
    fn switch(&self, switch: Switch) -> impl IntoResponse {
        self.calls.fetch_add(1, Ordering::Relaxed);
        match switch {
            Switch::To(on) => {
                self.led.store(on, Ordering::Relaxed);
                (StatusCode::OK, "ok\n")
            }
            Switch::Unknown => (StatusCode::BAD_REQUEST, "send on or off\n"),
        }
    }
}

/// A `PUT /led` body, read whole into picoserve's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// `on` (`true`) or `off` (`false`), with optional whitespace around.
    To(bool),
    /// Anything else.
    Unknown,
}

impl<'r, State> FromRequest<'r, State> for Switch {
    type Rejection = ReadAllBodyError;

    async fn from_request<R: Read>(
        _state: &'r State,
        _request: RequestParts<'r>,
        body: RequestBody<'r, R>,
    ) -> Result<Self, Self::Rejection> {
        Ok(match body.read_all().await?.trim_ascii() {
            b"on" => Switch::To(true),
            b"off" => Switch::To(false),
            _ => Switch::Unknown,
        })
    }
}

/// What `Accept` asks for: JSON if it names `application/json`, text otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    /// `application/json`.
    Json,
    /// Anything else.
    Text,
}

impl<'r, State> FromRequestParts<'r, State> for Accept {
    type Rejection = core::convert::Infallible;

    async fn from_request_parts(
        _state: &'r State,
        request: &RequestParts<'r>,
    ) -> Result<Self, Self::Rejection> {
        let json = request.headers().get("accept").is_some_and(|accept| {
            accept
                .split(b',')
                .any(|kind| kind.as_raw().starts_with(b"application/json"))
        });
        Ok(if json { Accept::Json } else { Accept::Text })
    }
}

/// The device's routes behind the dashboard's policy; `on_refusal` hears every refusal (a log
/// line, a counter).
pub fn app(device: &'static Device, on_refusal: OnRefusal) -> Router<impl PathRouter> {
    Router::new()
        .route(
            "/led",
            get(async move |accept: Accept| device.read(accept))
                .put(async move |switch: Switch| device.switch(switch)),
        )
        .layer(CorsLayer::<Dashboard>::new().on_refusal(on_refusal))
}

/// Serves `app(device, ..)` on `listener` forever, one connection at a time (as one socket of a
/// microcontroller would), logging refusals on standard error. The host's stand-in for embassy's
/// `listen_and_serve`.
#[allow(clippy::std_instead_of_core)] // the host's part: a socket and a log
pub async fn serve(
    listener: std::net::TcpListener,
    device: &'static Device,
) -> std::io::Result<()> {
    static CONFIG: picoserve::Config = picoserve::Config::const_default();
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = app(device, |refusal, request| {
        eprintln!(
            "cors: refused {} {}: {refusal}",
            request.method(),
            request.path()
        );
    });
    let mut buffer = [0; BUFFER];
    loop {
        let (stream, _) = listener.accept().await?;
        if let Err(error) = picoserve::Server::new_tokio(&app, &CONFIG, &mut buffer)
            .serve(stream)
            .await
        {
            eprintln!("embedded: {error:?}");
        }
    }
}
