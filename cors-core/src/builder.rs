//! Policies known only at start-up, checked by the same rules as `#[derive(Cors)]`.

use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use checked_cors_rules::{
    check_policy, CheckedOrigins, CheckedPolicy, HeaderNames, KeyId, Methods, Pattern, PolicyInput,
    PortPattern, Setting, SettingError, Settings, Site, Violation,
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
    /// One value per key; every method below is a one-liner over it.
    settings: Settings,
    /// The values [`PolicyBuilder::add`] and [`PolicyBuilder::add_named`] could not give
    /// (an unknown key, a value of another kind): kept for [`PolicyBuilder::build`] to report,
    /// so that the chain of calls need not stop at each one.
    refused: Vec<SettingError>,
}

fn strings<I, S>(items: I) -> Setting
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    Setting::Items(items.into_iter().map(|s| s.as_ref().to_owned()).collect())
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
    /// use checked_cors::rules::{KeyId, PolicyInput, Value};
    /// use checked_cors::PolicyBuilder;
    ///
    /// let input = PolicyInput::new()
    ///     .with(KeyId::Origins, Value::Items(&["https://app.example.com"]))
    ///     .with(KeyId::Methods, Value::Items(&["GET", "PUT"]))
    ///     .with(KeyId::Headers, Value::Any)
    ///     .with(KeyId::MaxAge, Value::Seconds(600))
    ///     .with(KeyId::Credentials, Value::On);
    /// let policy = PolicyBuilder::from_input(&input).build().unwrap();
    /// assert!(policy.allows_origin(b"https://app.example.com"));
    /// ```
    pub fn from_input(input: &PolicyInput<'_>) -> Self {
        Self::from_settings(Settings::from_input(input))
    }

    /// The builder of these settings, each given as by [`PolicyBuilder::add`].
    pub(crate) fn from_settings(settings: Settings) -> Self {
        PolicyBuilder {
            settings,
            refused: Vec::new(),
        }
    }

    /// Gives `key` the value `setting`, as the typed methods do (a list adds to what was listed
    /// before; `"*"`, seconds and flags replace it): for keys without a typed method, and for
    /// readers that map their own keys. A value the key cannot hold does not stop the chain:
    /// [`PolicyBuilder::build`] reports it, with the rules' violations.
    ///
    /// ```
    /// use checked_cors::rules::{KeyId, Setting};
    /// use checked_cors::PolicyBuilder;
    ///
    /// let policy = PolicyBuilder::new()
    ///     .add(KeyId::Origins, Setting::Items(vec!["https://app.example.com".into()]))
    ///     .add(KeyId::PrivateNetwork, Setting::On)
    ///     .build()?;
    /// assert!(policy.allows_private_network());
    /// let error = PolicyBuilder::new()
    ///     .allow_origins(["https://app.example.com"])
    ///     .add(KeyId::MaxAge, Setting::On)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.to_string(), "`max_age` takes a whole number of seconds");
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn add(mut self, key: KeyId, setting: Setting) -> Self {
        if let Err(refused) = self.settings.add(key, setting) {
            self.refused.push(refused);
        }
        self
    }

    /// [`PolicyBuilder::add`] for the key named `name`: for readers where the key is data. An
    /// unknown name, like a value of the wrong kind, is reported by [`PolicyBuilder::build`].
    ///
    /// ```
    /// use checked_cors::rules::Setting;
    /// use checked_cors::PolicyBuilder;
    ///
    /// let policy = PolicyBuilder::new()
    ///     .add_named("origins", Setting::Items(vec!["https://app.example.com".into()]))
    ///     .add_named("private_network", Setting::On)
    ///     .build()?;
    /// assert!(policy.allows_private_network());
    /// let error = PolicyBuilder::new()
    ///     .allow_origins(["https://app.example.com"])
    ///     .add_named("max_age", Setting::On)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.to_string(), "`max_age` takes a whole number of seconds");
    /// # Ok::<(), checked_cors::BuildError>(())
    /// ```
    pub fn add_named(mut self, name: &str, setting: Setting) -> Self {
        if let Err(refused) = self.settings.add_named(name, setting) {
            self.refused.push(refused);
        }
        self
    }

    /// `origins = [...]`: exact origins and `*` patterns (adds to any listed before).
    pub fn allow_origins<I: IntoIterator<Item = S>, S: AsRef<str>>(self, origins: I) -> Self {
        self.add(KeyId::Origins, strings(origins))
    }

    /// `origins = "*"`.
    pub fn allow_any_origin(self) -> Self {
        self.add(KeyId::Origins, Setting::Any)
    }

    /// `methods = [...]`; without it, `GET`, `HEAD` and `POST`. The CORS-safelisted `GET`, `HEAD`
    /// and `POST` pass a preflight whether listed or not, as browsers never check them.
    pub fn allow_methods<I: IntoIterator<Item = S>, S: AsRef<str>>(self, methods: I) -> Self {
        self.add(KeyId::Methods, strings(methods))
    }

    /// `methods = "*"`: any method (answered `*`, or the requested method with credentials).
    pub fn allow_any_method(self) -> Self {
        self.add(KeyId::Methods, Setting::Any)
    }

    /// `headers = [...]`: request headers a preflight may ask for.
    pub fn allow_headers<I: IntoIterator<Item = S>, S: AsRef<str>>(self, headers: I) -> Self {
        self.add(KeyId::Headers, strings(headers))
    }

    /// `headers = "*"`: any request header but `authorization`, which `*` never covers; add
    /// `.allow_headers(["authorization"])` for that one too (`headers = ["*", "authorization"]`).
    pub fn allow_any_header(self) -> Self {
        self.add(KeyId::Headers, Setting::Any)
    }

    /// `expose = [...]`: response headers scripts may read.
    pub fn expose_headers<I: IntoIterator<Item = S>, S: AsRef<str>>(self, headers: I) -> Self {
        self.add(KeyId::Expose, strings(headers))
    }

    /// `expose = "*"`.
    pub fn expose_any_header(self) -> Self {
        self.add(KeyId::Expose, Setting::Any)
    }

    /// `credentials`.
    pub fn allow_credentials(self) -> Self {
        self.add(KeyId::Credentials, Setting::On)
    }

    /// `write_origins = [...]`: origins trusted to send cross-origin writes (a form `POST`, say)
    /// without being allowed to read responses, such as an identity provider posting a SAML
    /// response. Checked by the same rules as [`PolicyBuilder::allow_origins`].
    pub fn trust_origins_for_writes<I: IntoIterator<Item = S>, S: AsRef<str>>(
        self,
        origins: I,
    ) -> Self {
        self.add(KeyId::WriteOrigins, strings(origins))
    }

    /// `dangerously_allow_cross_origin_writes`: let unsafe requests (`POST`, `PUT`, ...) that a
    /// browser marks as cross-origin reach the handler from any origin, as CORS alone does. A
    /// page on any site can then make the user's browser submit a form here with the user's
    /// cookies (a forged request): use it only for endpoints that must accept such writes and
    /// authenticate them otherwise (a signed SAML response, a payment provider's signature).
    pub fn dangerously_allow_cross_origin_writes(self) -> Self {
        self.add(KeyId::AllowCrossOriginWrites, Setting::On)
    }

    /// `max_age = seconds`.
    pub fn max_age(self, seconds: i64) -> Self {
        self.add(KeyId::MaxAge, Setting::Seconds(seconds))
    }

    /// `private_network`.
    pub fn allow_private_network(self) -> Self {
        self.add(KeyId::PrivateNetwork, Setting::On)
    }

    /// `dangerously_allow_null_origin`.
    pub fn dangerously_allow_null_origin(self) -> Self {
        self.add(KeyId::AllowNullOrigin, Setting::On)
    }

    /// `dangerously_allow_insecure_origins`.
    pub fn dangerously_allow_insecure_origins(self) -> Self {
        self.add(KeyId::AllowInsecureOrigins, Setting::On)
    }

    /// `dangerously_allow_public_suffix_wildcards`.
    pub fn dangerously_allow_public_suffix_wildcards(self) -> Self {
        self.add(KeyId::AllowPublicSuffixWildcards, Setting::On)
    }

    /// Checks every rule and returns the policy, or every violation at once.
    ///
    /// The policy owns its tables and frees them when dropped: build one per configuration, not
    /// per request (building costs about as much as the policy's size; serving it costs what a
    /// derived one does).
    pub fn build(self) -> Result<Policy<'static>, BuildError> {
        // A value that could not be given comes first: the rules' violations after it may be
        // its consequence (an `origins` refused is then missing).
        let mut errors: Vec<BuildViolation> = self
            .refused
            .into_iter()
            .map(|refused| BuildViolation {
                site: match &refused {
                    SettingError::WrongKind { key, .. } => Some(Site::whole(*key)),
                    _ => None,
                },
                value: String::new(),
                broken: Broken::Setting(refused),
            })
            .collect();
        // `origins` is required, as in the attribute: the rules find it missing (an empty list)
        // and report it, once.
        let checked = self.settings.with_input(|input| {
            check_policy(input, &mut |site, violation| {
                let value = input.value_at(site).unwrap_or("");
                errors.push(BuildViolation {
                    site: Some(site),
                    value: value.to_owned(),
                    broken: Broken::Rule(violation),
                });
            })
            .map(|checked| owned_policy(&checked))
        });
        match checked {
            Some(policy) if errors.is_empty() => Ok(policy),
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

/// One broken rule: where, the offending value, and the rule; or a value that could not be
/// given to its key ([`PolicyBuilder::add`], [`PolicyBuilder::add_named`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildViolation {
    site: Option<Site>,
    value: String,
    broken: Broken,
}

/// What a [`BuildViolation`] is. Private, so that the crate's root exports no type for it: the
/// accessors say it with the rules' own types.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Broken {
    Rule(Violation),
    Setting(SettingError),
}

impl BuildViolation {
    /// Where in the policy: `None` for a value given to a key no policy has.
    pub fn site(&self) -> Option<Site> {
        self.site
    }

    /// The offending entry, as given (empty for a key as a whole, and for a value that could
    /// not be given).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The rule broken, with its message and fix; `None` for a value that could not be given.
    pub fn violation(&self) -> Option<&Violation> {
        match &self.broken {
            Broken::Rule(violation) => Some(violation),
            Broken::Setting(_) => None,
        }
    }

    /// Why a value could not be given to its key: an unknown key, or a value of another kind.
    pub fn setting_error(&self) -> Option<&SettingError> {
        match &self.broken {
            Broken::Setting(error) => Some(error),
            Broken::Rule(_) => None,
        }
    }
}

impl BuildError {
    /// The violations: values that could not be given first, then the rules' in the order of
    /// the policy's keys.
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
        let violation = match &self.broken {
            // Its text names the key and what the key takes.
            Broken::Setting(error) => return write!(f, "{error}"),
            Broken::Rule(violation) => violation,
        };
        if let Some(site) = self.site {
            write!(f, "{site}")?;
        }
        if !self.value.is_empty() {
            write!(f, " `{}`", self.value)?;
        }
        write!(f, ": {} ({})", violation, violation.fix_for(&self.value))
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use checked_cors_rules::Value;

    #[test]
    fn from_input_is_the_builder_the_key_methods_make() {
        let input = PolicyInput::new()
            .with(
                KeyId::Origins,
                Value::Items(&["https://app.example.com", "https://*.example.com"]),
            )
            .with(KeyId::Methods, Value::Any)
            .with(KeyId::Headers, Value::Items(&["content-type"]))
            .with(KeyId::Expose, Value::Any)
            .with(KeyId::MaxAge, Value::Seconds(-5))
            .with(
                KeyId::WriteOrigins,
                Value::Items(&["https://idp.example.com"]),
            )
            .with(KeyId::Credentials, Value::On)
            .with(KeyId::PrivateNetwork, Value::On);
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
        let input = input.with(KeyId::Methods, Value::Absent);
        assert!(PolicyBuilder::from_input(&input)
            .settings
            .get(KeyId::Methods)
            .is_none());
    }

    #[test]
    fn a_value_that_cannot_be_given_is_one_of_build_s_violations() {
        let error = PolicyBuilder::new()
            .add_named(
                "origin",
                Setting::Items(alloc::vec!["https://a.example".into()]),
            )
            .allow_origins(["https://a.example"])
            .add(KeyId::Credentials, Setting::Seconds(5))
            .build()
            .unwrap_err();
        let violations = error.violations();
        assert_eq!(violations.len(), 2, "{error}");
        let unknown = SettingError::UnknownKey("origin".into());
        assert_eq!(violations[0].setting_error(), Some(&unknown));
        assert_eq!(violations[0].site(), None);
        assert_eq!(violations[0].violation(), None);
        assert_eq!(violations[0].to_string(), unknown.to_string());
        assert!(matches!(
            violations[1].setting_error(),
            Some(SettingError::WrongKind {
                key: KeyId::Credentials,
                ..
            })
        ));
        assert_eq!(violations[1].site(), Some(Site::whole(KeyId::Credentials)));
        assert_eq!(
            violations[1].to_string(),
            "`credentials` takes no value: it is a flag, on when given"
        );
    }

    #[test]
    fn a_policy_without_origins_is_reported_once() {
        let error = PolicyBuilder::new().build().unwrap_err();
        assert_eq!(error.violations().len(), 1, "{error}");
        let violation = &error.violations()[0];
        assert_eq!(violation.violation(), Some(&Violation::EmptyOrigins));
        assert_eq!(violation.site(), Some(Site::whole(KeyId::Origins)));
    }
}
