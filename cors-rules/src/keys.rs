//! The keys of a policy: one table read by the attribute parser, `PolicyBuilder`, `PolicyConfig`,
//! the CLI and the documentation, so that a key exists everywhere or nowhere.

/// What a key sets: one variant per setting, so that every reader stores a value by its kind
/// alone (two keys whose values are written alike, such as `origins` and `write_origins`, are
/// still two kinds; telling them apart by name is how a reader once stored one in the other).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// `origins`: a list of origins and origin patterns, or `"*"`.
    Origins,
    /// `write_origins`: a list of origins trusted to send cross-origin writes.
    WriteOrigins,
    /// `methods`: a list of methods.
    Methods,
    /// `headers`: a list of request header names, or `"*"`.
    Headers,
    /// `expose`: a list of response header names, or `"*"`.
    Expose,
    /// `max_age`: a whole number of seconds.
    Seconds,
    /// No value: on when present.
    Flag(Flag),
}

/// A key of a policy, as the documentation's key table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key as written in `#[cors(...)]` and in configuration files.
    pub name: &'static str,
    /// How its value is written.
    pub kind: KeyKind,
    /// An example value, as written in the attribute (empty for a flag).
    pub example: &'static str,
    /// What an absent key means.
    pub default: &'static str,
    /// What the key does, in one line.
    pub meaning: &'static str,
}

/// Every key, in the order the documentation lists them and violations are reported.
pub const KEYS: &[Key] = &[
    Key {
        name: "origins",
        kind: KeyKind::Origins,
        example: r#"["https://app.example.com"]"#,
        default: "required",
        meaning: "origins allowed to read responses: exact serialized origins, `*` as the whole \
                  leftmost host label (one or more labels) or as the whole port, `\"*\"` for any \
                  origin, or `env(\"NAME\")`: a comma-separated list read and checked while \
                  compiling",
    },
    Key {
        name: "methods",
        kind: KeyKind::Methods,
        example: r#"[GET, POST, "PURGE"]"#,
        default: "`GET, HEAD, POST`",
        meaning: "methods a preflight may ask for besides `GET`, `HEAD` and `POST`, which always \
                  pass (browsers never check them; forbidding one is the router's job); \
                  identifiers for standard methods, strings for others; case-sensitive; `\"*\"` \
                  for any method",
    },
    Key {
        name: "headers",
        kind: KeyKind::Headers,
        example: r#"["content-type"]"#,
        default: "none",
        meaning: "request headers a preflight may ask for; case-insensitive; `\"*\"` for any \
                  (answered with the names asked for, so it works with `credentials`) but \
                  `authorization`, which `[\"*\", \"authorization\"]` adds",
    },
    Key {
        name: "expose",
        kind: KeyKind::Expose,
        example: r#"["x-request-id"]"#,
        default: "none",
        meaning: "response headers scripts may read",
    },
    Key {
        name: "credentials",
        kind: KeyKind::Flag(Flag::Credentials),
        example: "",
        default: "off",
        meaning: "requests with cookies or HTTP authentication may read responses",
    },
    Key {
        name: "max_age",
        kind: KeyKind::Seconds,
        example: "600",
        default: "absent (browsers use 5 s)",
        meaning: "seconds a browser may cache a preflight answer, `0..=86400`",
    },
    Key {
        name: "private_network",
        kind: KeyKind::Flag(Flag::PrivateNetwork),
        example: "",
        default: "off",
        meaning: "answer Private Network Access preflights",
    },
    Key {
        name: "write_origins",
        kind: KeyKind::WriteOrigins,
        example: r#"["https://idp.example.com"]"#,
        default: "none",
        meaning: "origins trusted to send cross-origin writes (a form `POST`) without being \
                  allowed to read responses, such as an identity provider's SAML `POST`",
    },
    Key {
        name: "dangerously_allow_cross_origin_writes",
        kind: KeyKind::Flag(Flag::AllowCrossOriginWrites),
        example: "",
        default: "off",
        meaning: "let unsafe requests (`POST`, `PUT`, ...) from unlisted origins reach the \
                  handler, as CORS alone does: forged form posts included",
    },
    Key {
        name: "dangerously_allow_null_origin",
        kind: KeyKind::Flag(Flag::AllowNullOrigin),
        example: "",
        default: "off",
        meaning: "permit `\"null\"` in `origins`",
    },
    Key {
        name: "dangerously_allow_insecure_origins",
        kind: KeyKind::Flag(Flag::AllowInsecureOrigins),
        example: "",
        default: "off",
        meaning: "permit `http://` non-loopback origins with `credentials`",
    },
    Key {
        name: "dangerously_allow_public_suffix_wildcards",
        kind: KeyKind::Flag(Flag::AllowPublicSuffixWildcards),
        example: "",
        default: "off",
        meaning: "permit `*.` before a public suffix (`*.github.io`)",
    },
];

/// The keys that take no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Flag {
    /// `credentials`.
    Credentials,
    /// `private_network`.
    PrivateNetwork,
    /// `dangerously_allow_null_origin`.
    AllowNullOrigin,
    /// `dangerously_allow_insecure_origins`.
    AllowInsecureOrigins,
    /// `dangerously_allow_public_suffix_wildcards`.
    AllowPublicSuffixWildcards,
    /// `dangerously_allow_cross_origin_writes`.
    AllowCrossOriginWrites,
}

impl Flag {
    /// The flag's key.
    pub fn key(self) -> &'static Key {
        KEYS.iter()
            .find(|key| key.kind == KeyKind::Flag(self))
            .unwrap_or(&KEYS[0])
    }

    /// The flag's name, as written.
    pub fn name(self) -> &'static str {
        self.key().name
    }
}

/// A set of [`Flag`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(u32);

impl Flags {
    /// No flag.
    pub const NONE: Flags = Flags(0);

    /// Whether `flag` is set.
    pub fn contains(self, flag: Flag) -> bool {
        self.0 & (1 << flag as u32) != 0
    }

    /// Sets `flag`.
    pub fn insert(&mut self, flag: Flag) {
        self.0 |= 1 << flag as u32;
    }

    /// The same set with `flag`.
    #[must_use]
    pub fn with(mut self, flag: Flag) -> Flags {
        self.insert(flag);
        self
    }
}

/// The key named `name`, if there is one.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|key| key.name == name)
}

/// The message for a key that is not one: every key, and the likeliest one meant.
#[cfg(feature = "alloc")]
pub fn unknown_key(name: &str) -> alloc::string::String {
    use alloc::format;
    let expected: alloc::vec::Vec<alloc::string::String> =
        KEYS.iter().map(|k| format!("`{}`", k.name)).collect();
    let mut message = format!(
        "unknown key `{name}`, expected one of {}",
        expected.join(", ")
    );
    if let Some(key) = suggest_key(name) {
        message.push_str(&format!(" (did you mean `{key}`?)"));
    }
    message
}

/// The key `name` is most likely a typo of, if any is close enough. Also undoes the spellings of
/// other CORS libraries (`allow_origins`, `expose_headers`, `max-age`).
#[cfg(feature = "alloc")]
pub fn suggest_key(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase().replace('-', "_");
    let stripped = name
        .strip_prefix("allowed_")
        .or_else(|| name.strip_prefix("allow_"))
        .or_else(|| name.strip_prefix("supports_"))
        .unwrap_or(&name);
    let stripped = stripped
        .strip_suffix("_headers")
        .filter(|s| s.starts_with("expose"))
        .unwrap_or(stripped);
    KEYS.iter()
        .map(|key| key.name)
        .map(|key| (distance(&name, key).min(distance(stripped, key)), key))
        .filter(|(d, key)| *d <= (key.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, key)| key)
}

/// Levenshtein distance over bytes.
#[cfg(feature = "alloc")]
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: alloc::vec::Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_has_its_own_key() {
        let flags = || {
            KEYS.iter().filter_map(|k| match k.kind {
                KeyKind::Flag(flag) => Some(flag),
                _ => None,
            })
        };
        assert!(flags().count() >= 5);
        for flag in flags() {
            assert_eq!(key(flag.name()).map(|k| k.kind), Some(KeyKind::Flag(flag)));
            assert!(Flags::NONE.with(flag).contains(flag));
            for other in flags().filter(|f| *f != flag) {
                assert!(
                    !Flags::NONE.with(flag).contains(other),
                    "{flag:?} {other:?}"
                );
            }
        }
        assert_eq!(key("origin"), None);
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in KEYS.iter().enumerate() {
            assert!(KEYS[i + 1..].iter().all(|b| b.name != a.name), "{}", a.name);
        }
    }
}
