use crate::hash::build_table;
use crate::{
    check_exposed_header, check_max_age, check_method, check_origin_each, check_request_header,
    is_public_suffix, KeyId, KeyKind, OriginSpec, OriginTableData, Pattern, Violation,
    DEFAULT_METHODS, KEY_COUNT,
};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The value of one key of a [`PolicyInput`], as written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Value<'a> {
    /// The key is not given: its default.
    #[default]
    Absent,
    /// `"*"`, for a list key.
    Any,
    /// The entries of a list key, as written.
    Items(&'a [&'a str]),
    /// The seconds of a [`KeyKind::Seconds`] key, as written.
    Seconds(i64),
    /// A [`KeyKind::Flag`] key, given.
    On,
}

impl Value<'_> {
    /// Whether a key of `kind` can hold this value.
    pub fn fits(&self, kind: KeyKind) -> bool {
        match self {
            Value::Absent => true,
            Value::Any | Value::Items(_) => kind.is_list(),
            Value::Seconds(_) => kind == KeyKind::Seconds,
            Value::On => kind == KeyKind::Flag,
        }
    }
}

/// A list in a policy that may also be `"*"`: how the rules read a list key (absent is empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List<'a> {
    /// `"*"`.
    Any,
    /// The listed entries, as written.
    Items(&'a [&'a str]),
}

/// A whole policy, as written, before any check: one [`Value`] per key, at the key's position in
/// [`KEYS`](crate::KEYS), so that a new key needs no field here.
///
/// ```
/// use checked_cors_rules::{check_policy, KeyId, PolicyInput, Value};
///
/// let input = PolicyInput::new()
///     .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
///     .with(KeyId::Credentials, Value::On);
/// assert_eq!(input.get(KeyId::Methods), Value::Absent);
/// assert!(check_policy(&input, &mut |_, _| {}).is_some());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyInput<'a> {
    slots: [Value<'a>; KEY_COUNT],
}

impl<'a> PolicyInput<'a> {
    /// A policy with no key given.
    pub const fn new() -> Self {
        PolicyInput {
            slots: [Value::Absent; KEY_COUNT],
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: KeyId) -> Value<'a> {
        self.slots[key.index()]
    }

    /// Sets `key` to `value`.
    ///
    /// # Panics
    ///
    /// If `value` is not of the key's kind (seconds for a list, say): a bug in the caller, which
    /// read the key's kind from [`KEYS`](crate::KEYS) to build the value.
    pub fn set(&mut self, key: KeyId, value: Value<'a>) {
        assert!(
            value.fits(key.key().kind),
            "`{}` cannot hold {value:?}",
            key.name()
        );
        self.slots[key.index()] = value;
    }

    /// The same policy with `key` set to `value` (see [`PolicyInput::set`]).
    #[must_use]
    pub fn with(mut self, key: KeyId, value: Value<'a>) -> Self {
        self.set(key, value);
        self
    }

    /// Whether the flag `key` is on.
    fn has(&self, key: KeyId) -> bool {
        self.get(key) == Value::On
    }

    /// The list `key`, empty when absent.
    fn list(&self, key: KeyId) -> List<'a> {
        match self.get(key) {
            Value::Any => List::Any,
            Value::Items(items) => List::Items(items),
            _ => List::Items(&[]),
        }
    }

    /// The entry at `site`, as written, if the site is one entry of a list.
    pub fn value_at(&self, site: Site) -> Option<&'a str> {
        match (self.get(site.key), site.place) {
            (Value::Items(items), Place::Item(i)) => items.get(i).copied(),
            _ => None,
        }
    }
}

impl Default for PolicyInput<'_> {
    fn default() -> Self {
        PolicyInput::new()
    }
}

/// Where in a policy a [`Violation`] is: the macro turns it into a span, the builder into a path
/// (its `Display`: `origins[0]`). Ordered by key position, then place, which is the order
/// violations are reported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct Site {
    /// The key.
    pub key: KeyId,
    /// Where in its value.
    pub place: Place,
}

/// Where in a key's value a [`Site`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Place {
    /// The `"*"` of a list key given as `"*"`.
    Any,
    /// The key as a whole: its list, its number, or the flag.
    Whole,
    /// The entry of a list at this index.
    Item(usize),
}

impl Site {
    /// `key` as a whole.
    pub const fn whole(key: KeyId) -> Site {
        Site {
            key,
            place: Place::Whole,
        }
    }

    /// The `"*"` of `key`.
    pub const fn any(key: KeyId) -> Site {
        Site {
            key,
            place: Place::Any,
        }
    }

    /// The entry of `key` at `index`.
    pub const fn item(key: KeyId, index: usize) -> Site {
        Site {
            key,
            place: Place::Item(index),
        }
    }
}

/// The path of the site: `origins[0]` for an entry, the key's name otherwise.
impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Place::Item(i) => write!(f, "{}[{i}]", self.key.name()),
            Place::Any | Place::Whole => f.write_str(self.key.name()),
        }
    }
}

/// A policy that passed every rule, classified once: what `#[derive(Cors)]` turns into static
/// tables and `PolicyBuilder` into an owned policy. Neither looks at the entries again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedPolicy<'a> {
    /// The allowed origins.
    pub origins: CheckedOrigins<'a>,
    /// The allowed methods, the default `GET, HEAD, POST` when none were given.
    pub methods: Methods<'a>,
    /// The request headers a preflight may ask for.
    pub headers: HeaderNames,
    /// The response headers scripts may read.
    pub expose: HeaderNames,
    /// `credentials`.
    pub credentials: bool,
    /// `max_age`, in seconds.
    pub max_age: Option<u32>,
    /// `private_network`.
    pub private_network: bool,
    /// `write_origins`: origins trusted for cross-origin writes only (never [`CheckedOrigins::Any`]).
    pub write_origins: CheckedOrigins<'a>,
    /// `dangerously_allow_cross_origin_writes`: unsafe requests from unlisted origins are not
    /// refused.
    pub cross_origin_writes: bool,
}

/// The `origins` of a [`CheckedPolicy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckedOrigins<'a> {
    /// `"*"`.
    Any,
    /// A list, every entry classified.
    List {
        /// The exact origins, in the order written.
        exact: Vec<&'a str>,
        /// The hash table over `exact`.
        table: OriginTableData,
        /// The patterns, in the order written.
        patterns: Vec<Pattern<'a>>,
        /// Whether `null` is listed (with its flag).
        null: bool,
    },
}

/// The `methods` of a [`CheckedPolicy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Methods<'a> {
    /// `"*"`: any method, answered `*` without credentials and with the requested method with
    /// them (where browsers read `*` as a method named `*`).
    Any,
    /// These methods, in the order written. Safelisted ones (`GET`, `HEAD`, `POST`) pass a
    /// preflight whether listed or not, as Fetch has browsers do.
    Names(Vec<&'a str>),
}

/// The header names of a [`CheckedPolicy`]: `"*"`, or names in lower case (compared against
/// requests folded once, and sent as written here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderNames {
    /// `"*"`: every name but `authorization`, which Fetch says `*` never covers.
    Any,
    /// `["*", "authorization"]` (request headers only): every name, `authorization` included.
    AnyWithAuthorization,
    /// The names, in lower case, in the order written.
    Names(Vec<String>),
}

impl HeaderNames {
    fn checked(list: List<'_>) -> Self {
        match list {
            List::Any => HeaderNames::Any,
            List::Items(names) if names.contains(&"*") => HeaderNames::AnyWithAuthorization,
            List::Items(names) => {
                HeaderNames::Names(names.iter().map(|n| n.to_ascii_lowercase()).collect())
            }
        }
    }

    /// The header value that lists the names (`*` for any; the runtime echoes the requested
    /// request headers in its place): `None` for no name at all.
    pub fn rendered(&self) -> Option<String> {
        match self {
            HeaderNames::Any | HeaderNames::AnyWithAuthorization => Some("*".into()),
            HeaderNames::Names(names) if names.is_empty() => None,
            HeaderNames::Names(names) => Some(render_list(names)),
        }
    }
}

impl CheckedPolicy<'_> {
    /// The `Access-Control-Allow-Methods` value: `*` for any method (which the runtime
    /// replaces with the requested method when the policy allows credentials).
    pub fn allow_methods(&self) -> String {
        match &self.methods {
            Methods::Any => "*".into(),
            Methods::Names(methods) => render_list(methods),
        }
    }
}

/// How a list of methods or header names is sent as one header value.
fn render_list<S: AsRef<str>>(items: &[S]) -> String {
    let mut rendered = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            rendered.push_str(", ");
        }
        rendered.push_str(item.as_ref());
    }
    rendered
}

/// Applies every rule to `policy` and reports each violation with where it is, in the order of the
/// policy's keys. Returns the checked policy when there was none.
pub fn check_policy<'a>(
    policy: &PolicyInput<'a>,
    report: &mut dyn FnMut(Site, Violation),
) -> Option<CheckedPolicy<'a>> {
    let mut valid = true;
    let mut report = |site, violation| {
        valid = false;
        report(site, violation);
    };
    let origins = check_origins(policy, &mut report);
    if let Value::Items(methods) = policy.get(KeyId::Methods) {
        if methods.is_empty() {
            report(Site::whole(KeyId::Methods), Violation::EmptyMethods);
        }
        let mut seen = BTreeMap::new();
        for (i, method) in methods.iter().enumerate() {
            let site = Site::item(KeyId::Methods, i);
            if *method == "*" {
                report(site, Violation::WildcardInMethodList);
            } else if let Err(v) = check_method(method) {
                report(site, v);
            } else if seen.insert(*method, i).is_some() {
                report(site, Violation::DuplicateMethod);
            }
        }
    }
    // `headers = "*"` is fine with credentials: the runtime answers with the requested names,
    // never a literal `*` (which browsers would read as a header named `*`).
    if let List::Items(headers) = policy.list(KeyId::Headers) {
        check_request_headers(headers, &mut report);
    }
    match policy.list(KeyId::Expose) {
        List::Any if policy.has(KeyId::Credentials) => {
            report(
                Site::any(KeyId::Expose),
                Violation::CredentialsWithAnyExposedHeader,
            );
            report(
                Site::whole(KeyId::Credentials),
                Violation::CredentialsWithAnyExposedHeader,
            );
        }
        List::Any => {}
        List::Items(expose) => check_names(
            expose,
            check_exposed_header,
            Violation::DuplicateExposedHeader,
            KeyId::Expose,
            &mut report,
        ),
    }
    let max_age = match policy.get(KeyId::MaxAge) {
        Value::Seconds(seconds) => match check_max_age(seconds) {
            Err(v) => {
                report(Site::whole(KeyId::MaxAge), v);
                None
            }
            Ok(seconds) => Some(seconds),
        },
        _ => None,
    };
    let write_origins = match policy.list(KeyId::WriteOrigins) {
        List::Any => {
            report(Site::any(KeyId::WriteOrigins), Violation::AnyWriteOrigin);
            CheckedOrigins::Any
        }
        List::Items(entries) => {
            check_origin_list(policy, entries, KeyId::WriteOrigins, &mut report)
        }
    };
    valid.then(|| CheckedPolicy {
        origins,
        methods: match policy.get(KeyId::Methods) {
            Value::Any => Methods::Any,
            Value::Items(methods) => Methods::Names(methods.to_vec()),
            _ => Methods::Names(DEFAULT_METHODS.to_vec()),
        },
        headers: HeaderNames::checked(policy.list(KeyId::Headers)),
        expose: HeaderNames::checked(policy.list(KeyId::Expose)),
        credentials: policy.has(KeyId::Credentials),
        max_age,
        private_network: policy.has(KeyId::PrivateNetwork),
        write_origins,
        cross_origin_writes: policy.has(KeyId::AllowCrossOriginWrites),
    })
}

/// Checks and classifies the origins; what it returns is meaningful only if nothing was reported.
fn check_origins<'a>(
    policy: &PolicyInput<'a>,
    report: &mut dyn FnMut(Site, Violation),
) -> CheckedOrigins<'a> {
    let origins = match policy.list(KeyId::Origins) {
        List::Any => {
            if policy.has(KeyId::Credentials) {
                report(
                    Site::any(KeyId::Origins),
                    Violation::CredentialsWithAnyOrigin,
                );
                report(
                    Site::whole(KeyId::Credentials),
                    Violation::CredentialsWithAnyOrigin,
                );
            }
            return CheckedOrigins::Any;
        }
        List::Items(origins) => origins,
    };
    if origins.is_empty() {
        report(Site::whole(KeyId::Origins), Violation::EmptyOrigins);
    }
    check_origin_list(policy, origins, KeyId::Origins, report)
}

/// Checks and classifies the entries of `origins` or `write_origins`.
fn check_origin_list<'a>(
    policy: &PolicyInput<'a>,
    origins: &[&'a str],
    key: KeyId,
    report: &mut dyn FnMut(Site, Violation),
) -> CheckedOrigins<'a> {
    let (mut exact, mut patterns, mut null) = (Vec::new(), Vec::new(), false);
    let mut seen = BTreeMap::new();
    for (i, origin) in origins.iter().enumerate() {
        let site = Site::item(key, i);
        let Some(spec) = check_origin_each(origin, &mut |v| report(site, v)) else {
            continue;
        };
        if seen.insert(*origin, i).is_some() {
            report(site, Violation::DuplicateOrigin);
            continue;
        }
        if let OriginSpec::Pattern(Pattern::Subdomains { base, .. }) = spec {
            if !policy.has(KeyId::AllowPublicSuffixWildcards) && is_public_suffix(base) {
                report(site, Violation::PublicSuffixWildcard);
            }
        }
        if policy.has(KeyId::Credentials)
            && !policy.has(KeyId::AllowInsecureOrigins)
            && !spec.is_potentially_trustworthy()
            && matches!(spec.scheme(), Some("http" | "ws"))
        {
            report(site, Violation::InsecureOriginWithCredentials);
        }
        match spec {
            OriginSpec::Any if key == KeyId::WriteOrigins => {
                report(site, Violation::AnyWriteOrigin)
            }
            OriginSpec::Any => report(site, Violation::WildcardInList),
            OriginSpec::Null if !policy.has(KeyId::AllowNullOrigin) => {
                report(site, Violation::NullOrigin)
            }
            OriginSpec::Null => null = true,
            OriginSpec::Exact(origin) => exact.push(origin),
            OriginSpec::Pattern(pattern) => patterns.push(pattern),
        }
    }
    CheckedOrigins::List {
        table: build_table(&exact),
        exact,
        patterns,
        null,
    }
}

/// The entries of `headers`: names, or `"*"` beside `authorization` (the spelling of "every
/// header, `authorization` included", since `"*"` alone never covers it), and nothing else beside
/// that `"*"`, which covers it already.
fn check_request_headers(headers: &[&str], report: &mut dyn FnMut(Site, Violation)) {
    let authorization = headers
        .iter()
        .any(|name| name.eq_ignore_ascii_case("authorization"));
    let star = headers.contains(&"*").then_some(authorization);
    let mut seen = BTreeMap::new();
    for (i, name) in headers.iter().enumerate() {
        let site = Site::item(KeyId::Headers, i);
        if *name == "*" {
            if !authorization {
                report(site, Violation::WildcardBesideHeaders);
            } else if seen.insert(String::from("*"), i).is_some() {
                report(site, Violation::DuplicateHeader);
            }
        } else if let Err(v) = check_request_header(name) {
            report(site, v);
        } else if seen.insert(name.to_ascii_lowercase(), i).is_some() {
            report(site, Violation::DuplicateHeader);
        } else if star == Some(true) && !name.eq_ignore_ascii_case("authorization") {
            report(site, Violation::CoveredByWildcard);
        }
    }
}

fn check_names(
    names: &[&str],
    check: fn(&str) -> Result<(), Violation>,
    duplicate: Violation,
    key: KeyId,
    report: &mut dyn FnMut(Site, Violation),
) {
    let mut seen = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Err(v) = check(name) {
            report(Site::item(key, i), v);
        } else if seen.insert(name.to_ascii_lowercase(), i).is_some() {
            report(Site::item(key, i), duplicate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// The sites as these tests name them, by the key they are in.
    #[allow(non_snake_case, non_upper_case_globals, dead_code)]
    mod sites {
        use super::{KeyId, Site};
        pub const OriginsAny: Site = Site::any(KeyId::Origins);
        pub const Origins: Site = Site::whole(KeyId::Origins);
        pub const Methods: Site = Site::whole(KeyId::Methods);
        pub const ExposeAny: Site = Site::any(KeyId::Expose);
        pub const Credentials: Site = Site::whole(KeyId::Credentials);
        pub const MaxAge: Site = Site::whole(KeyId::MaxAge);
        pub const WriteOriginsAny: Site = Site::any(KeyId::WriteOrigins);
        pub fn Origin(i: usize) -> Site {
            Site::item(KeyId::Origins, i)
        }
        pub fn Method(i: usize) -> Site {
            Site::item(KeyId::Methods, i)
        }
        pub fn Header(i: usize) -> Site {
            Site::item(KeyId::Headers, i)
        }
        pub fn Expose(i: usize) -> Site {
            Site::item(KeyId::Expose, i)
        }
        pub fn WriteOrigin(i: usize) -> Site {
            Site::item(KeyId::WriteOrigins, i)
        }
    }

    fn violations(policy: &PolicyInput<'_>) -> Vec<(Site, Violation)> {
        let mut found = Vec::new();
        let valid = check_policy(policy, &mut |site, v| found.push((site, v))).is_some();
        assert_eq!(valid, found.is_empty());
        found
    }

    #[test]
    fn a_good_policy_passes() {
        let policy = PolicyInput::new()
            .with(
                KeyId::Origins,
                Value::Items(&[
                    "https://app.example.com",
                    "https://*.example.com",
                    "http://localhost:*",
                ]),
            )
            .with(KeyId::Methods, Value::Items(&["GET", "POST", "PURGE"]))
            .with(KeyId::Headers, Value::Items(&["content-type", "x-api-key"]))
            .with(KeyId::Expose, Value::Items(&["x-request-id"]))
            .with(KeyId::MaxAge, Value::Seconds(600))
            .with(KeyId::Credentials, Value::On);
        assert_eq!(violations(&policy), []);
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let policy = PolicyInput::new()
            .with(
                KeyId::Origins,
                Value::Items(&[
                    "https://a.com/",
                    "*",
                    "null",
                    "https://*.co.uk",
                    "http://intranet.example",
                    "https://b.com",
                    "https://b.com",
                ]),
            )
            .with(
                KeyId::Methods,
                Value::Items(&["get", "TRACE", "PUT", "PUT"]),
            )
            .with(KeyId::Headers, Value::Items(&["cookie", "X-A", "x-a"]))
            .with(KeyId::Expose, Value::Items(&["set-cookie"]))
            .with(KeyId::MaxAge, Value::Seconds(-5))
            .with(KeyId::Credentials, Value::On);
        use sites::*;
        use Violation::*;
        assert_eq!(
            violations(&policy),
            [
                (Origin(0), TrailingSlash),
                (Origin(1), WildcardInList),
                (Origin(2), NullOrigin),
                (Origin(3), PublicSuffixWildcard),
                (Origin(4), InsecureOriginWithCredentials),
                (Origin(6), DuplicateOrigin),
                (Method(0), LowercaseMethod { upper: "GET" }),
                (Method(1), ForbiddenMethod),
                (Method(3), DuplicateMethod),
                (Header(0), ForbiddenHeader),
                (Header(2), DuplicateHeader),
                (Expose(0), ExposeSetCookie),
                (MaxAge, NegativeMaxAge),
            ]
        );
    }

    #[test]
    fn wildcards_conflict_with_credentials_on_both_sides() {
        let policy = PolicyInput::new()
            .with(KeyId::Origins, Value::Any)
            .with(KeyId::Headers, Value::Any)
            .with(KeyId::Expose, Value::Any)
            .with(KeyId::Credentials, Value::On);
        use sites::*;
        use Violation::*;
        assert_eq!(
            violations(&policy),
            [
                (OriginsAny, CredentialsWithAnyOrigin),
                (Credentials, CredentialsWithAnyOrigin),
                (ExposeAny, CredentialsWithAnyExposedHeader),
                (Credentials, CredentialsWithAnyExposedHeader),
            ]
        );
    }

    #[test]
    fn any_header_is_fine_with_credentials() {
        let policy = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(KeyId::Methods, Value::Any)
            .with(KeyId::Headers, Value::Any)
            .with(KeyId::Credentials, Value::On);
        let checked = check_policy(&policy, &mut |_, v| panic!("{v}")).unwrap();
        assert_eq!(checked.headers, HeaderNames::Any);
        assert_eq!(checked.methods, Methods::Any);
        assert_eq!(checked.allow_methods(), "*");
    }

    #[test]
    fn a_wildcard_in_a_list() {
        use sites::*;
        use Violation::*;
        let with_authorization = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(KeyId::Headers, Value::Items(&["*", "Authorization"]));
        let checked = check_policy(&with_authorization, &mut |_, v| panic!("{v}")).unwrap();
        assert_eq!(checked.headers, HeaderNames::AnyWithAuthorization);
        assert_eq!(checked.headers.rendered().as_deref(), Some("*"));
        let policy = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(KeyId::Methods, Value::Items(&["GET", "*"]))
            .with(
                KeyId::Headers,
                Value::Items(&["*", "authorization", "x-a", "*"]),
            )
            .with(KeyId::Expose, Value::Items(&["x-b", "*"]));
        assert_eq!(
            violations(&policy),
            [
                (Method(1), WildcardInMethodList),
                (Header(2), CoveredByWildcard),
                (Header(3), DuplicateHeader),
                (Expose(1), WildcardInHeaderList),
            ]
        );
        let alone = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(KeyId::Headers, Value::Items(&["x-a", "*"]));
        assert_eq!(violations(&alone), [(Header(1), WildcardBesideHeaders)]);
    }

    #[test]
    fn dangerous_flags_allow_what_they_name() {
        let policy = PolicyInput::new()
            .with(
                KeyId::Origins,
                Value::Items(&["null", "http://intranet.example", "https://*.github.io"]),
            )
            .with(KeyId::Credentials, Value::On)
            .with(KeyId::AllowNullOrigin, Value::On)
            .with(KeyId::AllowInsecureOrigins, Value::On)
            .with(KeyId::AllowPublicSuffixWildcards, Value::On);
        assert_eq!(violations(&policy), []);
        let empty = PolicyInput::new().with(KeyId::Methods, Value::Items(&[]));
        assert_eq!(
            violations(&empty),
            [
                (sites::Origins, Violation::EmptyOrigins),
                (sites::Methods, Violation::EmptyMethods)
            ]
        );
    }

    #[test]
    fn every_origin_is_classified_once() {
        let policy = PolicyInput::new()
            .with(
                KeyId::Origins,
                Value::Items(&[
                    "https://app.example.com",
                    "https://*.example.com:*",
                    "http://localhost:*",
                    "null",
                ]),
            )
            .with(KeyId::Methods, Value::Items(&["PUT"]))
            .with(KeyId::Headers, Value::Items(&["X-Api-Key"]))
            .with(KeyId::MaxAge, Value::Seconds(600))
            .with(KeyId::AllowNullOrigin, Value::On);
        let checked = check_policy(&policy, &mut |_, v| panic!("{v}")).unwrap();
        let CheckedOrigins::List {
            exact,
            patterns,
            null,
            table,
        } = &checked.origins
        else {
            panic!("a list");
        };
        assert_eq!(exact, &["https://app.example.com"]);
        assert_eq!(table.slots.iter().filter(|&&s| s != 0).count(), 1);
        assert_eq!(
            patterns,
            &[
                Pattern::Subdomains {
                    scheme: "https",
                    base: "example.com",
                    port: crate::PortPattern::Any
                },
                Pattern::AnyPort {
                    scheme: "http",
                    host: "localhost"
                }
            ]
        );
        assert!(null);
        assert_eq!(checked.methods, Methods::Names(alloc::vec!["PUT"]));
        assert_eq!(checked.allow_methods(), "PUT");
        assert_eq!(checked.headers.rendered().as_deref(), Some("x-api-key"));
        assert_eq!(checked.expose.rendered(), None);
        assert_eq!(checked.max_age, Some(600));
        let defaults = check_policy(
            &PolicyInput::new().with(KeyId::Origins, Value::Any),
            &mut |_, v| panic!("{v}"),
        )
        .unwrap();
        assert_eq!(defaults.allow_methods(), "GET, HEAD, POST");
        assert_eq!(defaults.origins, CheckedOrigins::Any);
    }

    #[test]
    fn write_origins_follow_the_origin_rules() {
        let policy = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(
                KeyId::WriteOrigins,
                Value::Items(&[
                    "https://idp.example.com",
                    "https://*.co.uk",
                    "*",
                    "https://sso.example.com/",
                ]),
            );
        use sites::*;
        use Violation::*;
        assert_eq!(
            violations(&policy),
            [
                (WriteOrigin(1), PublicSuffixWildcard),
                (WriteOrigin(2), AnyWriteOrigin),
                (WriteOrigin(3), TrailingSlash),
            ]
        );
        let any = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(KeyId::WriteOrigins, Value::Any);
        assert_eq!(violations(&any), [(WriteOriginsAny, AnyWriteOrigin)]);
        let fine = PolicyInput::new()
            .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
            .with(
                KeyId::WriteOrigins,
                Value::Items(&["https://idp.example.com"]),
            )
            .with(KeyId::AllowCrossOriginWrites, Value::On);
        let checked = check_policy(&fine, &mut |_, v| panic!("{v}")).unwrap();
        assert!(checked.cross_origin_writes);
        assert!(matches!(
            checked.write_origins,
            CheckedOrigins::List { ref exact, .. } if exact == &["https://idp.example.com"]
        ));
    }

    #[test]
    fn insecure_origins_are_fine_without_credentials() {
        let policy = PolicyInput::new().with(
            KeyId::Origins,
            Value::Items(&["http://intranet.example", "http://*.intranet.example"]),
        );
        assert_eq!(violations(&policy), []);
    }
}
