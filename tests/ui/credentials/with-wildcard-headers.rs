use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], headers = "*", credentials)]
struct Api;

fn main() {}
