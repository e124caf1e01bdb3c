//! The cost of the forged-write check, in instructions: `valgrind --tool=callgrind` over two
//! request counts, the difference divided by the difference of the counts. Not a timed test.
//!
//! `cargo build --release -p cors-bench --bin write-check`, then
//! `valgrind --tool=callgrind target/release/write-check <case> <n>` for n = 1000 and 2000, with
//! `<case>` one of `get` (an ordinary allowed request), `post-listed` (a cross-site write from the
//! policy's origin: checked, let through), `post-forged` (a cross-site write from another origin:
//! blocked), `post-same-origin` (`Sec-Fetch-Site: same-origin`).

use std::hint::black_box;

use checked_cors::{Cors, CorsPolicy, CorsRequest, Header};

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [GET, POST], credentials)]
struct Api;

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "get".into());
    let n: u64 = args.next().map_or(1000, |n| n.parse().expect("a count"));
    let (method, origin, site): (&[u8], &[u8], Option<&[u8]>) = match case.as_str() {
        "get" => (b"GET", b"https://app.example.com", Some(b"cross-site")),
        "post-listed" => (b"POST", b"https://app.example.com", Some(b"cross-site")),
        "post-forged" => (b"POST", b"https://evil.example", Some(b"cross-site")),
        "post-same-origin" => (b"POST", b"https://evil.example", Some(b"same-origin")),
        other => panic!("unknown case {other}"),
    };
    let request = CorsRequest {
        method,
        origin: Header::One(origin),
        sec_fetch_site: Header::from_option(site),
        host: Header::One(b"api.example.com"),
        ..CorsRequest::default()
    };
    let mut blocked = 0u64;
    for _ in 0..n {
        let decision = Api::policy().evaluate(black_box(&request));
        blocked += u64::from(black_box(decision).is_blocked());
    }
    println!("{case}: {blocked} of {n} blocked");
}
