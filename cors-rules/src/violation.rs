use core::fmt;

/// One broken rule: what is wrong ([`fmt::Display`]) and how to fix it ([`Violation::fix`]).
///
/// Messages follow the compiler's conventions: lower case, no final period, code in backticks. They
/// never repeat the offending value, because the macro points at it with a span and the run-time
/// builder prints it beside the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    // ---- a single origin ----
    /// The origin has no `scheme://`.
    MissingScheme,
    /// The scheme is not `[a-z][a-z0-9+.-]*`.
    InvalidScheme,
    /// Upper-case letters: browsers serialize scheme and host in lower case.
    NotLowercase,
    /// A `/` at the end of the origin.
    TrailingSlash,
    /// A path after the host.
    Path,
    /// A `?query`.
    Query,
    /// A `#fragment`.
    Fragment,
    /// `user@` or `user:password@` before the host.
    Userinfo,
    /// A host with non-ASCII characters.
    NonAsciiHost,
    /// No host after `scheme://`.
    EmptyHost,
    /// A character that cannot appear in a serialized host.
    InvalidHostCharacter,
    /// An empty label (`a..b`, a leading dot).
    EmptyLabel,
    /// An `xn--` label that is not valid punycode: the URL parser refuses the host.
    InvalidPunycode,
    /// A host longer than 253 bytes (a final `.` aside): no domain name is.
    HostTooLong,
    /// A scheme whose documents browsers send as `Origin: null` (`file:`, `data:`, ...).
    NullOriginScheme {
        /// The scheme, in lower case.
        scheme: &'static str,
    },
    /// A malformed IPv6 address in brackets.
    InvalidIpv6,
    /// A host ending in a number that is not four decimal octets: browsers rewrite it as IPv4.
    NonCanonicalIpv4,
    /// An IPv6 address not in the shortest form browsers serialize.
    NonCanonicalIpv6,
    /// An origin longer than any browser sends.
    OriginTooLong,
    /// A `:` with nothing after it.
    EmptyPort,
    /// A port that is not decimal digits.
    InvalidPort,
    /// A port with a leading zero.
    NonCanonicalPort,
    /// A port of 0 or above 65535.
    PortOutOfRange,
    /// The scheme's default port written out; browsers omit it.
    DefaultPort {
        /// The default port of the scheme (80 or 443).
        port: u16,
    },
    /// A `*` that is not a whole leftmost host label or the whole port.
    MisplacedWildcard,
    /// `scheme://*`: a wildcard standing for the whole host.
    WildcardHost,
    /// A `*` subdomain pattern on an IP address.
    WildcardOnIpAddress,

    // ---- origins in a policy ----
    /// `"*"` as one entry of a list.
    WildcardInList,
    /// `origins = []`.
    EmptyOrigins,
    /// `write_origins = "*"`, or `"*"` in it.
    AnyWriteOrigin,
    /// The same origin twice.
    DuplicateOrigin,
    /// `"null"` without `dangerously_allow_null_origin`.
    NullOrigin,
    /// `*.` followed by a public suffix, such as `*.com` or `*.github.io`.
    PublicSuffixWildcard,
    /// A plain `http://` origin on a non-loopback host together with credentials.
    InsecureOriginWithCredentials,

    // ---- methods ----
    /// A method that is not an HTTP token.
    InvalidMethod,
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod,
    /// A standard method written in lower case; browsers send it upper-cased.
    LowercaseMethod {
        /// The upper-case spelling browsers send.
        upper: &'static str,
    },
    /// The same method twice.
    DuplicateMethod,
    /// `methods = []`.
    EmptyMethods,
    /// `"*"` as one entry of `methods`.
    WildcardInMethodList,

    // ---- headers ----
    /// A request header name that is not an HTTP token.
    InvalidHeader,
    /// `"*"` as one entry of `expose`.
    WildcardInHeaderList,
    /// `"*"` as one entry of `headers`, other than in `["*", "authorization"]`.
    WildcardBesideHeaders,
    /// A name beside `"*"` in `headers` that `"*"` already covers (anything but `authorization`).
    CoveredByWildcard,
    /// A CORS response header (`Access-Control-Allow-*`, `-Expose-Headers`, `-Max-Age`) in
    /// `headers`: no correct page sends one.
    ResponseHeaderInHeaders,
    /// A CORS request header (`Access-Control-Request-*`) in `expose`: no response carries one.
    RequestHeaderInExpose,
    /// A forbidden request header name: scripts can never set it.
    ForbiddenHeader,
    /// The same request header twice, ignoring case.
    DuplicateHeader,
    /// An exposed header name that is not an HTTP token.
    InvalidExposedHeader,
    /// `set-cookie` or `set-cookie2` in `expose`: never readable by scripts.
    ExposeSetCookie,
    /// The same exposed header twice, ignoring case.
    DuplicateExposedHeader,

    // ---- credentials ----
    /// `origins = "*"` together with `credentials`.
    CredentialsWithAnyOrigin,
    /// `expose = "*"` together with `credentials`.
    CredentialsWithAnyExposedHeader,

    // ---- max age ----
    /// A negative `max_age`.
    NegativeMaxAge,
    /// A `max_age` above 86400 seconds.
    MaxAgeTooLarge,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        let text = match self {
            MissingScheme => "an origin starts with its scheme, and this one has none",
            InvalidScheme => "the scheme of this origin is not a valid URL scheme",
            NotLowercase => "browsers send origins in lower case, so this one would never match",
            TrailingSlash => "an origin has no trailing `/`, so this one would never match",
            Path => "an origin has no path, so this one would never match",
            Query => "an origin has no query, so this one would never match",
            Fragment => "an origin has no fragment, so this one would never match",
            Userinfo => "an origin has no user name or password, so this one would never match",
            NonAsciiHost => "browsers send internationalized hosts in punycode, so this one would never match",
            EmptyHost => "this origin has no host",
            InvalidHostCharacter => "this host has a character other than letters, digits, `-`, `_` and `.`, which no site's host name has",
            EmptyLabel => "this host has an empty label",
            InvalidPunycode => "this host has an `xn--` label that is not valid punycode, which browsers refuse as a host, so this origin would never match",
            HostTooLong => "this host is longer than 253 bytes, which no domain name is, so this origin would never match",
            NullOriginScheme { scheme } => {
                return write!(f, "browsers send `Origin: null` from `{scheme}:` documents, so this origin would never match")
            }
            InvalidIpv6 => "this IPv6 address is not valid",
            NonCanonicalIpv4 => "browsers read a host ending in a number as an IPv4 address and send it as four decimal numbers, so this one would never match",
            NonCanonicalIpv6 => "browsers send IPv6 addresses in their shortest form, so this one would never match",
            OriginTooLong => "this origin is longer than any browser sends, so it would never match",
            EmptyPort => "this origin has a `:` but no port",
            InvalidPort => "this port is not a decimal number",
            NonCanonicalPort => "browsers send ports without leading zeros, so this one would never match",
            PortOutOfRange => "this port is out of range",
            DefaultPort { port: 443 } => "the default port `:443` is never sent by browsers, so this origin would never match",
            DefaultPort { .. } => "the default port `:80` is never sent by browsers, so this origin would never match",
            MisplacedWildcard => "a `*` must be the whole leftmost label of the host (`*.example.com`) or the whole port (`:*`)",
            WildcardHost => "a `*` host would allow every site on this scheme",
            WildcardOnIpAddress => "a `*` subdomain pattern cannot apply to an IP address",
            WildcardInList => "`\"*\"` inside a list is not a pattern; it would allow every origin",
            EmptyOrigins => "an empty list of origins allows nothing",
            AnyWriteOrigin => "`\"*\"` in `write_origins` would let every site submit forms with the user's cookies",
            DuplicateOrigin => "this origin is listed twice",
            NullOrigin => "the `null` origin is sent by sandboxed iframes and `file:` pages, and an attacker can send it too",
            PublicSuffixWildcard => "this wildcard covers a public suffix, so any one can register a matching site",
            InsecureOriginWithCredentials => "a plain `http://` origin can be impersonated by anyone on the network path, and `credentials` would hand it the user's session",
            InvalidMethod => "this is not a valid HTTP method token",
            ForbiddenMethod => "browsers never let a script send this method",
            LowercaseMethod { .. } => "methods are case-sensitive, so this would not match the standard upper-case method",
            DuplicateMethod => "this method is listed twice",
            EmptyMethods => "an empty list of methods allows nothing",
            WildcardInMethodList => "`\"*\"` inside a list would be sent as a bare `*`, which browsers read as every method",
            InvalidHeader => "this is not a valid HTTP header name",
            WildcardInHeaderList => "`\"*\"` inside a list would be sent as a bare `*`, which browsers read as every header",
            WildcardBesideHeaders => "`\"*\"` inside a list would be sent as a bare `*`, which browsers read as every header but `authorization`",
            CoveredByWildcard => "`\"*\"` already allows this header: only `authorization` needs naming beside it",
            ResponseHeaderInHeaders => "this is a CORS response header: a page that sends it in a request has a bug, which allowing it would hide",
            RequestHeaderInExpose => "this is a CORS request header: browsers send it, and no response carries it",
            ForbiddenHeader => "this is a forbidden request header: a script can never set it",
            DuplicateHeader => "this header is listed twice (header names ignore case)",
            InvalidExposedHeader => "this is not a valid HTTP header name",
            ExposeSetCookie => "`set-cookie` is never readable by scripts, whatever the policy says",
            DuplicateExposedHeader => "this header is listed twice (header names ignore case)",
            CredentialsWithAnyOrigin => "browsers reject `Access-Control-Allow-Origin: *` on requests with credentials",
            CredentialsWithAnyExposedHeader => "with credentials, browsers read `Access-Control-Expose-Headers: *` as a header literally named `*`",
            NegativeMaxAge => "`max_age` cannot be negative",
            MaxAgeTooLarge => "no browser caches a preflight for longer than 86400 seconds",
        };
        f.write_str(text)
    }
}

impl Violation {
    /// What to write instead.
    pub fn fix(&self) -> Fix {
        Fix(*self)
    }
}

/// The remedy for a [`Violation`], as text (see [`Violation::fix`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fix(Violation);

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self.0 {
            MissingScheme => f.write_str("write the scheme too, as in `https://app.example.com`"),
            InvalidScheme => f.write_str("use a scheme such as `https`"),
            NotLowercase => f.write_str("write the scheme and host in lower case"),
            TrailingSlash => f.write_str("remove the trailing `/`"),
            Path => f.write_str("remove the path: an origin is `scheme://host[:port]`"),
            Query => f.write_str("remove the query: an origin is `scheme://host[:port]`"),
            Fragment => f.write_str("remove the fragment: an origin is `scheme://host[:port]`"),
            Userinfo => f.write_str("remove everything up to and including the `@`"),
            NonAsciiHost => f.write_str("write the host in its punycode form (`xn--...`)"),
            EmptyHost => f.write_str("write a host, as in `https://app.example.com`"),
            InvalidHostCharacter => {
                f.write_str("use only letters, digits, `-`, `_` and `.` in the host")
            }
            EmptyLabel => f.write_str("remove the extra `.`"),
            InvalidPunycode => f.write_str(
                "correct the `xn--` label, or write the host in Unicode to be told its punycode form",
            ),
            HostTooLong => f.write_str("shorten the host to at most 253 bytes"),
            NullOriginScheme { .. } => f.write_str(
                "remove it: such pages can only be allowed as `\"null\"`, which any site can send (`dangerously_allow_null_origin`)",
            ),
            InvalidIpv6 => f.write_str("write the address as browsers do, as in `http://[::1]:8080`"),
            NonCanonicalIpv4 => f.write_str("write the address as four decimal numbers, as in `http://10.0.0.1`"),
            NonCanonicalIpv6 => f.write_str(
                "write the address in lower case with the longest run of zero groups as `::`, as in `http://[2001:db8::1]`",
            ),
            OriginTooLong => f.write_str("shorten it: a host has at most 253 characters"),
            EmptyPort => f.write_str("write a port after the `:` or remove the `:`"),
            InvalidPort => f.write_str("write the port in decimal, or `*` for any port"),
            NonCanonicalPort => f.write_str("remove the leading zeros"),
            PortOutOfRange => f.write_str("use a port from 1 to 65535"),
            DefaultPort { port } => write!(f, "remove `:{port}`"),
            MisplacedWildcard => {
                f.write_str("write `https://*.example.com` for subdomains or `http://localhost:*` for any port")
            }
            WildcardHost => f.write_str("list the hosts, or write `origins = \"*\"` to allow every origin"),
            WildcardOnIpAddress => f.write_str("list the addresses one by one"),
            WildcardInList => f.write_str("write `origins = \"*\"` on its own, or list the origins"),
            EmptyOrigins => f.write_str("list at least one origin"),
            AnyWriteOrigin => f.write_str("list the origins you trust to write, or add `dangerously_allow_cross_origin_writes` if this endpoint must accept writes from any site"),
            DuplicateOrigin | DuplicateMethod | DuplicateHeader | DuplicateExposedHeader => {
                f.write_str("remove the repeated entry")
            }
            NullOrigin => {
                f.write_str("remove `\"null\"`, or add `dangerously_allow_null_origin` if you really mean to allow every sandboxed page")
            }
            PublicSuffixWildcard => f.write_str(
                "narrow the wildcard to a domain you own, as in `*.example.com`, or add `dangerously_allow_public_suffix_wildcards`",
            ),
            InsecureOriginWithCredentials => f.write_str(
                "use `https://`, or add `dangerously_allow_insecure_origins` if this network is trusted",
            ),
            InvalidMethod => f.write_str("use letters, digits and ``!#$%&'*+-.^_`|~``"),
            ForbiddenMethod => f.write_str("remove it"),
            LowercaseMethod { upper } => write!(f, "write `{upper}`"),
            WildcardInMethodList => {
                f.write_str("write `methods = \"*\"` on its own instead of a list, or list the methods")
            }
            EmptyMethods => {
                f.write_str("list at least one method, or remove `methods` to allow `GET`, `HEAD` and `POST`")
            }
            InvalidHeader | InvalidExposedHeader => {
                f.write_str("use letters, digits and ``!#$%&'*+-.^_`|~``, as in `content-type`")
            }
            ForbiddenHeader | ExposeSetCookie | CoveredByWildcard => f.write_str("remove it"),
            ResponseHeaderInHeaders => {
                f.write_str("remove it: the server sends this header, a page never does")
            }
            RequestHeaderInExpose => {
                f.write_str("remove it: browsers send this header, a server never does")
            }
            WildcardBesideHeaders => f.write_str(
                "write `headers = \"*\"` on its own, `headers = [\"*\", \"authorization\"]` to allow `authorization` too, or list the header names",
            ),
            WildcardInHeaderList => {
                f.write_str("write `\"*\"` on its own instead of a list, or list the header names")
            }
            CredentialsWithAnyOrigin => {
                f.write_str("list the allowed origins, or remove `credentials`")
            }
            CredentialsWithAnyExposedHeader => {
                f.write_str("list the exposed headers, or remove `credentials`")
            }
            NegativeMaxAge => f.write_str("use a number of seconds from 0 to 86400"),
            MaxAgeTooLarge => f.write_str("use at most 86400 (Chromium caps it at 7200)"),
        }
    }
}

#[cfg(feature = "alloc")]
impl Violation {
    /// [`Violation::fix`], made concrete for the offending `value` where a rule can say exactly
    /// what to write: the punycode form of an internationalized host.
    ///
    /// ```
    /// use checked_cors_rules::{check_origin, Violation};
    ///
    /// let violation = check_origin("https://bücher.example").unwrap_err();
    /// assert_eq!(violation, Violation::NonAsciiHost);
    /// assert_eq!(
    ///     violation.fix_for("https://bücher.example"),
    ///     "write the host in its punycode form: `https://xn--bcher-kva.example`"
    /// );
    /// ```
    pub fn fix_for(&self, value: &str) -> alloc::string::String {
        use alloc::string::ToString;
        let concrete = match self {
            Violation::NonAsciiHost => ascii_origin(value)
                .map(|origin| alloc::format!("write the host in its punycode form: `{origin}`")),
            _ => None,
        };
        concrete.unwrap_or_else(|| self.fix().to_string())
    }
}

/// `origin` with its host in punycode, if it has the shape `scheme://host[:port]`.
#[cfg(feature = "alloc")]
fn ascii_origin(origin: &str) -> Option<alloc::string::String> {
    let (scheme, rest) = origin.split_once("://")?;
    // The other violations of the entry (a path, userinfo) are reported on their own.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit() || b == b'*') => {
            (host, Some(port))
        }
        _ => (authority, None),
    };
    let host = crate::psl::ascii_host(host)?;
    Some(match port {
        Some(port) => alloc::format!("{}://{host}:{port}", scheme.to_ascii_lowercase()),
        None => alloc::format!("{}://{host}", scheme.to_ascii_lowercase()),
    })
}
