//! `Access-Control-Request-Headers`, parsed in place. The value comes from whoever sends the request,
//! so its length and entry count are bounded before any work: a comma flood costs little.

use checked_cors_rules::is_tchar;

use crate::origins::short_eq;
use crate::storage::Text;

/// The longest `Access-Control-Request-Headers` value considered; longer ones are malformed.
/// Browsers list only the unsafe headers a script set, each once: 4 KiB is far beyond any page,
/// and bounding the value keeps a hostile one as cheap as a short one.
pub const MAX_REQUEST_HEADERS_LEN: usize = 4096;

/// The most names `Access-Control-Request-Headers` may list (empty list elements included),
/// counted before any matching: a comma-flooded list cost another library (rs/cors) 127 ms and
/// 121 MB per request.
pub const MAX_REQUEST_HEADERS: usize = 64;

/// What is wrong with an `Access-Control-Request-Headers` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListError {
    TooLong,
    TooMany,
    Invalid,
}

/// What [`find_refused`] found in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan<'a> {
    /// No name at all (an empty list, or only commas and whitespace).
    Empty,
    /// Names, every one allowed.
    Allowed,
    /// The first name not allowed.
    Refused(&'a str),
}

/// Calls `allowed` with every name of the comma-separated list (optional whitespace around
/// commas, empty elements skipped as RFC 9110 section 5.6.1 asks), stopping at the first `false`
/// and returning that name. The first element that is malformed or refused decides.
///
/// `allowed` must say `true` only of tokens (a policy's names are tokens, and so is any name
/// equal to one but for ASCII case; "any header" checks the bytes itself). Then an element need
/// not be checked byte by byte when it is allowed, only when it is not, to tell a malformed
/// element from a refused name: finding the commas eight bytes at a time and comparing whole
/// names costs a fraction of reading every byte as a token's (measured on every preflight that
/// asks for headers).
pub(crate) fn find_refused(
    value: &[u8],
    allowed: impl FnMut(&[u8]) -> bool,
) -> Result<Scan<'_>, ListError> {
    check_bounds(value)?;
    scan(value, allowed)
}

/// [`find_refused`] for a policy that lists `names` (in lower case): the elements at the
/// start of the list that are exactly one of them, as browsers send them (lower case, commas,
/// no whitespace), are passed over without the search for their comma, and the rest is
/// scanned as `find_refused` scans it. The answer is `find_refused`'s: such an element is one
/// that `allowed` allows.
pub(crate) fn find_refused_listed<'v>(
    value: &'v [u8],
    names: &[Text<'_>],
    allowed: impl FnMut(&[u8]) -> bool,
) -> Result<Scan<'v>, ListError> {
    check_bounds(value)?;
    let mut rest = value;
    let mut found = Scan::Empty;
    'elements: while !rest.is_empty() {
        for name in names {
            let name = name.as_bytes();
            let exact = rest
                .get(..name.len())
                .is_some_and(|start| short_eq(start, name));
            if exact && matches!(rest.get(name.len()), None | Some(b',')) {
                rest = rest.get(name.len() + 1..).unwrap_or_default();
                found = Scan::Allowed;
                continue 'elements;
            }
        }
        break;
    }
    match scan(rest, allowed)? {
        Scan::Empty => Ok(found),
        scanned => Ok(scanned),
    }
}

/// The bounds on a list's length and entry count, checked on the whole value before any
/// matching, so that the answer does not depend on where a flood starts.
fn check_bounds(value: &[u8]) -> Result<(), ListError> {
    if value.len() > MAX_REQUEST_HEADERS_LEN {
        return Err(ListError::TooLong);
    }
    // (A value shorter than the bound cannot hold that many commas: skip the count.)
    if value.len() >= MAX_REQUEST_HEADERS
        && value.iter().filter(|&&b| b == b',').count() >= MAX_REQUEST_HEADERS
    {
        return Err(ListError::TooMany);
    }
    Ok(())
}

/// [`find_refused`]'s loop over the elements of `value`.
#[inline]
fn scan(value: &[u8], mut allowed: impl FnMut(&[u8]) -> bool) -> Result<Scan<'_>, ListError> {
    let mut found = Scan::Empty;
    let mut rest = value;
    loop {
        let end = next_comma(rest);
        let name = trim_whitespace(&rest[..end]);
        if !name.is_empty() {
            if !allowed(name) {
                // A space inside the element, or any other byte no token has, makes it malformed.
                if !name.iter().all(|&b| is_tchar(b)) {
                    return Err(ListError::Invalid);
                }
                // A token is ASCII, so this cannot fail; were it to, the list is still refused
                // (never allowed for want of a name to show).
                return Ok(Scan::Refused(core::str::from_utf8(name).unwrap_or("?")));
            }
            debug_assert!(name.iter().all(|&b| is_tchar(b)), "allowed a non-token");
            found = Scan::Allowed;
        }
        if end == rest.len() {
            return Ok(found);
        }
        rest = &rest[end + 1..];
    }
}

/// The position of the first `,` in `bytes`, or its length: eight bytes at a time.
#[inline]
fn next_comma(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        // A byte of `x` is zero where `bytes` has a comma; `(x - 1) & !x` sets the high bit of
        // the first zero byte (bytes after it may be flagged falsely, hence the search below).
        let x = u64::from_ne_bytes(word) ^ (ONES * u64::from(b','));
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            break;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|&b| b == b',')
        .unwrap_or(bytes.len() - at)
}

/// `bytes` without the spaces and tabs at either end.
#[inline]
fn trim_whitespace(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(value: &str, allowed: &[&str]) -> Result<Option<&'static str>, ListError> {
        let value: &'static str = std::boxed::Box::leak(value.into());
        let scan = find_refused(value.as_bytes(), |name| {
            allowed
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
        })?;
        Ok(match scan {
            Scan::Refused(name) => Some(name),
            Scan::Empty | Scan::Allowed => None,
        })
    }

    /// The list as first parsed (split on commas, trimmed, each element a token), to compare
    /// the one-pass parser with.
    fn split_reference(value: &[u8], allowed: &[&str]) -> Result<Scan<'static>, ListError> {
        let value: &'static [u8] = std::boxed::Box::leak(value.into());
        if value.len() > MAX_REQUEST_HEADERS_LEN {
            return Err(ListError::TooLong);
        }
        if value.iter().filter(|&&b| b == b',').count() >= MAX_REQUEST_HEADERS {
            return Err(ListError::TooMany);
        }
        let mut found = Scan::Empty;
        for element in value.split(|&b| b == b',') {
            let name = trim_ows(element);
            if name.is_empty() {
                continue;
            }
            if !name.iter().all(|&b| is_tchar(b)) {
                return Err(ListError::Invalid);
            }
            if !allowed
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
            {
                return Ok(Scan::Refused(core::str::from_utf8(name).unwrap()));
            }
            found = Scan::Allowed;
        }
        Ok(found)
    }

    fn trim_ows(mut bytes: &[u8]) -> &[u8] {
        while let [b' ' | b'\t', rest @ ..] = bytes {
            bytes = rest;
        }
        while let [rest @ .., b' ' | b'\t'] = bytes {
            bytes = rest;
        }
        bytes
    }

    #[test]
    fn one_pass_agrees_with_splitting() {
        // Every list of up to five symbols from an alphabet of the bytes that matter: both
        // parsers, and the one that first passes over names listed exactly, must give the same
        // answer, the same refused name included.
        let alphabet: &[u8] = b"aAb ,\t;\xe9";
        let allowed = ["a", "aa", "ab"];
        let listed = allowed.map(Text::Static);
        let mut list = std::vec::Vec::new();
        for len in 0..=5u32 {
            for mut code in 0..alphabet.len().pow(len) {
                list.clear();
                for _ in 0..len {
                    list.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                let leaked: &'static [u8] = std::boxed::Box::leak(list.clone().into());
                let scan = find_refused(leaked, |name| {
                    allowed
                        .iter()
                        .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
                });
                let reference = split_reference(&list, &allowed);
                assert_eq!(scan, reference, "{}", leaked.escape_ascii());
                let scan = find_refused_listed(leaked, &listed, |name| {
                    allowed
                        .iter()
                        .any(|a| a.as_bytes().eq_ignore_ascii_case(name))
                });
                assert_eq!(scan, reference, "listed: {}", leaked.escape_ascii());
            }
        }
    }

    #[test]
    fn parses_lists_as_clients_send_them() {
        let allowed = ["content-type", "x-api-key"];
        assert_eq!(refused("content-type,x-api-key", &allowed), Ok(None));
        assert_eq!(refused(" Content-Type ,\tX-API-Key ", &allowed), Ok(None));
        assert_eq!(refused("content-type,,x-api-key,", &allowed), Ok(None));
        assert_eq!(refused("", &allowed), Ok(None));
        assert_eq!(refused("content-type,x-foo", &allowed), Ok(Some("x-foo")));
    }

    #[test]
    fn refuses_malformed_and_oversized_lists() {
        let allowed = ["a"];
        assert_eq!(refused("a b", &allowed), Err(ListError::Invalid));
        assert_eq!(refused("a;b", &allowed), Err(ListError::Invalid));
        assert_eq!(refused("é", &allowed), Err(ListError::Invalid));
        assert_eq!(
            refused(&",".repeat(MAX_REQUEST_HEADERS), &allowed),
            Err(ListError::TooMany)
        );
        assert_eq!(
            refused(&"a".repeat(MAX_REQUEST_HEADERS_LEN + 1), &allowed),
            Err(ListError::TooLong)
        );
        assert_eq!(
            refused(&["a"; MAX_REQUEST_HEADERS].join(","), &allowed),
            Ok(None)
        );
    }
}
