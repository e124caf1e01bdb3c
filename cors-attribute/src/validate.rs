//! [`Attr`] -> [`Policy`]: every rule of `checked_cors_rules::check_policy`, each violation turned into an
//! error on the exact token it concerns, plus the few rules that only exist in the macro's syntax.

use crate::env::EnvList;
use crate::errors::{with_help, Errors};
use crate::parse::{Attr, Entry, List, Method, Methods, StrList};
use checked_cors_rules::{
    check_method, check_policy, CheckedPolicy, Flag, PolicyInput, Site, STANDARD_METHODS,
};
use proc_macro2::Span;

/// The policy's entries as written (origins read from the environment included), owned, for
/// `checked_cors_rules::check_policy` to borrow.
pub(crate) struct Written {
    pub origins: Names,
    /// `None` when absent (the default).
    pub methods: Option<Names>,
    pub headers: Names,
    pub expose: Names,
    pub write_origins: Names,
}

/// `"*"` or a list, as written.
pub(crate) enum Names {
    Any,
    List(Vec<String>),
}

/// [`Written`] as the string slices `checked_cors_rules::PolicyInput` takes.
pub(crate) struct Refs<'a> {
    origins: Vec<&'a str>,
    methods: Vec<&'a str>,
    headers: Vec<&'a str>,
    expose: Vec<&'a str>,
    write_origins: Vec<&'a str>,
}

impl Names {
    fn as_rule<'a>(&self, refs: &'a [&'a str]) -> checked_cors_rules::List<'a> {
        match self {
            Names::Any => checked_cors_rules::List::Any,
            Names::List(_) => checked_cors_rules::List::Items(refs),
        }
    }

    fn refs(&self) -> Vec<&str> {
        match self {
            Names::Any => Vec::new(),
            Names::List(names) => names.iter().map(String::as_str).collect(),
        }
    }
}

impl Written {
    pub(crate) fn new(attr: &Attr) -> Self {
        Written {
            origins: names(&attr.origins),
            methods: attr
                .methods
                .as_ref()
                .and_then(|entry| entry.value.as_ref())
                .map(|methods| match methods {
                    Methods::Any => Names::Any,
                    Methods::List(list) => {
                        Names::List(list.items.iter().map(Method::name).collect())
                    }
                }),
            headers: names(&attr.headers),
            expose: names(&attr.expose),
            write_origins: names(&attr.write_origins),
        }
    }

    pub(crate) fn refs(&self) -> Refs<'_> {
        Refs {
            origins: self.origins.refs(),
            methods: self.methods.as_ref().map(Names::refs).unwrap_or_default(),
            headers: self.headers.refs(),
            expose: self.expose.refs(),
            write_origins: self.write_origins.refs(),
        }
    }
}

/// The policy as `checked_cors_rules::check_policy` reads it.
pub(crate) fn input<'a>(attr: &Attr, written: &Written, refs: &'a Refs<'a>) -> PolicyInput<'a> {
    PolicyInput {
        origins: written.origins.as_rule(&refs.origins),
        methods: written.methods.as_ref().map(|m| m.as_rule(&refs.methods)),
        headers: written.headers.as_rule(&refs.headers),
        expose: written.expose.as_rule(&refs.expose),
        max_age: max_age(attr),
        write_origins: written.write_origins.as_rule(&refs.write_origins),
        flags: attr.flag_set(),
    }
}

/// Applies every rule and reports every violation into `errors`; the checked policy when there
/// was none.
pub(crate) fn validate<'a>(
    attr: &Attr,
    written: &Written,
    refs: &'a Refs<'a>,
    errors: &mut Errors,
) -> Option<CheckedPolicy<'a>> {
    let input = input(attr, written, refs);

    let mut found: Vec<(Site, syn::Error)> = Vec::new();
    let checked = check_policy(&input, &mut |site, violation| {
        // A list with an unreadable entry (already reported) is not judged empty.
        let incomplete = match site {
            Site::Origins => !is_complete(&attr.origins),
            Site::Methods => !attr.methods.as_ref().is_some_and(|e| {
                e.value
                    .as_ref()
                    .and_then(Methods::list)
                    .is_some_and(|l| l.complete)
            }),
            _ => false,
        };
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
    env_list(attr).map(EnvList::var)
}

/// Identifiers are for the standard methods, so that `methods = [GET, PSOT]` is caught; any other
/// method is a string, which says "I mean this extension method" (macro syntax, not a CORS rule).
/// Rules about the name itself (`get`, `TRACE`) are `check_method`'s, reported by `check_policy`.
fn check_method_idents(attr: &Attr, found: &mut Vec<(Site, syn::Error)>) {
    let Some(List { items, .. }) = attr.methods.as_ref().and_then(|e| e.value.as_ref()?.list())
    else {
        return;
    };
    for (i, method) in items.iter().enumerate() {
        let Method::Ident(ident) = method else {
            continue;
        };
        let name = method.name();
        if check_method(&name).is_ok() && !STANDARD_METHODS.contains(&name.as_str()) {
            let message = with_help(
                format!("`{name}` is not a standard method"),
                format!("use a string for extension methods: `\"{name}\"`"),
            );
            found.push((Site::Method(i), syn::Error::new(ident.span(), message)));
        }
    }
}

fn names(entry: &Option<Entry<StrList>>) -> Names {
    match entry.as_ref().and_then(|e| e.value.as_ref()) {
        Some(StrList::Any(_)) => Names::Any,
        Some(StrList::Items(list)) => {
            Names::List(list.items.iter().map(|lit| lit.value()).collect())
        }
        Some(StrList::Env(list)) => Names::List(list.entries.clone().unwrap_or_default()),
        None => Names::List(Vec::new()),
    }
}

fn env_list(attr: &Attr) -> Option<&EnvList> {
    match attr.origins.as_ref()?.value.as_ref()? {
        StrList::Env(list) => Some(list),
        StrList::Any(_) | StrList::Items(_) => None,
    }
}

/// For origins read from the environment, what the message must add: the span can only point at
/// `env("NAME")`, so the message names the variable and the entry.
fn env_context(attr: &Attr, site: Site) -> Option<String> {
    let list = env_list(attr)?;
    let var = list.var();
    match site {
        Site::Origin(i) => {
            let entry = list.entries.as_ref()?.get(i)?;
            Some(format!("`{var}` entry `{entry}`"))
        }
        Site::Origins => Some(format!("`{var}` holds no origin")),
        _ => None,
    }
}

fn is_complete(entry: &Option<Entry<StrList>>) -> bool {
    match entry.as_ref().and_then(|e| e.value.as_ref()) {
        Some(StrList::Any(_)) => true,
        Some(StrList::Items(list)) => list.complete,
        Some(StrList::Env(list)) => list.entries.is_some(),
        None => false,
    }
}

fn max_age(attr: &Attr) -> Option<i64> {
    attr.max_age.as_ref()?.value.as_ref().map(|m| m.seconds)
}

/// The error for a violation at `site`, on the token `site` names.
fn error_at(attr: &Attr, site: Site, message: String) -> syn::Error {
    let span = match site {
        Site::OriginsAny => any_span(&attr.origins),
        Site::Origins => list_span(&attr.origins),
        Site::Origin(i) => item_span(&attr.origins, i),
        Site::Methods => attr
            .methods
            .as_ref()
            .and_then(|e| Some(e.value.as_ref()?.list()?.span)),
        Site::Method(i) => attr
            .methods
            .as_ref()
            .and_then(|e| Some(e.value.as_ref()?.list()?.items.get(i)?.span())),
        Site::HeadersAny => any_span(&attr.headers),
        Site::Header(i) => item_span(&attr.headers, i),
        Site::ExposeAny => any_span(&attr.expose),
        Site::Expose(i) => item_span(&attr.expose, i),
        Site::Credentials => attr.flag(Flag::Credentials).map(|c| c.span()),
        Site::WriteOriginsAny => any_span(&attr.write_origins),
        Site::WriteOrigin(i) => item_span(&attr.write_origins, i),
        Site::MaxAge => match attr.max_age.as_ref().and_then(|e| e.value.as_ref()) {
            Some(max_age) => return syn::Error::new_spanned(&max_age.tokens, message),
            None => None,
        },
        _ => None,
    };
    // Failing a token, point at the key the violation is about.
    let key = match site {
        Site::OriginsAny | Site::Origins | Site::Origin(_) => {
            attr.origins.as_ref().map(|e| e.key.span())
        }
        Site::Methods | Site::Method(_) => attr.methods.as_ref().map(|e| e.key.span()),
        Site::HeadersAny | Site::Header(_) => attr.headers.as_ref().map(|e| e.key.span()),
        Site::ExposeAny | Site::Expose(_) => attr.expose.as_ref().map(|e| e.key.span()),
        Site::MaxAge => attr.max_age.as_ref().map(|e| e.key.span()),
        Site::WriteOriginsAny | Site::WriteOrigin(_) => {
            attr.write_origins.as_ref().map(|e| e.key.span())
        }
        _ => None,
    };
    syn::Error::new(span.or(key).unwrap_or(attr.span), message)
}

fn any_span(entry: &Option<Entry<StrList>>) -> Option<Span> {
    match entry.as_ref()?.value.as_ref()? {
        StrList::Any(lit) => Some(lit.span()),
        StrList::Items(_) | StrList::Env(_) => None,
    }
}

fn list_span(entry: &Option<Entry<StrList>>) -> Option<Span> {
    match entry.as_ref()?.value.as_ref()? {
        StrList::Items(list) => Some(list.span),
        StrList::Env(list) => Some(list.name.span()),
        StrList::Any(_) => None,
    }
}

fn item_span(entry: &Option<Entry<StrList>>, i: usize) -> Option<Span> {
    match entry.as_ref()?.value.as_ref()? {
        StrList::Items(list) => Some(list.items.get(i)?.span()),
        StrList::Env(list) => Some(list.name.span()),
        StrList::Any(_) => None,
    }
}
