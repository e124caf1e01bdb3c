//! Public Suffix List lookups, used to refuse wildcard origins such as `https://*.com`,
//! `https://*.co.uk` or `https://*.github.io`, whose subdomains belong to unrelated parties.
//!
//! The list (<https://publicsuffix.org/list/>, both its ICANN and its PRIVATE section) is vendored
//! verbatim in `data/public_suffix_list.dat` and indexed by `const fn`s into a `static` hash
//! table while this crate compiles. A `no_std` crate that forbids `unsafe` has no way to build
//! such an index lazily at run time, and a scan of the whole text per lookup would be too slow,
//! so the index costs about two seconds of compile time instead. A lookup then hashes at most
//! four candidate rules and compares a few slots, without allocating.
//!
//! Rules written in Unicode (`рф`, `公司.cn`) are indexed under their punycode form (`xn--p1ai`,
//! `xn--55qx5d.cn`), the form hosts take in serialized origins.
//!
//! The list is not this crate's work and not under its license: it is © its contributors and
//! licensed under the Mozilla Public License 2.0, as its first lines say. `data/README.md` states
//! what that means for this crate and its users, and how to update the file.
//!
//! Why not the `psl` crate, which is `no_std`, MIT/Apache and released for every update of the
//! list: it was measured to more than double this crate's build (`data/README.md` has the
//! figures), so it is only a dev-dependency, and a test checks that the vendored list and `psl`
//! give the same answer for every rule of the list.

use crate::punycode::{adapt, digit, BASE, INITIAL_BIAS, INITIAL_N, T_MAX, T_MIN};

/// The vendored Public Suffix List, in its published format
/// (<https://github.com/publicsuffix/list/wiki/Format>).
const LIST: &str = include_str!("../data/public_suffix_list.dat");

/// The longest domain name or rule handled, in bytes. Domain names have at most 253 bytes in
/// text form, so an exception rule's `!` or a wildcard's `*.` still fits.
const MAX_NAME: usize = 256;

/// The most characters a Unicode label may have. DNS labels have at most 63 bytes, and bounding
/// the label also bounds the punycode arithmetic well below `u32::MAX`.
const MAX_LABEL: usize = 63;

/// The number of slots in [`TABLE`], a power of two at least twice the number of rules so that
/// linear probing stays short. The list has about 10,400 rules; building the table fails to
/// compile, saying so, if an updated list ever outgrows it.
const SLOTS: usize = 1 << 15;

/// The hash table of every rule in [`LIST`], indexed by [`hash`] of the rule's ASCII form, with
/// linear probing. A slot holds `offset << 8 | length` of the rule's text in [`LIST`], or 0 when
/// empty (no rule is empty).
static TABLE: [u32; SLOTS] = build_table(&[PART_0, PART_1, PART_2, PART_3]);

/// How many parts [`LIST`] is scanned in. The compiler gives each `const` a budget of about two
/// million interpreted steps (the `long_running_const_eval` lint), which one pass over the whole
/// list exceeds; a quarter takes well under half of it, leaving room for the list to grow.
const PARTS: usize = 4;

/// The most rules one part may hold; the busiest part has about 5,200.
const PART_CAPACITY: usize = 1 << 13;

/// The rules of the first quarter of [`LIST`]; see [`PARTS`].
const PART_0: Part = scan_part(LIST.as_bytes(), 0);
/// The rules of the second quarter of [`LIST`].
const PART_1: Part = scan_part(LIST.as_bytes(), 1);
/// The rules of the third quarter of [`LIST`].
const PART_2: Part = scan_part(LIST.as_bytes(), 2);
/// The rules of the last quarter of [`LIST`].
const PART_3: Part = scan_part(LIST.as_bytes(), 3);

/// Returns whether `domain` is itself a public suffix, so that a wildcard `*.{domain}` would match
/// hosts owned by unrelated parties.
///
/// `domain` is a host name such as `co.uk` or `xn--p1ai`, compared without regard to ASCII case;
/// Unicode labels are converted to punycode first (but not otherwise IDNA-mapped), and one
/// trailing dot is ignored. The rules are those of the Public Suffix List format
/// (<https://github.com/publicsuffix/list/wiki/Format>): normal rules (`co.uk`), wildcard rules
/// (`*.ck`), exception rules (`!www.ck`), and the implicit `*` rule that makes every top-level
/// domain a public suffix, listed or not. As in the list's own tests, a wildcard rule also makes
/// its parent public: `*.0e.vc` makes `0e.vc` public. `localhost` is the one exception: it is
/// never a public suffix, so that developers may allow `http://*.localhost:*`.
///
/// Anything that is not a host name (an empty string, an empty label, a `*`) is not a public
/// suffix.
///
/// ```
/// use checked_cors_rules::is_public_suffix;
///
/// assert!(is_public_suffix("co.uk"));
/// assert!(is_public_suffix("github.io"));
/// assert!(!is_public_suffix("example.co.uk"));
/// assert!(!is_public_suffix("localhost"));
/// ```
pub fn is_public_suffix(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let Some(name) = to_ascii(domain.as_bytes()) else {
        return false;
    };
    let name = name.as_bytes();
    if !is_host_name(name) || name == b"localhost" {
        return false;
    }
    // An exception rule prevails over every other rule and makes the parent the public suffix.
    if is_listed(b"!", name) {
        return false;
    }
    match name.iter().position(|&b| b == b'.') {
        // The implicit `*` rule: every top-level domain is a public suffix.
        None => true,
        // A wildcard rule `*.{name}` makes `name` public too: the list's own tests and linter
        // read it so (publicsuffix/list issue #1989), and a wildcard origin over it would
        // match hosts of unrelated parties all the same.
        Some(dot) => {
            is_listed(b"", name) || is_listed(b"*", &name[dot..]) || is_listed(b"*.", name)
        }
    }
}

/// Returns whether every label of `name` is non-empty and made of ASCII letters, digits, `-` or
/// `_`, so that a `*` or `!` in the input can never match a wildcard or exception rule's text.
fn is_host_name(name: &[u8]) -> bool {
    name.split(|&b| b == b'.').all(|label| {
        !label.is_empty()
            && label
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Returns whether the rule `prefix` followed by `name` (an ASCII name) is in [`TABLE`].
fn is_listed(prefix: &[u8], name: &[u8]) -> bool {
    let mut candidate = AsciiName::EMPTY;
    for &byte in prefix.iter().chain(name) {
        candidate = candidate.push(byte.to_ascii_lowercase());
    }
    if candidate.overflow {
        return false;
    }
    let candidate = candidate.as_bytes();
    let mut slot = hash(candidate) as usize;
    // The table is at most half full, so an empty slot always ends the probe; the bound only
    // keeps termination obvious.
    for _ in 0..SLOTS {
        slot &= SLOTS - 1;
        match TABLE[slot] {
            0 => return false,
            entry if rule_matches(entry, candidate) => return true,
            _ => slot += 1,
        }
    }
    false
}

/// Returns whether the rule stored in a [`TABLE`] slot is `candidate`, an ASCII name.
fn rule_matches(entry: u32, candidate: &[u8]) -> bool {
    let start = (entry >> 8) as usize;
    let end = start + (entry & 0xff) as usize;
    let Some(rule) = LIST.as_bytes().get(start..end) else {
        return false;
    };
    if rule.is_ascii() {
        rule.eq_ignore_ascii_case(candidate)
    } else {
        to_ascii(rule).is_some_and(|rule| rule.as_bytes() == candidate)
    }
}

/// The rules found in one part of [`LIST`], each as its [`hash`] and its [`TABLE`] entry.
#[derive(Clone, Copy)]
struct Part {
    /// The hashes and entries, of which the first `len` are used.
    rules: [(u32, u32); PART_CAPACITY],
    /// How many rules were found.
    len: usize,
}

/// Finds the rules of part `part` of `list`: on each line that starts in the part and is neither
/// blank nor a `//` comment, the text up to the first whitespace (or other ASCII control
/// character).
const fn scan_part(list: &[u8], part: usize) -> Part {
    let mut found = Part {
        rules: [(0, 0); PART_CAPACITY],
        len: 0,
    };
    let part_end = part_start(list, part + 1);
    let mut i = part_start(list, part);
    while i < part_end {
        let start = i;
        if is_comment(list, start) {
            i = next_line(list, start);
            continue;
        }
        // Hash while scanning, as compile-time evaluation is slow and the scan has to happen
        // anyway; only the few Unicode rules are hashed again, once converted. The byte tests
        // are written out rather than calling `u8` methods, which makes the compiler's
        // evaluation of this loop, the bulk of the crate's build time, about twice as fast.
        let mut hashed = FNV_OFFSET;
        let mut ascii = true;
        while i < list.len() && list[i] > b' ' {
            let mut byte = list[i];
            if byte >= b'A' && byte <= b'Z' {
                byte += b'a' - b'A';
            }
            hashed = fnv1a(hashed, byte);
            ascii &= byte < 0x80;
            i += 1;
        }
        let end = i;
        i = next_line(list, end);
        if start == end {
            continue;
        }
        if !ascii {
            let (before_end, _) = list.split_at(end);
            let (_, rule) = before_end.split_at(start);
            match to_ascii(rule) {
                Some(name) => hashed = hash(name.as_bytes()),
                None => panic!("a rule of the Public Suffix List cannot be converted to ASCII"),
            }
        }
        assert!(
            found.len < PART_CAPACITY,
            "a part of the list outgrew `PART_CAPACITY`"
        );
        assert!(
            start < 1 << 24 && end - start < 1 << 8,
            "a rule is too far or too long"
        );
        found.rules[found.len] = (hashed, (start as u32) << 8 | (end - start) as u32);
        found.len += 1;
    }
    found
}

/// Returns where part `part` of `list` starts: at the first line that starts at or after
/// `part / PARTS` of its length, so that every line falls in exactly one part.
const fn part_start(list: &[u8], part: usize) -> usize {
    if part == 0 {
        return 0;
    }
    if part >= PARTS {
        return list.len();
    }
    let start = next_line(list, (list.len() / PARTS * part).saturating_sub(1));
    if start > list.len() {
        list.len()
    } else {
        start
    }
}

/// Builds [`TABLE`] from the rules of every part.
const fn build_table(parts: &[Part; PARTS]) -> [u32; SLOTS] {
    let mut table = [0; SLOTS];
    let mut rules = 0;
    let mut part = 0;
    while part < PARTS {
        let mut i = 0;
        while i < parts[part].len {
            let (hashed, entry) = parts[part].rules[i];
            rules += 1;
            assert!(rules * 2 <= SLOTS, "the Public Suffix List outgrew `SLOTS`");
            // Inserted in place: a helper taking the table by value would copy it for every rule.
            let mut slot = hashed as usize & (SLOTS - 1);
            while table[slot] != 0 {
                slot = (slot + 1) & (SLOTS - 1);
            }
            table[slot] = entry;
            i += 1;
        }
        part += 1;
    }
    table
}

/// Returns whether the line starting at `start` is a `//` comment.
const fn is_comment(list: &[u8], start: usize) -> bool {
    start + 1 < list.len() && list[start] == b'/' && list[start + 1] == b'/'
}

/// Returns the index just past the end of the line containing `i`.
const fn next_line(list: &[u8], mut i: usize) -> usize {
    while i < list.len() && list[i] != b'\n' {
        i += 1;
    }
    i + 1
}

/// The FNV-1a offset basis: the hash of no bytes.
const FNV_OFFSET: u32 = 0x811c_9dc5;

/// Adds one byte to an FNV-1a hash: small, good enough for short strings, and `const`.
const fn fnv1a(hash: u32, byte: u8) -> u32 {
    (hash ^ byte as u32).wrapping_mul(0x0100_0193)
}

/// Hashes an ASCII name, ignoring case, as [`build_table`] hashes the rules.
const fn hash(name: &[u8]) -> u32 {
    let mut hashed = FNV_OFFSET;
    let mut i = 0;
    while i < name.len() {
        hashed = fnv1a(hashed, name[i].to_ascii_lowercase());
        i += 1;
    }
    hashed
}

/// A domain name or rule in ASCII form, held in a fixed buffer so that converting one never
/// allocates and works in `const fn`s.
#[derive(Clone, Copy)]
struct AsciiName {
    /// The bytes, of which the first `len` are used.
    bytes: [u8; MAX_NAME],
    /// How many bytes are used.
    len: usize,
    /// Whether a byte did not fit; the name is then unusable.
    overflow: bool,
}

impl AsciiName {
    /// The empty name.
    const EMPTY: Self = Self {
        bytes: [0; MAX_NAME],
        len: 0,
        overflow: false,
    };

    /// Appends a byte. It takes and returns `self` by value because `const fn`s cannot take
    /// `&mut` on this crate's minimum Rust version.
    const fn push(mut self, byte: u8) -> Self {
        if self.len < MAX_NAME {
            self.bytes[self.len] = byte;
            self.len += 1;
        } else {
            self.overflow = true;
        }
        self
    }

    /// The bytes used. (`split_at` because `const fn`s cannot index a slice by a range.)
    const fn as_bytes(&self) -> &[u8] {
        self.bytes.split_at(self.len).0
    }
}

/// The ASCII (punycode) form of a host, for suggesting what to write instead of an
/// internationalized one; `None` if it cannot be converted.
pub(crate) fn ascii_host(host: &str) -> Option<alloc::string::String> {
    let name = to_ascii(host.as_bytes())?;
    core::str::from_utf8(name.as_bytes())
        .ok()
        .map(alloc::string::String::from)
}

/// Converts a domain name or rule to its ASCII form: ASCII letters lower-cased, and each label
/// with other characters replaced by `xn--` and its punycode (RFC 3492). A leading `!`, which
/// marks an exception rule, is kept apart from the first label. Returns `None` when the result
/// would not fit in [`MAX_NAME`] bytes or a label is not valid UTF-8 of at most [`MAX_LABEL`]
/// characters.
const fn to_ascii(text: &[u8]) -> Option<AsciiName> {
    let mut name = AsciiName::EMPTY;
    let mut start = 0;
    if !text.is_empty() && text[0] == b'!' {
        name = name.push(b'!');
        start = 1;
    }
    loop {
        let mut end = start;
        let mut ascii = true;
        while end < text.len() && text[end] != b'.' {
            ascii = ascii && text[end].is_ascii();
            end += 1;
        }
        if ascii {
            let mut i = start;
            while i < end {
                name = name.push(text[i].to_ascii_lowercase());
                i += 1;
            }
        } else {
            match encode_label(name, text, start, end) {
                Some(encoded) => name = encoded,
                None => return None,
            }
        }
        if end >= text.len() {
            break;
        }
        name = name.push(b'.');
        start = end + 1;
    }
    if name.overflow {
        None
    } else {
        Some(name)
    }
}

/// Decodes the UTF-8 character starting at `text[i]`, before `end`: returns it and the index
/// just past it, or `None` if the sequence is cut short or malformed. The text always comes from
/// a `str`, so this only keeps the function total; it does not validate UTF-8 fully.
const fn decode_utf8(text: &[u8], i: usize, end: usize) -> Option<(u32, usize)> {
    let lead = text[i];
    let (len, bits) = match lead {
        0x00..=0x7f => return Some((lead as u32, i + 1)),
        0xc2..=0xdf => (2, lead & 0x1f),
        0xe0..=0xef => (3, lead & 0x0f),
        0xf0..=0xf4 => (4, lead & 0x07),
        _ => return None,
    };
    if end - i < len {
        return None;
    }
    let mut char = bits as u32;
    let mut k = 1;
    while k < len {
        let byte = text[i + k];
        if byte & 0xc0 != 0x80 {
            return None;
        }
        char = char << 6 | (byte & 0x3f) as u32;
        k += 1;
    }
    if char > 0x10_ffff {
        return None;
    }
    Some((char, i + len))
}

/// Appends `xn--` and the punycode of the label `text[start..end]` (RFC 3492, section 6.3) to
/// `name`, lower-casing its ASCII letters first as IDNA does. Returns `None` if the label is not
/// UTF-8 or has more than [`MAX_LABEL`] characters.
///
/// No arithmetic can overflow: with at most [`MAX_LABEL`] characters below 0x110000, `delta`
/// stays below 0x110000 × 64.
const fn encode_label(
    mut name: AsciiName,
    text: &[u8],
    start: usize,
    end: usize,
) -> Option<AsciiName> {
    let mut chars = [0u32; MAX_LABEL];
    let mut count = 0;
    let mut i = start;
    while i < end {
        let Some((char, next)) = decode_utf8(text, i, end) else {
            return None;
        };
        if count == MAX_LABEL {
            return None;
        }
        chars[count] = if char < 0x80 {
            (char as u8).to_ascii_lowercase() as u32
        } else {
            char
        };
        count += 1;
        i = next;
    }

    name = name.push(b'x').push(b'n').push(b'-').push(b'-');
    let mut basic = 0;
    i = 0;
    while i < count {
        if chars[i] < INITIAL_N {
            name = name.push(chars[i] as u8);
            basic += 1;
        }
        i += 1;
    }
    if basic > 0 {
        name = name.push(b'-');
    }

    let mut n = INITIAL_N;
    let mut delta = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic;
    while (handled as usize) < count {
        let next = smallest_at_least(&chars, count, n);
        delta += (next - n) * (handled + 1);
        n = next;
        i = 0;
        while i < count {
            if chars[i] < n {
                delta += 1;
            } else if chars[i] == n {
                name = push_delta(name, delta, bias);
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
            i += 1;
        }
        delta += 1;
        n += 1;
    }
    Some(name)
}

/// Returns the smallest of `chars[..count]` that is at least `n`. Only called while one exists.
const fn smallest_at_least(chars: &[u32; MAX_LABEL], count: usize, n: u32) -> u32 {
    let mut smallest = u32::MAX;
    let mut i = 0;
    while i < count {
        if chars[i] >= n && chars[i] < smallest {
            smallest = chars[i];
        }
        i += 1;
    }
    smallest
}

/// Appends `delta` as a generalized variable-length integer (RFC 3492, section 3.3).
const fn push_delta(mut name: AsciiName, delta: u32, bias: u32) -> AsciiName {
    let mut q = delta;
    let mut k = BASE;
    loop {
        let t = if k <= bias {
            T_MIN
        } else if k >= bias + T_MAX {
            T_MAX
        } else {
            k - bias
        };
        if q < t {
            return name.push(digit(q));
        }
        name = name.push(digit(t + (q - t) % (BASE - t)));
        q = (q - t) / (BASE - t);
        k += BASE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icann_suffixes_are_public() {
        for domain in ["com", "uk", "co.uk", "jp", "tokyo.jp", "com.au"] {
            assert!(is_public_suffix(domain), "{domain}");
        }
    }

    #[test]
    fn private_suffixes_are_public() {
        for domain in [
            "github.io",
            "s3.amazonaws.com",
            "herokuapp.com",
            "blogspot.com",
        ] {
            assert!(is_public_suffix(domain), "{domain}");
        }
    }

    #[test]
    fn registrable_domains_are_not_public() {
        for domain in [
            "example.com",
            "example.co.uk",
            "foo.github.io",
            "bucket.s3.amazonaws.com",
            "www.example.com",
        ] {
            assert!(!is_public_suffix(domain), "{domain}");
        }
    }

    #[test]
    fn localhost_is_never_public() {
        assert!(!is_public_suffix("localhost"));
        assert!(!is_public_suffix("LocalHost"));
        assert!(!is_public_suffix("localhost."));
        assert!(!is_public_suffix("app.localhost"));
    }

    #[test]
    fn wildcard_rules_apply_to_one_label() {
        // `*.ck` is in the list.
        assert!(is_public_suffix("foo.ck"));
        assert!(is_public_suffix("ck"));
        assert!(!is_public_suffix("bar.foo.ck"));
        // `*.compute.amazonaws.com` is in the PRIVATE section.
        assert!(is_public_suffix("us-east-2.compute.amazonaws.com"));
        assert!(!is_public_suffix("host.us-east-2.compute.amazonaws.com"));
    }

    #[test]
    fn wildcard_rules_make_their_parent_public() {
        // `*.0e.vc` and `*.compute.amazonaws.com` are listed, `0e.vc` and
        // `compute.amazonaws.com` are not.
        assert!(is_public_suffix("0e.vc"));
        assert!(is_public_suffix("compute.amazonaws.com"));
        assert!(!is_public_suffix("example.vc"));
    }

    #[test]
    fn exception_rules_override_wildcards() {
        // `!www.ck` and `!city.kawasaki.jp` are in the list, beside `*.ck` and `*.kawasaki.jp`.
        assert!(!is_public_suffix("www.ck"));
        assert!(!is_public_suffix("foo.www.ck"));
        assert!(is_public_suffix("foo.kawasaki.jp"));
        assert!(!is_public_suffix("city.kawasaki.jp"));
    }

    #[test]
    fn unlisted_top_level_domains_are_public() {
        assert!(is_public_suffix("zzzzunknown"));
        assert!(!is_public_suffix("example.zzzzunknown"));
    }

    #[test]
    fn unicode_rules_match_their_punycode() {
        // `рф`, `公司.cn` and `個人.hk` are written in Unicode in the list.
        assert!(is_public_suffix("xn--p1ai"));
        assert!(is_public_suffix("xn--55qx5d.cn"));
        assert!(is_public_suffix("xn--gmqw5a.hk"));
        assert!(!is_public_suffix("xn--e1afmkfd.xn--p1ai"));
        // Unicode input is converted too.
        assert!(is_public_suffix("рф"));
        assert!(is_public_suffix("公司.cn"));
    }

    #[test]
    fn case_and_one_trailing_dot_are_ignored() {
        assert!(is_public_suffix("CO.UK"));
        assert!(is_public_suffix("GitHub.IO"));
        assert!(is_public_suffix("co.uk."));
        assert!(!is_public_suffix("Example.Co.UK"));
    }

    #[test]
    fn what_is_not_a_host_name_is_not_public() {
        for input in [
            "", ".", "..", "co..uk", ".co.uk", "co.uk..", "*", "*.ck", "!www.ck", "a b", "com:443",
            "\u{0}",
        ] {
            assert!(!is_public_suffix(input), "{input:?}");
        }
        let too_long = "a.".repeat(200) + "com";
        assert!(!is_public_suffix(&too_long));
        let label_too_long = "é".repeat(100) + ".com";
        assert!(!is_public_suffix(&label_too_long));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for input in [
            "xn--",
            "-",
            "_",
            "\u{10ffff}",
            "\u{10ffff}.\u{fffd}",
            "ﬀ.ǅ.İ",
        ] {
            is_public_suffix(input);
        }
    }

    /// Encodes one label with [`to_ascii`], for comparing with known punycode.
    fn encode(label: &str) -> alloc::string::String {
        let name = to_ascii(label.as_bytes()).expect("convertible");
        alloc::string::String::from_utf8(name.as_bytes().to_vec()).expect("ASCII")
    }

    #[test]
    fn punycode_matches_rfc_3492() {
        assert_eq!(encode("рф"), "xn--p1ai");
        assert_eq!(encode("bücher"), "xn--bcher-kva");
        assert_eq!(encode("Bücher"), "xn--bcher-kva");
        assert_eq!(encode("公司.cn"), "xn--55qx5d.cn");
        // RFC 3492, section 7.1, samples (A) and (L).
        assert_eq!(
            encode("\u{644}\u{64a}\u{647}\u{645}\u{627}\u{628}\u{62a}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64a}\u{61f}"),
            "xn--egbpdaj6bu4bxfgehfvwxn"
        );
        assert_eq!(
            encode("\u{33}\u{5e74}\u{42}\u{7d44}\u{91d1}\u{516b}\u{5148}\u{751f}"),
            "xn--3b-ww4c5e180e575a65lsy2b"
        );
    }

    /// Every rule of [`LIST`], as written (`!www.ck`, `*.ck`, `公司.cn`).
    fn rules() -> impl Iterator<Item = &'static str> {
        LIST.lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|rule| !rule.starts_with("//"))
    }

    #[test]
    fn every_rule_of_the_list_is_found() {
        let mut count = 0;
        for rule in rules() {
            count += 1;
            if let Some(exception) = rule.strip_prefix('!') {
                assert!(!is_public_suffix(exception), "{rule}");
            } else if let Some(parent) = rule.strip_prefix("*.") {
                let child = alloc::format!("zzzz.{parent}");
                assert!(is_public_suffix(&child), "{rule}");
            } else {
                assert!(is_public_suffix(rule), "{rule}");
            }
        }
        assert!(count > 10_000, "only {count} rules");
    }

    /// [`is_public_suffix`] over the `psl` crate's copy of the list instead of [`TABLE`]: the
    /// thin adapter that would replace this module, keeping its stricter choices (every
    /// top-level domain is public, and so is the parent of a wildcard rule). `psl` compiles the
    /// list into nested `match`es that are generic over the label iterator, so one closure serves
    /// both look-ups and the lookup is instantiated once.
    fn is_public_suffix_by_psl_crate(domain: &str) -> bool {
        use psl::{List, Psl};
        let domain = domain.strip_suffix('.').unwrap_or(domain);
        let Some(name) = to_ascii(domain.as_bytes()) else {
            return false;
        };
        let name = name.as_bytes();
        if !is_host_name(name) || name == b"localhost" {
            return false;
        }
        if !name.contains(&b'.') {
            return true;
        }
        // `*` is a label that no rule names: `psl` matches it only through a wildcard rule.
        let find =
            |child: Option<&'static [u8]>| List.find(name.rsplit(|&b| b == b'.').chain(child));
        // A listed rule (not the implicit `*`) covers the whole name.
        let listed = |info: psl::Info, len: usize| info.typ.is_some() && info.len == len;
        listed(find(None), name.len()) || listed(find(Some(b"*")), name.len() + 2)
    }

    #[test]
    fn the_vendored_list_agrees_with_the_psl_crate_on_every_rule() {
        let mut count = 0;
        for rule in rules() {
            let name = rule.trim_start_matches('!').trim_start_matches("*.");
            // The rule's own name, a name one label below it (what a wildcard rule matches, or
            // an exception rule's child) and each of its parents.
            let below = alloc::format!("zzzz.{name}");
            let parents = name.match_indices('.').map(|(dot, _)| &name[dot + 1..]);
            for domain in [name, &below].into_iter().chain(parents) {
                assert_eq!(
                    is_public_suffix(domain),
                    is_public_suffix_by_psl_crate(domain),
                    "`{domain}` (from the rule `{rule}`): the vendored list and the `psl` crate \
                     disagree, so one of them is older: update `data/public_suffix_list.dat` \
                     or `psl`; see `data/README.md`",
                );
                count += 1;
            }
        }
        assert!(count > 30_000, "only {count} names");
    }
}
