use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [GET, DELETE, PATCH, OPTIONS, HEAD])]
pub enum Route {
    Users,
    Orders { id: u64 },
}

fn main() {
    let policy = Route::policy();
    assert_eq!(
        policy.methods(),
        ["GET", "DELETE", "PATCH", "OPTIONS", "HEAD"]
    );
}
