//! Adversarial origins, a reference model, property tests and fuzz corpus replay.
//!
//! The library holds what the tests and the fuzz targets (in `fuzz/`) share: the [`model`], the
//! [`check`]s applied to every decision, the [`policies`] under attack, and the fuzz entry
//! points, [`fuzz_check`], [`fuzz_check_live`] and [`fuzz_check_attribute`], so that stable CI
//! replays the fuzz corpus with exactly the logic the fuzzer ran.

pub mod check;
pub mod live;
pub mod model;
pub mod policies;

pub use live::{fuzz_check_live, try_fuzz_check_live};

use checked_cors::{CorsRequest, Header};

/// Separates the fields of a fuzz input; `0xFF` never occurs in UTF-8, so any text fits in a field.
pub const FIELD_SEPARATOR: u8 = 0xFF;

/// Decodes a fuzz input into the index of a policy of [`policies::all`] and a request:
///
/// - byte 0 picks the policy (modulo their number);
/// - byte 1 has, for `Origin`, `-Request-Method`, `-Request-Headers` and
///   `-Request-Private-Network` in that order, bits 0-3 "sent twice" and bits 4-7 "absent";
/// - the rest is the method, then those four values, separated by [`FIELD_SEPARATOR`]; a missing
///   field is empty;
/// - then, optionally, `Sec-Fetch-Site` and the host, absent when missing.
pub fn decode_fuzz_input(data: &[u8]) -> (usize, CorsRequest<'_>) {
    let (selector, flags, rest) = match data {
        [selector, flags, rest @ ..] => (*selector, *flags, rest),
        [selector] => (*selector, 0, &[][..]),
        [] => (0, 0, &[][..]),
    };
    let mut fields = rest.split(|&b| b == FIELD_SEPARATOR);
    let method = fields.next().unwrap_or_default();
    let mut header = |bit: u8| {
        let value = fields.next().unwrap_or_default();
        if flags & (1 << (bit + 4)) != 0 {
            Header::Absent
        } else if flags & (1 << bit) != 0 {
            Header::Many
        } else {
            Header::One(value)
        }
    };
    let request = CorsRequest {
        method,
        origin: header(0),
        request_method: header(1),
        request_headers: header(2),
        request_private_network: header(3),
        // Fields past the fifth were added later; corpora written before them leave them absent.
        sec_fetch_site: fields.next().map_or(Header::Absent, Header::One),
        host: fields.next().map_or(Header::Absent, Header::One),
    };
    (usize::from(selector) % policies::all().len(), request)
}

/// Encodes a request for [`decode_fuzz_input`] (to write seed inputs), with every header present
/// once.
pub fn encode_fuzz_input(policy: u8, fields: [&[u8]; 5]) -> Vec<u8> {
    let mut out = vec![policy, 0];
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(FIELD_SEPARATOR);
        }
        out.extend_from_slice(field);
    }
    out
}

/// The differential check of the `evaluate` fuzz target: decodes `data`, evaluates the request and
/// compares the decision with the reference model and the invariants. Panics on disagreement.
pub fn fuzz_check(data: &[u8]) {
    if let Err(problem) = try_fuzz_check(data) {
        panic!("{problem}");
    }
}

/// [`fuzz_check`], returning the disagreement instead of panicking.
pub fn try_fuzz_check(data: &[u8]) -> Result<(), String> {
    let (index, request) = decode_fuzz_input(data);
    let case = &policies::all()[index];
    check::evaluate_and_check(&case.spec, &case.policy, &request)
        .map_err(|problem| format!("policy {:?}: {problem}", case.name))
}

#[cfg(feature = "attribute")]
/// The check of the `attribute` fuzz target: runs the derive (`checked_cors_attribute::derive`)
/// on `#[cors(<data>)] struct Api;`. They must not panic, and a policy the
/// macro accepts must also be accepted by `PolicyBuilder`, which applies the same rules at run
/// time. Inputs that are not UTF-8 or do not lex as Rust tokens are skipped, as rustc would stop
/// before the macro.
pub fn fuzz_check_attribute(data: &[u8]) {
    if let Err(problem) = try_fuzz_check_attribute(data) {
        panic!("{problem}");
    }
}

#[cfg(feature = "attribute")]
/// [`fuzz_check_attribute`], returning the disagreement instead of panicking.
pub fn try_fuzz_check_attribute(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() else {
        return Ok(());
    };
    let Ok(input) = syn::parse2::<syn::DeriveInput>(quote::quote!(
        #[cors(#tokens)]
        struct Api;
    )) else {
        return Ok(());
    };
    // What the macro runs, errors and fallback impl included; then the checked policy it expanded.
    let _expansion = checked_cors_attribute::derive(&input);
    let Ok(attribute) = checked_cors_attribute::parse_and_check(&input) else {
        return Ok(());
    };
    attribute
        .with_policy(|policy, _| checked_cors::PolicyBuilder::from_input(policy))
        .build()
        .map(|_| ())
        .map_err(|e| format!("the macro accepts `{text}`, PolicyBuilder refuses it: {e}"))
}

pub use cors_test_support::{adversarial_origins, decode_vector_line, vectors};
