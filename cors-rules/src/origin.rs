use crate::Violation;

/// The longest origin worth matching: a host has at most 253 bytes, so no browser sends a longer
/// origin, and the runtime refuses longer `Origin` values before any work.
pub const MAX_ORIGIN_LEN: usize = 512;

/// An entry of a policy's `origins`, as [`check_origin`] classified it. Each shape is its own
/// variant, so that no state is open to two readings (an "any port" pattern without `*` cannot be
/// written down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginSpec<'a> {
    /// `*`: every origin.
    Any,
    /// `null`: the opaque origin.
    Null,
    /// One serialized origin, compared byte for byte.
    Exact(&'a str),
    /// `https://*.example.com`, `http://localhost:*` or both wildcards at once.
    Pattern(Pattern<'a>),
}

/// An origin pattern of a policy, in one of its two shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern<'a> {
    /// `scheme://*.base[:port]`: one or more labels before `base`, with the port as given (`:*`
    /// for any port).
    Subdomains {
        /// The scheme, without `://`.
        scheme: &'a str,
        /// The domain the labels precede (`*.example.com` stores `example.com`).
        base: &'a str,
        /// What the port may be.
        port: PortPattern<'a>,
    },
    /// `scheme://host:*`: this host on any port, or on none (the scheme's default).
    AnyPort {
        /// The scheme, without `://`.
        scheme: &'a str,
        /// The host, exactly.
        host: &'a str,
    },
}

impl<'a> Pattern<'a> {
    /// The scheme, without `://`.
    pub fn scheme(&self) -> &'a str {
        match *self {
            Pattern::Subdomains { scheme, .. } | Pattern::AnyPort { scheme, .. } => scheme,
        }
    }

    /// The host, or the base domain of a subdomain pattern.
    pub fn host(&self) -> &'a str {
        match *self {
            Pattern::Subdomains { base, .. } => base,
            Pattern::AnyPort { host, .. } => host,
        }
    }
}

/// The host part of a checked origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostPattern<'a> {
    Exact(&'a str),
    Subdomains(&'a str),
}

/// The port part of a [`Pattern::Subdomains`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortPattern<'a> {
    /// No port: the scheme's default.
    Default,
    /// Exactly this port, in canonical decimal.
    Exact(&'a str),
    /// Any port from 1 to 65535, or none (the default port).
    Any,
}

impl<'a> OriginSpec<'a> {
    /// The scheme, for every entry but `*` and `null`.
    pub fn scheme(&self) -> Option<&'a str> {
        match *self {
            OriginSpec::Any | OriginSpec::Null => None,
            OriginSpec::Exact(origin) => origin.split_once("://").map(|(scheme, _)| scheme),
            OriginSpec::Pattern(pattern) => Some(pattern.scheme()),
        }
    }

    /// Whether the origin can be trusted not to be impersonated on the network: `https:`, `wss:`, and
    /// loopback hosts over any scheme, as W3C Secure Contexts defines potentially trustworthy origins.
    pub fn is_potentially_trustworthy(&self) -> bool {
        match *self {
            OriginSpec::Any | OriginSpec::Null => false,
            OriginSpec::Exact(origin) => match split_origin(origin) {
                Some((scheme, host, _)) => is_potentially_trustworthy(scheme, host),
                None => false,
            },
            OriginSpec::Pattern(pattern) => {
                is_potentially_trustworthy(pattern.scheme(), pattern.host())
            }
        }
    }
}

/// Whether `scheme://host` is a potentially trustworthy origin (W3C Secure Contexts, section 3.1):
/// a secure scheme, or a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`).
pub fn is_potentially_trustworthy(scheme: &str, host: &str) -> bool {
    if matches!(scheme, "https" | "wss") {
        return true;
    }
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && is_ipv4(host))
}

/// Checks that `origin` is a serialized origin as browsers send it, or a pattern of one, and says
/// which.
///
/// Rules that depend on the rest of the policy (`*` in a list, `null` without its flag, public
/// suffixes, credentials) are [`check_policy`](crate::check_policy)'s.
pub fn check_origin(origin: &str) -> Result<OriginSpec<'_>, Violation> {
    if origin.len() > MAX_ORIGIN_LEN {
        return Err(Violation::OriginTooLong);
    }
    match origin {
        "*" => return Ok(OriginSpec::Any),
        "null" => return Ok(OriginSpec::Null),
        _ => {}
    }
    if !origin.is_ascii() {
        // A non-ASCII scheme or path is rarer than an internationalized host; say what is likelier.
        return Err(Violation::NonAsciiHost);
    }
    if origin.eq_ignore_ascii_case("null") {
        return Err(Violation::NotLowercase);
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err(Violation::MissingScheme);
    };
    check_scheme(scheme)?;
    let authority = check_no_path(rest)?;
    if authority.contains('@') {
        return Err(Violation::Userinfo);
    }
    let (host, port) = split_authority(authority).ok_or(Violation::InvalidIpv6)?;
    let port = check_port(scheme, port)?;
    let host = check_host(host)?;
    Ok(match (host, port) {
        (HostPattern::Exact(_), PortPattern::Default | PortPattern::Exact(_)) => {
            OriginSpec::Exact(origin)
        }
        (HostPattern::Exact(host), PortPattern::Any) => {
            OriginSpec::Pattern(Pattern::AnyPort { scheme, host })
        }
        (HostPattern::Subdomains(base), port) => {
            OriginSpec::Pattern(Pattern::Subdomains { scheme, base, port })
        }
    })
}

fn check_scheme(scheme: &str) -> Result<(), Violation> {
    let bytes = scheme.as_bytes();
    if bytes.iter().any(u8::is_ascii_uppercase) {
        return Err(Violation::NotLowercase);
    }
    let valid = bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        });
    if valid {
        Ok(())
    } else {
        Err(Violation::InvalidScheme)
    }
}

/// Returns the authority, refusing a path, query or fragment after it.
fn check_no_path(rest: &str) -> Result<&str, Violation> {
    match rest.find(['/', '?', '#']) {
        None => Ok(rest),
        Some(at) => Err(match rest.as_bytes()[at] {
            b'?' => Violation::Query,
            b'#' => Violation::Fragment,
            _ if at + 1 == rest.len() => Violation::TrailingSlash,
            _ => Violation::Path,
        }),
    }
}

/// Where `host[:port]` splits: the host's length and, if a port follows, where it starts. An IPv6
/// host keeps its brackets. `None` for a broken bracket. Shared by the rules and the runtime
/// matcher, so that both read an authority the same way.
pub fn split_host_port(authority: &[u8]) -> Option<(usize, Option<usize>)> {
    let host_end = if authority.first() == Some(&b'[') {
        authority.iter().position(|&b| b == b']')? + 1
    } else {
        authority
            .iter()
            .rposition(|&b| b == b':')
            .unwrap_or(authority.len())
    };
    match authority.get(host_end..)? {
        [] => Some((host_end, None)),
        [b':', ..] => Some((host_end, Some(host_end + 1))),
        _ => None,
    }
}

/// [`split_host_port`] over a `str`: the split points are ASCII, so both halves stay `str`s.
fn split_authority(authority: &str) -> Option<(&str, Option<&str>)> {
    let (host_end, port_start) = split_host_port(authority.as_bytes())?;
    let host = authority.get(..host_end)?;
    match port_start {
        Some(start) => Some((host, Some(authority.get(start..)?))),
        None => Some((host, None)),
    }
}

/// Splits a serialized origin into scheme, host and port, without checking them.
fn split_origin(origin: &str) -> Option<(&str, &str, Option<&str>)> {
    let (scheme, authority) = origin.split_once("://")?;
    let (host, port) = split_authority(authority)?;
    Some((scheme, host, port))
}

fn check_port<'a>(scheme: &str, port: Option<&'a str>) -> Result<PortPattern<'a>, Violation> {
    let Some(port) = port else {
        return Ok(PortPattern::Default);
    };
    if port == "*" {
        return Ok(PortPattern::Any);
    }
    if port.is_empty() {
        return Err(Violation::EmptyPort);
    }
    if port.contains('*') {
        return Err(Violation::MisplacedWildcard);
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Violation::InvalidPort);
    }
    if port.starts_with('0') {
        return Err(if port.bytes().all(|b| b == b'0') {
            Violation::PortOutOfRange
        } else {
            Violation::NonCanonicalPort
        });
    }
    let value: u32 = if port.len() > 5 {
        u32::MAX
    } else {
        port.parse().unwrap_or(u32::MAX)
    };
    if value > 65535 {
        return Err(Violation::PortOutOfRange);
    }
    match default_port(scheme) {
        Some(default) if u32::from(default) == value => {
            Err(Violation::DefaultPort { port: default })
        }
        _ => Ok(PortPattern::Exact(port)),
    }
}

/// The default port of a special scheme (URL standard), which serialization omits: browsers
/// never send it, so neither the rules nor the matcher accept it written out.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

fn check_host(host: &str) -> Result<HostPattern<'_>, Violation> {
    if host.is_empty() {
        return Err(Violation::EmptyHost);
    }
    if host == "*" {
        return Err(Violation::WildcardHost);
    }
    if let Some(base) = host.strip_prefix("*.") {
        if base.contains('*') {
            return Err(Violation::MisplacedWildcard);
        }
        check_domain(base)?;
        if ends_in_a_number(base) {
            return Err(Violation::WildcardOnIpAddress);
        }
        return Ok(HostPattern::Subdomains(base));
    }
    if host.contains('*') {
        return Err(if host.starts_with('[') {
            Violation::WildcardOnIpAddress
        } else {
            Violation::MisplacedWildcard
        });
    }
    if host.starts_with('[') {
        check_ipv6(host)?;
    } else {
        check_domain(host)?;
        if ends_in_a_number(host) && !is_ipv4(host) {
            return Err(Violation::NonCanonicalIpv4);
        }
    }
    Ok(HostPattern::Exact(host))
}

/// A domain or IPv4 address as the URL standard serializes it: lower-case labels of letters,
/// digits and `-`, no empty label, no trailing dot.
fn check_domain(host: &str) -> Result<(), Violation> {
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Violation::NotLowercase);
    }
    if host.ends_with('.') {
        return Err(if host.len() == 1 {
            Violation::EmptyLabel
        } else {
            Violation::TrailingDot
        });
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err(Violation::EmptyLabel);
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(Violation::InvalidHostCharacter);
        }
    }
    Ok(())
}

/// An IPv6 address in brackets, exactly as the URL standard serializes it: lower-case hex, no
/// leading zeros, the longest run of zero groups compressed, no embedded IPv4 (the same form as
/// RFC 5952, which `core::net::Ipv6Addr` displays, except for IPv4-mapped addresses).
fn check_ipv6(host: &str) -> Result<(), Violation> {
    let inner = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .ok_or(Violation::InvalidIpv6)?;
    let address: core::net::Ipv6Addr = inner.parse().map_err(|_| Violation::InvalidIpv6)?;
    if inner.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Violation::NotLowercase);
    }
    let mut canonical = FixedBuf::default();
    // `Ipv6Addr` shows IPv4-mapped addresses in dotted form; the URL standard keeps hex groups.
    let written = match address.to_ipv4_mapped() {
        Some(_) => {
            let [.., high, low] = address.segments();
            core::fmt::write(&mut canonical, format_args!("::ffff:{high:x}:{low:x}"))
        }
        None => core::fmt::write(&mut canonical, format_args!("{address}")),
    }
    .is_ok();
    if inner.contains('.') || !written || canonical.as_str() != inner {
        return Err(Violation::NonCanonicalIpv6);
    }
    Ok(())
}

/// Room for the longest IPv6 address text (45 bytes), without an allocator.
struct FixedBuf {
    bytes: [u8; 48],
    len: usize,
}

impl Default for FixedBuf {
    fn default() -> Self {
        FixedBuf {
            bytes: [0; 48],
            len: 0,
        }
    }
}

impl FixedBuf {
    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl core::fmt::Write for FixedBuf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The URL standard's "ends in a number" check: a host whose last label is decimal digits or
/// `0x` hex is parsed as an IPv4 address, whatever the labels before it.
fn ends_in_a_number(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or(host);
    let hex = last.strip_prefix("0x").or_else(|| last.strip_prefix("0X"));
    match hex {
        Some(digits) => digits.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()),
    }
}

/// Four decimal octets, as the URL standard serializes an IPv4 host.
fn is_ipv4(host: &str) -> bool {
    let mut count = 0;
    for part in host.split('.') {
        count += 1;
        let canonical = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        if !canonical || part.parse::<u16>().map_or(true, |v| v > 255) {
            return false;
        }
    }
    count == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_serialized_origins() {
        for origin in [
            "https://example.com",
            "https://app.example.com:8443",
            "http://localhost:3000",
            "http://127.0.0.1",
            "http://[::1]:8080",
            "http://[2001:db8::1]",
            "http://[::ffff:102:304]",
            "http://10.0.0.1:8080",
            "https://xn--bcher-kva.example",
            "chrome-extension://abcdefghijklmnop",
        ] {
            assert_eq!(
                check_origin(origin),
                Ok(OriginSpec::Exact(origin)),
                "{origin}"
            );
        }
    }

    #[test]
    fn recognizes_patterns() {
        assert_eq!(
            check_origin("https://*.example.com"),
            Ok(OriginSpec::Pattern(Pattern::Subdomains {
                scheme: "https",
                base: "example.com",
                port: PortPattern::Default
            }))
        );
        assert_eq!(
            check_origin("http://localhost:*"),
            Ok(OriginSpec::Pattern(Pattern::AnyPort {
                scheme: "http",
                host: "localhost",
            }))
        );
        assert_eq!(
            check_origin("http://[::1]:*"),
            Ok(OriginSpec::Pattern(Pattern::AnyPort {
                scheme: "http",
                host: "[::1]",
            }))
        );
        assert_eq!(check_origin("*"), Ok(OriginSpec::Any));
        assert_eq!(check_origin("null"), Ok(OriginSpec::Null));
    }

    #[test]
    fn refuses_what_browsers_never_send() {
        use Violation::*;
        let cases = [
            ("example.com", MissingScheme),
            ("//example.com", MissingScheme),
            ("1http://example.com", InvalidScheme),
            ("HTTPS://example.com", NotLowercase),
            ("https://Example.com", NotLowercase),
            ("Null", NotLowercase),
            ("https://example.com/", TrailingSlash),
            ("https://example.com/app", Path),
            ("https://example.com?x", Query),
            ("https://example.com#x", Fragment),
            ("https://user@example.com", Userinfo),
            ("https://bücher.example", NonAsciiHost),
            ("https://", EmptyHost),
            ("https://:8080", EmptyHost),
            ("https://exa_mple.com", InvalidHostCharacter),
            ("https://a..example.com", EmptyLabel),
            ("https://.example.com", EmptyLabel),
            ("https://example.com.", TrailingDot),
            ("https://[::1", InvalidIpv6),
            ("https://[::1]x", InvalidIpv6),
            ("https://[zz]", InvalidIpv6),
            ("https://example.com:", EmptyPort),
            ("https://example.com:8o", InvalidPort),
            ("https://example.com:08080", NonCanonicalPort),
            ("https://example.com:0", PortOutOfRange),
            ("https://example.com:65536", PortOutOfRange),
            ("https://example.com:99999999999999999999", PortOutOfRange),
            ("https://example.com:443", DefaultPort { port: 443 }),
            ("http://example.com:80", DefaultPort { port: 80 }),
            ("https://*example.com", MisplacedWildcard),
            ("https://api.*.example.com", MisplacedWildcard),
            ("https://*.*.example.com", MisplacedWildcard),
            ("https://example.com:8*", MisplacedWildcard),
            ("https://*", WildcardHost),
            ("https://*.10.0.0.1", WildcardOnIpAddress),
            ("https://*.0.0.1", WildcardOnIpAddress),
            ("https://*.example.0x1f", WildcardOnIpAddress),
            ("https://1.2.3", NonCanonicalIpv4),
            ("https://a.b.c.1", NonCanonicalIpv4),
            ("https://0x7f.0.0.1", NonCanonicalIpv4),
            ("http://010.0.0.1", NonCanonicalIpv4),
            ("http://[0:0::1]", NonCanonicalIpv6),
            ("http://[::ffff:1.2.3.4]", NonCanonicalIpv6),
            ("http://[::1:0:0:0:0:0]", NonCanonicalIpv6),
            ("http://[::1:2::3]", InvalidIpv6),
        ];
        for (origin, violation) in cases {
            assert_eq!(check_origin(origin), Err(violation), "{origin}");
        }
    }

    #[test]
    fn knows_trustworthy_origins() {
        let trust = |o| check_origin(o).unwrap().is_potentially_trustworthy();
        assert!(trust("https://example.com"));
        assert!(trust("http://localhost:3000"));
        assert!(trust("http://127.0.0.1"));
        assert!(trust("http://127.1.2.3"));
        assert!(trust("http://[::1]:*"));
        assert!(trust("http://*.localhost"));
        assert!(!trust("http://example.com"));
        assert!(!trust("http://127.0.0.1.evil.com"));
        assert!(!trust("http://localhost.evil.com"));
        assert!(!trust("null"));
    }
}
