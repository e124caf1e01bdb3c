use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    methods = [GET, POST, PUT, "PURGE"],
    headers = ["content-type", "x-api-key"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600,
    private_network,
)]
pub struct Api;

fn main() {
    let policy = Api::policy();
    assert_eq!(policy.methods(), ["GET", "POST", "PUT", "PURGE"]);
    assert!(policy.allows_credentials());
    assert_eq!(policy.max_age(), Some("600"));
    assert!(policy.allows_private_network());
    assert!(policy.allows_origin(b"https://app.example.com"));
    assert!(policy.allows_origin(b"https://api.example.com"));
    assert!(policy.allows_origin(b"http://localhost:3000"));
    assert!(!policy.allows_origin(b"https://example.org"));
}
