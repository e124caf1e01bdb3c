//! A reference model of the CORS decision, written for clarity, not speed.
//!
//! It shares no code with `checked-cors`: origins are parsed by the URL standard's parser (the `url`
//! crate) and compared structurally (scheme, host, port), header lists are split with `str`
//! methods, and every rule is written the way the Fetch standard and the crate docs state it.

use checked_cors::{CorsRequest, Header, Malformed, Refusal, MAX_ORIGIN_LEN};
use url::{Host, Url};

/// A serialized tuple origin, parsed: `scheme://host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The scheme, lower case.
    pub scheme: String,
    /// The host as the URL parser understood it: a domain, an IPv4 or an IPv6 address.
    pub host: Host<String>,
    /// The port, or `None` for the scheme's default (which serialization omits).
    pub port: Option<u16>,
}

impl Origin {
    /// The origin's serialization (HTML standard, "ASCII serialization of an origin").
    pub fn serialize(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{}", self.scheme, self.host, port),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// Parses `bytes` as the `Origin` header a browser sends for a tuple origin.
///
/// The URL parser normalizes what it reads (case, punycode, IPv4 spellings, default ports, and it
/// silently drops tabs and newlines), so the bytes are an origin only if they are already their
/// own serialization: anything a parser would have to fix is something no browser sends.
pub fn parse_origin(bytes: &[u8]) -> Option<Origin> {
    let text = std::str::from_utf8(bytes).ok()?;
    let url = Url::parse(text).ok()?;
    let origin = Origin {
        scheme: url.scheme().to_owned(),
        host: url.host()?.to_owned(),
        port: url.port(),
    };
    let serialized = origin.serialize();
    // For the special schemes the URL crate computes the origin itself: both must agree.
    let tuple = url.origin();
    if tuple.is_tuple() && tuple.ascii_serialization() != serialized {
        return None;
    }
    (serialized == text).then_some(origin)
}

/// Whether `bytes` is what an origin lookup (`with_origins`, `with_origins_async`) may be asked
/// about: a tuple origin in its own serialization, within the documented length bound, of a
/// scheme whose documents have a tuple origin (a `file:`, `data:`, `about:` or `javascript:`
/// document's is opaque, which browsers send as `null`: URL standard, "origin"), whose host, if
/// a domain, is one a policy may list: non-empty labels of letters, digits, `-` and `_`, a
/// final `.` allowed, at most 253 bytes (the URL parser also lets through empty labels and some
/// punctuation, which no DNS name has, so no page is served from them). Unlike the labels a
/// pattern's `*` covers, an exact host's are not bounded to 63 bytes by the crate's rules. Port
/// 0 is refused.
pub fn is_serialized_origin(bytes: &[u8]) -> bool {
    if bytes.len() > MAX_ORIGIN_LEN {
        return false;
    }
    let Some(origin) = parse_origin(bytes) else {
        return false;
    };
    let opaque = ["file", "data", "about", "javascript"].contains(&origin.scheme.as_str());
    let host_ok = match &origin.host {
        Host::Domain(domain) => {
            let name = domain.strip_suffix('.').unwrap_or(domain);
            let label = |l: &str| {
                !l.is_empty()
                    && l.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                    })
            };
            name.len() <= 253 && name.split('.').all(label)
        }
        Host::Ipv4(_) | Host::Ipv6(_) => true,
    };
    // Port 0 is no port a server listens on (and Fetch blocks it).
    !opaque && host_ok && origin.port != Some(0)
}

/// Whether a tenant set may accept `entry` as a member: an origin or a pattern of one, never
/// `null` or `*` (the set's own rules refuse more, such as plain `http://` and public suffixes).
pub fn may_be_tenant(entry: &str) -> bool {
    matches!(Entry::parse(entry), Entry::Origin { .. })
}

/// What an allowed host may be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostRule {
    /// Exactly this host.
    Exact(Host<String>),
    /// One or more labels, then `.`, then this domain (`*.example.com`).
    Subdomains(String),
}

/// What an allowed port may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortRule {
    /// None written: the scheme's default.
    Default,
    /// Exactly this one.
    Exact(u16),
    /// `:*`: any port from 1 to 65535, or the default.
    Any,
}

/// One entry of a policy's `origins`, as the model understands it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `null`.
    Null,
    /// An origin or a pattern of one.
    Origin {
        /// The scheme.
        scheme: String,
        /// The host rule.
        host: HostRule,
        /// The port rule.
        port: PortRule,
    },
    /// An entry that is not a serialized origin (or pattern of one): it can match nothing, since no
    /// browser sends such bytes.
    Never,
}

impl Entry {
    /// Reads an entry of `origins` (`https://a.example`, `https://*.example.com`,
    /// `http://localhost:*`, `null`).
    pub fn parse(text: &str) -> Entry {
        if text == "null" {
            return Entry::Null;
        }
        let (text, any_port) = match text.strip_suffix(":*") {
            Some(rest) => (rest.to_owned(), true),
            None => (text.to_owned(), false),
        };
        let (text, subdomains) = match text.split_once("://*.") {
            Some((scheme, base)) => (format!("{scheme}://{base}"), true),
            None => (text, false),
        };
        let Some(origin) = parse_origin(text.as_bytes()) else {
            return Entry::Never;
        };
        let port = match (any_port, origin.port) {
            (true, None) => PortRule::Any,
            (true, Some(_)) => return Entry::Never,
            (false, None) => PortRule::Default,
            (false, Some(port)) => PortRule::Exact(port),
        };
        let host = match (subdomains, origin.host) {
            (true, Host::Domain(base)) => HostRule::Subdomains(base),
            (true, _) => return Entry::Never,
            (false, host) => HostRule::Exact(host),
        };
        Entry::Origin {
            scheme: origin.scheme,
            host,
            port,
        }
    }

    /// Whether `origin` (parsed, so already in canonical form) matches the entry.
    pub fn matches(&self, origin: &Origin) -> bool {
        let Entry::Origin { scheme, host, port } = self else {
            return false;
        };
        let port_ok = match port {
            PortRule::Default => origin.port.is_none(),
            PortRule::Exact(p) => origin.port == Some(*p),
            // Port 0 is no port a server listens on (and Fetch blocks it).
            PortRule::Any => origin.port != Some(0),
        };
        let host_ok = match (host, &origin.host) {
            (HostRule::Exact(h), got) => h == got,
            (HostRule::Subdomains(base), Host::Domain(got)) => got
                .strip_suffix(base.as_str())
                .and_then(|labels| labels.strip_suffix('.'))
                .is_some_and(|labels| !labels.is_empty() && labels.split('.').all(is_ldh_label)),
            (HostRule::Subdomains(_), _) => false,
        };
        *scheme == origin.scheme && port_ok && host_ok
    }
}

/// The `*` of a subdomain pattern covers what an exact host may hold, label by label: letters,
/// digits, `-` and `_`, 1 to 63 of them (the documented rule; the URL parser alone would also let
/// `$` through). A final `.` is not a label: the base says whether there is one.
fn is_ldh_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A list of names that may also be `*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Names {
    /// `*`.
    Any,
    /// These names, as written (for `headers`, `["*", "authorization"]` is a list too).
    List(Vec<String>),
}

impl Names {
    /// A list of these names.
    pub fn list<S: AsRef<str>>(names: &[S]) -> Names {
        Names::List(names.iter().map(|n| n.as_ref().to_owned()).collect())
    }
}

/// Which origins a policy allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origins {
    /// `*`.
    Any,
    /// These entries, as written.
    List(Vec<String>),
}

/// A policy as written (the inputs of `PolicyBuilder` and `#[cors(...)]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// `origins`.
    pub origins: Origins,
    /// `methods` (the default `GET, HEAD, POST` written out), or `*`.
    pub methods: Names,
    /// `headers`.
    pub headers: Names,
    /// `expose`.
    pub expose: Names,
    /// `credentials`.
    pub credentials: bool,
    /// `max_age`.
    pub max_age: Option<u32>,
    /// `private_network`.
    pub private_network: bool,
    /// `write_origins`: trusted for cross-origin writes only.
    pub write_origins: Vec<String>,
    /// `dangerously_allow_cross_origin_writes`.
    pub cross_origin_writes: bool,
}

impl Spec {
    /// A policy allowing `origins` with every other key at its default.
    pub fn origins<S: AsRef<str>>(origins: impl IntoIterator<Item = S>) -> Spec {
        Spec {
            origins: Origins::List(origins.into_iter().map(|o| o.as_ref().to_owned()).collect()),
            methods: Names::list(&["GET", "HEAD", "POST"]),
            headers: Names::List(Vec::new()),
            expose: Names::List(Vec::new()),
            credentials: false,
            max_age: None,
            private_network: false,
            write_origins: Vec::new(),
            cross_origin_writes: false,
        }
    }

    /// The same policy built by `checked_cors::PolicyBuilder`, with the `dangerously_*` flags its
    /// entries need (a `null` entry, `http://` with credentials, a public-suffix wildcard).
    pub fn build(&self) -> Result<checked_cors::Policy<'static>, checked_cors::BuildError> {
        let mut builder = checked_cors::PolicyBuilder::new()
            .dangerously_allow_null_origin()
            .dangerously_allow_insecure_origins()
            .dangerously_allow_public_suffix_wildcards();
        builder = match &self.origins {
            Origins::Any => builder.allow_any_origin(),
            Origins::List(origins) => builder.allow_origins(origins),
        };
        builder = match &self.methods {
            Names::Any => builder.allow_any_method(),
            Names::List(methods) => builder.allow_methods(methods),
        };
        builder = match &self.headers {
            Names::Any => builder.allow_any_header(),
            Names::List(names) => builder.allow_headers(names),
        };
        builder = match &self.expose {
            Names::Any => builder.expose_any_header(),
            Names::List(names) => builder.expose_headers(names),
        };
        if self.credentials {
            builder = builder.allow_credentials();
        }
        if let Some(seconds) = self.max_age {
            builder = builder.max_age(seconds.into());
        }
        if self.private_network {
            builder = builder.allow_private_network();
        }
        if self.cross_origin_writes {
            builder = builder.dangerously_allow_cross_origin_writes();
        }
        builder
            .trust_origins_for_writes(&self.write_origins)
            .build()
    }

    /// The policy with the members of a tenant set (`OriginSet`, entries and patterns as
    /// inserted) among its origins: what `Policy::evaluate_with` with that set must decide. A
    /// policy allowing any origin is unchanged (a set adds nothing to `*`).
    pub fn with_tenants<S: AsRef<str>>(&self, tenants: &[S]) -> Spec {
        let origins = match &self.origins {
            Origins::Any => Origins::Any,
            Origins::List(own) => Origins::List(
                own.iter()
                    .cloned()
                    .chain(tenants.iter().map(|t| t.as_ref().to_owned()))
                    .collect(),
            ),
        };
        Spec {
            origins,
            ..self.clone()
        }
    }

    /// Whether the opaque origin `null` is listed.
    fn allows_null(&self) -> bool {
        matches!(&self.origins, Origins::List(list) if list.iter().any(|o| o == "null"))
    }

    /// The model's answer to "may this `Origin` read responses?".
    pub fn allows_origin(&self, origin: &[u8]) -> bool {
        self.origin_verdict(origin).is_some()
    }

    fn origin_verdict(&self, origin: &[u8]) -> Option<AllowOrigin> {
        // No serialized origin has a control byte, a space or a non-ASCII byte.
        if !origin.iter().all(u8::is_ascii_graphic) {
            return None;
        }
        match &self.origins {
            // `*` reveals nothing origin-specific, so the shape of the value does not matter.
            Origins::Any => Some(AllowOrigin::Any),
            // The documented bound: longer values are refused before any matching.
            Origins::List(_) if origin.len() > MAX_ORIGIN_LEN => None,
            Origins::List(_) if origin == b"null" => {
                self.allows_null().then_some(AllowOrigin::Echo)
            }
            Origins::List(_)
                if TOLERATE_KNOWN_DEVIATIONS && known_deviation(self, origin).is_some() =>
            {
                Some(AllowOrigin::Echo)
            }
            Origins::List(entries) => {
                let origin = parse_origin(origin)?;
                entries
                    .iter()
                    .any(|e| Entry::parse(e).matches(&origin))
                    .then_some(AllowOrigin::Echo)
            }
        }
    }
}

/// Whether the model allows what [`known_deviation`] describes, as `checked-cors` does, so that the
/// differential checks can go on finding other disagreements. Set it to `false` to see the
/// deviations fail.
pub const TOLERATE_KNOWN_DEVIATIONS: bool = true;

/// Known deviations of `checked-cors` from the model, reported to its maintainers.
///
/// Returns the deviation `origin` hits under `spec`, if any:
///
/// - a subdomain pattern (`https://*.example.com`) also matches labels that look like punycode
///   (`xn--...`) but do not decode, which the URL parser refuses: checking them would take a
///   punycode decoder. Harmless too: no browser can send such a host.
pub fn known_deviation(spec: &Spec, origin: &[u8]) -> Option<&'static str> {
    let Origins::List(entries) = &spec.origins else {
        return None;
    };
    let text = std::str::from_utf8(origin).ok()?;
    if parse_origin(origin).is_none() && text.contains("xn--") {
        let plain = text.replace("xn--", "xq--");
        let matched = parse_origin(plain.as_bytes()).is_some_and(|o| {
            entries.iter().any(|e| {
                let entry = Entry::parse(e);
                matches!(
                    entry,
                    Entry::Origin {
                        host: HostRule::Subdomains(_),
                        ..
                    }
                ) && entry.matches(&o)
            })
        });
        if matched {
            return Some("a subdomain pattern matches a label that is not valid punycode");
        }
    }
    None
}

/// How an allowed request is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowOrigin {
    /// `Access-Control-Allow-Origin: *`.
    Any,
    /// The request's origin, byte for byte.
    Echo,
}

/// Which part of a request made the model refuse it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `Origin`: not allowed, malformed or repeated.
    Origin,
    /// `Access-Control-Request-Method`.
    Method,
    /// `Access-Control-Request-Headers`.
    Headers,
    /// `Access-Control-Request-Private-Network`.
    PrivateNetwork,
    /// An unsafe method marked cross-origin, from an untrusted origin: answered `403`.
    ForgedWrite,
}

impl Reason {
    /// The part of the request a `checked-cors` refusal blames.
    pub fn of(refusal: &Refusal<'_>) -> Option<Reason> {
        Some(match refusal {
            Refusal::OriginNotAllowed
            | Refusal::Malformed(Malformed::Origin | Malformed::SeveralOrigins) => Reason::Origin,
            Refusal::MethodNotAllowed(_)
            | Refusal::Malformed(Malformed::RequestMethod | Malformed::SeveralRequestMethods) => {
                Reason::Method
            }
            Refusal::HeaderNotAllowed(_)
            | Refusal::Malformed(
                Malformed::RequestHeaders
                | Malformed::SeveralRequestHeaders
                | Malformed::RequestHeadersTooLong
                | Malformed::TooManyRequestHeaders,
            ) => Reason::Headers,
            Refusal::PrivateNetworkNotAllowed
            | Refusal::Malformed(Malformed::SeveralPrivateNetworkRequests) => {
                Reason::PrivateNetwork
            }
            Refusal::CrossOriginWrite => Reason::ForgedWrite,
            _ => return None,
        })
    }
}

/// The model's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No `Origin`: not a CORS request.
    NotCors,
    /// Allowed, answered this way.
    Allowed(AllowOrigin),
    /// Refused because of this part of the request.
    Refused(Reason),
}

/// Decides `request` under `spec` the way the Fetch standard's CORS protocol and the crate's
/// documented bounds say.
pub fn evaluate(spec: &Spec, request: &CorsRequest<'_>) -> Verdict {
    if !is_preflight(request) && is_forged_write(spec, request) {
        return Verdict::Refused(Reason::ForgedWrite);
    }
    let origin = match request.origin {
        // Fetch, "CORS protocol and HTTP caches": a resource answered `*` says so on every
        // response, CORS request or not.
        Header::Absent if spec.origins == Origins::Any => {
            return Verdict::Allowed(AllowOrigin::Any)
        }
        Header::Absent => return Verdict::NotCors,
        // Fetch sends one `Origin`; two are not from a browser.
        Header::Many => return Verdict::Refused(Reason::Origin),
        Header::One(origin) => origin,
    };
    let Some(allow_origin) = spec.origin_verdict(origin) else {
        return Verdict::Refused(Reason::Origin);
    };
    if !is_preflight(request) {
        return Verdict::Allowed(allow_origin);
    }
    // Fetch, "CORS-preflight fetch": a CORS-safelisted method passes whatever the answer's
    // methods are; the others must be listed (case-sensitively), or the policy allows any.
    let method_ok = match (request.request_method, &spec.methods) {
        (Header::One(method), _) if is_safelisted_method(method) => is_token_bytes(method),
        (Header::One(method), Names::Any) => is_token_bytes(method),
        (Header::One(method), Names::List(methods)) => {
            methods.iter().any(|m| m.as_bytes() == method)
        }
        _ => false,
    };
    if !method_ok {
        return Verdict::Refused(Reason::Method);
    }
    if !headers_allowed(spec, request.request_headers) {
        return Verdict::Refused(Reason::Headers);
    }
    match request.request_private_network {
        Header::Many => Verdict::Refused(Reason::PrivateNetwork),
        Header::One(b"true") if !spec.private_network => Verdict::Refused(Reason::PrivateNetwork),
        _ => Verdict::Allowed(allow_origin),
    }
}

/// The documented write rule (after Go's `net/http.CrossOriginProtection`): an unsafe method,
/// marked cross-origin by `Sec-Fetch-Site` (anything but `same-origin` and `none`) or, without
/// it, by an `Origin` whose `host[:port]` is not the request's host, from an origin that the
/// policy neither allows nor lists in `write_origins`, unless the policy opts out.
fn is_forged_write(spec: &Spec, request: &CorsRequest<'_>) -> bool {
    if spec.cross_origin_writes || matches!(request.method, b"GET" | b"HEAD" | b"OPTIONS") {
        return false;
    }
    let cross_origin = match (request.sec_fetch_site, request.origin) {
        (Header::One(site), _) => site != b"same-origin" && site != b"none",
        (Header::Many, _) => true,
        // No browser: no page could have made the request carry the user's cookies.
        (Header::Absent, Header::Absent) => return false,
        (Header::Absent, Header::Many) => true,
        (Header::Absent, Header::One(origin)) => {
            let authority = std::str::from_utf8(origin)
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, authority)| authority.to_ascii_lowercase());
            let host = match request.host {
                Header::One(host) => std::str::from_utf8(host).ok().map(str::to_ascii_lowercase),
                _ => None,
            };
            authority.is_none() || authority != host
        }
    };
    let trusted = match request.origin {
        Header::One(origin) => {
            spec.allows_origin(origin) || {
                let written = Spec {
                    origins: Origins::List(spec.write_origins.clone()),
                    ..spec.clone()
                };
                !spec.write_origins.is_empty() && written.allows_origin(origin)
            }
        }
        _ => false,
    };
    cross_origin && !trusted
}

/// A CORS-preflight request (Fetch): `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
pub fn is_preflight(request: &CorsRequest<'_>) -> bool {
    request.method == b"OPTIONS"
        && request.origin != Header::Absent
        && request.request_method != Header::Absent
}

/// The names of an `Access-Control-Request-Headers` value (RFC 9110 list syntax: commas, optional
/// whitespace, empty elements ignored), or `None` if it is no such list or exceeds the crate's
/// documented bounds.
pub fn request_header_names(value: &[u8]) -> Option<Vec<String>> {
    if value.len() > checked_cors::MAX_REQUEST_HEADERS_LEN
        || value.iter().filter(|&&b| b == b',').count() >= checked_cors::MAX_REQUEST_HEADERS
    {
        return None;
    }
    let text = std::str::from_utf8(value).ok()?;
    let names: Vec<String> = text
        .split(',')
        .map(|name| name.trim_matches([' ', '\t']))
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    names.iter().all(|n| is_token(n)).then_some(names)
}

/// `GET`, `HEAD` or `POST`, byte for byte (Fetch, "CORS-safelisted method").
pub fn is_safelisted_method(method: &[u8]) -> bool {
    [&b"GET"[..], b"HEAD", b"POST"].contains(&method)
}

fn is_token_bytes(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(is_token)
}

/// An HTTP token (RFC 9110, section 5.6.2).
pub fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn headers_allowed(spec: &Spec, header: Header<'_>) -> bool {
    let value = match header {
        Header::Absent => return true,
        Header::Many => return false,
        Header::One(value) => value,
    };
    let Some(names) = request_header_names(value) else {
        return false;
    };
    match &spec.headers {
        // Fetch: `*` is a wildcard for every name except `Authorization`, which must be listed.
        Names::Any => !names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("authorization")),
        // A `*` entry (`["*", "authorization"]`) covers every name but `authorization`, which
        // only its own entry covers.
        Names::List(allowed) => names.iter().all(|name| {
            allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
                || (allowed.iter().any(|a| a == "*") && !name.eq_ignore_ascii_case("authorization"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_be_their_own_serialization() {
        for ok in [
            "https://example.com",
            "http://localhost:3000",
            "http://[::1]:8080",
            "http://127.0.0.1",
            "https://xn--bcher-kva.example",
            // A fully qualified name is another host, which browsers send as written.
            "https://example.com.",
        ] {
            let origin = parse_origin(ok.as_bytes()).unwrap_or_else(|| panic!("{ok}"));
            assert_eq!(origin.serialize(), ok);
        }
        for bad in [
            "https://Example.com",
            "https://example.com/",
            "https://example.com:443",
            "https://bücher.example",
            "https://127.1",
            "https://exa\tmple.com",
            "http://[0:0::1]",
            "https://u@example.com",
            "null",
        ] {
            assert_eq!(parse_origin(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn entries_match_structurally() {
        let entry = Entry::parse("https://*.example.com:*");
        let m = |o: &str| entry.matches(&parse_origin(o.as_bytes()).unwrap());
        assert!(m("https://a.b.example.com:8443"));
        assert!(m("https://a.example.com"));
        assert!(!m("https://example.com"));
        assert!(!m("https://a.example.com:0"));
        assert!(m("https://a_b.example.com"));
        assert!(!m("https://a$b.example.com"));
        assert!(!m("https://a.example.com."));
        let fqdn = Entry::parse("https://*.example.com.");
        let m = |o: &str| fqdn.matches(&parse_origin(o.as_bytes()).unwrap());
        assert!(m("https://a.example.com."));
        assert!(!m("https://a.example.com"));
        assert!(!m("https://example.com."));
        assert!(!m("http://a.example.com"));
        assert_eq!(Entry::parse("https://example.com/"), Entry::Never);
        assert_eq!(Entry::parse("https://*.1.2.3.4"), Entry::Never);
    }
}
