//! The `#[cors(...)]` attribute of [`checked-cors`](https://docs.rs/checked-cors) as a library: the
//! pipeline behind `#[derive(Cors)]` (read the attribute, check the policy with
//! `checked-cors-rules`, expand it to a `static` policy), over `proc_macro2` tokens, so that tools
//! other than the compiler (a linter, a fuzzer, a test) run exactly what the derive runs.
//!
//! `checked-cors-macros` is a thin proc-macro shell over [`derive()`]; most users want
//! `checked_cors::Cors` and never depend on this crate. The expansion names `::checked_cors`.
//!
//! ```
//! use checked_cors_attribute::parse_and_check;
//!
//! let input: syn::DeriveInput = syn::parse_quote! {
//!     #[cors(origins = ["https://app.example.com"], methods = [GET, PUT], credentials)]
//!     struct Api;
//! };
//! let attribute = parse_and_check(&input).unwrap();
//! let methods = attribute.with_policy(|_, checked| checked.allow_methods());
//! assert_eq!(methods, "GET, PUT");
//! assert!(attribute.expand().to_string().contains("CorsPolicy for Api"));
//!
//! // Every mistake at once, each on its token, each with its fix.
//! let input: syn::DeriveInput = syn::parse_quote! {
//!     #[cors(origins = ["https://app.example.com/"], max_age = -1)]
//!     struct Api;
//! };
//! let messages: Vec<String> = parse_and_check(&input)
//!     .unwrap_err()
//!     .into_iter()
//!     .map(|error| error.to_string())
//!     .collect();
//! assert_eq!(
//!     messages,
//!     [
//!         "an origin has no trailing `/`, so this one would never match\n\nhelp: remove the trailing `/`",
//!         "`max_age` cannot be negative\n\nhelp: use a number of seconds from 0 to 86400",
//!     ]
//! );
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod env;
mod errors;
mod expand;
mod parse;
mod validate;

use checked_cors_rules::{CheckedPolicy, PolicyInput, Settings};
use proc_macro2::TokenStream;
use syn::{DeriveInput, Generics, Ident};

/// A `#[cors(...)]` attribute that [`parse_and_check`] read and found valid: the policy as written
/// (the entries of `origins = env("NAME")` included, read when it was checked), and the type it is
/// derived for.
pub struct CheckedAttribute {
    attr: parse::Attr,
    written: Settings,
    ident: Ident,
    generics: Generics,
}

/// Reads the `#[cors(...)]` attribute of `input` and applies every rule of `#[derive(Cors)]`:
/// the checked attribute, or every mistake, combined in one [`syn::Error`] (iterate it for each
/// message and span), exactly the errors the derive reports.
///
/// `origins = env("NAME")` reads the variable from this process's environment.
pub fn parse_and_check(input: &DeriveInput) -> Result<CheckedAttribute, syn::Error> {
    let (attr, written, ()) = check(input, |_, _| ())?;
    Ok(CheckedAttribute {
        attr,
        written,
        ident: input.ident.clone(),
        generics: input.generics.clone(),
    })
}

/// The whole derive: the `impl ::checked_cors::CorsPolicy`, or every error followed by an impl
/// that allows nothing (so that the user sees the errors, not also "`CorsPolicy` is not
/// implemented" wherever the type is used). What `#[derive(Cors)]` expands to.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let expanded = check(input, |attr, policy| {
        expand::derive(
            &input.ident,
            &input.generics,
            policy,
            validate::env_var(attr),
        )
    });
    match expanded {
        Ok((_, _, tokens)) => tokens,
        Err(error) => {
            let mut tokens = error.into_compile_error();
            tokens.extend(expand::fallback(&input.ident, &input.generics));
            tokens
        }
    }
}

/// Names the type only: the parsed attribute is a tree of tokens and spans.
impl std::fmt::Debug for CheckedAttribute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedAttribute")
            .field("ident", &self.ident)
            .finish_non_exhaustive()
    }
}

impl CheckedAttribute {
    /// Calls `f` with the policy as `checked_cors_rules::check_policy` reads it and the checked
    /// model it returned, which borrow from `self` (hence a closure). Checks the policy again,
    /// which cannot fail now.
    pub fn with_policy<R>(&self, f: impl FnOnce(&PolicyInput<'_>, &CheckedPolicy<'_>) -> R) -> R {
        self.written.with_input(|input| {
            let mut errors = errors::Errors::default();
            let checked = validate::validate(&self.attr, input, &mut errors);
            // `parse_and_check` found no error in this very attribute and the rules are
            // deterministic: no input reaches this.
            let checked = checked.unwrap_or_else(|| {
                unreachable!(
                    "a checked attribute fails its check again: {:?}",
                    errors.finish()
                )
            });
            f(input, &checked)
        })
    }

    /// The `impl ::checked_cors::CorsPolicy` that `#[derive(Cors)]` writes for this attribute.
    pub fn expand(&self) -> TokenStream {
        self.with_policy(|_, policy| {
            expand::derive(
                &self.ident,
                &self.generics,
                policy,
                validate::env_var(&self.attr),
            )
        })
    }
}

/// Parses and validates `input` in one pass, so that parse errors and rule violations are
/// reported together; on success, `f` sees the checked policy while the strings it borrows live.
fn check<R>(
    input: &DeriveInput,
    f: impl FnOnce(&parse::Attr, &CheckedPolicy<'_>) -> R,
) -> Result<(parse::Attr, Settings, R), syn::Error> {
    let mut errors = errors::Errors::default();
    let attr = parse::parse_input(input, &mut errors);
    let written = validate::written(&attr);
    let result = written.with_input(|policy| {
        let checked = validate::validate(&attr, policy, &mut errors);
        // `check_policy` refuses a policy only with a reason, which `errors` then holds.
        errors.finish()?;
        let checked = checked.ok_or_else(|| {
            syn::Error::new(input.ident.span(), "the `#[cors]` policy is invalid")
        })?;
        Ok::<R, syn::Error>(f(&attr, &checked))
    })?;
    Ok((attr, written, result))
}

#[cfg(test)]
mod tests;
