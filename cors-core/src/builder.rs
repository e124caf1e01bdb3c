//! Policies known only at start-up, checked by the same rules as `#[derive(Cors)]`.

use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use checked_cors_rules::{
    check_policy, CheckedOrigins, CheckedPolicy, Flag, Flags, HeaderNames, List, Methods, Pattern,
    PolicyInput, PortPattern, Site, Violation,
};

use crate::origins::{OriginPattern, OriginTable, Origins, PortMatch};
use crate::storage::{Table, Text};
use crate::{HeaderList, Policy};

/// Builds a [`Policy`] at run time, from configuration, with every rule `#[derive(Cors)]` applies.
///
/// ```
/// use checked_cors::PolicyBuilder;
///
/// let policy = PolicyBuilder::new()
///     .allow_origins(["https://app.example.com", "https://*.example.com"])
///     .allow_methods(["GET", "POST"])
///     .allow_headers(["content-type"])
///     .allow_credentials()
///     .max_age(600)
///     .build()
///     .unwrap();
/// assert!(policy.allows_origin(b"https://api.example.com"));
///
/// let error = PolicyBuilder::new().allow_origins(["https://app.example.com/"]).build().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "origins[0] `https://app.example.com/`: an origin has no trailing `/`, so this one would never \
///      match (remove the trailing `/`)"
/// );
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a PolicyBuilder does nothing until `build` is called"]
pub struct PolicyBuilder {
    origins: Option<Entries>,
    methods: Option<Entries>,
    headers: Option<Entries>,
    expose: Option<Entries>,
    max_age: Option<i64>,
    write_origins: Vec<String>,
    flags: Flags,
}

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items.into_iter().map(|s| s.as_ref().to_owned()).collect()
}

/// A list key as given: `"*"` is its own state, never a `"*"` entry, so that a list holding only
/// `"*"` is refused like the macro refuses `origins = ["*"]`.
#[derive(Clone, Debug)]
enum Entries {
    Any,
    Items(Vec<String>),
}

impl Entries {
    /// Adds to a list. After `Any`, the `"*"` becomes an entry of the list, which the rules refuse:
    /// mixing "any" with a list is a mistake to report, not to resolve silently.
    fn extend(entries: &mut Option<Entries>, items: Vec<String>) {
        match entries {
            Some(Entries::Items(list)) => list.extend(items),
            Some(Entries::Any) => {
                let mut list = alloc::vec!["*".to_owned()];
                list.extend(items);
                *entries = Some(Entries::Items(list));
            }
            None => *entries = Some(Entries::Items(items)),
        }
    }

    fn of(list: List<'_>) -> Entries {
        match list {
            List::Any => Entries::Any,
            List::Items(items) => Entries::Items(strings(items)),
        }
    }

    fn as_list<'a>(entries: &Option<Entries>, refs: &'a [&'a str]) -> List<'a> {
        match entries {
            Some(Entries::Any) => List::Any,
            _ => List::Items(refs),
        }
    }

    fn refs(entries: &Option<Entries>) -> Vec<&str> {
        match entries {
            Some(Entries::Items(list)) => list.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

impl PolicyBuilder {
    /// An empty policy; [`PolicyBuilder::allow_origins`] or [`PolicyBuilder::allow_any_origin`] is
    /// required.
    pub fn new() -> Self {
        Self::default()
    }

    /// The builder of a policy as the rules read it (`checked_cors::rules::PolicyInput`), which
    /// [`PolicyBuilder::build`] checks again: for tools that read policies into that form, such as
    /// the `#[cors(...)]` attributes `checked-cors-attribute` reads, so that each need not map
    /// every key to a builder call.
    ///
    /// ```
    /// use checked_cors::rules::{Flag, Flags, List, PolicyInput};
    /// use checked_cors::PolicyBuilder;
    ///
    /// let input = PolicyInput {
    ///     origins: List::Items(&["https://app.example.com"]),
    ///     methods: Some(List::Items(&["GET", "PUT"])),
    ///     headers: List::Any,
    ///     expose: List::Items(&[]),
    ///     max_age: Some(600),
    ///     write_origins: List::Items(&[]),
    ///     flags: Flags::NONE.with(Flag::Credentials),
    /// };
    /// let policy = PolicyBuilder::from_input(&input).build().unwrap();
    /// assert!(policy.allows_origin(b"https://app.example.com"));
    /// ```
    pub fn from_input(input: &PolicyInput<'_>) -> Self {
        PolicyBuilder {
            origins: Some(Entries::of(input.origins)),
            methods: input.methods.map(Entries::of),
            headers: Some(Entries::of(input.headers)),
            expose: Some(Entries::of(input.expose)),
            max_age: input.max_age,
            write_origins: match input.write_origins {
                // An entry the rules refuse, as they refuse `write_origins = "*"`.
                List::Any => alloc::vec!["*".to_owned()],
                List::Items(origins) => strings(origins),
            },
            flags: input.flags,
        }
    }

    /// `origins = [...]`: exact origins and `*` patterns (adds to any listed before).
    pub fn allow_origins<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, origins: I) -> Self {
        Entries::extend(&mut self.origins, strings(origins));
        self
    }

    /// `origins = "*"`.
    pub fn allow_any_origin(mut self) -> Self {
        self.origins = Some(Entries::Any);
        self
    }

    /// `methods = [...]`; without it, `GET`, `HEAD` and `POST`. The CORS-safelisted `GET`, `HEAD`
    /// and `POST` pass a preflight whether listed or not, as browsers never check them.
    pub fn allow_methods<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, methods: I) -> Self {
        Entries::extend(&mut self.methods, strings(methods));
        self
    }

    /// `methods = "*"`: any method (answered `*`, or the requested method with credentials).
    pub fn allow_any_method(mut self) -> Self {
        self.methods = Some(Entries::Any);
        self
    }

    /// `headers = [...]`: request headers a preflight may ask for.
    pub fn allow_headers<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, headers: I) -> Self {
        Entries::extend(&mut self.headers, strings(headers));
        self
    }

    /// `headers = "*"`: any request header but `authorization`, which `*` never covers; add
    /// `.allow_headers(["authorization"])` for that one too (`headers = ["*", "authorization"]`).
    pub fn allow_any_header(mut self) -> Self {
        self.headers = Some(Entries::Any);
        self
    }

    /// `expose = [...]`: response headers scripts may read.
    pub fn expose_headers<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, headers: I) -> Self {
        Entries::extend(&mut self.expose, strings(headers));
        self
    }

    /// `expose = "*"`.
    pub fn expose_any_header(mut self) -> Self {
        self.expose = Some(Entries::Any);
        self
    }

    /// `credentials`.
    pub fn allow_credentials(mut self) -> Self {
        self.flags.insert(Flag::Credentials);
        self
    }

    /// `write_origins = [...]`: origins trusted to send cross-origin writes (a form `POST`, say)
    /// without being allowed to read responses, such as an identity provider posting a SAML
    /// response. Checked by the same rules as [`PolicyBuilder::allow_origins`].
    pub fn trust_origins_for_writes<I: IntoIterator<Item = S>, S: AsRef<str>>(
        mut self,
        origins: I,
    ) -> Self {
        self.write_origins.extend(strings(origins));
        self
    }

    /// `dangerously_allow_cross_origin_writes`: let unsafe requests (`POST`, `PUT`, ...) that a
    /// browser marks as cross-origin reach the handler from any origin, as CORS alone does. A
    /// page on any site can then make the user's browser submit a form here with the user's
    /// cookies (a forged request): use it only for endpoints that must accept such writes and
    /// authenticate them otherwise (a signed SAML response, a payment provider's signature).
    pub fn dangerously_allow_cross_origin_writes(mut self) -> Self {
        self.flags.insert(Flag::AllowCrossOriginWrites);
        self
    }

    /// Sets a flag by its key (`credentials`, `private_network`, a `dangerously_*` opt-in): what
    /// configuration readers call, where the key is data.
    pub fn flag(mut self, flag: Flag) -> Self {
        self.flags.insert(flag);
        self
    }

    /// `max_age = seconds`.
    pub fn max_age(mut self, seconds: i64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// `private_network`.
    pub fn allow_private_network(mut self) -> Self {
        self.flags.insert(Flag::PrivateNetwork);
        self
    }

    /// `dangerously_allow_null_origin`.
    pub fn dangerously_allow_null_origin(mut self) -> Self {
        self.flags.insert(Flag::AllowNullOrigin);
        self
    }

    /// `dangerously_allow_insecure_origins`.
    pub fn dangerously_allow_insecure_origins(mut self) -> Self {
        self.flags.insert(Flag::AllowInsecureOrigins);
        self
    }

    /// `dangerously_allow_public_suffix_wildcards`.
    pub fn dangerously_allow_public_suffix_wildcards(mut self) -> Self {
        self.flags.insert(Flag::AllowPublicSuffixWildcards);
        self
    }

    /// Checks every rule and returns the policy, or every violation at once.
    ///
    /// The policy owns its tables and frees them when dropped: build one per configuration, not
    /// per request (building costs about as much as the policy's size; serving it costs what a
    /// derived one does).
    pub fn build(self) -> Result<Policy<'static>, BuildError> {
        let origins = Entries::refs(&self.origins);
        let methods = Entries::refs(&self.methods);
        let headers = Entries::refs(&self.headers);
        let expose = Entries::refs(&self.expose);
        let write_origins: Vec<&str> = self.write_origins.iter().map(String::as_str).collect();
        let input = PolicyInput {
            origins: Entries::as_list(&self.origins, &origins),
            methods: self
                .methods
                .is_some()
                .then(|| Entries::as_list(&self.methods, &methods)),
            headers: Entries::as_list(&self.headers, &headers),
            expose: Entries::as_list(&self.expose, &expose),
            max_age: self.max_age,
            write_origins: List::Items(&write_origins),
            flags: self.flags,
        };
        let mut errors = Vec::new();
        if self.origins.is_none() {
            errors.push(BuildViolation {
                site: Site::Origins,
                value: String::new(),
                violation: Violation::EmptyOrigins,
            });
        }
        let checked = check_policy(&input, &mut |site, violation| {
            let value = input.value_at(site).unwrap_or("");
            errors.push(BuildViolation {
                site,
                value: value.to_owned(),
                violation,
            });
        });
        match checked {
            Some(checked) if errors.is_empty() => Ok(owned_policy(&checked)),
            _ => Err(BuildError { violations: errors }),
        }
    }
}

fn text(s: &str) -> Text<'static> {
    Text::from(s.to_owned())
}

fn texts<S: AsRef<str>>(items: &[S]) -> Table<'static, Text<'static>> {
    Table::from(items.iter().map(|s| text(s.as_ref())).collect::<Vec<_>>())
}

fn header_list(names: &HeaderNames) -> HeaderList<'static> {
    match names {
        HeaderNames::Any => HeaderList::Any,
        HeaderNames::AnyWithAuthorization => HeaderList::AnyWithAuthorization,
        HeaderNames::Names(list) => HeaderList::Names {
            names: texts(list),
            rendered: text(&names.rendered().unwrap_or_default()),
        },
    }
}

pub(crate) fn pattern(pattern: &Pattern<'_>) -> OriginPattern<'static> {
    match *pattern {
        Pattern::Subdomains { scheme, base, port } => OriginPattern::new(
            text(scheme),
            text(base),
            true,
            match port {
                PortPattern::Default => PortMatch::Default,
                PortPattern::Exact(port) => PortMatch::Exact(text(port)),
                PortPattern::Any => PortMatch::Any,
            },
        ),
        Pattern::AnyPort { scheme, host } => {
            OriginPattern::new(text(scheme), text(host), false, PortMatch::Any)
        }
    }
}

fn origins(origins: &CheckedOrigins<'_>) -> Origins<'static> {
    match origins {
        CheckedOrigins::Any => Origins::Any,
        CheckedOrigins::List {
            exact,
            table,
            patterns,
            null,
        } => Origins::List {
            exact: OriginTable::new(
                texts(exact),
                Table::from(table.slots.clone()),
                table.seed,
                table.max_probes,
            ),
            patterns: Table::from(patterns.iter().map(pattern).collect::<Vec<_>>()),
            null: *null,
        },
    }
}

/// The owned serialization of a checked policy; `#[derive(Cors)]` writes the static one.
fn owned_policy(checked: &CheckedPolicy<'_>) -> Policy<'static> {
    Policy {
        origins: origins(&checked.origins),
        methods: match &checked.methods {
            Methods::Any => Table::from(Vec::new()),
            Methods::Names(methods) => texts(methods),
        },
        any_method: checked.methods == Methods::Any,
        allow_methods: text(&checked.allow_methods()),
        headers: header_list(&checked.headers),
        expose: header_list(&checked.expose),
        credentials: checked.credentials,
        max_age: checked.max_age.map(|s| text(&s.to_string())),
        private_network: checked.private_network,
        write_origins: origins(&checked.write_origins),
        cross_origin_writes: checked.cross_origin_writes,
    }
}

/// Every rule a [`PolicyBuilder`] broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    violations: Vec<BuildViolation>,
}

/// One broken rule: where, the offending value, and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildViolation {
    /// Where in the policy.
    pub site: Site,
    /// The offending entry, as given (empty for a key as a whole).
    pub value: String,
    /// The rule, with its message and fix.
    pub violation: Violation,
}

impl BuildError {
    /// The violations, in the order of the policy's keys.
    pub fn violations(&self) -> &[BuildViolation] {
        &self.violations
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl fmt::Display for BuildViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.site {
            Site::Origin(i) => write!(f, "origins[{i}]")?,
            Site::Method(i) => write!(f, "methods[{i}]")?,
            Site::Header(i) => write!(f, "headers[{i}]")?,
            Site::Expose(i) => write!(f, "expose[{i}]")?,
            Site::OriginsAny | Site::Origins => f.write_str("origins")?,
            Site::Methods => f.write_str("methods")?,
            Site::HeadersAny => f.write_str("headers")?,
            Site::ExposeAny => f.write_str("expose")?,
            Site::Credentials => f.write_str("credentials")?,
            Site::MaxAge => f.write_str("max_age")?,
            Site::WriteOrigin(i) => write!(f, "write_origins[{i}]")?,
            Site::WriteOriginsAny => f.write_str("write_origins")?,
            _ => f.write_str("policy")?,
        }
        if !self.value.is_empty() {
            write!(f, " `{}`", self.value)?;
        }
        write!(
            f,
            ": {} ({})",
            self.violation,
            self.violation.fix_for(&self.value)
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn from_input_is_the_builder_the_key_methods_make() {
        let input = PolicyInput {
            origins: List::Items(&["https://app.example.com", "https://*.example.com"]),
            methods: Some(List::Any),
            headers: List::Items(&["content-type"]),
            expose: List::Any,
            max_age: Some(-5),
            write_origins: List::Items(&["https://idp.example.com"]),
            flags: Flags::NONE
                .with(Flag::Credentials)
                .with(Flag::PrivateNetwork),
        };
        let by_methods = PolicyBuilder::new()
            .allow_origins(["https://app.example.com", "https://*.example.com"])
            .allow_any_method()
            .allow_headers(["content-type"])
            .expose_any_header()
            .max_age(-5)
            .trust_origins_for_writes(["https://idp.example.com"])
            .allow_credentials()
            .allow_private_network();
        assert_eq!(
            format!("{:?}", PolicyBuilder::from_input(&input)),
            format!("{by_methods:?}")
        );
        // Defaults stay defaults: no `methods` is `GET, HEAD, POST`, not an empty list.
        let input = PolicyInput {
            methods: None,
            ..input
        };
        assert!(format!("{:?}", PolicyBuilder::from_input(&input)).contains("methods: None"));
    }
}
