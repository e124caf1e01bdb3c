use crate::origins::{is_visible_ascii, Allowed, Unmatched};
use crate::policy::{HeaderList, Policy};
use crate::refusal::{Malformed, Refusal};
use crate::request::{CorsRequest, Header, MethodKind};
use crate::request_headers::{find_refused, find_refused_listed, ListError, Scan};
use crate::response::{ResponseHeader, Value};
use checked_cors_rules::is_tchar;

/// What to do with a request: answer a preflight now, or run the handler and add headers to its
/// response. Returned by [`Policy::evaluate`]; holds no allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision<'p, 'r> {
    preflight: bool,
    /// A forged cross-origin write: answered `403` without the handler.
    blocked: bool,
    pub(crate) allow_origin: Option<Value<'p, 'r>>,
    pub(crate) allow_credentials: bool,
    pub(crate) allow_methods: Option<Value<'p, 'r>>,
    pub(crate) allow_headers: Option<Value<'p, 'r>>,
    max_age: Option<&'p str>,
    pub(crate) allow_private_network: bool,
    pub(crate) expose_headers: Option<&'p str>,
    pub(crate) vary: Option<&'static str>,
    /// Where the allowed origin is in the policy's exact table, for adapters that prepared a
    /// header value per listed origin.
    pub(crate) listed: Option<usize>,
    /// What the origin check found, for [`Policy::explain`]: the entry that allowed the origin,
    /// or why none did. `None` when the check did not run.
    pub(crate) matched: Option<Result<Allowed<'p>, Unmatched>>,
    refusal: Option<Refusal<'r>>,
}

/// Origins a policy allows beyond its own list, decided while the service runs: see
/// [`Policy::evaluate_with`]. Implemented by closures `Fn(&str) -> bool` and by
/// `OriginSet` (feature `live`).
pub trait DynamicOrigins {
    /// Whether `origin`, a serialized origin exactly as a browser sends it, may read responses.
    fn allows(&self, origin: &str) -> bool;
}

/// Origins beyond a policy's own, as one evaluation is given them. Internal, so that only this
/// crate can hand an evaluation an answer whose origin it need not check again (and the public
/// trait's vtable carries no method for it).
#[derive(Clone, Copy)]
pub(crate) enum Dynamic<'a> {
    /// Asked about each origin the policy does not list, once its syntax is checked.
    Ask(&'a dyn DynamicOrigins),
    /// An asynchronous lookup's verdict on the request's origin. The probe's evaluation of the
    /// same, unchanged request checked that origin's syntax before asking (that is how it came
    /// to ask), so the check is not run a second time. Only the integrations with a lookup
    /// make one.
    #[cfg(any(feature = "tower", feature = "actix"))]
    Verdict(bool),
}

impl<F: Fn(&str) -> bool> DynamicOrigins for F {
    fn allows(&self, origin: &str) -> bool {
        self(origin)
    }
}

/// `Vary` values, pre-rendered so that no answer builds a string.
mod vary {
    pub const ORIGIN: &str = "origin";
    pub const PREFLIGHT: &str =
        "origin, access-control-request-method, access-control-request-headers";
    pub const PREFLIGHT_ANY_ORIGIN: &str =
        "access-control-request-method, access-control-request-headers";
    pub const PREFLIGHT_PNA: &str = "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network";
    pub const PREFLIGHT_ANY_ORIGIN_PNA: &str =
        "access-control-request-method, access-control-request-headers, access-control-request-private-network";
}

impl<'p, 'r> Decision<'p, 'r> {
    fn new(preflight: bool, vary: Option<&'static str>) -> Self {
        Decision {
            preflight,
            blocked: false,
            allow_origin: None,
            allow_credentials: false,
            allow_methods: None,
            allow_headers: None,
            max_age: None,
            allow_private_network: false,
            expose_headers: None,
            vary,
            listed: None,
            matched: None,
            refusal: None,
        }
    }

    fn refuse(mut self, refusal: Refusal<'r>) -> Self {
        self.refusal = Some(refusal);
        self
    }

    /// Whether the request must be answered `403 Forbidden` without running the handler: an
    /// unsafe request that the browser marks as cross-origin, from an origin the policy neither
    /// allows nor trusts for writes (see [`Refusal::CrossOriginWrite`]).
    pub fn is_blocked(&self) -> bool {
        self.blocked
    }

    /// The status to answer with without running the handler: a preflight's (`204` or `403`) or
    /// a blocked write's (`403`). `None` when the handler answers.
    pub fn status(&self) -> Option<u16> {
        if self.blocked {
            Some(403)
        } else {
            self.preflight_status()
        }
    }

    /// Whether the request is a preflight, to be answered without calling the handler.
    pub fn is_preflight(&self) -> bool {
        self.preflight
    }

    /// The status of the preflight answer: `204 No Content` when allowed, `403 Forbidden` when
    /// refused (a status no browser accepts for a preflight). `None` for other requests.
    pub fn preflight_status(&self) -> Option<u16> {
        self.preflight
            .then(|| if self.refusal.is_some() { 403 } else { 204 })
    }

    /// Why the request got no CORS permission, if it did not. Requests without `Origin` are not
    /// CORS requests and are never refused.
    pub fn refusal(&self) -> Option<Refusal<'r>> {
        self.refusal
    }

    /// Whether the response is to carry `Access-Control-Allow-Origin`: a CORS request the policy
    /// allows, or, under `origins = "*"`, any request that is not refused (with or without
    /// `Origin`, as Fetch's "CORS protocol and HTTP caches" asks, so that a response cached from a
    /// navigation or a `no-cors` load still passes a later `fetch()`'s CORS check).
    pub fn is_allowed(&self) -> bool {
        self.allow_origin.is_some()
    }

    /// The headers to add to the response (for a preflight, to the answer), in a fixed order.
    /// `Vary` must be appended to any `Vary` already there.
    pub fn headers(&self) -> impl Iterator<Item = (ResponseHeader, Value<'p, 'r>)> + '_ {
        let flag = |on: bool| on.then_some(Value::Policy("true"));
        [
            (ResponseHeader::AllowOrigin, self.allow_origin),
            (
                ResponseHeader::AllowCredentials,
                flag(self.allow_credentials),
            ),
            (ResponseHeader::AllowMethods, self.allow_methods),
            (ResponseHeader::AllowHeaders, self.allow_headers),
            (ResponseHeader::MaxAge, self.max_age.map(Value::Policy)),
            (
                ResponseHeader::AllowPrivateNetwork,
                flag(self.allow_private_network),
            ),
            (
                ResponseHeader::ExposeHeaders,
                self.expose_headers.map(Value::Policy),
            ),
            (ResponseHeader::Vary, self.vary.map(Value::Policy)),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
    }

    /// The value of one header of [`Decision::headers`].
    pub fn header(&self, name: ResponseHeader) -> Option<Value<'p, 'r>> {
        self.headers().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl Policy<'_> {
    /// Decides the CORS answer to a request, following the Fetch standard's CORS protocol.
    ///
    /// Allocates nothing; its cost is bounded by the request's (bounded) header lengths, not by the
    /// size of the policy's origin list.
    ///
    /// ```
    /// use checked_cors::{Cors, CorsPolicy, Header, ResponseHeader, CorsRequest, Value};
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"], methods = [GET, PUT])]
    /// struct Api;
    ///
    /// let request = CorsRequest {
    ///     method: b"OPTIONS",
    ///     origin: Header::One(b"https://app.example.com"),
    ///     request_method: Header::One(b"PUT"),
    ///     ..CorsRequest::default()
    /// };
    /// let decision = Api::policy().evaluate(&request);
    /// assert_eq!(decision.preflight_status(), Some(204));
    /// assert_eq!(
    ///     decision.header(ResponseHeader::AllowOrigin),
    ///     Some(Value::Policy("https://app.example.com"))
    /// );
    /// ```
    #[inline]
    pub fn evaluate<'p, 'r>(&'p self, request: &CorsRequest<'r>) -> Decision<'p, 'r> {
        self.evaluate_with(request, None)
    }

    /// [`Policy::evaluate`], with `dynamic` deciding the origins the policy's own list does not
    /// match: a set of tenants kept while the service runs, or a lookup. Everything else
    /// (methods, headers, credentials, max age, `Vary`) is the policy's.
    ///
    /// `dynamic` is asked only about a serialized origin as browsers send it (ASCII, lower case,
    /// no path, no default port, at most [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN) bytes), never
    /// about `null` or malformed bytes; it can allow an origin, which is then echoed, never `*`.
    ///
    /// ```
    /// use checked_cors::{Cors, CorsPolicy, Header, CorsRequest};
    ///
    /// #[derive(Cors)]
    /// #[cors(origins = ["https://app.example.com"], credentials)]
    /// struct Api;
    ///
    /// let tenants = |origin: &str| origin == "https://initech.example.net";
    /// let request = CorsRequest {
    ///     method: b"GET",
    ///     origin: Header::One(b"https://initech.example.net"),
    ///     ..CorsRequest::default()
    /// };
    /// assert!(Api::policy().evaluate_with(&request, Some(&tenants)).is_allowed());
    /// assert!(!Api::policy().evaluate(&request).is_allowed());
    /// ```
    #[inline]
    pub fn evaluate_with<'p, 'r>(
        &'p self,
        request: &CorsRequest<'r>,
        dynamic: Option<&dyn DynamicOrigins>,
    ) -> Decision<'p, 'r> {
        self.evaluate_deferred(request, None, dynamic.map(Dynamic::Ask), || {
            (request.request_headers, request.request_private_network)
        })
    }

    /// [`Policy::evaluate_with`], with `Access-Control-Request-Headers` and
    /// `-Request-Private-Network` given by `rest` (`request`'s own fields for them unused), asked
    /// only once a preflight's origin and method are allowed: an adapter over a header map then
    /// looks them up only when they can change the answer. `kind` is the kind of
    /// `request.method` if the adapter knows it from its own method type (`None`: from the bytes,
    /// when needed).
    #[inline]
    pub(crate) fn evaluate_deferred<'p, 'r>(
        &'p self,
        request: &CorsRequest<'r>,
        kind: Option<MethodKind>,
        dynamic: Option<Dynamic<'_>>,
        rest: impl FnOnce() -> (Header<'r>, Header<'r>),
    ) -> Decision<'p, 'r> {
        if request.origin == Header::Absent {
            return self.without_origin(request, kind);
        }
        let kind = kind.unwrap_or_else(|| MethodKind::of(request.method));
        self.with_origin(request, kind, dynamic, rest)
    }

    /// The decision on a request without `Origin` (same-origin traffic, most requests): no
    /// preflight, no origin to match; only a forged write or `origins = "*"` changes it. Kept
    /// apart from [`Policy::with_origin`] so that this path does not pay for that one's frame.
    #[inline]
    fn without_origin<'p, 'r>(
        &'p self,
        request: &CorsRequest<'r>,
        kind: Option<MethodKind>,
    ) -> Decision<'p, 'r> {
        let mut decision = Decision::new(false, self.vary(false));
        // `is_cross_origin` without an `Origin`: only `Sec-Fetch-Site` can mark the request, so
        // the method is looked at only when it does.
        let marked = !matches!(
            request.sec_fetch_site,
            Header::Absent | Header::One(b"same-origin" | b"none")
        );
        if marked
            && !self.cross_origin_writes
            && kind.unwrap_or_else(|| MethodKind::of(request.method)) == MethodKind::Unsafe
        {
            decision.blocked = true;
            return decision.refuse(Refusal::CrossOriginWrite);
        }
        if matches!(self.origins, crate::Origins::Any) {
            // `*` is the same answer for every request: sent on every response, it stays right
            // in any cache (and needs no `Vary`).
            return self.allow(decision, &[], Allowed::Any);
        }
        decision
    }

    /// [`Policy::evaluate_deferred`] for a request with `Origin` (one or several).
    #[inline(never)]
    fn with_origin<'p, 'r>(
        &'p self,
        request: &CorsRequest<'r>,
        kind: MethodKind,
        dynamic: Option<Dynamic<'_>>,
        rest: impl FnOnce() -> (Header<'r>, Header<'r>),
    ) -> Decision<'p, 'r> {
        // The method's kind answers both questions that depend on it: whether this can be a
        // preflight, and whether it is safe (so never a forged write).
        let safe = kind != MethodKind::Unsafe;
        let preflight = kind == MethodKind::Options && request.request_method != Header::Absent;
        let mut decision = Decision::new(preflight, self.vary(preflight));
        // The write check needs the origin's match; computed there, it is not computed again.
        let mut matched = None;
        if !safe && !self.cross_origin_writes && is_cross_origin(request) {
            let trusted = match request.origin {
                Header::One(origin) if is_visible_ascii(origin) => {
                    let own = self.match_origin(origin, dynamic);
                    matched = Some(own);
                    own.is_ok() || self.write_origins.match_origin(origin).is_ok()
                }
                _ => false,
            };
            if !trusted {
                decision.blocked = true;
                return decision.refuse(Refusal::CrossOriginWrite);
            }
        }
        let origin = match request.origin {
            // (Never absent here.)
            Header::Absent => return decision,
            Header::Many => return decision.refuse(Refusal::Malformed(Malformed::SeveralOrigins)),
            Header::One(origin) => origin,
        };
        let matched = matched.unwrap_or_else(|| self.match_origin(origin, dynamic));
        if !is_serialized(origin, &matched) {
            return decision.refuse(Refusal::Malformed(Malformed::Origin));
        }
        decision.matched = Some(matched);
        let Ok(allowed) = matched else {
            return decision.refuse(Refusal::OriginNotAllowed);
        };
        if preflight {
            self.preflight(decision, request, origin, allowed, rest)
        } else {
            self.allow(decision, origin, allowed)
        }
    }

    /// The policy's own origins, then `dynamic`'s, for a syntactically valid origin only.
    #[inline]
    fn match_origin<'p>(
        &'p self,
        origin: &[u8],
        dynamic: Option<Dynamic<'_>>,
    ) -> Result<Allowed<'p>, Unmatched> {
        let own = self.origins.match_origin(origin);
        match (own, dynamic) {
            (Err(Unmatched::NoEntry), Some(dynamic)) => {
                let allowed = match dynamic {
                    #[cfg(any(feature = "tower", feature = "actix"))]
                    Dynamic::Verdict(allowed) => allowed,
                    Dynamic::Ask(dynamic) => {
                        let text = core::str::from_utf8(origin).map_err(|_| Unmatched::NoEntry)?;
                        let serialized = matches!(
                            checked_cors_rules::check_origin(text),
                            Ok(checked_cors_rules::OriginSpec::Exact(_))
                        );
                        serialized && dynamic.allows(text)
                    }
                };
                if allowed {
                    Ok(Allowed::Dynamic)
                } else {
                    Err(Unmatched::NoEntry)
                }
            }
            (own, _) => own,
        }
    }

    pub(crate) fn vary(&self, preflight: bool) -> Option<&'static str> {
        match (preflight, self.varies_on_origin(), self.private_network) {
            (false, true, _) => Some(vary::ORIGIN),
            (false, false, _) => None,
            (true, true, false) => Some(vary::PREFLIGHT),
            (true, false, false) => Some(vary::PREFLIGHT_ANY_ORIGIN),
            (true, true, true) => Some(vary::PREFLIGHT_PNA),
            (true, false, true) => Some(vary::PREFLIGHT_ANY_ORIGIN_PNA),
        }
    }

    fn allow<'p, 'r>(
        &'p self,
        mut decision: Decision<'p, 'r>,
        origin: &'r [u8],
        allowed: Allowed<'p>,
    ) -> Decision<'p, 'r> {
        decision.allow_origin = Some(match allowed {
            Allowed::Any => Value::Policy("*"),
            Allowed::Listed(origin, index) => {
                decision.listed = Some(index);
                Value::Policy(origin)
            }
            Allowed::Pattern(_) | Allowed::Null | Allowed::Dynamic => Value::RequestOrigin(origin),
        });
        decision.allow_credentials = self.credentials;
        if !decision.preflight {
            decision.expose_headers = match &self.expose {
                // (`AnyWithAuthorization` is for request headers only.)
                HeaderList::Any | HeaderList::AnyWithAuthorization => Some("*"),
                HeaderList::Names { rendered, .. } if !self.expose.is_empty() => Some(&**rendered),
                HeaderList::Names { .. } => None,
            };
        }
        decision
    }

    fn preflight<'p, 'r>(
        &'p self,
        decision: Decision<'p, 'r>,
        request: &CorsRequest<'r>,
        origin: &'r [u8],
        allowed: Allowed<'p>,
        rest: impl FnOnce() -> (Header<'r>, Header<'r>),
    ) -> Decision<'p, 'r> {
        let grant = match self.grant(request.request_method, rest) {
            Ok(grant) => grant,
            Err(refusal) => return decision.refuse(refusal),
        };
        let mut decision = self.allow(decision, origin, allowed);
        decision.allow_methods = Some(grant.allow_methods);
        decision.allow_headers = grant.allow_headers;
        decision.max_age = self.max_age.as_deref();
        decision.allow_private_network = grant.allow_private_network;
        decision
    }

    /// What a preflight from an allowed origin is granted, or why it is refused: the checks of
    /// its method, its headers and its private-network request, in one place for
    /// [`Policy::evaluate`] and the tower layer's preflight path.
    #[inline]
    pub(crate) fn grant<'p, 'r>(
        &'p self,
        request_method: Header<'r>,
        rest: impl FnOnce() -> (Header<'r>, Header<'r>),
    ) -> Result<Grant<'p, 'r>, Refusal<'r>> {
        let method = match request_method {
            Header::One(m) if is_token(m) => m,
            Header::Many => return Err(Refusal::Malformed(Malformed::SeveralRequestMethods)),
            _ => return Err(Refusal::Malformed(Malformed::RequestMethod)),
        };
        // Methods are case-sensitive (Fetch normalizes only the six it knows); browsers never
        // check a CORS-safelisted method against `Access-Control-Allow-Methods`, so neither does
        // this (forbidding `GET` is the router's job).
        if !self.allows_method(method) {
            let method = core::str::from_utf8(method).unwrap_or("?");
            return Err(Refusal::MethodNotAllowed(method));
        }
        let (request_headers, request_private_network) = rest();
        let allow_headers = self.check_request_headers(request_headers)?;
        let allow_private_network = match request_private_network {
            Header::Absent => false,
            Header::Many => {
                return Err(Refusal::Malformed(Malformed::SeveralPrivateNetworkRequests))
            }
            // Only the exact value `true` asks (Private Network Access, section 3.2).
            Header::One(b"true") if self.private_network => true,
            Header::One(b"true") => return Err(Refusal::PrivateNetworkNotAllowed),
            Header::One(_) => false,
        };
        Ok(Grant {
            // With credentials, browsers read `*` as a method named `*`: name the one asked for.
            allow_methods: if self.any_method && self.credentials {
                Value::RequestMethod(method)
            } else {
                Value::Policy(&self.allow_methods)
            },
            allow_headers,
            allow_private_network,
        })
    }

    fn check_request_headers<'p, 'r>(
        &'p self,
        header: Header<'r>,
    ) -> Result<Option<Value<'p, 'r>>, Refusal<'r>> {
        let value = match header {
            Header::Absent => return Ok(None),
            Header::Many => return Err(Refusal::Malformed(Malformed::SeveralRequestHeaders)),
            Header::One(value) => value,
        };
        let refused = match &self.headers {
            // Fetch: `*` in `Access-Control-Allow-Headers` never covers `Authorization`; the
            // credential must be listed by name, so echoing it back would grant more than `*`.
            HeaderList::Any => find_refused(value, |name| {
                is_token(name) && !name.eq_ignore_ascii_case(b"authorization")
            }),
            HeaderList::AnyWithAuthorization => find_refused(value, is_token),
            HeaderList::Names { names, .. } => find_refused_listed(value, names, |name| {
                names.iter().any(|n| is_lower_case_of(n.as_bytes(), name))
            }),
        };
        match refused {
            Ok(Scan::Refused(name)) => Err(Refusal::HeaderNotAllowed(name)),
            Err(ListError::TooLong) => Err(Refusal::Malformed(Malformed::RequestHeadersTooLong)),
            Err(ListError::TooMany) => Err(Refusal::Malformed(Malformed::TooManyRequestHeaders)),
            Err(ListError::Invalid) => Err(Refusal::Malformed(Malformed::RequestHeaders)),
            // Nothing asked (an empty or all-empty list): nothing to allow.
            Ok(Scan::Empty) => Ok(None),
            // `*` is echoed as the names asked for, which browsers read the same way with or
            // without credentials.
            Ok(Scan::Allowed) => Ok(Some(match &self.headers {
                HeaderList::Any | HeaderList::AnyWithAuthorization => Value::RequestHeaders(value),
                HeaderList::Names { rendered, .. } => Value::Policy(rendered),
            })),
        }
    }
}

/// [`Policy::evaluate`]'s answer to an actual request with a safe method (`GET`, `HEAD`) and at
/// most one `Origin`, for an adapter that needs nothing else: such a request is never a preflight
/// nor a forged write, so its origin alone decides, and the headers of an allowed one are the
/// policy's for every actual request. `tests/evaluate.rs` compares it with `evaluate`.
#[cfg(feature = "tower")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SafeAnswer<'p> {
    /// Allowed by this entry (never `Any` nor `Dynamic`).
    Allowed(Allowed<'p>),
    /// No CORS permission: `refused` for an `Origin` the policy does not allow, not for a request
    /// without one (not a CORS request).
    Denied { refused: bool },
}

#[cfg(feature = "tower")]
impl Policy<'_> {
    /// See [`SafeAnswer`]; `None` for `origins = "*"`, which [`Policy::evaluate`] answers.
    #[inline]
    pub(crate) fn evaluate_safe<'p>(&'p self, origin: Option<&[u8]>) -> Option<SafeAnswer<'p>> {
        if matches!(self.origins, crate::Origins::Any) {
            return None;
        }
        let Some(origin) = origin else {
            return Some(SafeAnswer::Denied { refused: false });
        };
        Some(match self.own_entry(origin) {
            Some(allowed) => SafeAnswer::Allowed(allowed),
            None => SafeAnswer::Denied { refused: true },
        })
    }

    /// The policy's own entry (listed, pattern or `null`) that allows `origin`, by the same match
    /// and the same byte rule ([`is_serialized`]) as `evaluate`: what the tower layer's paths for
    /// `GET` and `HEAD` and for preflights decide on. `None` when none does.
    #[inline]
    fn own_entry<'p>(&'p self, origin: &[u8]) -> Option<Allowed<'p>> {
        let matched = self.origins.match_origin(origin);
        match matched {
            Ok(allowed @ (Allowed::Listed(..) | Allowed::Pattern(_) | Allowed::Null))
                if is_serialized(origin, &matched) =>
            {
                Some(allowed)
            }
            _ => None,
        }
    }
}

/// What [`Policy::grant`] grants a preflight beyond its origin: the values of its answer's
/// `Access-Control-Allow-Methods`, `-Allow-Headers` and `-Allow-Private-Network`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grant<'p, 'r> {
    pub(crate) allow_methods: Value<'p, 'r>,
    pub(crate) allow_headers: Option<Value<'p, 'r>>,
    pub(crate) allow_private_network: bool,
}

/// [`Policy::evaluate`]'s answer to a preflight with one `Origin` and an
/// `Access-Control-Request-Method`, for the tower layer, which writes it from its templates
/// without a [`Decision`]: allowed by this entry with this grant, or refused (the reason is
/// `evaluate`'s to give). `tests/layer.rs` compares the answers with `evaluate`'s.
#[cfg(feature = "tower")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PreflightAnswer<'p, 'r> {
    /// Allowed by this entry (never `Any` nor `Dynamic`).
    Allowed(Allowed<'p>, Grant<'p, 'r>),
    /// Refused.
    Refused,
}

#[cfg(feature = "tower")]
impl Policy<'_> {
    /// See [`PreflightAnswer`]; `None` for `origins = "*"`, which [`Policy::evaluate`] answers.
    /// As [`Policy::evaluate_safe`] does for `GET`, it takes the same match and the same
    /// [`Policy::grant`] as `evaluate`, in the same order.
    #[inline]
    pub(crate) fn evaluate_preflight<'p, 'r>(
        &'p self,
        origin: &[u8],
        request_method: Header<'r>,
        rest: impl FnOnce() -> (Header<'r>, Header<'r>),
    ) -> Option<PreflightAnswer<'p, 'r>> {
        if matches!(self.origins, crate::Origins::Any) {
            return None;
        }
        let Some(allowed) = self.own_entry(origin) else {
            return Some(PreflightAnswer::Refused);
        };
        Some(match self.grant(request_method, rest) {
            Ok(grant) => PreflightAnswer::Allowed(allowed, grant),
            Err(_) => PreflightAnswer::Refused,
        })
    }
}

/// Whether `origin`, matched as `matched`, has the bytes of a serialized origin (visible ASCII:
/// anything else was not sent by a browser), for every path that decides on a match. An origin
/// the policy's own entries match is one: the exact table holds only checked origins, and a
/// pattern matches only its own (checked, ASCII) scheme, host and port bytes, label bytes
/// (`[a-z0-9_-]`, see `are_labels`) and port digits, so only other answers read the bytes:
/// allowed requests, the most common CORS ones, read them once fewer. (`dynamic` checks what
/// it is asked itself; its answers are checked here all the same.)
/// `tests/evaluate.rs`'s `the_matcher_never_accepts_more` tries a non-ASCII byte at every
/// position of matching origins.
#[inline]
fn is_serialized<E>(origin: &[u8], matched: &Result<Allowed<'_>, E>) -> bool {
    matches!(
        matched,
        Ok(Allowed::Listed(..) | Allowed::Pattern(_) | Allowed::Null)
    ) || is_visible_ascii(origin)
}

/// Whether the browser marks `request` as cross-origin, the half of the forged-write check that
/// the method and the policy do not decide. A write that another site may have forged is an
/// unsafe method that the browser marks as cross-origin (`Sec-Fetch-Site` other than
/// `same-origin` or `none`; or, from browsers without it, an `Origin` whose host and port differ
/// from the request's host), from an origin the policy neither allows nor trusts for writes.
/// Requests with neither header come from clients other than browsers, which no page can make
/// send cookies, and pass. The scheme is not compared: behind a TLS-terminating proxy the server
/// sees `http`. This is the rule of Go's `net/http.CrossOriginProtection`, with the policy's own
/// origins as the trusted ones.
fn is_cross_origin(request: &CorsRequest<'_>) -> bool {
    match request.sec_fetch_site {
        Header::One(b"same-origin" | b"none") => false,
        Header::One(_) | Header::Many => true,
        Header::Absent => match request.origin {
            Header::Absent => false,
            Header::One(origin) => !same_host(origin, request.host),
            Header::Many => true,
        },
    }
}

/// Whether the host and port of `origin` are `host`'s, ignoring ASCII case (hosts are
/// case-insensitive; browsers send both in lower case).
fn same_host(origin: &[u8], host: Header<'_>) -> bool {
    let Header::One(host) = host else {
        return false;
    };
    let authority = origin
        .windows(3)
        .position(|w| w == b"://")
        .map(|at| &origin[at + 3..]);
    authority.is_some_and(|authority| authority.eq_ignore_ascii_case(host))
}

/// Whether `bytes` is a token (RFC 9110 section 5.6.2): what a method and a header name are.
#[inline]
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Whether `name` equals `lower` ignoring ASCII case, where `lower` is already in lower case (as
/// policy header names are): half the case folding of `eq_ignore_ascii_case`, eight bytes at a
/// time (a preflight compares every name it asks for with the policy's).
#[inline]
fn is_lower_case_of(lower: &[u8], name: &[u8]) -> bool {
    if lower.len() != name.len() {
        return false;
    }
    if name.len() < 8 {
        return lower
            .iter()
            .zip(name)
            .all(|(l, n)| *l == n.to_ascii_lowercase());
    }
    // Whole words, then the last eight bytes (overlapping the last whole word, which is harmless
    // for an equality).
    let last = name.len() - 8;
    let mut at = 0;
    loop {
        if word(lower, at) != lower_case_word(word(name, at)) {
            return false;
        }
        if at == last {
            return true;
        }
        at = (at + 8).min(last);
    }
}

/// The eight bytes of `bytes` from `at`.
#[inline]
fn word(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_ne_bytes(word)
}

/// `word` with its ASCII capitals in lower case, or `u64::MAX` (which no lower-case ASCII name
/// holds) if a byte is not ASCII.
#[inline]
fn lower_case_word(word: u64) -> u64 {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    if word & HIGH != 0 {
        return u64::MAX;
    }
    // Per byte `b < 0x80` (so no sum carries into the next byte): the high bit of `b + 0x3f` is
    // set from `A` (0x41) on, that of `b + 0x25` from just past `Z` (0x5b) on.
    let capitals = word.wrapping_add(ONES * 0x3f) & !word.wrapping_add(ONES * 0x25) & HIGH;
    word | capitals >> 2
}

#[cfg(test)]
mod tests {
    use super::is_lower_case_of;

    #[test]
    fn the_word_comparison_folds_only_capitals() {
        let policy = b"x-custom-header-0123456789";
        for len in 0..=policy.len() {
            let lower = &policy[..len];
            assert!(is_lower_case_of(lower, lower));
            let upper = lower.to_ascii_uppercase();
            assert!(is_lower_case_of(lower, &upper));
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut name = lower.to_vec();
                    name[at] = b;
                    assert_eq!(
                        is_lower_case_of(lower, &name),
                        b.to_ascii_lowercase() == lower[at],
                        "{len} {at} {b:#x}"
                    );
                }
            }
        }
        assert!(!is_lower_case_of(b"content-type", b"content-typ"));
        // `@` (0x40), `[` (0x5b) and the bytes past `Z` that differ from a letter by 0x20 stay.
        assert!(!is_lower_case_of(b"aaaaaaa`", b"aaaaaaa@"));
        assert!(!is_lower_case_of(b"aaaaaaa{", b"aaaaaaa["));
    }
}
