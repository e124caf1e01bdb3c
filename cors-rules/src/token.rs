use crate::Violation;

/// The methods that may be written as bare identifiers in `methods = [...]`.
pub const STANDARD_METHODS: [&str; 7] =
    ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// The methods a policy allows when it lists none: the CORS-safelisted ones.
pub const DEFAULT_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// The largest `max_age` any browser honours (Firefox's cap; Chromium stops at 7200).
pub const MAX_AGE_LIMIT: u32 = 86_400;

/// Whether `s` is an HTTP token (RFC 9110, section 5.6.2): the syntax of method and header names.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// Whether `b` may appear in a token (RFC 9110, section 5.6.2). One table load per byte: the
/// runtime checks every byte of a (bounded, but hostile) `Access-Control-Request-Headers` with it.
pub fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    table
};

/// Checks one entry of `methods`.
pub fn check_method(method: &str) -> Result<(), Violation> {
    if !is_token(method) {
        return Err(Violation::InvalidMethod);
    }
    // Fetch forbids these byte-case-insensitively (section 2.2.1, "forbidden method").
    if ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
    {
        return Err(Violation::ForbiddenMethod);
    }
    // Fetch normalizes these six to upper case before sending (but not `patch`); a lower-case entry
    // would never be requested. `PATCH` is flagged too because `patch` is almost surely a typo.
    if let Some(upper) = STANDARD_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method) && **m != method)
    {
        return Err(Violation::LowercaseMethod { upper });
    }
    Ok(())
}

/// Checks one entry of `headers`: the request headers a preflight may ask for. (`"*"` is only an
/// entry of `["*", "authorization"]`, which [`check_policy`](crate::check_policy) recognizes.)
pub fn check_request_header(name: &str) -> Result<(), Violation> {
    if name == "*" {
        return Err(Violation::WildcardBesideHeaders);
    }
    if !is_token(name) {
        return Err(Violation::InvalidHeader);
    }
    if is_forbidden_request_header(name) {
        return Err(Violation::ForbiddenHeader);
    }
    // The CORS protocol's response headers: a page that sets one as a request header (a common
    // misreading of CORS) has a bug that allowing it would hide. (The request ones,
    // `Access-Control-Request-*`, are forbidden above.)
    if starts_with_ignoring_case(name, "access-control-allow-")
        || name.eq_ignore_ascii_case("access-control-expose-headers")
        || name.eq_ignore_ascii_case("access-control-max-age")
    {
        return Err(Violation::ResponseHeaderInHeaders);
    }
    Ok(())
}

/// Checks one entry of `expose`: the response headers scripts may read.
pub fn check_exposed_header(name: &str) -> Result<(), Violation> {
    if name == "*" {
        return Err(Violation::WildcardInHeaderList);
    }
    if !is_token(name) {
        return Err(Violation::InvalidExposedHeader);
    }
    if name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2") {
        return Err(Violation::ExposeSetCookie);
    }
    if starts_with_ignoring_case(name, "access-control-request-") {
        return Err(Violation::RequestHeaderInExpose);
    }
    Ok(())
}

fn starts_with_ignoring_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Checks `max_age`, in seconds.
pub fn check_max_age(seconds: i64) -> Result<u32, Violation> {
    if seconds < 0 {
        Err(Violation::NegativeMaxAge)
    } else if seconds > i64::from(MAX_AGE_LIMIT) {
        Err(Violation::MaxAgeTooLarge)
    } else {
        Ok(seconds as u32)
    }
}

/// Fetch, section 2.2.2, "forbidden request-header".
fn is_forbidden_request_header(name: &str) -> bool {
    const FORBIDDEN: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    FORBIDDEN.iter().any(|f| f.eq_ignore_ascii_case(name))
        || starts_with_ignoring_case(name, "proxy-")
        || starts_with_ignoring_case(name, "sec-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods() {
        assert_eq!(check_method("GET"), Ok(()));
        assert_eq!(check_method("PURGE"), Ok(()));
        assert_eq!(check_method("purge"), Ok(()));
        assert_eq!(
            check_method("get"),
            Err(Violation::LowercaseMethod { upper: "GET" })
        );
        assert_eq!(
            check_method("Patch"),
            Err(Violation::LowercaseMethod { upper: "PATCH" })
        );
        assert_eq!(check_method("connect"), Err(Violation::ForbiddenMethod));
        assert_eq!(check_method("TRACK"), Err(Violation::ForbiddenMethod));
        assert_eq!(check_method("GET POST"), Err(Violation::InvalidMethod));
        assert_eq!(check_method(""), Err(Violation::InvalidMethod));
    }

    #[test]
    fn headers() {
        assert_eq!(check_request_header("Content-Type"), Ok(()));
        assert_eq!(check_request_header("x-api-key"), Ok(()));
        assert_eq!(check_request_header("authorization"), Ok(()));
        for name in [
            "cookie",
            "Host",
            "origin",
            "content-length",
            "Sec-Fetch-Mode",
            "proxy-authorization",
        ] {
            assert_eq!(
                check_request_header(name),
                Err(Violation::ForbiddenHeader),
                "{name}"
            );
        }
        for name in [
            "Access-Control-Allow-Origin",
            "access-control-allow-credentials",
            "access-control-allow-x",
            "access-control-expose-headers",
            "Access-Control-Max-Age",
        ] {
            assert_eq!(
                check_request_header(name),
                Err(Violation::ResponseHeaderInHeaders),
                "{name}"
            );
        }
        assert_eq!(check_request_header("access-control-allow"), Ok(()));
        assert_eq!(
            check_exposed_header("Access-Control-Request-Method"),
            Err(Violation::RequestHeaderInExpose)
        );
        assert_eq!(
            check_exposed_header("access-control-request-private-network"),
            Err(Violation::RequestHeaderInExpose)
        );
        assert_eq!(check_exposed_header("access-control-allow-origin"), Ok(()));
        assert_eq!(check_request_header("x foo"), Err(Violation::InvalidHeader));
        assert_eq!(check_request_header("x:foo"), Err(Violation::InvalidHeader));
        assert_eq!(check_exposed_header("x-request-id"), Ok(()));
        assert_eq!(
            check_exposed_header("Set-Cookie"),
            Err(Violation::ExposeSetCookie)
        );
        assert_eq!(
            check_exposed_header("set-cookie2"),
            Err(Violation::ExposeSetCookie)
        );
        assert_eq!(
            check_exposed_header("a,b"),
            Err(Violation::InvalidExposedHeader)
        );
    }

    #[test]
    fn max_age() {
        assert_eq!(check_max_age(0), Ok(0));
        assert_eq!(check_max_age(86_400), Ok(86_400));
        assert_eq!(check_max_age(-1), Err(Violation::NegativeMaxAge));
        assert_eq!(check_max_age(86_401), Err(Violation::MaxAgeTooLarge));
    }
}
