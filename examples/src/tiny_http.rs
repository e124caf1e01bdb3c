//! A hand-rolled HTTP/1.1 server over `std::net::TcpListener` for the [`embedded`](crate::embedded)
//! module: the socket is std's, the request and response buffers are fixed arrays on the stack,
//! and the CORS logic allocates nothing.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::Duration;

use crate::embedded::{error_response, parse, respond, Device, ParseError, BUFFER};

/// How long a client may take to send its request: one slow client must not hold a
/// one-connection-at-a-time server forever.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `listener` forever, one connection at a time, one request per connection, as a
/// microcontroller would.
pub fn serve(listener: TcpListener, device: &Device) -> io::Result<()> {
    for stream in listener.incoming() {
        if let Err(error) = stream.and_then(|stream| serve_connection(stream, device)) {
            eprintln!("tiny_http: {error}");
        }
    }
    Ok(())
}

/// Reads one request into a fixed buffer, answers it from another, closes.
pub fn serve_connection(mut stream: TcpStream, device: &Device) -> io::Result<()> {
    let answered = answer(&mut stream, device);
    linger(&mut stream);
    answered
}

/// Closes after the client has read the answer. Closing a socket with unread request bytes in it
/// (a request too large for the buffer) makes the kernel send a reset, which can destroy the
/// answer before the client reads it; so say we are done writing, then drain a little.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(LINGER));
    let mut sink = [0u8; 512];
    let mut drained = 0;
    while drained < MAX_DRAINED {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// How long, and how much, [`linger`] waits for the client to finish sending.
const LINGER: Duration = Duration::from_millis(200);
const MAX_DRAINED: usize = 64 * 1024;

fn answer(stream: &mut TcpStream, device: &Device) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let mut request = [0u8; BUFFER];
    let mut response = [0u8; BUFFER];
    let mut len = 0;
    loop {
        let read = stream.read(&mut request[len..])?;
        if read == 0 {
            // The client left before sending a whole request.
            return Ok(());
        }
        len += read;
        match parse(&request[..len]) {
            Err(ParseError::Incomplete) if len < BUFFER => continue,
            Err(error) => return stream.write_all(error_response(error)),
            Ok(parsed) => {
                let answer = respond(device, &parsed, &mut response)
                    .map_err(|_| io::Error::other("response larger than the buffer"))?;
                if let Some(refusal) = answer.refusal {
                    let origin = match parsed.cors.origin {
                        cors_core::Header::One(origin) => crate::observe::escape(origin),
                        _ => String::from("(none or several)"),
                    };
                    eprintln!("cors: refused request from {origin}: {refusal}");
                }
                return stream.write_all(&response[..answer.len]);
            }
        }
    }
}
