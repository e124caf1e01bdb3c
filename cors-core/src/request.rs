/// One request header as the evaluation needs it: a CORS header must appear at most once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Header<'r> {
    /// Not in the request.
    #[default]
    Absent,
    /// Exactly once, with these bytes.
    One(&'r [u8]),
    /// More than once: the request is malformed.
    Many,
}

impl<'r> Header<'r> {
    /// `Absent` for `None`, `One` for `Some`.
    pub fn from_option(value: Option<&'r [u8]>) -> Self {
        value.map_or(Header::Absent, Header::One)
    }
}

/// The parts of a request that decide its CORS answer, borrowed from wherever the server keeps them.
///
/// ```
/// use checked_cors::{Header, CorsRequest};
/// let request = CorsRequest {
///     method: b"OPTIONS",
///     origin: Header::One(b"https://app.example.com"),
///     request_method: Header::One(b"PUT"),
///     request_headers: Header::One(b"content-type,x-api-key"),
///     ..CorsRequest::default()
/// };
/// assert!(request.is_preflight());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CorsRequest<'r> {
    /// The request's method.
    pub method: &'r [u8],
    /// `Origin`.
    pub origin: Header<'r>,
    /// `Access-Control-Request-Method`.
    pub request_method: Header<'r>,
    /// `Access-Control-Request-Headers`.
    pub request_headers: Header<'r>,
    /// `Access-Control-Request-Private-Network`.
    pub request_private_network: Header<'r>,
    /// `Sec-Fetch-Site`: how the browser relates the page to the target (`same-origin`,
    /// `same-site`, `cross-site`, or `none` when the user typed the address). Read for unsafe
    /// methods only, to refuse forged cross-origin writes.
    pub sec_fetch_site: Header<'r>,
    /// The host the request was sent to, with its port if any (`Host`, or the `:authority` of
    /// HTTP/2): compared with `Origin` when a browser sends no `Sec-Fetch-Site`.
    pub host: Header<'r>,
}

impl CorsRequest<'_> {
    /// Whether the method cannot change state by the HTTP semantics browsers rely on: `GET`,
    /// `HEAD` and `OPTIONS` (and so needs no protection from forged cross-origin requests).
    // Over `MethodKind::of`, the evaluation's own classification, so that the two cannot differ.
    pub fn is_safe_method(&self) -> bool {
        MethodKind::of(self.method) != MethodKind::Unsafe
    }

    /// Whether this is a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`
    /// (Fetch, "CORS-preflight request"). `OPTIONS` without them is an ordinary request.
    pub fn is_preflight(&self) -> bool {
        MethodKind::of(self.method) == MethodKind::Options
            && self.origin != Header::Absent
            && self.request_method != Header::Absent
    }
}

/// What the method means to the evaluation, found once per request: adapters over a server's
/// own method type compare its variants instead of the method's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MethodKind {
    /// `OPTIONS`: a preflight if it has `Origin` and `Access-Control-Request-Method`.
    Options,
    /// `GET` or `HEAD`: never a forged write.
    Safe,
    /// Anything else, checked for forged cross-origin writes.
    Unsafe,
}

impl MethodKind {
    /// The kind of a method given by its bytes (case-sensitive, as methods are).
    #[inline]
    pub(crate) fn of(method: &[u8]) -> Self {
        match method {
            b"GET" | b"HEAD" => MethodKind::Safe,
            b"OPTIONS" => MethodKind::Options,
            _ => MethodKind::Unsafe,
        }
    }
}

/// A request header [`CorsRequest::read_with`] asks an adapter for.
#[cfg(feature = "http")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Origin,
    RequestMethod,
    RequestHeaders,
    RequestPrivateNetwork,
    SecFetchSite,
    Host,
}

#[cfg(feature = "http")]
impl<'r> CorsRequest<'r> {
    /// The request with method `method` whose headers `header` looks up, for adapters over any
    /// header map: the `Access-Control-Request-*` headers only matter to a preflight, so they
    /// are asked for only for `OPTIONS` with an `Origin`; `Sec-Fetch-Site` and the host only
    /// for unsafe methods.
    #[inline]
    pub(crate) fn read_with(
        method: &'r [u8],
        kind: MethodKind,
        mut header: impl FnMut(Field) -> Header<'r>,
    ) -> Self {
        let mut request = CorsRequest {
            method,
            origin: header(Field::Origin),
            ..CorsRequest::default()
        };
        if kind == MethodKind::Options && request.origin != Header::Absent {
            request.request_method = header(Field::RequestMethod);
            request.request_headers = header(Field::RequestHeaders);
            request.request_private_network = header(Field::RequestPrivateNetwork);
        } else if kind == MethodKind::Unsafe {
            request.sec_fetch_site = header(Field::SecFetchSite);
            request.host = header(Field::Host);
        }
        request
    }
}
