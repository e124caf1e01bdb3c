//! Origin matching. Exact origins sit in an open-addressing hash table built ahead of time, so a
//! lookup hashes the origin once and visits a bounded number of slots whatever the list's length;
//! patterns are a prefix, a strictly checked middle and a suffix.

use crate::policy::{Origins, Policy};

/// Origins longer than this are refused before any matching: no browser sends one (a host is at
/// most 253 bytes), and a bound keeps a hostile value cheap. Policies cannot list longer ones.
pub const MAX_ORIGIN_LEN: usize = cors_rules::MAX_ORIGIN_LEN;

/// A set of exact serialized origins.
#[derive(Clone, Copy, Debug)]
pub struct OriginTable<'a> {
    origins: &'a [&'a str],
    /// Empty for a linear table; otherwise a power of two, `0` empty, `i + 1` the origin at `i`.
    slots: &'a [u32],
    seed: u64,
    max_probes: u32,
}

impl<'a> OriginTable<'a> {
    /// No origin.
    pub const EMPTY: OriginTable<'static> = OriginTable::linear(&[]);

    /// A table scanned from start to end: for a handful of origins written by hand in a `const`.
    /// `#[derive(Cors)]` and `PolicyBuilder` build hashed tables.
    pub const fn linear(origins: &'a [&'a str]) -> Self {
        OriginTable {
            origins,
            slots: &[],
            seed: 0,
            max_probes: 0,
        }
    }

    /// A hashed table, as built by `cors_rules::build_table`.
    #[doc(hidden)]
    pub const fn __hashed(
        origins: &'a [&'a str],
        slots: &'a [u32],
        seed: u64,
        max_probes: u32,
    ) -> Self {
        OriginTable {
            origins,
            slots,
            seed,
            max_probes,
        }
    }

    /// The origins in the table.
    pub fn origins(&self) -> &'a [&'a str] {
        self.origins
    }

    /// The table's own copy of `origin`, if it holds it.
    pub fn get(&self, origin: &[u8]) -> Option<&'a str> {
        if self.slots.is_empty() {
            return self
                .origins
                .iter()
                .copied()
                .find(|o| o.as_bytes() == origin);
        }
        let mask = self.slots.len() - 1;
        let mut slot = cors_rules::origin_hash(self.seed, origin) as usize & mask;
        for _ in 0..self.max_probes {
            let entry = *self.slots.get(slot)?;
            if entry == 0 {
                return None;
            }
            let candidate = *self.origins.get(entry as usize - 1)?;
            if candidate.as_bytes() == origin {
                return Some(candidate);
            }
            slot = (slot + 1) & mask;
        }
        None
    }
}

/// An origin pattern: `https://*.example.com`, `http://localhost:*`, or both wildcards at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OriginPattern<'a> {
    scheme: &'a str,
    host: &'a str,
    subdomains: bool,
    port: PortMatch<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PortMatch<'a> {
    Default,
    Exact(&'a str),
    Any,
}

impl<'a> OriginPattern<'a> {
    /// `scheme://*.base[:port]`: one or more labels before `base`.
    pub const fn subdomains(scheme: &'a str, base: &'a str) -> Self {
        OriginPattern {
            scheme,
            host: base,
            subdomains: true,
            port: PortMatch::Default,
        }
    }

    /// `scheme://host:*`: any port, or the scheme's default.
    pub const fn any_port(scheme: &'a str, host: &'a str) -> Self {
        OriginPattern {
            scheme,
            host,
            subdomains: false,
            port: PortMatch::Any,
        }
    }

    /// The same pattern with any port, as in `https://*.example.com:*`.
    pub const fn with_any_port(mut self) -> Self {
        self.port = PortMatch::Any;
        self
    }

    /// The same pattern with this exact port, as in `https://*.example.com:8443`.
    pub const fn with_port(mut self, port: &'a str) -> Self {
        self.port = PortMatch::Exact(port);
        self
    }

    /// Whether `origin` matches: the scheme exactly, the host exactly or as strict subdomain labels
    /// of the base, and the port as the pattern says.
    pub fn matches(&self, origin: &[u8]) -> bool {
        let Some(rest) = origin
            .strip_prefix(self.scheme.as_bytes())
            .and_then(|rest| rest.strip_prefix(b"://"))
        else {
            return false;
        };
        let Some((host_end, port_start)) = cors_rules::split_host_port(rest) else {
            return false;
        };
        let (host, port) = rest.split_at(host_end);
        // `port` is `:digits` when `port_start` is set.
        let port = port_start.and(port.get(1..));
        let port_ok = match (self.port, port) {
            (PortMatch::Default, None) | (PortMatch::Any, None) => true,
            (PortMatch::Exact(want), Some(got)) => want.as_bytes() == got,
            // Browsers omit the default port, so `:80` on http was never sent by one.
            (PortMatch::Any, Some(got)) => canonical_port(got)
                .is_some_and(|port| Some(port) != cors_rules::default_port(self.scheme)),
            _ => false,
        };
        port_ok && self.host_matches(host)
    }

    fn host_matches(&self, host: &[u8]) -> bool {
        if !self.subdomains {
            return host == self.host.as_bytes();
        }
        let Some(labels) = host
            .strip_suffix(self.host.as_bytes())
            .and_then(|rest| rest.strip_suffix(b"."))
        else {
            return false;
        };
        !labels.is_empty() && labels.split(|&b| b == b'.').all(is_label)
    }
}

impl core::fmt::Display for OriginPattern<'_> {
    /// The pattern as written in a policy, such as `https://*.example.com` or `http://localhost:*`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let wildcard = if self.subdomains { "*." } else { "" };
        write!(f, "{}://{wildcard}{}", self.scheme, self.host)?;
        match self.port {
            PortMatch::Default => Ok(()),
            PortMatch::Exact(port) => write!(f, ":{port}"),
            PortMatch::Any => f.write_str(":*"),
        }
    }
}

/// A host label as browsers serialize it: 1 to 63 lower-case letters, digits and `-`.
fn is_label(label: &[u8]) -> bool {
    (1..=63).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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

/// How an allowed origin is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed<'p> {
    /// `Access-Control-Allow-Origin: *`.
    Any,
    /// The policy's own copy of the origin.
    Listed(&'p str),
    /// The request's origin, matched by a pattern or `null`.
    Echo,
}

impl<'p> Policy<'p> {
    /// Whether the policy allows `origin` (the `Origin` header's exact bytes).
    pub fn allows_origin(&self, origin: &[u8]) -> bool {
        self.match_origin(origin).is_some()
    }

    pub(crate) fn match_origin(&self, origin: &[u8]) -> Option<Allowed<'p>> {
        match self.origins {
            Origins::Any => Some(Allowed::Any),
            Origins::List {
                exact,
                patterns,
                null,
            } => {
                if origin.len() > MAX_ORIGIN_LEN {
                    None
                } else if let Some(listed) = exact.get(origin) {
                    Some(Allowed::Listed(listed))
                } else if origin == b"null" {
                    null.then_some(Allowed::Echo)
                } else {
                    patterns
                        .iter()
                        .any(|p| p.matches(origin))
                        .then_some(Allowed::Echo)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomain_patterns_are_strict() {
        let p = OriginPattern::subdomains("https", "example.com");
        for ok in [
            "https://a.example.com",
            "https://a.b-c.example.com",
            "https://1.example.com",
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
            "https://a_b.example.com",
            "https://a.example.com.",
            "https://a.example.com/",
            "https://user@a.example.com",
            "https:/a.example.com",
        ] {
            assert!(!p.matches(bad.as_bytes()), "{bad}");
        }
        let long_label = std::format!("https://{}.example.com", "a".repeat(64));
        assert!(!p.matches(long_label.as_bytes()));
    }

    #[test]
    fn port_patterns_are_strict() {
        let p = OriginPattern::any_port("http", "localhost");
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
        let v6 = OriginPattern::any_port("http", "[::1]");
        assert!(v6.matches(b"http://[::1]:8080"));
        assert!(v6.matches(b"http://[::1]"));
        assert!(!v6.matches(b"http://[::1]8080"));
        let both = OriginPattern::subdomains("https", "example.com").with_port("8443");
        assert!(both.matches(b"https://a.example.com:8443"));
        assert!(!both.matches(b"https://a.example.com"));
    }

    #[test]
    fn patterns_display_as_written() {
        use std::string::ToString;
        assert_eq!(
            OriginPattern::subdomains("https", "example.com").to_string(),
            "https://*.example.com"
        );
        assert_eq!(
            OriginPattern::any_port("http", "localhost").to_string(),
            "http://localhost:*"
        );
        let both = OriginPattern::subdomains("https", "example.com").with_port("8443");
        assert_eq!(both.to_string(), "https://*.example.com:8443");
    }

    #[test]
    fn linear_and_hashed_tables_agree() {
        let origins = [
            "https://a.example",
            "https://b.example",
            "http://localhost:3000",
        ];
        let data = cors_rules::build_table(&origins);
        let hashed = OriginTable::__hashed(&origins, &data.slots, data.seed, data.max_probes);
        let linear = OriginTable::linear(&origins);
        for probe in origins
            .iter()
            .chain(&["https://c.example", "", "https://a.example.", "null"])
        {
            assert_eq!(
                hashed.get(probe.as_bytes()),
                linear.get(probe.as_bytes()),
                "{probe}"
            );
        }
        assert_eq!(hashed.get(b"https://b.example"), Some("https://b.example"));
    }
}
