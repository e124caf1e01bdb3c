//! A deliberately tiny HTTP/1.1 client, to see response headers exactly as they travel (repeated
//! lines included), which no script in a browser can.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response as received: status and header lines in order (names in lower case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// `(name, value)` per header line, in order.
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// The values of every `name` line, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Sends `method path` with `headers` (plus `Host` and `Connection: close`) and reads the answer.
pub fn request(
    addr: SocketAddr,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> io::Result<Response> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    let text = String::from_utf8_lossy(raw);
    let head = text
        .split("\r\n\r\n")
        .next()
        .ok_or_else(|| invalid("no header block"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("no status line"))?;
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').ok_or_else(|| invalid(line))?;
            Ok((name.to_ascii_lowercase(), value.trim().to_owned()))
        })
        .collect::<io::Result<_>>()?;
    Ok(Response { status, headers })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn keeps_repeated_header_lines() {
        let raw = b"HTTP/1.1 200 OK\r\nVary: accept-encoding\r\nvary: origin\r\ncontent-length: 2\r\n\r\nok";
        let response = parse(raw).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.all("vary"), ["accept-encoding", "origin"]);
        assert!(response.all("x-missing").is_empty());
    }
}
