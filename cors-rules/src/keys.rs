//! The keys of a policy: one table read by the attribute parser, `PolicyBuilder`, `PolicyConfig`,
//! the CLI and the documentation, so that a key exists everywhere or nowhere.

/// How a key's value is written. A key's identity is its [`KeyId`] (its position in [`KEYS`]),
/// never its kind: `origins` and `write_origins` share a kind and every reader keeps each in its
/// own slot, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// A list of origins and origin patterns, or `"*"`.
    Origins,
    /// A list of methods (identifiers for standard methods in the attribute), or `"*"`.
    Methods,
    /// A list of header names, or `"*"`.
    HeaderNames,
    /// A whole number of seconds.
    Seconds,
    /// No value: on when present.
    Flag,
}

impl KeyKind {
    /// Whether the value is a list (which may also be `"*"`).
    pub const fn is_list(self) -> bool {
        matches!(
            self,
            KeyKind::Origins | KeyKind::Methods | KeyKind::HeaderNames
        )
    }
}

/// A key of a policy, as the documentation's key table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Key {
    /// The key's identity: its position in [`KEYS`].
    pub id: KeyId,
    /// The key as written in `#[cors(...)]` and in configuration files.
    pub name: &'static str,
    /// How its value is written.
    pub kind: KeyKind,
    /// Whether the attribute also takes `env("NAME")`, a list read while compiling (`origins`).
    pub env: bool,
    /// An example value, as written in the attribute (empty for a flag).
    pub example: &'static str,
    /// What an absent key means.
    pub default: &'static str,
    /// What the key does, in one line.
    pub meaning: &'static str,
}

/// The keys, each named by its position in [`KEYS`], in the order the documentation lists them
/// and violations are reported (the derived order is that position).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum KeyId {
    /// `origins`.
    Origins,
    /// `methods`.
    Methods,
    /// `headers`.
    Headers,
    /// `expose`.
    Expose,
    /// `credentials`.
    Credentials,
    /// `max_age`.
    MaxAge,
    /// `private_network`.
    PrivateNetwork,
    /// `write_origins`.
    WriteOrigins,
    /// `dangerously_allow_cross_origin_writes`.
    AllowCrossOriginWrites,
    /// `dangerously_allow_null_origin`.
    AllowNullOrigin,
    /// `dangerously_allow_insecure_origins`.
    AllowInsecureOrigins,
    /// `dangerously_allow_public_suffix_wildcards`.
    AllowPublicSuffixWildcards,
}

impl KeyId {
    /// The key's entry in [`KEYS`].
    pub const fn key(self) -> &'static Key {
        &KEYS[self as usize]
    }

    /// The key's position in [`KEYS`], which is also its slot in every front end.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The key's name, as written.
    pub const fn name(self) -> &'static str {
        self.key().name
    }
}

/// How many keys there are: the number of value slots of a policy.
pub const KEY_COUNT: usize = KEYS.len();

/// Every key, in the order the documentation lists them and violations are reported; each at the
/// position its [`KeyId`] names (checked while compiling, below).
pub const KEYS: &[Key] = &[
    Key {
        id: KeyId::Origins,
        name: "origins",
        kind: KeyKind::Origins,
        env: true,
        example: r#"["https://app.example.com"]"#,
        default: "required",
        meaning: "origins allowed to read responses: exact serialized origins, `*` as the whole \
                  leftmost host label (one or more labels) or as the whole port, `\"*\"` for any \
                  origin, or `env(\"NAME\")`: a comma-separated list read and checked while \
                  compiling",
    },
    Key {
        id: KeyId::Methods,
        name: "methods",
        kind: KeyKind::Methods,
        env: false,
        example: r#"[GET, POST, "PURGE"]"#,
        default: "`GET, HEAD, POST`",
        meaning: "methods a preflight may ask for besides `GET`, `HEAD` and `POST`, which always \
                  pass (browsers never check them; forbidding one is the router's job); \
                  identifiers for standard methods, strings for others; case-sensitive; `\"*\"` \
                  for any method",
    },
    Key {
        id: KeyId::Headers,
        name: "headers",
        kind: KeyKind::HeaderNames,
        env: false,
        example: r#"["content-type"]"#,
        default: "none",
        meaning: "request headers a preflight may ask for; case-insensitive; `\"*\"` for any \
                  (answered with the names asked for, so it works with `credentials`) but \
                  `authorization`, which `[\"*\", \"authorization\"]` adds",
    },
    Key {
        id: KeyId::Expose,
        name: "expose",
        kind: KeyKind::HeaderNames,
        env: false,
        example: r#"["x-request-id"]"#,
        default: "none",
        meaning: "response headers scripts may read",
    },
    Key {
        id: KeyId::Credentials,
        name: "credentials",
        kind: KeyKind::Flag,
        env: false,
        example: "",
        default: "off",
        meaning: "requests with cookies or HTTP authentication may read responses",
    },
    Key {
        id: KeyId::MaxAge,
        name: "max_age",
        kind: KeyKind::Seconds,
        env: false,
        example: "600",
        default: "absent (browsers use 5 s)",
        meaning: "seconds a browser may cache a preflight answer, `0..=86400`",
    },
    Key {
        id: KeyId::PrivateNetwork,
        name: "private_network",
        kind: KeyKind::Flag,
        env: false,
        example: "",
        default: "off",
        meaning: "answer Private Network Access preflights",
    },
    Key {
        id: KeyId::WriteOrigins,
        name: "write_origins",
        kind: KeyKind::Origins,
        env: false,
        example: r#"["https://idp.example.com"]"#,
        default: "none",
        meaning: "origins trusted to send cross-origin writes (a form `POST`) without being \
                  allowed to read responses, such as an identity provider's SAML `POST`",
    },
    Key {
        id: KeyId::AllowCrossOriginWrites,
        name: "dangerously_allow_cross_origin_writes",
        kind: KeyKind::Flag,
        env: false,
        example: "",
        default: "off",
        meaning: "let unsafe requests (`POST`, `PUT`, ...) from unlisted origins reach the \
                  handler, as CORS alone does: forged form posts included",
    },
    Key {
        id: KeyId::AllowNullOrigin,
        name: "dangerously_allow_null_origin",
        kind: KeyKind::Flag,
        env: false,
        example: "",
        default: "off",
        meaning: "permit `\"null\"` in `origins`",
    },
    Key {
        id: KeyId::AllowInsecureOrigins,
        name: "dangerously_allow_insecure_origins",
        kind: KeyKind::Flag,
        env: false,
        example: "",
        default: "off",
        meaning: "permit `http://` non-loopback origins with `credentials`",
    },
    Key {
        id: KeyId::AllowPublicSuffixWildcards,
        name: "dangerously_allow_public_suffix_wildcards",
        kind: KeyKind::Flag,
        env: false,
        example: "",
        default: "off",
        meaning: "permit `*.` before a public suffix (`*.github.io`)",
    },
];

// A key's id is its position: every front end keeps a key's value in the slot at that position,
// so an entry out of place would put one key's value in another's slot. Checked while compiling.
const _: () = {
    let mut i = 0;
    while i < KEYS.len() {
        assert!(
            KEYS[i].id as usize == i,
            "every key of `KEYS` sits at the position its `KeyId` names"
        );
        i += 1;
    }
};

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
    fn every_key_is_found_by_its_name_and_id() {
        for (i, key) in KEYS.iter().enumerate() {
            assert_eq!(key.id.index(), i);
            assert_eq!(key.id.key(), key);
            assert_eq!(self::key(key.name), Some(key));
            assert_eq!(key.id.name(), key.name);
        }
        assert!(KEYS.iter().filter(|k| k.kind == KeyKind::Flag).count() >= 5);
        assert_eq!(KEY_COUNT, KEYS.len());
        assert_eq!(key("origin"), None);
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in KEYS.iter().enumerate() {
            assert!(KEYS[i + 1..].iter().all(|b| b.name != a.name), "{}", a.name);
        }
    }
}
