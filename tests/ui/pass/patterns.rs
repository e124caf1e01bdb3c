use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(origins = [
    "https://*.example.com",
    "https://*.staging.example.com:8443",
    "https://*.dev.example.com:*",
    "http://localhost:*",
    "http://[::1]:*",
    "http://127.0.0.1:8080",
])]
struct Api;

fn main() {
    let policy = Api::policy();
    for allowed in [
        "https://a.example.com",
        "https://a.b.example.com",
        "https://x.staging.example.com:8443",
        "https://x.dev.example.com:3000",
        "https://x.dev.example.com",
        "http://localhost",
        "http://localhost:5173",
        "http://[::1]:8080",
        "http://127.0.0.1:8080",
    ] {
        assert!(policy.allows_origin(allowed.as_bytes()), "{allowed}");
    }
    for refused in [
        "https://example.com",
        "https://.example.com",
        "https://a.example.com.evil",
        "https://x.staging.example.com:9443",
        "http://a.example.com",
        "http://127.0.0.1",
    ] {
        assert!(!policy.allows_origin(refused.as_bytes()), "{refused}");
    }
}
