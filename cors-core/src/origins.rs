//! Origin matching. Exact origins sit in an open-addressing hash table built ahead of time, so a
//! lookup hashes the origin once and visits a bounded number of slots whatever the list's length;
//! patterns are a prefix, a strictly checked middle and a suffix.

use crate::storage::{Table, Text};

/// Origins longer than this are refused before any matching: no browser sends one (a host is at
/// most 253 bytes, and a policy cannot list a longer one), and a bound keeps a hostile value
/// cheap. (`origins = "*"` answers `*` whatever the value, so it needs no bound.)
pub const MAX_ORIGIN_LEN: usize = checked_cors_rules::MAX_ORIGIN_LEN;

/// Which origins a [`Policy`](crate::Policy) allows.
#[derive(Clone, Debug)]
pub enum Origins<'a> {
    /// Every origin, answered with `Access-Control-Allow-Origin: *` (never with credentials).
    Any,
    /// Exact origins, patterns, and possibly `null`; the answer echoes the request's origin.
    List {
        /// The exact origins.
        exact: OriginTable<'a>,
        /// `https://*.example.com` and `http://localhost:*` patterns.
        patterns: Table<'a, OriginPattern<'a>>,
        /// Whether the opaque origin `null` is allowed.
        null: bool,
    },
}

/// A set of exact serialized origins.
#[derive(Clone, Debug)]
pub struct OriginTable<'a> {
    origins: Table<'a, Text<'a>>,
    /// A power of two, `0` empty, `i + 1` the origin at `i`.
    slots: Table<'a, u32>,
    seed: u64,
    max_probes: u32,
    /// Bit `n % 64` set for every origin `n` bytes long: an origin of no listed length is
    /// refused without hashing it (most refused origins, and any flood of made-up ones).
    lengths: u64,
}

impl<'a> OriginTable<'a> {
    /// A hashed table, as `checked_cors_rules::check_policy` built it.
    pub(crate) const fn new(
        origins: Table<'a, Text<'a>>,
        slots: Table<'a, u32>,
        seed: u64,
        max_probes: u32,
    ) -> Self {
        let lengths = lengths(&origins);
        OriginTable {
            origins,
            slots,
            seed,
            max_probes,
            lengths,
        }
    }

    /// The origins in the table, in the policy's order.
    pub fn origins(&self) -> &[Text<'a>] {
        &self.origins
    }

    /// The index of `origin` in [`OriginTable::origins`], if the table holds it.
    #[inline]
    pub(crate) fn find(&self, origin: &[u8]) -> Option<usize> {
        let slots = &*self.slots;
        if slots.is_empty() {
            return None;
        }
        if self.lengths & 1 << (origin.len() % 64) == 0 {
            return None;
        }
        let origins = &*self.origins;
        let mask = slots.len() - 1;
        let mut slot =
            checked_cors_rules::__private::origin_hash(self.seed, origin) as usize & mask;
        for _ in 0..self.max_probes {
            let entry = *slots.get(slot)?;
            if entry == 0 {
                return None;
            }
            let index = entry as usize - 1;
            if origins.get(index)?.as_bytes() == origin {
                return Some(index);
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// Whether the table holds `origin`.
    pub fn contains(&self, origin: &[u8]) -> bool {
        self.find(origin).is_some()
    }
}

/// An origin pattern: `https://*.example.com`, `http://localhost:*`, or both wildcards at once.
/// Displays as written in the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginPattern<'a> {
    scheme: Text<'a>,
    host: Text<'a>,
    subdomains: bool,
    port: PortMatch<'a>,
    /// Found when the pattern is made: `*.host` without a port, `host` without a `:` (every
    /// checked pattern's). Such a pattern needs no split of the origin's host and port; see
    /// [`OriginPattern::matches`].
    plain: bool,
}

/// What the port of an [`OriginPattern`] may be.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMatch<'a> {
    /// None: the scheme's default.
    Default,
    /// Exactly this port.
    Exact(Text<'a>),
    /// Any port, or none.
    Any,
}

impl<'a> OriginPattern<'a> {
    /// A pattern classified by `checked_cors_rules::check_origin`: `subdomains` for `*.host`.
    pub(crate) const fn new(
        scheme: Text<'a>,
        host: Text<'a>,
        subdomains: bool,
        port: PortMatch<'a>,
    ) -> Self {
        let plain = subdomains && matches!(port, PortMatch::Default) && !text_has_colon(&host);
        OriginPattern {
            scheme,
            host,
            subdomains,
            port,
            plain,
        }
    }

    /// Whether `origin` matches: the scheme exactly, the host exactly or as strict subdomain labels
    /// of the base, and the port as the pattern says.
    pub fn matches(&self, origin: &[u8]) -> bool {
        if self.plain {
            return self.plain_matches(origin);
        }
        let Some(rest) = origin
            .split_at_checked(self.scheme.len())
            .and_then(|(scheme, rest)| short_eq(scheme, self.scheme.as_bytes()).then_some(rest))
            .and_then(|rest| rest.strip_prefix(b"://"))
        else {
            return false;
        };
        let Some((host_end, port_start)) = checked_cors_rules::split_host_port(rest) else {
            return false;
        };
        let (host, port) = rest.split_at(host_end);
        // `port` is `:digits` when `port_start` is set.
        let port = port_start.and(port.get(1..));
        let port_ok = match (&self.port, port) {
            (PortMatch::Default, None) | (PortMatch::Any, None) => true,
            (PortMatch::Exact(want), Some(got)) => want.as_bytes() == got,
            // Browsers omit the default port, so `:80` on http was never sent by one.
            (PortMatch::Any, Some(got)) => canonical_port(got)
                .is_some_and(|port| Some(port) != checked_cors_rules::default_port(&self.scheme)),
            _ => false,
        };
        port_ok && self.host_matches(host)
    }

    /// [`OriginPattern::matches`] for a plain pattern: the most common, `https://*.example.com`,
    /// without the general split of host and port. With no port allowed, the origin must be the
    /// scheme, `://`, labels, `.` and the host, in one piece: valid labels hold no `:` and no
    /// `[`, so the split could find a port (and refuse) only in the pattern's own host, which a
    /// checked pattern never has and a plain one has not (see `new`). Both ends are compared
    /// in place, the labels between them checked last.
    #[inline]
    fn plain_matches(&self, origin: &[u8]) -> bool {
        let (scheme, host) = (self.scheme.as_bytes(), self.host.as_bytes());
        // `://`, one label byte and the `.` at least.
        let Some(labels_end) = origin.len().checked_sub(host.len() + 1) else {
            return false;
        };
        let labels_start = scheme.len() + 3;
        labels_start < labels_end
            && short_eq(&origin[..scheme.len()], scheme)
            && origin[scheme.len()..labels_start] == *b"://"
            && short_eq(&origin[labels_end + 1..], host)
            && origin[labels_end] == b'.'
            && are_labels(&origin[labels_start..labels_end])
    }

    fn host_matches(&self, host: &[u8]) -> bool {
        if !self.subdomains {
            return host == self.host.as_bytes();
        }
        let Some(labels) = host
            .split_at_checked(host.len().wrapping_sub(self.host.len()))
            .and_then(|(rest, base)| short_eq(base, self.host.as_bytes()).then_some(rest))
            .and_then(|rest| rest.strip_suffix(b"."))
        else {
            return false;
        };
        are_labels(labels)
    }
}

impl core::fmt::Display for OriginPattern<'_> {
    /// The pattern as written in a policy, such as `https://*.example.com` or `http://localhost:*`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let wildcard = if self.subdomains { "*." } else { "" };
        write!(f, "{}://{wildcard}{}", self.scheme, self.host)?;
        match &self.port {
            PortMatch::Default => Ok(()),
            PortMatch::Exact(port) => write!(f, ":{port}"),
            PortMatch::Any => f.write_str(":*"),
        }
    }
}

/// What the `*` of a subdomain pattern covers, label by label: what an exact host of a policy may
/// hold (`checked_cors_rules` checks those), 1 to 63 lower-case letters, digits, `-` and `_` (container
/// names such as `ex_am-ple`). Never an empty label, so never the final `.` of a fully qualified
/// name: `https://*.example.com` does not match `https://a.example.com.`, another origin, which
/// `https://*.example.com.` does.
#[cfg(test)]
fn is_label(label: &[u8]) -> bool {
    (1..=63).contains(&label.len()) && label.iter().all(|&b| is_label_byte(b))
}

/// A byte a label may hold (see [`is_label`]).
const fn is_label_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
}

/// `a == b`, for short strings (the scheme and host of a pattern, a method): up to 16 bytes by
/// two (overlapping) loads of each, rather than a call to `memcmp`.
#[inline]
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |bytes: &[u8], at: usize| {
        let mut word = [0; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        u64::from_ne_bytes(word)
    };
    let half = |bytes: &[u8], at: usize| {
        let mut half = [0; 4];
        half.copy_from_slice(&bytes[at..at + 4]);
        u32::from_ne_bytes(half)
    };
    match n {
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        // The first, middle and last bytes are all of them.
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        _ => a == b,
    }
}

/// [`OriginTable::lengths`] of `origins`; once per table, when it is made.
const fn lengths(origins: &Table<'_, Text<'_>>) -> u64 {
    let origins: &[Text<'_>] = match origins {
        Table::Static(origins) => origins,
        #[cfg(feature = "alloc")]
        Table::Owned(origins) => origins,
    };
    let mut lengths = 0;
    let mut at = 0;
    while at < origins.len() {
        let len = match &origins[at] {
            Text::Static(s) => s.len(),
            #[cfg(feature = "alloc")]
            Text::Owned(s) => s.len(),
        };
        lengths |= 1 << (len % 64);
        at += 1;
    }
    lengths
}

/// Whether `text` holds a `:`; once per pattern, when it is made.
const fn text_has_colon(text: &Text<'_>) -> bool {
    let bytes = match text {
        Text::Static(s) => s.as_bytes(),
        #[cfg(feature = "alloc")]
        Text::Owned(s) => (**s).as_bytes(),
    };
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b':' {
            return true;
        }
        at += 1;
    }
    false
}

/// What a byte is to [`are_labels`]: not allowed in a label, allowed, or the separator.
const LABEL_BYTES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if is_label_byte(b as u8) {
            1
        } else if b == b'.' as usize {
            2
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whether `labels` is one or more labels (1 to 63 bytes of [`is_label_byte`]: see [`is_label`])
/// joined by `.`, in one pass over its bytes (this runs on every origin a subdomain pattern is
/// tried on).
fn are_labels(labels: &[u8]) -> bool {
    // The current label's length, counted rather than found from its start: a label byte
    // costs a lookup, a compare and an increment, a `.` also the check of the label it ends.
    let mut label = 0usize;
    for &b in labels {
        match LABEL_BYTES[usize::from(b)] {
            1 => label += 1,
            2 if (1..=63).contains(&label) => label = 0,
            _ => return false,
        }
    }
    (1..=63).contains(&label)
}

/// 1 to 65535 in decimal without leading zeros, as its value.
fn canonical_port(port: &[u8]) -> Option<u16> {
    let digits =
        (1..=5).contains(&port.len()) && port.iter().all(u8::is_ascii_digit) && port[0] != b'0';
    if !digits {
        return None;
    }
    u16::try_from(port.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'))).ok()
}

/// Whether every byte of `bytes` is visible ASCII (`!` to `~`), as in every serialized origin.
/// Eight bytes at a time: this runs on every origin the exact table does not hold (patterns,
/// refusals), and a byte-by-byte loop costs a compare and a branch per byte.
#[inline]
pub(crate) fn is_visible_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Per byte `b`: the high bit of `b` or of `b + 1` is set when `b >= 0x7f`, and that of
    // `b + 0x5f` is clear when `b < 0x21`. A sum can carry into the next byte only from a byte
    // with its high bit set, which fails already, so the bytes cannot blur together.
    let bad = |word: u64| {
        ((word | word.wrapping_add(ONES)) & HIGH) | (!word.wrapping_add(ONES * 0x5f) & HIGH)
    };
    if bytes.len() < 8 {
        return bytes.iter().all(u8::is_ascii_graphic);
    }
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        found |= bad(u64::from_ne_bytes(word));
    }
    // The last eight bytes, overlapping the last whole word (checking a byte twice is harmless),
    // rather than the remainder byte by byte.
    let mut last = [0; 8];
    last.copy_from_slice(&bytes[bytes.len() - 8..]);
    (found | bad(u64::from_ne_bytes(last))) == 0
}

/// How an allowed origin is answered, and which entry allowed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed<'p> {
    /// `Access-Control-Allow-Origin: *`.
    Any,
    /// The policy's own copy of the origin, at this index of its exact table.
    Listed(&'p str, usize),
    /// The request's origin, matched by the pattern at this index.
    Pattern(usize),
    /// The request's origin, `null` (listed with its flag).
    Null,
    /// The request's origin, allowed by the service's dynamic origins.
    Dynamic,
}

/// Why no entry of a list allowed an origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unmatched {
    /// Longer than [`MAX_ORIGIN_LEN`]: refused before any matching.
    TooLong,
    /// `null`, without `dangerously_allow_null_origin`.
    Null,
    /// Neither listed nor matched by a pattern.
    NoEntry,
}

impl<'p> Origins<'p> {
    /// How `origin` (the `Origin` header's exact bytes) is allowed, if it is.
    #[inline]
    pub(crate) fn match_origin(&'p self, origin: &[u8]) -> Result<Allowed<'p>, Unmatched> {
        match self {
            Origins::Any => Ok(Allowed::Any),
            Origins::List {
                exact,
                patterns,
                null,
            } => {
                if origin.len() > MAX_ORIGIN_LEN {
                    Err(Unmatched::TooLong)
                } else if let Some(index) = exact.find(origin) {
                    Ok(Allowed::Listed(&exact.origins[index], index))
                } else if origin == b"null" {
                    if *null {
                        Ok(Allowed::Null)
                    } else {
                        Err(Unmatched::Null)
                    }
                } else {
                    patterns
                        .iter()
                        .position(|p| p.matches(origin))
                        .map(Allowed::Pattern)
                        .ok_or(Unmatched::NoEntry)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::__private::pattern;

    fn subdomains(scheme: &'static str, base: &'static str) -> OriginPattern<'static> {
        pattern(scheme, base, true, PortMatch::Default)
    }

    fn any_port(scheme: &'static str, host: &'static str) -> OriginPattern<'static> {
        pattern(scheme, host, false, PortMatch::Any)
    }

    fn subdomains_on(
        scheme: &'static str,
        base: &'static str,
        port: &'static str,
    ) -> OriginPattern<'static> {
        pattern(scheme, base, true, PortMatch::Exact(Text::Static(port)))
    }

    /// The plain path answers as the general one did: the scheme and `://` split off, then the
    /// host's labels and base.
    #[test]
    fn the_plain_path_agrees_with_the_split() {
        let reference = |p: &OriginPattern<'_>, origin: &[u8]| {
            origin
                .strip_prefix(p.scheme.as_bytes())
                .and_then(|rest| rest.strip_prefix(b"://"))
                .is_some_and(|rest| p.host_matches(rest))
        };
        let patterns = [
            subdomains("https", "example.com"),
            subdomains("http", "a.io"),
        ];
        let prefixes = [
            "https://",
            "http://",
            "https:/",
            "https//",
            "https:///",
            "httpss://",
            "",
        ];
        let suffixes = [
            ".example.com",
            "example.com",
            ".example.co",
            ".example.comm",
            ".a.io",
            "a.io",
            "",
        ];
        let alphabet = b"a.-_A:/\xe9";
        let mut middle = std::vec::Vec::new();
        let mut checked = 0;
        for len in 0..=4u32 {
            for mut code in 0..alphabet.len().pow(len) {
                middle.clear();
                for _ in 0..len {
                    middle.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                for prefix in prefixes {
                    for suffix in suffixes {
                        let origin = [prefix.as_bytes(), &middle, suffix.as_bytes()].concat();
                        for p in &patterns {
                            assert!(p.plain);
                            assert_eq!(
                                p.matches(&origin),
                                reference(p, &origin),
                                "{p} {}",
                                origin.escape_ascii()
                            );
                            checked += usize::from(p.matches(&origin));
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "{checked} matches");
    }

    #[test]
    fn subdomain_patterns_are_strict() {
        let p = subdomains("https", "example.com");
        for ok in [
            "https://a.example.com",
            "https://a.b-c.example.com",
            "https://1.example.com",
            "https://a_b.example.com",
            "https://_dmarc.example.com",
        ] {
            assert!(p.matches(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "https://example.com",
            "https://.example.com",
            "https://a..example.com",
            "https://evilexample.com",
            "https://a.example.com.evil.com",
            "http://a.example.com",
            "https://a.example.com:443",
            "https://a.example.com:8443",
            "https://A.example.com",
            "https://a$b.example.com",
            "https://a.example.com.",
            "https://example.com.",
            "https://a.example.com..",
            "https://a.example.com/",
            "https://user@a.example.com",
            "https:/a.example.com",
        ] {
            assert!(!p.matches(bad.as_bytes()), "{bad}");
        }
        let long_label = std::format!("https://{}.example.com", "a".repeat(64));
        assert!(!p.matches(long_label.as_bytes()));
        let fqdn = subdomains("https", "example.com.");
        assert!(fqdn.matches(b"https://a.example.com."));
        assert!(fqdn.matches(b"https://a_b.c.example.com."));
        assert!(!fqdn.matches(b"https://a.example.com"));
        assert!(!fqdn.matches(b"https://example.com."));
    }

    #[test]
    fn the_label_scan_agrees_with_the_split() {
        let reference =
            |labels: &[u8]| !labels.is_empty() && labels.split(|&b| b == b'.').all(is_label);
        let alphabet = [
            b'a', b'0', b'-', b'_', b'.', b'A', b':', b'[', b'@', 0x80, b' ',
        ];
        // Every string of up to four bytes over the alphabet, and labels around the length bound.
        let mut cases: std::vec::Vec<std::vec::Vec<u8>> = std::vec![std::vec![]];
        for _ in 0..4 {
            let longer: std::vec::Vec<_> = cases
                .iter()
                .filter(|case| case.len() == cases.last().map_or(0, std::vec::Vec::len))
                .flat_map(|case| {
                    alphabet.iter().map(move |&b| {
                        let mut case = case.clone();
                        case.push(b);
                        case
                    })
                })
                .collect();
            cases.extend(longer);
        }
        for len in [62, 63, 64, 65] {
            let label = std::vec![b'a'; len];
            cases.push(label.clone());
            cases.push([&label[..], b".b"].concat());
            cases.push([&b"b."[..], &label].concat());
        }
        for case in &cases {
            assert_eq!(are_labels(case), reference(case), "{case:?}");
        }
    }

    #[test]
    fn the_short_comparison_agrees_with_eq() {
        let base = b"abcdefghijklmnopqrstuvwxyz";
        for len in 0..=base.len() {
            let a = &base[..len];
            assert!(short_eq(a, a));
            assert!(!short_eq(a, &base[..len.saturating_sub(1)]) || len == 0);
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x20;
                assert!(!short_eq(a, &b), "{len} {at}");
            }
        }
    }

    #[test]
    fn a_pattern_is_plain_only_without_port_and_colon() {
        assert!(subdomains("https", "example.com").plain);
        assert!(!subdomains_on("https", "example.com", "8443").plain);
        assert!(!any_port("http", "localhost").plain);
        assert!(!pattern("https", "[::1]", false, PortMatch::Default).plain);
        // A host with a `:` (which no checked pattern has) is matched the general way, which
        // splits off what follows the `:` as a port and so refuses.
        let odd = subdomains("https", "example.com:1");
        assert!(!odd.plain);
        assert!(!odd.matches(b"https://a.example.com:1"));
        #[cfg(feature = "alloc")]
        {
            let owned = OriginPattern::new(
                Text::Owned("https".into()),
                Text::Owned("example.com".into()),
                true,
                PortMatch::Default,
            );
            assert!(owned.plain);
            assert!(owned.matches(b"https://a.example.com"));
        }
    }

    #[test]
    fn port_patterns_are_strict() {
        let p = any_port("http", "localhost");
        for ok in [
            "http://localhost",
            "http://localhost:1",
            "http://localhost:3000",
            "http://localhost:65535",
        ] {
            assert!(p.matches(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "http://localhost:",
            "http://localhost:0",
            "http://localhost:03000",
            "http://localhost:65536",
            "http://localhost:123456",
            "http://localhost:+80",
            "http://localhost:80:80",
            "http://localhost:80",
            "http://localhost.evil.com:80",
            "https://localhost:3000",
            "http://evil.com:3000",
        ] {
            assert!(!p.matches(bad.as_bytes()), "{bad}");
        }
        let v6 = any_port("http", "[::1]");
        assert!(v6.matches(b"http://[::1]:8080"));
        assert!(v6.matches(b"http://[::1]"));
        assert!(!v6.matches(b"http://[::1]8080"));
        let both = subdomains_on("https", "example.com", "8443");
        assert!(both.matches(b"https://a.example.com:8443"));
        assert!(!both.matches(b"https://a.example.com"));
    }

    #[test]
    fn patterns_display_as_written() {
        use std::string::ToString;
        assert_eq!(
            subdomains("https", "example.com").to_string(),
            "https://*.example.com"
        );
        assert_eq!(
            any_port("http", "localhost").to_string(),
            "http://localhost:*"
        );
        let both = subdomains_on("https", "example.com", "8443");
        assert_eq!(both.to_string(), "https://*.example.com:8443");
    }

    #[test]
    fn the_word_check_agrees_with_the_byte_check() {
        // Every byte value at every position of every length up to three words, among
        // visible bytes: any other byte anywhere must fail, as `is_ascii_graphic` says.
        for len in 1..=24 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = std::vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(
                        is_visible_ascii(&bytes),
                        b.is_ascii_graphic(),
                        "{len} {at} {b:#x}"
                    );
                }
            }
        }
        assert!(is_visible_ascii(b""));
        assert!(is_visible_ascii(b"https://a.example.com:8443"));
        assert!(!is_visible_ascii("https://\u{e9}.example.com".as_bytes()));
        assert!(!is_visible_ascii(b"https://a.example.com\x7f"));
        assert!(!is_visible_ascii(b"https://a b.example.com"));
        // Bytes that a carry from a neighbour could make look visible.
        assert!(!is_visible_ascii(b"\xff\x20aaaaaa"));
        assert!(!is_visible_ascii(b"aaaaaa\xff\x7e"));
        assert!(!is_visible_ascii(b"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"));
    }

    #[test]
    fn the_table_finds_exactly_its_origins() {
        let origins = [
            "https://a.example",
            "https://b.example",
            "http://localhost:3000",
        ];
        let data = checked_cors_rules::__private::build_table(&origins);
        let texts = origins.map(Text::Static);
        let table = OriginTable::new(
            Table::Static(&texts),
            Table::Static(&data.slots),
            data.seed,
            data.max_probes,
        );
        for (index, origin) in origins.iter().enumerate() {
            assert_eq!(table.find(origin.as_bytes()), Some(index), "{origin}");
        }
        for probe in [
            "https://c.example",
            "",
            "https://a.example.",
            "https://a.example..",
            "null",
            "https://a.exampl",
        ] {
            assert_eq!(table.find(probe.as_bytes()), None, "{probe}");
        }
    }

    /// The length filter never hides a listed origin, whatever the lengths (`n` and `n + 64`
    /// share a bit), and a built table filters as a derived one does.
    #[test]
    fn the_length_filter_keeps_every_listed_origin() {
        let origins: std::vec::Vec<std::string::String> = (1..=200)
            .step_by(7)
            .map(|len| std::format!("https://{}.example", "a".repeat(len)))
            .collect();
        let refs: std::vec::Vec<&str> = origins.iter().map(|o| o.as_str()).collect();
        let data = checked_cors_rules::__private::build_table(&refs);
        let owned: std::vec::Vec<Text<'static>> = origins
            .iter()
            .map(|o| Text::Owned(o.clone().into_boxed_str()))
            .collect();
        let table = OriginTable::new(
            Table::Owned(owned.into_boxed_slice()),
            Table::Static(std::boxed::Box::leak(data.slots.clone().into_boxed_slice())),
            data.seed,
            data.max_probes,
        );
        for (index, origin) in origins.iter().enumerate() {
            assert_eq!(table.find(origin.as_bytes()), Some(index), "{origin}");
            // Same length, another origin; and 64 bytes longer (the same bit).
            let other = origin.replace("https://a", "https://b");
            assert_eq!(table.find(other.as_bytes()), None, "{other}");
            let longer = std::format!("{origin}{}", "x".repeat(64));
            assert_eq!(table.find(longer.as_bytes()), None, "{longer}");
        }
        let listed: u64 = origins
            .iter()
            .map(|o| 1u64 << (o.len() % 64))
            .fold(0, |a, b| a | b);
        assert_eq!(table.lengths, listed);
    }
}
