//! Punycode (RFC 3492): the parameters and bias adaptation shared by the encoder of the Public
//! Suffix List index (`psl.rs`) and the decoder that checks the `xn--` labels of policy hosts.
//! Neither allocates.

/// Punycode's parameters (RFC 3492, section 5).
pub(crate) const BASE: u32 = 36;
/// See [`BASE`].
pub(crate) const T_MIN: u32 = 1;
/// See [`BASE`].
pub(crate) const T_MAX: u32 = 26;
/// See [`BASE`].
const SKEW: u32 = 38;
/// See [`BASE`].
const DAMP: u32 = 700;
/// See [`BASE`].
pub(crate) const INITIAL_BIAS: u32 = 72;
/// See [`BASE`].
pub(crate) const INITIAL_N: u32 = 0x80;

/// The most code points a decoded label may have: a label has at most 63 bytes, and each code
/// point takes at least one.
const MAX_LABEL: usize = 63;

/// Adapts the bias after a delta is written or read (RFC 3492, section 6.1).
pub(crate) const fn adapt(delta: u32, handled: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / handled;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// The punycode digit for a value below [`BASE`]: `a` to `z`, then `0` to `9`.
#[cfg(feature = "alloc")]
pub(crate) const fn digit(value: u32) -> u8 {
    if value < 26 {
        b'a' + value as u8
    } else {
        b'0' + (value - 26) as u8
    }
}

/// The value of a punycode digit, which is case-insensitive (RFC 3492, section 5).
fn value_of(byte: u8) -> Option<u32> {
    match byte.to_ascii_lowercase() {
        byte @ b'a'..=b'z' => Some(u32::from(byte - b'a')),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 26),
        _ => None,
    }
}

/// Whether `label` (the whole label, `xn--` included, in any case: upper case is a violation of
/// its own) is an `xn--` label the URL standard's host parser accepts: its punycode decodes (RFC 3492, section 6.2), to a label holding at least one
/// non-ASCII character, none of them a surrogate, a control, a space or an upper-case letter (which
/// IDNA maps to lower case, so no URL keeps one). The full IDNA validity check needs Unicode tables this crate does
/// not carry; this one refuses what the URL parser refuses for a broken encoding.
pub(crate) fn is_valid_xn_label(label: &[u8]) -> bool {
    let (prefix, encoded) = label.split_at(label.len().min(4));
    if !prefix.eq_ignore_ascii_case(b"xn--") {
        return true;
    }
    let mut output = [0u32; MAX_LABEL];
    let Some(len) = decode(encoded, &mut output) else {
        return false;
    };
    let decoded = &output[..len];
    decoded.iter().any(|&c| c >= INITIAL_N)
        && decoded.iter().all(|&c| {
            char::from_u32(c).is_some_and(|c| {
                let c = c.to_ascii_lowercase();
                !c.is_uppercase() && !c.is_control() && !c.is_whitespace()
            })
        })
}

/// Decodes `input` into `output`, returning how many code points it holds; `None` for an invalid
/// encoding or one longer than [`MAX_LABEL`] code points. Every step is checked, so a hostile
/// label cannot overflow.
fn decode(input: &[u8], output: &mut [u32; MAX_LABEL]) -> Option<usize> {
    let (basic, digits) = match input.iter().rposition(|&b| b == b'-') {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => (&[][..], input),
    };
    if basic.len() > MAX_LABEL || !basic.is_ascii() {
        return None;
    }
    let mut len = 0;
    for &b in basic {
        output[len] = u32::from(b);
        len += 1;
    }
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut rest = digits;
    while !rest.is_empty() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let (&byte, tail) = rest.split_first()?;
            rest = tail;
            let digit = value_of(byte)?;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                T_MIN
            } else if k >= bias + T_MAX {
                T_MAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let count = u32::try_from(len + 1).ok()?;
        bias = adapt(i - old_i, count, old_i == 0);
        n = n.checked_add(i / count)?;
        i %= count;
        if len == MAX_LABEL || n > 0x10_ffff {
            return None;
        }
        let at = i as usize;
        output.copy_within(at..len, at + 1);
        output[at] = n;
        len += 1;
        i += 1;
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(label: &str) -> Option<std::string::String> {
        let mut output = [0u32; MAX_LABEL];
        let len = decode(label.as_bytes(), &mut output)?;
        output[..len].iter().map(|&c| char::from_u32(c)).collect()
    }

    extern crate std;

    #[test]
    fn decodes_rfc_3492_samples() {
        assert_eq!(decoded("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(decoded("p1ai").as_deref(), Some("рф"));
        assert_eq!(decoded("55qx5d").as_deref(), Some("公司"));
        assert_eq!(decoded("mnchen-3ya").as_deref(), Some("münchen"));
        assert_eq!(decoded("BCHER-KVA").as_deref(), Some("BüCHER"));
    }

    #[test]
    fn checks_xn_labels() {
        for ok in [
            "xn--bcher-kva",
            "xn--p1ai",
            "xn--55qx5d",
            "example",
            "ab--cd",
            "XN--BCHER-KVA",
            "xn--ls8h",
            "xn--a_b-kva",
        ] {
            assert!(is_valid_xn_label(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "xn--",
            "xn--abc",
            "xn--a-",
            "xn--a",
            "xn--bcher-kva!",
            "xn--99999999999",
        ] {
            assert!(!is_valid_xn_label(bad.as_bytes()), "{bad}");
        }
    }
}
