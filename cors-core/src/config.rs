//! Policies read from a configuration file at start-up, checked by [`PolicyBuilder`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use checked_cors_rules::{KeyId, KeyKind, Setting, Settings};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::{BuildError, Policy, PolicyBuilder};

/// A policy as a configuration file writes it, with the keys of `#[cors(...)]`, for any serde
/// format (TOML, JSON, YAML, ...). [`PolicyConfig::build`] applies every rule of the macro.
///
/// An unknown key is a deserialization error rather than a silently ignored setting, and `origins`
/// is required, as in the attribute. When the origins are known at build time rather than at
/// start-up, `#[cors(origins = env("APP_CORS_ORIGINS"))]` has the compiler check them instead.
///
/// ```
/// use checked_cors::PolicyConfig;
///
/// let config: PolicyConfig = serde_json::from_str(r#"{
///     "origins": ["https://app.example.com", "https://*.example.com"],
///     "methods": ["GET", "POST", "PUT"],
///     "headers": ["content-type"],
///     "credentials": true,
///     "max_age": 600
/// }"#)?;
/// let policy = config.build()?;
/// assert!(policy.allows_origin(b"https://api.example.com"));
///
/// // The same rules as the macro, every violation at once.
/// let config: PolicyConfig = serde_json::from_str(r#"{
///     "origins": ["https://app.example.com/", "http://intranet.example.com"],
///     "credentials": true
/// }"#)?;
/// let error = config.build().unwrap_err();
/// assert_eq!(error.violations().len(), 2);
/// assert!(error.to_string().starts_with(
///     "origins[0] `https://app.example.com/`: an origin has no trailing `/`"
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Each key's value, as read, is [`PolicyConfig::get`]:
///
/// ```
/// use checked_cors::rules::{KeyId, Setting};
/// use checked_cors::PolicyConfig;
///
/// let config: PolicyConfig = serde_json::from_str(r#"{"origins": "*", "max_age": 600}"#)?;
/// assert_eq!(config.get(KeyId::Origins), Some(&Setting::Any));
/// assert_eq!(config.get(KeyId::MaxAge), Some(&Setting::Seconds(600)));
/// assert_eq!(config.get(KeyId::Methods), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyConfig {
    /// One value per key given; a flag set to `false` is not given.
    settings: Settings,
}

/// Read key by key through the key table, so that every key of `#[cors(...)]` is a key here and
/// nothing else is; a value is read by its key's kind alone.
impl<'de> Deserialize<'de> for PolicyConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PolicyConfigVisitor)
    }
}

struct PolicyConfigVisitor;

impl<'de> Visitor<'de> for PolicyConfigVisitor {
    type Value = PolicyConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CORS policy: a map with the keys of `#[cors(...)]`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyConfig, A::Error> {
        let mut settings = Settings::new();
        let mut seen = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let Some(key) = checked_cors_rules::key(&name) else {
                return Err(de::Error::custom(checked_cors_rules::unknown_key(&name)));
            };
            if seen.contains(&key.name) {
                return Err(de::Error::duplicate_field(key.name));
            }
            seen.push(key.name);
            let setting = match key.kind {
                KeyKind::Origins | KeyKind::Methods | KeyKind::HeaderNames => {
                    map.next_value::<ConfigList>()?.0
                }
                KeyKind::Seconds => Setting::Seconds(map.next_value::<i64>()?),
                KeyKind::Flag => match map.next_value::<bool>()? {
                    true => Setting::On,
                    false => continue,
                },
            };
            settings.set(key.id, setting).map_err(de::Error::custom)?;
        }
        // `origins` is required, as in the attribute.
        if settings.get(KeyId::Origins).is_none() {
            return Err(de::Error::missing_field(KeyId::Origins.name()));
        }
        Ok(PolicyConfig { settings })
    }
}

/// `"*"` or a list of strings, as a configuration file writes a list key.
struct ConfigList(Setting);

impl PolicyConfig {
    /// The value of `key` as the file gave it, if it did.
    pub fn get(&self, key: KeyId) -> Option<&Setting> {
        self.settings.get(key)
    }

    /// Checks every rule through [`PolicyBuilder`] and returns the policy, or every violation.
    pub fn build(self) -> Result<Policy<'static>, BuildError> {
        self.builder().build()
    }

    /// The [`PolicyBuilder`] this configuration stands for, to be extended before building (with
    /// origins known only at run time, say). Each value is given as by [`PolicyBuilder::add`]:
    /// lists add up, and `"*"` beside a list becomes an entry of it, for the rules to refuse.
    pub fn builder(self) -> PolicyBuilder {
        let mut settings = Settings::new();
        for (key, setting) in self.settings.iter() {
            // Every value was checked against its key's kind when it was read.
            let _ = settings.add(key, setting.clone());
        }
        PolicyBuilder::from_settings(settings)
    }
}

/// Hand-written rather than `#[serde(untagged)]`, whose only error is "data did not match any
/// variant": a single origin written without brackets deserves the macro's explanation.
impl<'de> Deserialize<'de> for ConfigList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ConfigListVisitor)
    }
}

struct ConfigListVisitor;

impl<'de> Visitor<'de> for ConfigListVisitor {
    type Value = ConfigList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`\"*\"` or a list of strings")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ConfigList, E> {
        if value == "*" {
            Ok(ConfigList(Setting::Any))
        } else {
            Err(E::custom(format_args!(
                "expected `\"*\"` or a list, even of one entry: write `[\"{value}\"]`"
            )))
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ConfigList, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok(ConfigList(Setting::Items(items)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CorsRequest, Header, Origins};
    use alloc::string::ToString;

    fn parse(json: &str) -> Result<PolicyConfig, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn every_key_reaches_the_policy() {
        let policy = parse(
            r#"{"origins": ["https://app.example.com", "null", "http://intranet.example"],
                "methods": ["GET", "PURGE"], "headers": ["X-Api-Key"], "expose": ["x-request-id"],
                "credentials": true, "max_age": 600, "private_network": true,
                "dangerously_allow_null_origin": true, "dangerously_allow_insecure_origins": true,
                "dangerously_allow_public_suffix_wildcards": true}"#,
        )
        .unwrap()
        .build()
        .unwrap();
        assert!(policy.allows_origin(b"https://app.example.com"));
        assert!(policy.allows_origin(b"null"));
        assert!(policy.allows_origin(b"http://intranet.example"));
        assert_eq!(policy.methods(), ["GET", "PURGE"]);
        assert_eq!(policy.allowed_headers().names().unwrap(), ["x-api-key"]);
        assert_eq!(policy.exposed_headers().names().unwrap(), ["x-request-id"]);
        assert!(policy.allows_credentials());
        assert_eq!(policy.max_age(), Some("600"));
        assert!(policy.allows_private_network());
    }

    #[test]
    fn write_origins_may_write_and_never_read() {
        let policy = parse(
            r#"{"origins": ["https://app.example.com"], "write_origins": ["https://idp.example.net"]}"#,
        )
        .unwrap()
        .build()
        .unwrap();
        assert!(policy.allows_origin(b"https://app.example.com"));
        assert!(!policy.allows_origin(b"https://idp.example.net"));
        let post_from = |origin: &'static [u8]| CorsRequest {
            method: b"POST",
            origin: Header::One(origin),
            sec_fetch_site: Header::One(b"cross-site"),
            ..CorsRequest::default()
        };
        assert!(!policy
            .evaluate(&post_from(b"https://idp.example.net"))
            .is_blocked());
        assert!(policy
            .evaluate(&post_from(b"https://evil.example"))
            .is_blocked());

        let any = parse(r#"{"origins": ["https://app.example.com"], "write_origins": "*"}"#)
            .unwrap()
            .build()
            .unwrap_err();
        assert_eq!(any.violations().len(), 1, "{any}");
        assert!(any.to_string().contains("write_origins"), "{any}");
    }

    #[test]
    fn omitted_keys_take_the_macro_defaults() {
        let policy = parse(r#"{"origins": "*"}"#).unwrap().build().unwrap();
        assert!(matches!(policy.origins(), Origins::Any));
        assert_eq!(policy.methods(), ["GET", "HEAD", "POST"]);
        assert!(policy.allowed_headers().names().unwrap().is_empty());
        assert!(!policy.allows_credentials());
        assert_eq!(policy.max_age(), None);
        assert!(!policy.allows_private_network());
        let preflight = CorsRequest {
            method: b"OPTIONS",
            origin: Header::One(b"https://a.example"),
            request_method: Header::One(b"PUT"),
            ..CorsRequest::default()
        };
        assert_eq!(policy.evaluate(&preflight).preflight_status(), Some(403));
    }

    #[test]
    fn wildcards_with_credentials_are_refused_on_both_sides() {
        let error = parse(r#"{"origins": "*", "expose": "*", "credentials": true}"#)
            .unwrap()
            .build()
            .unwrap_err();
        let sites: Vec<String> = error
            .violations()
            .iter()
            .map(|v| v.to_string().split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(sites, ["origins", "credentials", "expose", "credentials"]);
    }

    #[test]
    fn methods_take_a_wildcard_and_headers_take_it_with_credentials() {
        let policy = parse(
            r#"{"origins": ["https://app.example.com"], "methods": "*", "headers": "*", "credentials": true}"#,
        )
        .unwrap()
        .build()
        .unwrap();
        assert!(policy.allows_any_method());
        assert!(policy.methods().is_empty());
        assert!(matches!(policy.allowed_headers(), crate::HeaderList::Any));
        let error = parse(r#"{"origins": "*", "methods": ["GET", "*"]}"#)
            .unwrap()
            .build()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "methods[1] `*`: `\"*\"` inside a list would be sent as a bare `*`, which browsers read as every method (write `methods = \"*\"` on its own instead of a list, or list the methods)"
        );
    }

    #[test]
    fn mistakes_in_the_file_are_deserialization_errors() {
        let unknown = parse(r#"{"origins": "*", "allow_origins": []}"#).unwrap_err();
        assert!(
            unknown.starts_with("unknown key `allow_origins`, expected one of `origins`, ")
                && unknown.contains("(did you mean `origins`?)"),
            "{unknown}"
        );
        let missing = parse(r#"{"methods": ["GET"]}"#).unwrap_err();
        assert!(missing.starts_with("missing field `origins`"), "{missing}");
        let single = parse(r#"{"origins": "https://a.example"}"#).unwrap_err();
        assert!(
            single.starts_with(
                "expected `\"*\"` or a list, even of one entry: write `[\"https://a.example\"]`"
            ),
            "{single}"
        );
        let number = parse(r#"{"origins": 5}"#).unwrap_err();
        assert!(
            number.starts_with("invalid type: integer `5`, expected `\"*\"` or a list of strings"),
            "{number}"
        );
        let flag = parse(r#"{"origins": "*", "credentials": "yes"}"#).unwrap_err();
        assert!(flag.starts_with("invalid type: string \"yes\""), "{flag}");
    }

    #[test]
    fn the_builder_can_be_extended_before_building() {
        let config = parse(r#"{"origins": ["https://app.example.com"]}"#).unwrap();
        let policy = config
            .builder()
            .allow_origins(["https://tenant.example.net"])
            .build()
            .unwrap();
        assert!(policy.allows_origin(b"https://app.example.com"));
        assert!(policy.allows_origin(b"https://tenant.example.net"));
    }
}
