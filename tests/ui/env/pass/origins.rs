use checked_cors::{Cors, CorsPolicy, Origins};

// CORS_UI_ENV_GOOD="https://app.example.com, https://*.example.com ,http://localhost:*,"
#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_GOOD"), methods = [GET, PUT], credentials)]
struct Api;

fn main() {
    let policy = Api::policy();
    let Origins::List {
        exact,
        patterns,
        null,
    } = policy.origins()
    else {
        panic!("a list read from the environment is a list");
    };
    assert_eq!(exact.origins(), ["https://app.example.com"]);
    assert_eq!(patterns.len(), 2);
    assert!(!null);
    for allowed in [
        "https://app.example.com",
        "https://a.example.com",
        "http://localhost:3000",
    ] {
        assert!(policy.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in [
        "https://example.com",
        "http://app.example.com",
        "https://evil.com",
    ] {
        assert!(!policy.allows_origin(refused.as_bytes()), "{refused}");
    }
    assert!(policy.allows_credentials());
}
