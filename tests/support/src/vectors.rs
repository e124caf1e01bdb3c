//! The adversarial origins: values no policy may let through, with the one reader of their file.

/// Decodes one line of a vector file: `\xNN` stands for the byte `NN` (so that tabs, line breaks,
/// NUL, padding spaces and non-UTF-8 bytes can be written; a literal backslash is `\x5c`).
pub fn decode_vector_line(line: &str) -> Vec<u8> {
    let bytes = line.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = bytes[i..]
            .starts_with(b"\\x")
            .then(|| bytes.get(i + 2..i + 4))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escape {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// The values of a vector file: one per line, `#` comments and blank lines skipped, decoded by
/// [`decode_vector_line`].
pub fn vectors(file: &str) -> Vec<Vec<u8>> {
    file.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(decode_vector_line)
        .collect()
}

/// The adversarial origins of `vectors/adversarial-origins.txt`, compiled in.
pub fn adversarial_origins() -> Vec<Vec<u8>> {
    vectors(include_str!("../vectors/adversarial-origins.txt"))
}
