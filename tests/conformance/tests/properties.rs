//! `Policy::allows_origin` and `Policy::evaluate` agree with the reference model on generated
//! origins: mutations of allowed ones, random bytes, and very long values.

use checked_cors::{CorsRequest, Header};
use cors_conformance::check::evaluate_and_check;
use cors_conformance::model::Origins;
use cors_conformance::policies::{self, Case};
use proptest::prelude::*;

/// Origins each policy allows, to mutate: every kind of entry is represented.
const SEEDS: &[&str] = &[
    "https://example.com",
    "https://api.example.com",
    "https://a.b.example.com",
    "https://foo.com",
    "https://bar.com",
    "http://localhost",
    "http://localhost:3000",
    "https://app.example.org:8443",
    "http://127.0.0.1:3000",
    "http://[::1]:8080",
    "https://x.api.example.net:8443",
    "https://xn--bcher-kva.example",
    "https://site42.example.net",
    "null",
];

/// One edit of an origin, of the kinds that broke other libraries' matchers.
#[derive(Clone, Debug)]
enum Mutation {
    /// Flip the case of the byte at this position.
    FlipCase(usize),
    /// Insert this byte at this position.
    Insert(usize, u8),
    /// Remove the byte at this position.
    Remove(usize),
    /// Replace the byte at this position with its `%XX` form.
    PercentEncode(usize),
    /// Insert a `.` at this position.
    Dot(usize),
    /// Append `:port` as written.
    Port(String),
    /// Put a label before the host.
    PrependLabel(String),
    /// Put a label (or a whole domain) after the host.
    AppendLabel(String),
    /// Put this text at this position (unicode, separators, other origins).
    Splice(usize, String),
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("a".to_owned()),
        Just("-".to_owned()),
        Just("xn--bcher-kva".to_owned()),
        Just("a_b".to_owned()),
        Just("évil".to_owned()),
        Just("a".repeat(64)),
        proptest::collection::vec(
            prop_oneof![Just('a'), Just('z'), Just('0'), Just('-')],
            1..8
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u16>().prop_map(|p| p.to_string()),
        Just("0".to_owned()),
        Just("443".to_owned()),
        Just("80".to_owned()),
        Just("+80".to_owned()),
        Just("080".to_owned()),
        Just("65536".to_owned()),
        Just("*".to_owned()),
        Just(String::new()),
        Just("3000:3000".to_owned()),
    ]
}

fn splice() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{0430}".to_owned()), // Cyrillic a
        Just("\u{3002}".to_owned()), // ideographic full stop
        Just("\u{ff45}".to_owned()), // fullwidth e
        Just("\u{200b}".to_owned()), // zero-width space
        Just("\\".to_owned()),
        Just("/".to_owned()),
        Just("@".to_owned()),
        Just("%2e".to_owned()),
        Just(", https://evil.com".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\r\n".to_owned()),
        Just("\0".to_owned()),
        Just("*".to_owned()),
        Just("evil.com".to_owned()),
        Just("foo".to_owned()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0..64usize;
    prop_oneof![
        at.clone().prop_map(Mutation::FlipCase),
        (at.clone(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        at.clone().prop_map(Mutation::Remove),
        at.clone().prop_map(Mutation::PercentEncode),
        at.clone().prop_map(Mutation::Dot),
        port().prop_map(Mutation::Port),
        label().prop_map(Mutation::PrependLabel),
        label().prop_map(Mutation::AppendLabel),
        (at, splice()).prop_map(|(i, s)| Mutation::Splice(i, s)),
    ]
}

/// Where the host starts (after `://`), or 0.
fn host_start(origin: &[u8]) -> usize {
    origin
        .windows(3)
        .position(|w| w == b"://")
        .map_or(0, |i| i + 3)
}

fn apply(origin: &mut Vec<u8>, mutation: &Mutation) {
    let len = origin.len();
    let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
    match mutation {
        Mutation::FlipCase(i) if len > 0 => {
            let b = &mut origin[i % len];
            *b = if b.is_ascii_lowercase() {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            };
        }
        Mutation::Insert(i, b) => origin.insert(at(*i), *b),
        Mutation::Remove(i) if len > 0 => {
            origin.remove(i % len);
        }
        Mutation::PercentEncode(i) if len > 0 => {
            let i = i % len;
            let encoded = format!("%{:02X}", origin[i]);
            origin.splice(i..=i, encoded.bytes());
        }
        Mutation::Dot(i) => origin.insert(at(*i), b'.'),
        Mutation::Port(port) => origin.extend(format!(":{port}").bytes()),
        Mutation::PrependLabel(label) => {
            let start = host_start(origin);
            origin.splice(start..start, format!("{label}.").bytes());
        }
        Mutation::AppendLabel(label) => origin.extend(format!(".{label}").bytes()),
        Mutation::Splice(i, text) => {
            let i = at(*i);
            origin.splice(i..i, text.bytes());
        }
        _ => {}
    }
}

/// An allowed origin with up to three mutations.
fn mutated_origin() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::sample::select(SEEDS),
        proptest::collection::vec(mutation(), 0..4),
    )
        .prop_map(|(seed, mutations)| {
            let mut origin = seed.as_bytes().to_vec();
            for m in &mutations {
                apply(&mut origin, m);
            }
            origin
        })
}

/// Any origin worth trying: mutations, random bytes, random printable text.
fn origin() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => mutated_origin(),
        1 => proptest::collection::vec(any::<u8>(), 0..48),
        1 => proptest::collection::vec(0x20u8..0x7f, 0..48),
    ]
}

fn case() -> impl Strategy<Value = &'static Case> {
    proptest::sample::select(policies::all().iter().collect::<Vec<_>>())
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn allows_origin_agrees_with_the_model(case in case(), origin in origin()) {
        // `allows_origin` looks at the origin alone: with `origins = "*"` everything is allowed
        // (`evaluate` refuses bytes no origin has, checked below).
        let expected = matches!(case.spec.origins, Origins::Any) || case.spec.allows_origin(&origin);
        prop_assert_eq!(
            case.policy.allows_origin(&origin),
            expected,
            "{}: {:?}", case.name, String::from_utf8_lossy(&origin)
        );
    }

    #[test]
    fn evaluate_agrees_with_the_model(
        case in case(),
        origin in origin(),
        preflight in any::<bool>(),
        method in proptest::sample::select(&["GET", "PUT", "PURGE", "patch", "DELETE", "", "G T"][..]),
        headers in proptest::sample::select(&[None, Some("content-type"), Some("X-Api-Key, content-type"), Some("x-other"), Some(""), Some(",,"), Some("a b")][..]),
        private_network in proptest::sample::select(&[None, Some("true"), Some("false")][..]),
    ) {
        let request = CorsRequest {
            method: if preflight { b"OPTIONS" } else { b"GET" },
            origin: Header::One(&origin),
            request_method: if preflight { Header::One(method.as_bytes()) } else { Header::Absent },
            request_headers: Header::from_option(headers.map(str::as_bytes)),
            request_private_network: Header::from_option(private_network.map(str::as_bytes)),
            ..CorsRequest::default()
        };
        let result = evaluate_and_check(&case.spec, &case.policy, &request);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }

    /// Writes: unsafe and safe methods, every `Sec-Fetch-Site` a browser sends (and junk), hosts
    /// that do and do not match the origin, with and without `Origin`.
    #[test]
    fn writes_agree_with_the_model(
        case in case(),
        origin in proptest::option::of(origin()),
        method in proptest::sample::select(&["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "PURGE", "post"][..]),
        site in proptest::sample::select(&[None, Some("same-origin"), Some("same-site"), Some("cross-site"), Some("none"), Some("Cross-Site"), Some("")][..]),
        host in proptest::sample::select(&[None, Some("example.com"), Some("a.example.com"), Some("EXAMPLE.com"), Some("localhost:3000"), Some("idp.example.net"), Some("")][..]),
    ) {
        let request = CorsRequest {
            method: method.as_bytes(),
            origin: Header::from_option(origin.as_deref()),
            sec_fetch_site: Header::from_option(site.map(str::as_bytes)),
            host: Header::from_option(host.map(str::as_bytes)),
            ..CorsRequest::default()
        };
        let result = evaluate_and_check(&case.spec, &case.policy, &request);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// 64 KiB values, made of an allowed origin repeated or padded: refused, as the model says.
    #[test]
    fn very_long_origins_agree_with_the_model(
        case in case(),
        seed in proptest::sample::select(SEEDS),
        filler in proptest::sample::select(&[b'a', b'.', b',', b' ', 0u8, 0xff][..]),
        prepend in any::<bool>(),
    ) {
        let mut origin = seed.as_bytes().to_vec();
        let padding = vec![filler; 64 * 1024 - origin.len()];
        if prepend {
            origin.splice(host_start(seed.as_bytes())..host_start(seed.as_bytes()), padding);
        } else {
            origin.extend(padding);
        }
        let request = CorsRequest { method: b"GET", origin: Header::One(&origin), ..CorsRequest::default() };
        let result = evaluate_and_check(&case.spec, &case.policy, &request);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

/// The generators do reach allowed origins, so the agreement above is not only on refusals.
#[test]
fn the_seeds_are_allowed() {
    let list = policies::all()
        .iter()
        .find(|c| c.name == "many origins")
        .expect("the many-origins policy");
    for seed in SEEDS {
        assert!(list.policy.allows_origin(seed.as_bytes()), "{seed}");
        assert!(list.spec.allows_origin(seed.as_bytes()), "{seed}");
    }
}
