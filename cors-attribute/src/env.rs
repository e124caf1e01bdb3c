//! `origins = env("NAME")`: a list of origins known only when the program is built (staging and
//! production differ), read from the environment while compiling and then checked like a literal
//! list.
//!
//! Cargo re-runs a build when a variable it knows the crate read has changed, and it learns that from
//! rustc's dep-info, which records the variables read by `env!` and `option_env!` but not those a
//! proc macro reads with `std::env::var` (`proc_macro::tracked_env` is unstable). So the expansion
//! also reads the variable with `option_env!` (see [`tracking`]): `option_env!` rather than `env!`,
//! because the macro itself already reports a missing variable, with a better message.

use crate::errors::{with_help, Errors};
use proc_macro2::TokenStream;
use quote::quote;
use std::env::VarError;
use syn::LitStr;

/// The variable named by `env("NAME")` and, if it could be read, its entries.
pub(crate) struct EnvList {
    /// The `"NAME"` literal: where every error about the variable or its entries points.
    pub name: LitStr,
    /// The entries, in order; `None` if the variable is missing or unreadable (already reported).
    pub entries: Option<Vec<String>>,
}

impl EnvList {
    /// The variable's name.
    pub(crate) fn var(&self) -> String {
        self.name.value()
    }
}

/// Reads the variable `name` names from the compiler's environment, reporting a missing or
/// non-UTF-8 variable on the literal.
pub(crate) fn read(name: LitStr, errors: &mut Errors) -> EnvList {
    read_with(name, |var| std::env::var(var), errors)
}

/// [`read`] with the environment as a function, for tests.
pub(crate) fn read_with(
    name: LitStr,
    lookup: impl FnOnce(&str) -> Result<String, VarError>,
    errors: &mut Errors,
) -> EnvList {
    let var = name.value();
    let entries = match lookup(&var) {
        Ok(value) => Some(split(&value)),
        Err(VarError::NotPresent) => {
            errors.at(
                name.span(),
                with_help(
                    format!("environment variable `{var}` is not set"),
                    format!(
                        "set it while compiling to a comma-separated list of origins, as in \
                         `{var}=https://app.example.com,https://admin.example.com`"
                    ),
                ),
            );
            None
        }
        Err(VarError::NotUnicode(_)) => {
            errors.at(
                name.span(),
                with_help(
                    format!("environment variable `{var}` is not valid UTF-8"),
                    "browsers send origins in ASCII: write hosts in punycode (`xn--...`)",
                ),
            );
            None
        }
    };
    EnvList { name, entries }
}

/// A variable name `std::env::var` and `option_env!` can look up: not empty, without `=` or NUL
/// (which no environment entry can hold in its name).
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['=', '\0'])
}

/// `"https://a.com, https://b.com,"` -> `["https://a.com", "https://b.com"]`: entries are trimmed and
/// empty ones skipped, so that a trailing comma or a line break in a deployment file is harmless.
pub(crate) fn split(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An item that reads `var` through `option_env!`, so that rustc lists it in the crate's dep-info
/// and Cargo rebuilds (re-running this macro) whenever its value changes.
pub(crate) fn tracking(var: &str) -> TokenStream {
    quote! {
        const _: ::core::option::Option<&'static str> = ::core::option_env!(#var);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Span;

    fn lit(name: &str) -> LitStr {
        LitStr::new(name, Span::call_site())
    }

    fn errors_of(errors: Errors) -> Vec<String> {
        match errors.finish() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn entries_are_trimmed_and_empty_ones_skipped() {
        assert_eq!(
            split(" https://a.com,https://b.com ,\n, https://*.c.com,"),
            ["https://a.com", "https://b.com", "https://*.c.com"]
        );
        assert!(split("").is_empty());
        assert!(split(" , ,").is_empty());
        // Only commas separate: a space inside an entry stays and is then refused as an origin.
        assert_eq!(
            split("https://a.com https://b.com"),
            ["https://a.com https://b.com"]
        );
    }

    #[test]
    fn a_missing_variable_is_named() {
        let mut errors = Errors::default();
        let list = read_with(lit("APP_CORS"), |_| Err(VarError::NotPresent), &mut errors);
        assert!(list.entries.is_none());
        let errors = errors_of(errors);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("environment variable `APP_CORS` is not set"),
            "{errors:?}"
        );
        assert!(errors[0].contains("`APP_CORS=https://"), "{errors:?}");
    }

    #[test]
    fn a_present_variable_is_split() {
        let mut errors = Errors::default();
        let list = read_with(
            lit("APP_CORS"),
            |var| {
                assert_eq!(var, "APP_CORS");
                Ok("https://a.com, https://b.com".to_owned())
            },
            &mut errors,
        );
        assert_eq!(list.var(), "APP_CORS");
        assert_eq!(
            list.entries.as_deref(),
            Some(&["https://a.com".to_owned(), "https://b.com".to_owned()][..])
        );
        assert!(errors_of(errors).is_empty());
    }

    #[test]
    fn names_that_no_environment_holds_are_invalid() {
        assert!(is_valid_name("APP_CORS_ORIGINS"));
        assert!(is_valid_name("lower.and-dash"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("A=B"));
        assert!(!is_valid_name("A\0"));
    }

    #[test]
    fn tracking_reads_the_variable_with_option_env() {
        let tokens = tracking("APP_CORS").to_string();
        assert!(
            tokens.contains(":: core :: option_env ! (\"APP_CORS\")"),
            "{tokens}"
        );
    }
}
