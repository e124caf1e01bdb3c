use checked_cors::{Cors, CorsPolicy, Origins};

#[derive(Cors)]
#[cors(origins = "*")]
struct Public;

fn main() {
    let policy = Public::policy();
    assert!(matches!(policy.origins(), Origins::Any));
    assert!(policy.allows_origin(b"https://anyone.example"));
    // Not given: the CORS-safelisted methods, no headers, no credentials, no max age.
    assert_eq!(policy.methods(), ["GET", "HEAD", "POST"]);
    assert!(!policy.allows_credentials());
    assert_eq!(policy.max_age(), None);
}
