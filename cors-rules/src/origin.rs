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
/// a secure scheme, or a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`; the
/// names with a final `.` too, as the specification lists them).
pub fn is_potentially_trustworthy(scheme: &str, host: &str) -> bool {
    if matches!(scheme, "https" | "wss") {
        return true;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && is_ipv4(host))
}

/// Checks that `origin` is a serialized origin as browsers send it, or a pattern of one, and says
/// which; the first violation when it is not (see [`check_origin_each`] for all of them).
///
/// Rules that depend on the rest of the policy (`*` in a list, `null` without its flag, public
/// suffixes, credentials) are [`check_policy`](crate::check_policy)'s.
pub fn check_origin(origin: &str) -> Result<OriginSpec<'_>, Violation> {
    let mut first = None;
    let spec = check_origin_each(origin, &mut |violation| {
        first.get_or_insert(violation);
    });
    match (spec, first) {
        (Some(spec), None) => Ok(spec),
        (_, Some(violation)) => Err(violation),
        // Every `None` comes with a violation; this arm only keeps the function total.
        (None, None) => Err(Violation::InvalidScheme),
    }
}

/// [`check_origin`], reporting every violation of the entry, each once, in the order of the
/// parts they concern (scheme, path, host, port): `https://App.example.com:443` is both upper
/// case and written with its default port. Returns the classification when there was none.
pub fn check_origin_each<'a>(
    origin: &'a str,
    report: &mut dyn FnMut(Violation),
) -> Option<OriginSpec<'a>> {
    let mut seen = Seen::default();
    let mut report = |violation| seen.report(violation, report);
    if origin.len() > MAX_ORIGIN_LEN {
        report(Violation::OriginTooLong);
        return None;
    }
    match origin {
        "*" => return Some(OriginSpec::Any),
        "null" => return Some(OriginSpec::Null),
        _ => {}
    }
    if origin.eq_ignore_ascii_case("null") {
        report(Violation::NotLowercase);
        return None;
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        report(Violation::MissingScheme);
        if !origin.is_ascii() {
            report(Violation::NonAsciiHost);
        }
        return None;
    };
    if let Some(scheme) = null_origin_scheme(scheme) {
        // Whatever else is wrong with it, such an entry can never match: say only that.
        report(Violation::NullOriginScheme { scheme });
        return None;
    }
    let scheme_ok = check_scheme(scheme).map_err(&mut report).is_ok();
    let authority = check_no_path(rest).unwrap_or_else(|(violation, authority)| {
        report(violation);
        authority
    });
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => {
            report(Violation::Userinfo);
            host
        }
        None => authority,
    };
    let Some((host, port)) = split_authority(authority) else {
        report(Violation::InvalidIpv6);
        return None;
    };
    let host = if host.is_ascii() {
        check_host(host, &mut report)
    } else {
        report(Violation::NonAsciiHost);
        None
    };
    let port = check_port(scheme, port).map_err(&mut report).ok();
    let spec = match (host?, port?) {
        (HostPattern::Exact(_), PortPattern::Default | PortPattern::Exact(_)) => {
            OriginSpec::Exact(origin)
        }
        (HostPattern::Exact(host), PortPattern::Any) => {
            OriginSpec::Pattern(Pattern::AnyPort { scheme, host })
        }
        (HostPattern::Subdomains(base), port) => {
            OriginSpec::Pattern(Pattern::Subdomains { scheme, base, port })
        }
    };
    (scheme_ok && !seen.any()).then_some(spec)
}

/// The violations of one entry reported so far, so that each is reported once (an upper-case
/// scheme and an upper-case host are one mistake).
#[derive(Default)]
struct Seen {
    reported: [Option<Violation>; 8],
    count: usize,
}

impl Seen {
    fn report(&mut self, violation: Violation, to: &mut dyn FnMut(Violation)) {
        if self.reported.contains(&Some(violation)) {
            return;
        }
        if let Some(slot) = self.reported.get_mut(self.count) {
            *slot = Some(violation);
        }
        self.count += 1;
        to(violation);
    }

    fn any(&self) -> bool {
        self.count > 0
    }
}

/// The schemes whose documents have an opaque origin, which browsers send as `null` (URL
/// standard, "origin": every scheme but the special ones and `blob:`; `file:` is left to the
/// browser, and Chromium, Firefox and WebKit all send `null`). Only the schemes of documents a
/// browser loads are listed: extension and embedder schemes (`chrome-extension:`, `tauri:`) do
/// send their own origin.
fn null_origin_scheme(scheme: &str) -> Option<&'static str> {
    ["file", "data", "about", "javascript"]
        .into_iter()
        .find(|null| null.eq_ignore_ascii_case(scheme))
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

/// Returns the authority, refusing a path, query or fragment after it (and then giving the
/// authority before it, to check further).
fn check_no_path(rest: &str) -> Result<&str, (Violation, &str)> {
    match rest.find(['/', '?', '#']) {
        None => Ok(rest),
        Some(at) => Err((
            match rest.as_bytes()[at] {
                b'?' => Violation::Query,
                b'#' => Violation::Fragment,
                _ if at + 1 == rest.len() => Violation::TrailingSlash,
                _ => Violation::Path,
            },
            &rest[..at],
        )),
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

fn check_host<'a>(host: &'a str, report: &mut dyn FnMut(Violation)) -> Option<HostPattern<'a>> {
    if host.is_empty() {
        report(Violation::EmptyHost);
        return None;
    }
    if host == "*" {
        report(Violation::WildcardHost);
        return None;
    }
    if let Some(base) = host.strip_prefix("*.") {
        if base.contains('*') {
            report(Violation::MisplacedWildcard);
            return None;
        }
        let valid = check_domain(base, report);
        if ends_in_a_number(base) {
            report(Violation::WildcardOnIpAddress);
            return None;
        }
        return valid.then_some(HostPattern::Subdomains(base));
    }
    if host.contains('*') {
        report(if host.starts_with('[') {
            Violation::WildcardOnIpAddress
        } else {
            Violation::MisplacedWildcard
        });
        return None;
    }
    if host.starts_with('[') {
        check_ipv6(host).map_err(report).ok()?;
    } else {
        let valid = check_domain(host, report);
        if ends_in_a_number(host) && !is_ipv4(host) {
            report(Violation::NonCanonicalIpv4);
            return None;
        }
        if !valid {
            return None;
        }
    }
    Some(HostPattern::Exact(host))
}

/// The longest host a policy may name, in bytes, not counting a final `.`: the longest domain
/// name DNS can resolve (RFC 1035, section 2.3.4, in text form).
pub const MAX_HOST_LEN: usize = 253;

/// A domain or IPv4 address as the URL standard serializes it: lower-case labels of letters,
/// digits, `-` and `_`, no empty label, at most one final `.` (kept by browsers: `example.com.`
/// is its own host), `xn--` labels valid punycode, at most [`MAX_HOST_LEN`] bytes. Reports every
/// violation; returns whether there was none.
fn check_domain(host: &str, report: &mut dyn FnMut(Violation)) -> bool {
    let mut valid = true;
    let mut fail = |violation| {
        valid = false;
        report(violation);
    };
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        fail(Violation::NotLowercase);
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.len() > MAX_HOST_LEN {
        fail(Violation::HostTooLong);
    }
    let (mut empty, mut invalid, mut punycode) = (false, false, false);
    for label in name.split('.') {
        empty |= label.is_empty();
        invalid |= !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        punycode |= !crate::punycode::is_valid_xn_label(label.as_bytes());
    }
    if empty {
        fail(Violation::EmptyLabel);
    }
    if invalid {
        fail(Violation::InvalidHostCharacter);
    }
    if punycode && !invalid {
        fail(Violation::InvalidPunycode);
    }
    valid
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
/// `0x` hex is parsed as an IPv4 address, whatever the labels before it (a final `.` is
/// ignored: `10.0.0.1.` is the address `10.0.0.1`).
fn ends_in_a_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
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
            "http://ex_am-ple.com:3999",
            "https://example.com.",
            "https://a_b.example.com.",
            "http://localhost.:8080",
            "https://xn--p1ai",
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
            ("https://exa$mple.com", InvalidHostCharacter),
            ("https://a..example.com", EmptyLabel),
            ("https://.example.com", EmptyLabel),
            ("https://example.com..", EmptyLabel),
            ("https://.", EmptyLabel),
            ("https://*.example.com..", EmptyLabel),
            ("http://10.0.0.1.", NonCanonicalIpv4),
            (
                "file:///home/me/index.html",
                NullOriginScheme { scheme: "file" },
            ),
            ("file://host", NullOriginScheme { scheme: "file" }),
            ("FILE://host", NullOriginScheme { scheme: "file" }),
            ("data://text", NullOriginScheme { scheme: "data" }),
            ("https://xn--abc-.example", InvalidPunycode),
            ("https://xn--a-.example", InvalidPunycode),
            ("https://*.xn--99999999999.example", InvalidPunycode),
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

    fn all(origin: &str) -> ([Option<Violation>; 4], bool) {
        let mut found = [None; 4];
        let mut count = 0;
        let spec = check_origin_each(origin, &mut |v| {
            found[count] = Some(v);
            count += 1;
        });
        (found, spec.is_some())
    }

    #[test]
    fn reports_every_violation_of_an_entry() {
        use Violation::*;
        assert_eq!(
            all("https://App.example.com:443"),
            (
                [
                    Some(NotLowercase),
                    Some(DefaultPort { port: 443 }),
                    None,
                    None
                ],
                false
            )
        );
        assert_eq!(
            all("HTTPS://App.example.com/"),
            ([Some(NotLowercase), Some(TrailingSlash), None, None], false)
        );
        assert_eq!(
            all("https://user@a_$.example.com:08080/x"),
            (
                [
                    Some(Path),
                    Some(Userinfo),
                    Some(InvalidHostCharacter),
                    Some(NonCanonicalPort)
                ],
                false
            )
        );
        assert_eq!(
            all("https://bücher.example:443"),
            (
                [
                    Some(NonAsciiHost),
                    Some(DefaultPort { port: 443 }),
                    None,
                    None
                ],
                false
            )
        );
        assert_eq!(all("https://example.com"), ([None; 4], true));
    }

    #[test]
    fn bounds_hosts_as_dns_does() {
        extern crate std;
        use std::format;
        // Four labels of 62 bytes and their dots: 251 bytes, then `.ab` makes 254.
        let label = "a".repeat(62);
        let base = [label.as_str(); 4].join(".");
        let longest = format!("https://{base}.a");
        let longest_fqdn = format!("https://{base}.a.");
        let too_long = format!("https://{base}.ab");
        assert_eq!(check_origin(&longest), Ok(OriginSpec::Exact(&longest)));
        assert_eq!(
            check_origin(&longest_fqdn),
            Ok(OriginSpec::Exact(&longest_fqdn))
        );
        assert_eq!(check_origin(&too_long), Err(Violation::HostTooLong));
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
        assert!(trust("http://localhost.:3000"));
        assert!(trust("http://app.localhost."));
        assert!(!trust("null"));
    }
}
