use crate::hash::build_table;
use crate::{
    check_exposed_header, check_max_age, check_method, check_origin_each, check_request_header,
    is_public_suffix, Flag, Flags, OriginSpec, OriginTableData, Pattern, Violation,
    DEFAULT_METHODS,
};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// A list in a policy that may also be `"*"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List<'a> {
    /// `"*"`.
    Any,
    /// The listed entries, as written.
    Items(&'a [&'a str]),
}

/// A whole policy, as written, before any check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyInput<'a> {
    /// `origins`.
    pub origins: List<'a>,
    /// `methods` (`"*"` for any method), or `None` for the default `GET, HEAD, POST`.
    pub methods: Option<List<'a>>,
    /// `headers`: the request headers a preflight may ask for.
    pub headers: List<'a>,
    /// `expose`: the response headers scripts may read.
    pub expose: List<'a>,
    /// `max_age`, in seconds, as written.
    pub max_age: Option<i64>,
    /// `write_origins`: origins trusted for cross-origin writes only.
    pub write_origins: List<'a>,
    /// The flags given (`credentials`, `private_network`, the `dangerously_*` opt-ins).
    pub flags: Flags,
}

impl<'a> PolicyInput<'a> {
    fn has(&self, flag: Flag) -> bool {
        self.flags.contains(flag)
    }

    /// The entry at `site`, as written, if the site is one entry of a list.
    pub fn value_at(&self, site: Site) -> Option<&'a str> {
        let item = |list: List<'a>, i: usize| match list {
            List::Items(items) => items.get(i).copied(),
            List::Any => None,
        };
        match site {
            Site::Origin(i) => item(self.origins, i),
            Site::Method(i) => self.methods.and_then(|m| item(m, i)),
            Site::Header(i) => item(self.headers, i),
            Site::Expose(i) => item(self.expose, i),
            Site::WriteOrigin(i) => item(self.write_origins, i),
            _ => None,
        }
    }
}

impl Default for PolicyInput<'_> {
    fn default() -> Self {
        PolicyInput {
            origins: List::Items(&[]),
            methods: None,
            headers: List::Items(&[]),
            expose: List::Items(&[]),
            max_age: None,
            write_origins: List::Items(&[]),
            flags: Flags::NONE,
        }
    }
}

/// Where in a policy a [`Violation`] is: the macro turns it into a span, the builder into a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Site {
    /// `origins = "*"`.
    OriginsAny,
    /// The whole `origins` list.
    Origins,
    /// The origin at this index.
    Origin(usize),
    /// The whole `methods` list.
    Methods,
    /// The method at this index.
    Method(usize),
    /// `headers = "*"`.
    HeadersAny,
    /// The header at this index.
    Header(usize),
    /// `expose = "*"`.
    ExposeAny,
    /// The exposed header at this index.
    Expose(usize),
    /// `credentials`.
    Credentials,
    /// `max_age`.
    MaxAge,
    /// `write_origins = "*"`.
    WriteOriginsAny,
    /// The write origin at this index.
    WriteOrigin(usize),
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
    if let Some(List::Items(methods)) = policy.methods {
        if methods.is_empty() {
            report(Site::Methods, Violation::EmptyMethods);
        }
        let mut seen = BTreeMap::new();
        for (i, method) in methods.iter().enumerate() {
            if *method == "*" {
                report(Site::Method(i), Violation::WildcardInMethodList);
            } else if let Err(v) = check_method(method) {
                report(Site::Method(i), v);
            } else if seen.insert(*method, i).is_some() {
                report(Site::Method(i), Violation::DuplicateMethod);
            }
        }
    }
    // `headers = "*"` is fine with credentials: the runtime answers with the requested names,
    // never a literal `*` (which browsers would read as a header named `*`).
    if let List::Items(headers) = policy.headers {
        check_request_headers(headers, &mut report);
    }
    match policy.expose {
        List::Any if policy.has(Flag::Credentials) => {
            report(Site::ExposeAny, Violation::CredentialsWithAnyExposedHeader);
            report(
                Site::Credentials,
                Violation::CredentialsWithAnyExposedHeader,
            );
        }
        List::Any => {}
        List::Items(expose) => check_names(
            expose,
            check_exposed_header,
            Violation::DuplicateExposedHeader,
            Site::Expose,
            &mut report,
        ),
    }
    let max_age = match policy.max_age.map(check_max_age) {
        Some(Err(v)) => {
            report(Site::MaxAge, v);
            None
        }
        Some(Ok(seconds)) => Some(seconds),
        None => None,
    };
    let write_origins = match policy.write_origins {
        List::Any => {
            report(Site::WriteOriginsAny, Violation::AnyWriteOrigin);
            CheckedOrigins::Any
        }
        List::Items(entries) => check_origin_list(policy, entries, Site::WriteOrigin, &mut report),
    };
    valid.then(|| CheckedPolicy {
        origins,
        methods: match policy.methods {
            Some(List::Any) => Methods::Any,
            Some(List::Items(methods)) => Methods::Names(methods.to_vec()),
            None => Methods::Names(DEFAULT_METHODS.to_vec()),
        },
        headers: HeaderNames::checked(policy.headers),
        expose: HeaderNames::checked(policy.expose),
        credentials: policy.has(Flag::Credentials),
        max_age,
        private_network: policy.has(Flag::PrivateNetwork),
        write_origins,
        cross_origin_writes: policy.has(Flag::AllowCrossOriginWrites),
    })
}

/// Checks and classifies the origins; what it returns is meaningful only if nothing was reported.
fn check_origins<'a>(
    policy: &PolicyInput<'a>,
    report: &mut dyn FnMut(Site, Violation),
) -> CheckedOrigins<'a> {
    let origins = match policy.origins {
        List::Any => {
            if policy.has(Flag::Credentials) {
                report(Site::OriginsAny, Violation::CredentialsWithAnyOrigin);
                report(Site::Credentials, Violation::CredentialsWithAnyOrigin);
            }
            return CheckedOrigins::Any;
        }
        List::Items(origins) => origins,
    };
    if origins.is_empty() {
        report(Site::Origins, Violation::EmptyOrigins);
    }
    check_origin_list(policy, origins, Site::Origin, report)
}

/// Checks and classifies the entries of `origins` or `write_origins`.
fn check_origin_list<'a>(
    policy: &PolicyInput<'a>,
    origins: &[&'a str],
    site_of: fn(usize) -> Site,
    report: &mut dyn FnMut(Site, Violation),
) -> CheckedOrigins<'a> {
    let (mut exact, mut patterns, mut null) = (Vec::new(), Vec::new(), false);
    let mut seen = BTreeMap::new();
    for (i, origin) in origins.iter().enumerate() {
        let site = site_of(i);
        let Some(spec) = check_origin_each(origin, &mut |v| report(site, v)) else {
            continue;
        };
        if seen.insert(*origin, i).is_some() {
            report(site, Violation::DuplicateOrigin);
            continue;
        }
        if let OriginSpec::Pattern(Pattern::Subdomains { base, .. }) = spec {
            if !policy.has(Flag::AllowPublicSuffixWildcards) && is_public_suffix(base) {
                report(site, Violation::PublicSuffixWildcard);
            }
        }
        if policy.has(Flag::Credentials)
            && !policy.has(Flag::AllowInsecureOrigins)
            && !spec.is_potentially_trustworthy()
            && matches!(spec.scheme(), Some("http" | "ws"))
        {
            report(site, Violation::InsecureOriginWithCredentials);
        }
        match spec {
            OriginSpec::Any if matches!(site, Site::WriteOrigin(_)) => {
                report(site, Violation::AnyWriteOrigin)
            }
            OriginSpec::Any => report(site, Violation::WildcardInList),
            OriginSpec::Null if !policy.has(Flag::AllowNullOrigin) => {
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
        let site = Site::Header(i);
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
    site: fn(usize) -> Site,
    report: &mut dyn FnMut(Site, Violation),
) {
    let mut seen = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Err(v) = check(name) {
            report(site(i), v);
        } else if seen.insert(name.to_ascii_lowercase(), i).is_some() {
            report(site(i), duplicate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn violations(policy: &PolicyInput<'_>) -> Vec<(Site, Violation)> {
        let mut found = Vec::new();
        let valid = check_policy(policy, &mut |site, v| found.push((site, v))).is_some();
        assert_eq!(valid, found.is_empty());
        found
    }

    #[test]
    fn a_good_policy_passes() {
        let policy = PolicyInput {
            origins: List::Items(&[
                "https://app.example.com",
                "https://*.example.com",
                "http://localhost:*",
            ]),
            methods: Some(List::Items(&["GET", "POST", "PURGE"])),
            headers: List::Items(&["content-type", "x-api-key"]),
            expose: List::Items(&["x-request-id"]),
            max_age: Some(600),
            flags: Flags::NONE.with(Flag::Credentials),
            write_origins: List::Items(&[]),
        };
        assert_eq!(violations(&policy), []);
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let policy = PolicyInput {
            origins: List::Items(&[
                "https://a.com/",
                "*",
                "null",
                "https://*.co.uk",
                "http://intranet.example",
                "https://b.com",
                "https://b.com",
            ]),
            methods: Some(List::Items(&["get", "TRACE", "PUT", "PUT"])),
            headers: List::Items(&["cookie", "X-A", "x-a"]),
            expose: List::Items(&["set-cookie"]),
            max_age: Some(-5),
            flags: Flags::NONE.with(Flag::Credentials),
            write_origins: List::Items(&[]),
        };
        use Site::*;
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
        let policy = PolicyInput {
            origins: List::Any,
            headers: List::Any,
            expose: List::Any,
            flags: Flags::NONE.with(Flag::Credentials),
            ..PolicyInput::default()
        };
        use Site::*;
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
        let policy = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            methods: Some(List::Any),
            headers: List::Any,
            flags: Flags::NONE.with(Flag::Credentials),
            ..PolicyInput::default()
        };
        let checked = check_policy(&policy, &mut |_, v| panic!("{v}")).unwrap();
        assert_eq!(checked.headers, HeaderNames::Any);
        assert_eq!(checked.methods, Methods::Any);
        assert_eq!(checked.allow_methods(), "*");
    }

    #[test]
    fn a_wildcard_in_a_list() {
        use Site::*;
        use Violation::*;
        let with_authorization = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            headers: List::Items(&["*", "Authorization"]),
            ..PolicyInput::default()
        };
        let checked = check_policy(&with_authorization, &mut |_, v| panic!("{v}")).unwrap();
        assert_eq!(checked.headers, HeaderNames::AnyWithAuthorization);
        assert_eq!(checked.headers.rendered().as_deref(), Some("*"));
        let policy = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            methods: Some(List::Items(&["GET", "*"])),
            headers: List::Items(&["*", "authorization", "x-a", "*"]),
            expose: List::Items(&["x-b", "*"]),
            ..PolicyInput::default()
        };
        assert_eq!(
            violations(&policy),
            [
                (Method(1), WildcardInMethodList),
                (Header(2), CoveredByWildcard),
                (Header(3), DuplicateHeader),
                (Expose(1), WildcardInHeaderList),
            ]
        );
        let alone = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            headers: List::Items(&["x-a", "*"]),
            ..PolicyInput::default()
        };
        assert_eq!(violations(&alone), [(Header(1), WildcardBesideHeaders)]);
    }

    #[test]
    fn dangerous_flags_allow_what_they_name() {
        let policy = PolicyInput {
            origins: List::Items(&["null", "http://intranet.example", "https://*.github.io"]),
            flags: Flags::NONE
                .with(Flag::Credentials)
                .with(Flag::AllowNullOrigin)
                .with(Flag::AllowInsecureOrigins)
                .with(Flag::AllowPublicSuffixWildcards),
            ..PolicyInput::default()
        };
        assert_eq!(violations(&policy), []);
        let empty = PolicyInput {
            methods: Some(List::Items(&[])),
            ..PolicyInput::default()
        };
        assert_eq!(
            violations(&empty),
            [
                (Site::Origins, Violation::EmptyOrigins),
                (Site::Methods, Violation::EmptyMethods)
            ]
        );
    }

    #[test]
    fn every_origin_is_classified_once() {
        let policy = PolicyInput {
            origins: List::Items(&[
                "https://app.example.com",
                "https://*.example.com:*",
                "http://localhost:*",
                "null",
            ]),
            methods: Some(List::Items(&["PUT"])),
            headers: List::Items(&["X-Api-Key"]),
            max_age: Some(600),
            flags: Flags::NONE.with(Flag::AllowNullOrigin),
            ..PolicyInput::default()
        };
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
            &PolicyInput {
                origins: List::Any,
                ..PolicyInput::default()
            },
            &mut |_, v| panic!("{v}"),
        )
        .unwrap();
        assert_eq!(defaults.allow_methods(), "GET, HEAD, POST");
        assert_eq!(defaults.origins, CheckedOrigins::Any);
    }

    #[test]
    fn write_origins_follow_the_origin_rules() {
        let policy = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            write_origins: List::Items(&[
                "https://idp.example.com",
                "https://*.co.uk",
                "*",
                "https://sso.example.com/",
            ]),
            ..PolicyInput::default()
        };
        use Site::*;
        use Violation::*;
        assert_eq!(
            violations(&policy),
            [
                (WriteOrigin(1), PublicSuffixWildcard),
                (WriteOrigin(2), AnyWriteOrigin),
                (WriteOrigin(3), TrailingSlash),
            ]
        );
        let any = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            write_origins: List::Any,
            ..PolicyInput::default()
        };
        assert_eq!(violations(&any), [(WriteOriginsAny, AnyWriteOrigin)]);
        let fine = PolicyInput {
            origins: List::Items(&["https://app.example.com"]),
            write_origins: List::Items(&["https://idp.example.com"]),
            flags: Flags::NONE.with(Flag::AllowCrossOriginWrites),
            ..PolicyInput::default()
        };
        let checked = check_policy(&fine, &mut |_, v| panic!("{v}")).unwrap();
        assert!(checked.cross_origin_writes);
        assert!(matches!(
            checked.write_origins,
            CheckedOrigins::List { ref exact, .. } if exact == &["https://idp.example.com"]
        ));
    }

    #[test]
    fn insecure_origins_are_fine_without_credentials() {
        let policy = PolicyInput {
            origins: List::Items(&["http://intranet.example", "http://*.intranet.example"]),
            ..PolicyInput::default()
        };
        assert_eq!(violations(&policy), []);
    }
}
