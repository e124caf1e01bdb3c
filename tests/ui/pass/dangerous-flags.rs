use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(
    origins = ["null", "http://intranet.example.com", "https://*.github.io"],
    credentials,
    dangerously_allow_null_origin,
    dangerously_allow_insecure_origins,
    dangerously_allow_public_suffix_wildcards,
)]
struct Legacy;

fn main() {
    let policy = Legacy::policy();
    assert!(policy.allows_origin(b"null"));
    assert!(policy.allows_origin(b"http://intranet.example.com"));
    assert!(policy.allows_origin(b"https://someone.github.io"));
}
