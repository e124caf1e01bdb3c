//! The `#[derive(Cors)]` macro of `checked-cors`, which documents it. A shell over
//! `checked-cors-attribute`, which holds the whole pipeline (parse the `#[cors(...)]` attribute,
//! validate it with `checked-cors-rules`, expand it to a `static` policy) as a library that tools
//! and tests can link, which a proc-macro crate cannot be.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Implements `checked_cors::CorsPolicy` from a `#[cors(...)]` attribute; see `checked_cors::Cors`.
#[proc_macro_derive(Cors, attributes(cors))]
pub fn derive_cors(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    checked_cors_attribute::derive(&input).into()
}
