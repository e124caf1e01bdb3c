use checked_cors::Cors;

// `"*"` would trust every site to post forms with the user's cookies.
#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], write_origins = "*")]
struct Api;

fn main() {}
