//! [`CorsLayer`]: a policy in front of a [picoserve](https://docs.rs/picoserve/0.20) router, with
//! no allocator, for `no_std` servers on embassy (and, for tests, on tokio).
//!
//! The layer answers as the tower layer does: a preflight is answered by the layer itself (`204 No
//! Content` with the CORS headers when allowed, `403 Forbidden` with only `Vary` when refused) and
//! never reaches the handler; a forged cross-origin write (an unsafe request the browser marks as
//! cross-site, from an origin the policy does not trust) is answered `403` before the handler;
//! every other response is the handler's, with `Access-Control-Allow-Origin`,
//! `-Allow-Credentials` and `-Expose-Headers` added when the origin is allowed, and `Vary` added
//! beside the handler's own.
//!
//! ```
//! use checked_cors::picoserve::CorsLayer;
//! use checked_cors::Cors;
//! use picoserve::routing::get;
//!
//! #[derive(Cors)]
//! #[cors(
//!     origins = ["https://dashboard.example.com"],
//!     methods = [GET, PUT],
//!     headers = ["content-type"],
//! )]
//! struct Dashboard;
//!
//! fn app() -> picoserve::Router<impl picoserve::routing::PathRouter> {
//!     picoserve::Router::new()
//!         .route("/led", get(async || "on\n").put(async || "ok\n"))
//!         .layer(CorsLayer::<Dashboard>::new())
//! }
//! # let _ = app();
//! ```
//!
//! The router is then served as any other: `picoserve::Server::new(&app, &CONFIG, &mut buffer)`
//! and `listen_and_serve` on embassy, `Server::new_tokio(..).serve(stream)` on tokio.
//!
//! Nothing is allocated and nothing is copied: the request is read in place from picoserve's
//! buffer, and the header values written are the policy's `&'static str`s or the request's own
//! bytes.
//!
//! picoserve sends the headers a handler sets as they are, and adds the layer's after them: a
//! handler behind the layer should set no `Access-Control-*` header of its own, which would be
//! sent twice. Its own `Vary` is kept, and the layer's is a second `Vary` field line, which HTTP
//! combines with the first (RFC 9110, section 5.3).

use core::marker::PhantomData;

use ::picoserve::io::Read;
use ::picoserve::request::RequestParts;
use ::picoserve::response::{Body, Connection, HeadersIter, Response, ResponseWriter, StatusCode};
use ::picoserve::routing::{Layer, Next};
use ::picoserve::ResponseSent;

use crate::{CorsPolicy, CorsRequest, Decision, Header, Refusal, ResponseHeader, Value};

/// A function told why a request got no CORS permission, with the request, for logs or metrics.
pub type OnRefusal = fn(&Refusal<'_>, &RequestParts<'_>);

/// A picoserve [`Layer`] applying the policy of `P` (usually a `#[derive(Cors)]` type) to every
/// route of the router it is applied to, with `Router::layer` (see the [module](self) docs).
///
/// It holds no policy of its own, only the type: `P::policy()` is a `static`, so the layer is
/// `const`-constructible and as large as its optional [`OnRefusal`] hook.
pub struct CorsLayer<P> {
    on_refusal: Option<OnRefusal>,
    _policy: PhantomData<fn() -> P>,
}

impl<P: CorsPolicy> CorsLayer<P> {
    /// A layer applying `P`'s policy.
    pub const fn new() -> Self {
        CorsLayer {
            on_refusal: None,
            _policy: PhantomData,
        }
    }
}

impl<P> CorsLayer<P> {
    /// Calls `f` with the reason of every refusal (the request's origin, method or headers are not
    /// allowed or are malformed, or the request is a forged cross-origin write), before the
    /// request is answered. Costs nothing when unset.
    ///
    /// ```
    /// use checked_cors::picoserve::CorsLayer;
    /// use checked_cors::Cors;
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://dashboard.example.com"])]
    /// struct Dashboard;
    ///
    /// // On a device, `defmt::warn!` or a counter; here, standard error.
    /// let layer = CorsLayer::<Dashboard>::new().on_refusal(|refusal, request| {
    ///     eprintln!("cors: {} {}: {refusal}", request.method(), request.path());
    /// });
    /// # let _ = layer;
    /// ```
    #[must_use]
    pub const fn on_refusal(mut self, f: OnRefusal) -> Self {
        self.on_refusal = Some(f);
        self
    }
}

impl<P: CorsPolicy> Default for CorsLayer<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> Clone for CorsLayer<P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for CorsLayer<P> {}

impl<P> core::fmt::Debug for CorsLayer<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CorsLayer")
            .field("policy", &core::any::type_name::<P>())
            .field("on_refusal", &self.on_refusal.is_some())
            .finish()
    }
}

impl<P: CorsPolicy, State, PathParameters> Layer<State, PathParameters> for CorsLayer<P> {
    type NextState = State;
    type NextPathParameters = PathParameters;

    async fn call_layer<
        'a,
        R: Read + 'a,
        NextLayer: Next<'a, R, State, PathParameters>,
        W: ResponseWriter<Error = R::Error>,
    >(
        &self,
        next: NextLayer,
        state: &State,
        path_parameters: PathParameters,
        request_parts: RequestParts<'_>,
        response_writer: W,
    ) -> Result<ResponseSent, W::Error> {
        let decision = P::policy().evaluate(&read(&request_parts));
        if let (Some(report), Some(refusal)) = (self.on_refusal, decision.refusal()) {
            report(&refusal, &request_parts);
        }
        match decision.status() {
            Some(status) => {
                // The layer's own answer: the handler never runs, and its body is discarded.
                let connection = next.into_connection().await?;
                answer(connection, response_writer, status, &decision).await
            }
            None => {
                let decorated = Decorated {
                    inner: response_writer,
                    headers: decoration(&decision),
                };
                next.run(state, path_parameters, decorated).await
            }
        }
    }
}

/// Reads the parts of a request that decide its CORS answer from picoserve's request, in one pass
/// over its headers, borrowing from it.
///
/// The `Access-Control-Request-*` headers matter only to a preflight, so they are read only for
/// `OPTIONS`; `Sec-Fetch-Site` and `Host` only for unsafe methods. A header sent more than once is
/// [`Header::Many`], which the evaluation refuses where it matters.
pub fn read<'r>(parts: &RequestParts<'r>) -> CorsRequest<'r> {
    let mut request = CorsRequest {
        method: parts.method().as_bytes(),
        ..CorsRequest::default()
    };
    let options = request.method == b"OPTIONS";
    let unsafe_method = !request.is_safe_method();
    for (name, value) in parts.headers() {
        let slot = if name == "origin" {
            &mut request.origin
        } else if options && name == "access-control-request-method" {
            &mut request.request_method
        } else if options && name == "access-control-request-headers" {
            &mut request.request_headers
        } else if options && name == "access-control-request-private-network" {
            &mut request.request_private_network
        } else if unsafe_method && name == "sec-fetch-site" {
            &mut request.sec_fetch_site
        } else if unsafe_method && name == "host" {
            &mut request.host
        } else {
            continue;
        };
        *slot = match slot {
            Header::Absent => Header::One(value.as_raw()),
            Header::One(_) | Header::Many => Header::Many,
        };
    }
    request
}

/// One response header the layer writes, or none.
type Field<'r> = Option<(&'static str, &'r str)>;

/// The value of a header as text, or `None` (and the header is not sent) if it is not a valid
/// field value. Policies hold visible ASCII, and an echoed origin or header list was checked by
/// the evaluation; this check keeps a line break out of the response whatever happens.
fn text<'r>(value: Value<'r, 'r>) -> Option<&'r str> {
    let bytes = match value {
        Value::Policy(s) => s.as_bytes(),
        Value::RequestOrigin(b) | Value::RequestHeaders(b) | Value::RequestMethod(b) => b,
    };
    let valid = bytes
        .iter()
        .all(|&b| b == b'\t' || (b' '..0x7f).contains(&b));
    if valid {
        core::str::from_utf8(bytes).ok()
    } else {
        None
    }
}

fn field<'r>(name: ResponseHeader, value: Option<Value<'r, 'r>>) -> Field<'r> {
    Some((name.as_str(), text(value?)?))
}

/// Writes the layer's own answer: a preflight's (`204` with the CORS headers, or `403` with only
/// `Vary`) or the `403` to a blocked write (only `Vary`).
async fn answer<R: Read, W: ResponseWriter<Error = R::Error>>(
    connection: Connection<'_, R>,
    response_writer: W,
    status: u16,
    decision: &Decision<'_, '_>,
) -> Result<ResponseSent, W::Error> {
    // Every header `Decision::headers` can give, in its order, then the framing: a `403` says it
    // has no body (the connection may be kept alive), a `204` cannot have one.
    let mut headers: [Field<'_>; 9] = [None; 9];
    for (slot, (name, value)) in headers.iter_mut().zip(decision.headers()) {
        *slot = field(name, Some(value));
    }
    if status != 204 {
        headers[8] = Some(("content-length", "0"));
    }
    let response = Response::empty(StatusCode::new(status)).with_headers(headers);
    response_writer.write_response(connection, response).await
}

/// The headers an actual (not preflight) response gets: at most these four.
fn decoration<'r>(decision: &Decision<'r, 'r>) -> [Field<'r>; 4] {
    [
        field(ResponseHeader::AllowOrigin, decision.allow_origin),
        decision
            .allow_credentials
            .then_some((ResponseHeader::AllowCredentials.as_str(), "true")),
        field(
            ResponseHeader::ExposeHeaders,
            decision.expose_headers.map(Value::Policy),
        ),
        field(ResponseHeader::Vary, decision.vary.map(Value::Policy)),
    ]
}

/// The response writer handed to the handler: writes its response with the CORS headers added.
struct Decorated<'r, W> {
    inner: W,
    headers: [Field<'r>; 4],
}

impl<W: ResponseWriter> ResponseWriter for Decorated<'_, W> {
    type Error = W::Error;

    async fn write_response<R: Read<Error = Self::Error>, H: HeadersIter, B: Body>(
        self,
        connection: Connection<'_, R>,
        response: Response<H, B>,
    ) -> Result<ResponseSent, Self::Error> {
        let response = response.with_headers(self.headers);
        self.inner.write_response(connection, response).await
    }
}
