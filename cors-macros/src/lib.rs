//! The `#[derive(Cors)]` macro of `checked-cors`, which documents it: parse the `#[cors(...)]`
//! attribute, validate it with `checked-cors-rules`, expand it to a `static` policy.

mod env;
mod errors;
mod expand;
mod parse;
mod validate;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Implements `checked_cors::CorsPolicy` from a `#[cors(...)]` attribute; see `checked_cors::Cors`.
#[proc_macro_derive(Cors, attributes(cors))]
pub fn derive_cors(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

/// The whole pipeline over `proc_macro2` tokens: the impl, or every error and a fallback impl.
fn derive(input: &DeriveInput) -> proc_macro2::TokenStream {
    let mut errors = errors::Errors::default();
    let attr = parse::parse_input(input, &mut errors);
    let written = validate::Written::new(&attr);
    let refs = written.refs();
    let checked = validate::validate(&attr, &written, &refs, &mut errors);
    // `check_policy` refuses a policy only with a reason, which `errors` then holds.
    let result = errors.finish().and_then(|()| {
        checked
            .ok_or_else(|| syn::Error::new(input.ident.span(), "the `#[cors]` policy is invalid"))
    });
    match result {
        Ok(policy) => expand::derive(input, &policy, validate::env_var(&attr)),
        Err(error) => {
            let mut tokens = error.into_compile_error();
            tokens.extend(expand::fallback(input));
            tokens
        }
    }
}

#[cfg(test)]
mod tests;
