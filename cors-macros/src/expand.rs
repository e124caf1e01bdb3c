//! [`Policy`] -> `impl ::cors_core::CorsPolicy`, the policy a `static` with every list pre-rendered
//! and the exact origins in a hash table built here, at compile time.

use crate::validate::{Names, Policy};
use cors_rules::{
    build_table, check_origin, render_header_names, render_list, HostPattern, OriginSpec,
    PortPattern, DEFAULT_METHODS,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::DeriveInput;

pub(crate) fn derive(input: &DeriveInput, policy: &Policy) -> TokenStream {
    let origins = origins(&policy.origins);
    let methods: Vec<&str> = match &policy.methods {
        Some(methods) => methods.iter().map(String::as_str).collect(),
        None => DEFAULT_METHODS.to_vec(),
    };
    let allow_methods = render_list(&methods);
    let headers = header_list(&policy.headers);
    let expose = header_list(&policy.expose);
    let credentials = policy.credentials;
    let max_age = match policy.max_age {
        Some(seconds) => {
            let seconds = seconds.to_string();
            quote!(::core::option::Option::Some(#seconds))
        }
        None => quote!(::core::option::Option::None),
    };
    let private_network = policy.private_network;
    let tracking = policy.env.as_deref().map(crate::env::tracking);
    let mut tokens = impl_policy(
        input,
        quote! {
            ::cors_core::Policy::__from_parts(
                #origins,
                &[#(#methods),*],
                #allow_methods,
                #headers,
                #expose,
                #credentials,
                #max_age,
                #private_network,
            )
        },
    );
    tokens.extend(tracking);
    tokens
}

/// The impl emitted beside the errors of an invalid policy, so that the user sees those errors and
/// not also "`CorsPolicy` is not implemented" wherever the type is used. It allows nothing.
pub(crate) fn fallback(input: &DeriveInput) -> TokenStream {
    impl_policy(
        input,
        quote! {
            ::cors_core::Policy::__from_parts(
                ::cors_core::Origins::List {
                    exact: ::cors_core::OriginTable::EMPTY,
                    patterns: &[],
                    null: false,
                },
                &[],
                "",
                ::cors_core::HeaderList::NONE,
                ::cors_core::HeaderList::NONE,
                false,
                ::core::option::Option::None,
                false,
            )
        },
    )
}

/// The policy does not depend on the type's generic parameters, so a `static` inside the generic
/// function is allowed and shared by every instantiation.
fn impl_policy(input: &DeriveInput, policy: TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::cors_core::CorsPolicy for #ident #ty_generics #where_clause {
            fn policy() -> &'static ::cors_core::Policy<'static> {
                static POLICY: ::cors_core::Policy<'static> = #policy;
                &POLICY
            }
        }
    }
}

fn origins(origins: &Names) -> TokenStream {
    let Names::List(origins) = origins else {
        return quote!(::cors_core::Origins::Any);
    };
    let mut exact = Vec::new();
    let mut patterns = Vec::new();
    let mut null = false;
    for origin in origins {
        match check_origin(origin) {
            Ok(OriginSpec::Exact(origin)) => exact.push(origin),
            Ok(OriginSpec::Pattern { scheme, host, port }) => match (host, port) {
                (HostPattern::Subdomains(base), port) => {
                    let pattern = quote!(::cors_core::OriginPattern::subdomains(#scheme, #base));
                    patterns.push(match port {
                        PortPattern::Default => pattern,
                        PortPattern::Exact(port) => quote!(#pattern.with_port(#port)),
                        PortPattern::Any => quote!(#pattern.with_any_port()),
                    });
                }
                (HostPattern::Exact(host), PortPattern::Any) => {
                    patterns.push(quote!(::cors_core::OriginPattern::any_port(#scheme, #host)));
                }
                // `check_origin` calls these `Exact`; should it ever not, they are still exact.
                (HostPattern::Exact(_), PortPattern::Default | PortPattern::Exact(_)) => {
                    exact.push(origin)
                }
            },
            Ok(OriginSpec::Null) => null = true,
            // Refused by validation: never expanded.
            Ok(OriginSpec::Any) | Err(_) => {}
        }
    }
    let exact = if exact.is_empty() {
        quote!(::cors_core::OriginTable::EMPTY)
    } else {
        let table = build_table(&exact);
        let slots = table
            .slots
            .iter()
            .map(|&slot| Literal::u32_unsuffixed(slot));
        let seed = Literal::u64_suffixed(table.seed);
        let max_probes = Literal::u32_suffixed(table.max_probes);
        quote!(::cors_core::OriginTable::__hashed(&[#(#exact),*], &[#(#slots),*], #seed, #max_probes))
    };
    quote!(::cors_core::Origins::List { exact: #exact, patterns: &[#(#patterns),*], null: #null })
}

/// Header names compare ignoring case; they are stored and sent in lower case.
fn header_list(names: &Names) -> TokenStream {
    match names {
        Names::Any => quote!(::cors_core::HeaderList::Any),
        Names::List(names) if names.is_empty() => quote!(::cors_core::HeaderList::NONE),
        Names::List(names) => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let (names, rendered) = render_header_names(&names);
            quote!(::cors_core::HeaderList::Names { names: &[#(#names),*], rendered: #rendered })
        }
    }
}
