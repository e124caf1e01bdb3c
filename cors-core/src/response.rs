//! The response headers an evaluation adds, named without the `http` crate.

use core::fmt;

/// A response header the evaluation may add.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseHeader {
    /// `Access-Control-Allow-Origin`.
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`.
    AllowCredentials,
    /// `Access-Control-Allow-Methods`.
    AllowMethods,
    /// `Access-Control-Allow-Headers`.
    AllowHeaders,
    /// `Access-Control-Max-Age`.
    MaxAge,
    /// `Access-Control-Allow-Private-Network`.
    AllowPrivateNetwork,
    /// `Access-Control-Expose-Headers`.
    ExposeHeaders,
    /// `Vary`: to be appended to any `Vary` the handler set, never replacing it.
    Vary,
}

impl ResponseHeader {
    /// The name in lower case, as HTTP/2 and the `http` crate write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseHeader::AllowOrigin => "access-control-allow-origin",
            ResponseHeader::AllowCredentials => "access-control-allow-credentials",
            ResponseHeader::AllowMethods => "access-control-allow-methods",
            ResponseHeader::AllowHeaders => "access-control-allow-headers",
            ResponseHeader::MaxAge => "access-control-max-age",
            ResponseHeader::AllowPrivateNetwork => "access-control-allow-private-network",
            ResponseHeader::ExposeHeaders => "access-control-expose-headers",
            ResponseHeader::Vary => "vary",
        }
    }
}

/// A response header's value: the policy's own bytes, or the request's echoed back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'p, 'r> {
    /// Bytes owned by the policy (a `&'static str` for derived policies: no copy is needed).
    Policy(&'p str),
    /// The request's `Origin`, byte for byte (an origin matched by a pattern, or `null`).
    RequestOrigin(&'r [u8]),
    /// The request's `Access-Control-Request-Headers`, byte for byte, after every name in it was
    /// checked (for `headers = "*"`).
    RequestHeaders(&'r [u8]),
    /// The request's `Access-Control-Request-Method`, byte for byte (for `methods = "*"` with
    /// credentials, where browsers read `Access-Control-Allow-Methods: *` as a method named `*`).
    RequestMethod(&'r [u8]),
}

impl Value<'_, '_> {
    /// The value's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Value::Policy(s) => s.as_bytes(),
            Value::RequestOrigin(b) | Value::RequestHeaders(b) | Value::RequestMethod(b) => b,
        }
    }

    /// The value as text, for servers whose header types take `&str`. Every value a
    /// [`Decision`](crate::Decision) gives is ASCII: policy values are checked when the policy is
    /// built, and an echoed origin or header list only after the evaluation checked its bytes.
    /// A `Value` made by hand from bytes that are not UTF-8 gives `""`.
    ///
    /// ```
    /// use checked_cors::Value;
    ///
    /// assert_eq!(Value::RequestOrigin(b"https://app.example.com").as_str(), "https://app.example.com");
    /// assert_eq!(Value::Policy("GET, PUT").to_string(), "GET, PUT");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            Value::Policy(s) => s,
            Value::RequestOrigin(b) | Value::RequestHeaders(b) | Value::RequestMethod(b) => {
                core::str::from_utf8(b).unwrap_or_default()
            }
        }
    }
}

/// Writes the value as text; bytes that are not UTF-8 (only in a `Value` made by hand) are
/// written as U+FFFD.
impl fmt::Display for Value<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.as_bytes().utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{fffd}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Value;
    use std::string::ToString;

    #[test]
    fn values_read_as_text() {
        let echoed = Value::RequestHeaders(b"content-type,x-api-key");
        assert_eq!(echoed.as_str(), "content-type,x-api-key");
        assert_eq!(echoed.to_string(), "content-type,x-api-key");
        let forged = Value::RequestOrigin(b"https://a\xff.example");
        assert_eq!(forged.as_str(), "");
        assert_eq!(forged.to_string(), "https://a\u{fffd}.example");
    }
}
