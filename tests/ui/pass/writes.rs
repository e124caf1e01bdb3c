use checked_cors::{Cors, CorsPolicy, Header, Refusal, CorsRequest};

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com"],
    write_origins = ["https://idp.example.com"],
    credentials
)]
struct Api;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], dangerously_allow_cross_origin_writes)]
struct Callback;

fn post(origin: &'static [u8]) -> CorsRequest<'static> {
    CorsRequest {
        method: b"POST",
        origin: Header::One(origin),
        sec_fetch_site: Header::One(b"cross-site"),
        ..CorsRequest::default()
    }
}

fn main() {
    let forged = Api::policy().evaluate(&post(b"https://evil.example"));
    assert!(forged.is_blocked());
    assert_eq!(forged.refusal(), Some(Refusal::CrossOriginWrite));
    // Trusted to write, not to read: the handler runs, the browser hides the response.
    let idp = Api::policy().evaluate(&post(b"https://idp.example.com"));
    assert!(!idp.is_blocked() && !idp.is_allowed());
    assert!(!Callback::policy()
        .evaluate(&post(b"https://evil.example"))
        .is_blocked());
}
