//! CORS with no allocator, as firmware would do it: parse a request held in a fixed buffer, decide
//! with [`Policy::evaluate`](cors_core::Policy::evaluate), write the answer into another fixed
//! buffer.
//!
//! Only `core` and `cors_core` are used, nothing that allocates, so this module compiles unchanged
//! in a `#![no_std]` crate; [`tiny_http`](crate::tiny_http) puts it behind a `TcpListener`, and a
//! test counts its allocations: zero.
#![deny(
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc,
    clippy::alloc_instead_of_core
)]

use core::fmt::{self, Write as _};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use cors_core::{Cors, CorsPolicy, Header, HeaderName, Refusal, Request};

/// The size of the request and response buffers.
pub const BUFFER: usize = 2048;

/// The dashboard, a public website, may read and switch the device's LED across the private
/// network (hence `private_network`: Chromium asked before letting a public page reach a device).
#[derive(Cors)]
#[cors(
    origins = ["https://dashboard.example.com"],
    methods = [GET, PUT],
    headers = ["content-type"],
    max_age = 300,
    private_network
)]
pub struct Dashboard;

/// A request, borrowed from the buffer it was read into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed<'b> {
    /// The request target's path.
    pub path: &'b [u8],
    /// What CORS needs, method included.
    pub cors: Request<'b>,
    /// `Accept`, empty when absent.
    pub accept: &'b [u8],
    /// The body, `Content-Length` bytes long.
    pub body: &'b [u8],
}

/// Why a buffer holds no request to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The request has not all arrived: read more, if the buffer has room.
    Incomplete,
    /// The body announced by `Content-Length` cannot fit in the buffer.
    TooLarge,
    /// Not an HTTP/1.x request this server accepts.
    Malformed,
}

/// Parses the request at the start of `buf`.
///
/// Strict where leniency is a risk: no obsolete line folding, no `Transfer-Encoding` (the server
/// cannot frame a chunked body, and guessing invites request smuggling), one `Content-Length`.
pub fn parse(buf: &[u8]) -> Result<Parsed<'_>, ParseError> {
    let end = find(buf, b"\r\n\r\n").ok_or(ParseError::Incomplete)?;
    let mut lines = buf[..end].split(|&b| b == b'\n').map(|line| {
        // Each line but the last ended with "\r\n" (split on '\n'); the last lost its "\r\n" to
        // `end`.
        line.strip_suffix(b"\r").unwrap_or(line)
    });
    let request_line = lines.next().ok_or(ParseError::Malformed)?;
    let mut parts = request_line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::Malformed);
    };
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) || !version.starts_with(b"HTTP/1.")
    {
        return Err(ParseError::Malformed);
    }
    let path = target.split(|&b| b == b'?').next().unwrap_or(target);
    if !path.starts_with(b"/") {
        return Err(ParseError::Malformed);
    }
    let mut cors = Request {
        method,
        ..Request::default()
    };
    let mut accept: &[u8] = b"";
    let mut content_length: Option<usize> = None;
    for line in lines {
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or(ParseError::Malformed)?;
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) || value.contains(&b'\r') {
            return Err(ParseError::Malformed);
        }
        let is = |expected: &str| name.eq_ignore_ascii_case(expected.as_bytes());
        if is("origin") {
            add(&mut cors.origin, value);
        } else if is("access-control-request-method") {
            add(&mut cors.request_method, value);
        } else if is("access-control-request-headers") {
            add(&mut cors.request_headers, value);
        } else if is("access-control-request-private-network") {
            add(&mut cors.request_private_network, value);
        } else if is("accept") {
            accept = value;
        } else if is("content-length") {
            let length = parse_decimal(value).ok_or(ParseError::Malformed)?;
            if content_length.is_some_and(|l| l != length) {
                return Err(ParseError::Malformed);
            }
            content_length = Some(length);
        } else if is("transfer-encoding") {
            return Err(ParseError::Malformed);
        }
    }
    let body_start = end + 4;
    let length = content_length.unwrap_or(0);
    if length > BUFFER.saturating_sub(body_start) {
        return Err(ParseError::TooLarge);
    }
    let body = buf
        .get(body_start..body_start + length)
        .ok_or(ParseError::Incomplete)?;
    Ok(Parsed {
        path,
        cors,
        accept,
        body,
    })
}

/// Records one occurrence of a CORS header: a second one makes the request malformed, which
/// `evaluate` refuses.
fn add<'b>(slot: &mut Header<'b>, value: &'b [u8]) {
    *slot = match slot {
        Header::Absent => Header::One(value),
        Header::One(_) | Header::Many => Header::Many,
    };
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// Decimal digits only, bounded: no sign, no overflow.
fn parse_decimal(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0, |n, &d| n * 10 + usize::from(d - b'0')),
    )
}

/// RFC 9110 `tchar`: the bytes of a method or a header name.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The device: an LED, and a count of the requests its handler served.
#[derive(Debug, Default)]
pub struct Device {
    led: AtomicBool,
    calls: AtomicUsize,
}

/// What the device's handler answers, before CORS headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// `Content-Type`, if there is a body.
    pub content_type: Option<&'static str>,
    /// The handler's own `Vary`, to which the CORS `Vary` is appended.
    pub vary: Option<&'static str>,
    /// The body.
    pub body: &'static [u8],
}

impl Reply {
    const fn text(status: u16, body: &'static [u8]) -> Reply {
        Reply {
            status,
            content_type: Some("text/plain"),
            vary: None,
            body,
        }
    }
}

impl Device {
    /// A device with its LED off; `const`, so that firmware can keep it in a `static`.
    pub const fn new() -> Device {
        Device {
            led: AtomicBool::new(false),
            calls: AtomicUsize::new(0),
        }
    }

    /// Whether the LED is on.
    pub fn led(&self) -> bool {
        self.led.load(Ordering::Relaxed)
    }

    /// How many requests the handler served.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    /// The handler: `GET /led` (JSON or text, by `Accept`), `PUT /led` with `on` or `off`.
    pub fn handle(&self, request: &Parsed<'_>) -> Reply {
        self.calls.fetch_add(1, Ordering::Relaxed);
        match (request.cors.method, request.path) {
            (b"GET", b"/led") => {
                let on = self.led();
                let json = find(request.accept, b"application/json").is_some();
                Reply {
                    status: 200,
                    content_type: Some(if json {
                        "application/json"
                    } else {
                        "text/plain"
                    }),
                    // The body depends on `Accept`.
                    vary: Some("accept"),
                    body: match (json, on) {
                        (true, true) => b"{\"led\":true}",
                        (true, false) => b"{\"led\":false}",
                        (false, true) => b"on\n",
                        (false, false) => b"off\n",
                    },
                }
            }
            (b"PUT", b"/led") => match trim(request.body) {
                b"on" | b"off" => {
                    self.led
                        .store(trim(request.body) == b"on", Ordering::Relaxed);
                    Reply::text(200, b"ok\n")
                }
                _ => Reply::text(400, b"send on or off\n"),
            },
            (_, b"/led") => Reply::text(405, b"GET or PUT\n"),
            _ => Reply::text(404, b"not found\n"),
        }
    }
}

/// The response [`respond`] wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer<'b> {
    /// How many bytes of the output buffer the response takes.
    pub len: usize,
    /// Why the request got no CORS permission, if it did not, for the server's log.
    pub refusal: Option<Refusal<'b>>,
    /// Whether the handler ran (never for a preflight).
    pub handler_ran: bool,
}

/// The output buffer is too small for the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

/// Answers `request` into `out`: a preflight with the policy's answer alone (`204` or `403`),
/// anything else with the handler's reply and the CORS headers.
pub fn respond<'b>(
    device: &Device,
    request: &Parsed<'b>,
    out: &mut [u8],
) -> Result<Answer<'b>, Overflow> {
    let decision = Dashboard::policy().evaluate(&request.cors);
    let (reply, handler_ran) = match decision.status() {
        Some(status) => (Reply::text(status, b""), false),
        None => (device.handle(request), true),
    };
    let mut w = Writer { out, len: 0 };
    write!(w, "HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status)).map_err(|_| Overflow)?;
    for (name, value) in decision.headers() {
        if name != HeaderName::Vary {
            w.header(name.as_str(), value.as_bytes())?;
        }
    }
    // One `Vary` line: the handler's values, then the policy's.
    match (reply.vary, decision.header(HeaderName::Vary)) {
        (Some(own), Some(cors)) => {
            w.put(b"vary: ")?;
            w.put(own.as_bytes())?;
            w.put(b", ")?;
            w.value(cors.as_bytes())?;
            w.put(b"\r\n")?;
        }
        (Some(own), None) => w.header("vary", own.as_bytes())?,
        (None, Some(cors)) => w.header("vary", cors.as_bytes())?,
        (None, None) => {}
    }
    if let (Some(content_type), false) = (reply.content_type, reply.body.is_empty()) {
        w.header("content-type", content_type.as_bytes())?;
    }
    write!(
        w,
        "content-length: {}\r\nconnection: close\r\n\r\n",
        reply.body.len()
    )
    .map_err(|_| Overflow)?;
    w.put(reply.body)?;
    Ok(Answer {
        len: w.len,
        refusal: decision.refusal(),
        handler_ran,
    })
}

/// Makes sure echoed request bytes cannot end a header line early: `evaluate` echoes only values
/// it checked, but a hand-written server should not rely on that alone.
fn is_header_value(bytes: &[u8]) -> bool {
    !bytes.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

/// A cursor over a fixed output buffer.
struct Writer<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        let end = self.len + bytes.len();
        self.out
            .get_mut(self.len..end)
            .ok_or(Overflow)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    fn value(&mut self, value: &[u8]) -> Result<(), Overflow> {
        if is_header_value(value) {
            self.put(value)
        } else {
            self.put(b"invalid")
        }
    }

    fn header(&mut self, name: &str, value: &[u8]) -> Result<(), Overflow> {
        self.put(name.as_bytes())?;
        self.put(b": ")?;
        self.value(value)?;
        self.put(b"\r\n")
    }
}

impl fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.put(s.as_bytes()).map_err(|_| fmt::Error)
    }
}

/// A fixed answer for a request that could not be parsed.
pub fn error_response(error: ParseError) -> &'static [u8] {
    match error {
        ParseError::Incomplete => {
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        }
        ParseError::TooLarge => {
            b"HTTP/1.1 413 Content Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        }
        ParseError::Malformed => {
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_preflight() {
        let raw = b"OPTIONS /led HTTP/1.1\r\nHost: device\r\nOrigin: https://dashboard.example.com\r\n\
            access-control-request-method: PUT\r\nAccess-Control-Request-Headers:  content-type \r\n\r\n";
        let parsed = parse(raw).unwrap();
        assert_eq!(parsed.path, b"/led");
        assert_eq!(parsed.cors.method, b"OPTIONS");
        assert_eq!(
            parsed.cors.origin,
            Header::One(b"https://dashboard.example.com")
        );
        assert_eq!(parsed.cors.request_method, Header::One(b"PUT"));
        assert_eq!(parsed.cors.request_headers, Header::One(b"content-type"));
        assert!(parsed.cors.is_preflight());
    }

    #[test]
    fn counts_repeated_cors_headers() {
        let raw =
            b"GET /led HTTP/1.1\r\nOrigin: https://a.example\r\norigin: https://b.example\r\n\r\n";
        assert_eq!(parse(raw).unwrap().cors.origin, Header::Many);
    }

    #[test]
    fn waits_for_the_whole_request() {
        assert_eq!(
            parse(b"GET /led HTTP/1.1\r\nOrigin: x"),
            Err(ParseError::Incomplete)
        );
        let put = b"PUT /led HTTP/1.1\r\ncontent-length: 2\r\n\r\no";
        assert_eq!(parse(put), Err(ParseError::Incomplete));
        assert_eq!(
            parse(b"PUT /led HTTP/1.1\r\ncontent-length: 2\r\n\r\non")
                .unwrap()
                .body,
            b"on"
        );
    }

    #[test]
    fn refuses_what_it_cannot_frame() {
        for raw in [
            &b"GET /led\r\n\r\n"[..],
            b"GET /led HTTP/2\r\n\r\n",
            b"GET led HTTP/1.1\r\n\r\n",
            b"G(T /led HTTP/1.1\r\n\r\n",
            b"GET /led HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET /led HTTP/1.1\r\n folded: x\r\n\r\n",
            b"PUT /led HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n",
            b"PUT /led HTTP/1.1\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\non",
            b"PUT /led HTTP/1.1\r\ncontent-length: -2\r\n\r\non",
        ] {
            assert_eq!(
                parse(raw),
                Err(ParseError::Malformed),
                "{:?}",
                core::str::from_utf8(raw)
            );
        }
        assert_eq!(
            parse(b"PUT /led HTTP/1.1\r\ncontent-length: 4000\r\n\r\n"),
            Err(ParseError::TooLarge)
        );
    }

    #[test]
    fn a_response_that_does_not_fit_is_an_error() {
        let request =
            parse(b"GET /led HTTP/1.1\r\nOrigin: https://dashboard.example.com\r\n\r\n").unwrap();
        let mut small = [0u8; 64];
        assert_eq!(respond(&Device::new(), &request, &mut small), Err(Overflow));
    }

    #[test]
    fn never_writes_a_line_break_from_a_value() {
        let mut out = [0u8; 64];
        let mut w = Writer {
            out: &mut out,
            len: 0,
        };
        w.header("x", b"a\r\nset-cookie: b").unwrap();
        let len = w.len;
        assert_eq!(&out[..len], b"x: invalid\r\n");
    }
}
