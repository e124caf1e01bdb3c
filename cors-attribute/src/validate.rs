//! [`Attr`] -> [`CheckedPolicy`]: every rule of `checked_cors_rules::check_policy`, each violation
//! turned into an error on the exact token it concerns, plus the few rules that only exist in the
//! macro's syntax. Nothing here names a key but those syntax rules: values go slot by slot.

use crate::env::EnvList;
use crate::errors::{with_help, Errors};
use crate::parse::{Attr, Item, List, Value};
use checked_cors_rules::{
    check_method, check_policy, CheckedPolicy, KeyId, Place, PolicyInput, Setting, Settings, Site,
    STANDARD_METHODS,
};

/// The policy's values as written (origins read from the environment included), owned, one slot
/// per key, for `checked_cors_rules::check_policy` to borrow.
pub(crate) fn written(attr: &Attr) -> Settings {
    let mut settings = Settings::new();
    for (key, entry) in attr.entries() {
        let setting = match &entry.value {
            Some(Value::Any(_)) => Setting::Any,
            Some(Value::Items(list)) => Setting::Items(list.items.iter().map(Item::name).collect()),
            Some(Value::Env(list)) => Setting::Items(list.entries.clone().unwrap_or_default()),
            Some(Value::Seconds(seconds)) => Setting::Seconds(seconds.seconds),
            Some(Value::On) => Setting::On,
            // Unreadable (already reported): judged as absent.
            None => continue,
        };
        // The parser reads each key by its kind, so the value fits.
        let _ = settings.set(key, setting);
    }
    settings
}

/// Applies every rule and reports every violation into `errors`; the checked policy when there
/// was none.
pub(crate) fn validate<'a>(
    attr: &Attr,
    input: &PolicyInput<'a>,
    errors: &mut Errors,
) -> Option<CheckedPolicy<'a>> {
    let mut found: Vec<(Site, syn::Error)> = Vec::new();
    let checked = check_policy(input, &mut |site, violation| {
        // A list with an unreadable entry (already reported) is not judged empty.
        let incomplete = site.place == Place::Whole
            && site.key.key().kind.is_list()
            && !is_complete(attr.value(site.key));
        if !incomplete {
            let message = match env_context(attr, site) {
                Some(context) => format!("{context}: {violation}"),
                None => violation.to_string(),
            };
            found.push((
                site,
                error_at(
                    attr,
                    site,
                    with_help(
                        message,
                        violation.fix_for(input.value_at(site).unwrap_or("")),
                    ),
                ),
            ));
        }
    });
    check_method_idents(attr, &mut found);
    // Report in the order the keys are documented (stable: a conflict's two sides stay in order).
    found.sort_by_key(|(site, _)| *site);
    for (_, error) in found {
        errors.push(error);
    }
    checked
}

/// The variable of `origins = env("NAME")`, which the expansion must make Cargo track.
pub(crate) fn env_var(attr: &Attr) -> Option<String> {
    env_list(attr).map(|(_, list)| list.var())
}

/// Identifiers are for the standard methods, so that `methods = [GET, PSOT]` is caught; any other
/// method is a string, which says "I mean this extension method" (macro syntax, not a CORS rule).
/// Rules about the name itself (`get`, `TRACE`) are `check_method`'s, reported by `check_policy`.
fn check_method_idents(attr: &Attr, found: &mut Vec<(Site, syn::Error)>) {
    let Some(Value::Items(List { items, .. })) = attr.value(KeyId::Methods) else {
        return;
    };
    for (i, method) in items.iter().enumerate() {
        let Item::Ident(ident) = method else {
            continue;
        };
        let name = method.name();
        if check_method(&name).is_ok() && !STANDARD_METHODS.contains(&name.as_str()) {
            let message = with_help(
                format!("`{name}` is not a standard method"),
                format!("use a string for extension methods: `\"{name}\"`"),
            );
            found.push((
                Site::item(KeyId::Methods, i),
                syn::Error::new(ident.span(), message),
            ));
        }
    }
}

/// The key read from the environment, and its list.
fn env_list(attr: &Attr) -> Option<(KeyId, &EnvList)> {
    attr.entries().find_map(|(key, entry)| match &entry.value {
        Some(Value::Env(list)) => Some((key, list)),
        _ => None,
    })
}

/// For entries read from the environment, what the message must add: the span can only point at
/// `env("NAME")`, so the message names the variable and the entry.
fn env_context(attr: &Attr, site: Site) -> Option<String> {
    let (key, list) = env_list(attr)?;
    if site.key != key {
        return None;
    }
    let var = list.var();
    match site.place {
        Place::Item(i) => {
            let entry = list.entries.as_ref()?.get(i)?;
            Some(format!("`{var}` entry `{entry}`"))
        }
        Place::Whole => Some(format!("`{var}` holds no origin")),
        // `Any`, and any place a later version adds: the message as the rules wrote it.
        _ => None,
    }
}

/// Whether a list was read whole (`"*"` is); absent or unreadable is not.
fn is_complete(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Any(_)) => true,
        Some(Value::Items(list)) => list.complete,
        Some(Value::Env(list)) => list.entries.is_some(),
        Some(Value::Seconds(_) | Value::On) | None => false,
    }
}

/// The error for a violation at `site`, on the token `site` names.
fn error_at(attr: &Attr, site: Site, message: String) -> syn::Error {
    let value = attr.value(site.key);
    let span = match (site.place, value) {
        (Place::Any, Some(Value::Any(lit))) => Some(lit.span()),
        (Place::Whole, Some(Value::Items(list))) => Some(list.span),
        (Place::Item(i), Some(Value::Items(list))) => list.items.get(i).map(Item::span),
        (Place::Whole | Place::Item(_), Some(Value::Env(list))) => Some(list.name.span()),
        // `-5` is two tokens: span both.
        (Place::Whole, Some(Value::Seconds(seconds))) => {
            return syn::Error::new_spanned(&seconds.tokens, message)
        }
        _ => None,
    };
    // Failing a token, point at the key the violation is about (a flag is its key).
    let key = attr.get(site.key).map(|entry| entry.key.span());
    syn::Error::new(span.or(key).unwrap_or(attr.span), message)
}
