use checked_cors::{Cors, CorsPolicy, HeaderList};

// `methods = "*"`, and `headers = "*"` with credentials: answered with the names asked for.
#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com", "https://ex_am-ple.com:3999", "https://example.com."],
    methods = "*",
    headers = "*",
    credentials
)]
struct Api;

// Every header, `authorization` included, and subdomain patterns over `_` labels and a
// fully qualified base.
#[derive(Cors)]
#[cors(
    origins = ["https://*.example.com", "https://*.example.org."],
    methods = [PUT],
    headers = ["*", "authorization"]
)]
struct Everything;

fn main() {
    let policy = Api::policy();
    assert!(policy.allows_any_method());
    assert!(matches!(policy.allowed_headers(), HeaderList::Any));
    assert!(policy.allows_origin(b"https://ex_am-ple.com:3999"));
    assert!(policy.allows_origin(b"https://example.com."));
    assert!(!policy.allows_origin(b"https://example.com"));
    let everything = Everything::policy();
    assert!(matches!(
        everything.allowed_headers(),
        HeaderList::AnyWithAuthorization
    ));
    assert!(everything.allows_origin(b"https://a_b.example.com"));
    assert!(everything.allows_origin(b"https://a.example.org."));
    assert!(!everything.allows_origin(b"https://a.example.org"));
    assert!(everything.allows_method(b"GET"));
    assert!(!everything.allows_method(b"DELETE"));
}
