use checked_cors::{Cors, CorsPolicy, HeaderList};

#[derive(Cors)]
#[cors(origins = "*", headers = "*", expose = "*", max_age = 0)]
struct Open;

fn main() {
    let policy = Open::policy();
    assert!(matches!(policy.allowed_headers(), HeaderList::Any));
    assert!(matches!(policy.exposed_headers(), HeaderList::Any));
    assert_eq!(policy.max_age(), Some("0"));
}
