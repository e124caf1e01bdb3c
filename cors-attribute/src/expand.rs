//! A checked policy -> `impl ::checked_cors::CorsPolicy`: the static serialization of the model
//! `checked_cors_rules::check_policy` returns (`PolicyBuilder` writes the owned one), every list
//! pre-rendered and the exact origins in the hash table validation built.

use checked_cors_rules::{
    CheckedOrigins, CheckedPolicy, HeaderNames, Methods, Pattern, PortPattern,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{Generics, Ident};

/// The impl for `ident`, and the item that makes Cargo track `env`, the variable of
/// `origins = env("NAME")`.
pub(crate) fn derive(
    ident: &Ident,
    generics: &Generics,
    policy: &CheckedPolicy,
    env: Option<String>,
) -> TokenStream {
    let write_origins = origins(&policy.write_origins);
    let origins = origins(&policy.origins);
    let (methods, any_method) = match &policy.methods {
        Methods::Any => (texts::<&str>(&[]), true),
        Methods::Names(methods) => (texts(methods), false),
    };
    let allow_methods = policy.allow_methods();
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
    let cross_origin_writes = policy.cross_origin_writes;
    let tracking = env.as_deref().map(crate::env::tracking);
    let mut tokens = impl_policy(
        ident,
        generics,
        quote! {
            ::checked_cors::__private::policy(
                #origins,
                #methods,
                #any_method,
                #allow_methods,
                #headers,
                #expose,
                #credentials,
                #max_age,
                #private_network,
                #write_origins,
                #cross_origin_writes,
            )
        },
    );
    tokens.extend(tracking);
    tokens
}

/// The impl emitted beside the errors of an invalid policy, so that the user sees those errors and
/// not also "`CorsPolicy` is not implemented" wherever the type is used. It allows nothing.
pub(crate) fn fallback(ident: &Ident, generics: &Generics) -> TokenStream {
    impl_policy(ident, generics, quote!(::checked_cors::__private::NOTHING))
}

/// The policy does not depend on the type's generic parameters, so a `static` inside the generic
/// function is allowed and shared by every instantiation.
fn impl_policy(ident: &Ident, generics: &Generics, policy: TokenStream) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::checked_cors::CorsPolicy for #ident #ty_generics #where_clause {
            fn policy() -> &'static ::checked_cors::Policy<'static> {
                static POLICY: ::checked_cors::Policy<'static> = #policy;
                &POLICY
            }

            ::checked_cors::__prepared!();
        }
    }
}

/// `&[Text::Static("a"), ...]`.
fn texts<S: AsRef<str>>(items: &[S]) -> TokenStream {
    let items = items.iter().map(AsRef::as_ref);
    quote!(&[#(::checked_cors::__private::Text::Static(#items)),*])
}

fn origins(origins: &CheckedOrigins) -> TokenStream {
    let CheckedOrigins::List {
        exact,
        table,
        patterns,
        null,
    } = origins
    else {
        return quote!(::checked_cors::Origins::Any);
    };
    let exact = texts(exact);
    let slots = table
        .slots
        .iter()
        .map(|&slot| Literal::u32_unsuffixed(slot));
    let seed = Literal::u64_suffixed(table.seed);
    let max_probes = Literal::u32_suffixed(table.max_probes);
    let count = patterns.len();
    let patterns = patterns.iter().map(pattern);
    // A named `static`: a reference to a temporary built by a `const fn` is not extended to
    // `'static`, as the reference to a literal array is.
    quote! {
        {
            static PATTERNS: [::checked_cors::OriginPattern<'static>; #count] = [#(#patterns),*];
            ::checked_cors::__private::origins(
                #exact, &[#(#slots),*], #seed, #max_probes, &PATTERNS, #null,
            )
        }
    }
}

fn pattern(pattern: &Pattern) -> TokenStream {
    let (scheme, host, subdomains, port) = match *pattern {
        Pattern::Subdomains { scheme, base, port } => (scheme, base, true, port),
        Pattern::AnyPort { scheme, host } => (scheme, host, false, PortPattern::Any),
    };
    let port = match port {
        PortPattern::Default => quote!(::checked_cors::__private::PortMatch::Default),
        PortPattern::Exact(port) => quote! {
            ::checked_cors::__private::PortMatch::Exact(::checked_cors::__private::Text::Static(#port))
        },
        PortPattern::Any => quote!(::checked_cors::__private::PortMatch::Any),
    };
    quote!(::checked_cors::__private::pattern(#scheme, #host, #subdomains, #port))
}

/// Header names compare ignoring case; they are stored and sent in lower case.
fn header_list(names: &HeaderNames) -> TokenStream {
    match names {
        HeaderNames::Any => quote!(::checked_cors::HeaderList::Any),
        HeaderNames::AnyWithAuthorization => {
            quote!(::checked_cors::HeaderList::AnyWithAuthorization)
        }
        HeaderNames::Names(list) if list.is_empty() => quote!(::checked_cors::HeaderList::NONE),
        HeaderNames::Names(list) => {
            let rendered = names.rendered().unwrap_or_default();
            let list = texts(list);
            quote!(::checked_cors::__private::header_names(#list, #rendered))
        }
    }
}
