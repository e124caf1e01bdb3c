use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(origins = [r"https://app.example.com", r#"https://admin.example.com"#,], methods = [r#GET,],)]
struct Api;

fn main() {
    assert!(Api::policy().allows_origin(b"https://admin.example.com"));
    assert_eq!(Api::policy().methods(), ["GET"]);
}
