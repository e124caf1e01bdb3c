use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [])]
struct Api;

fn main() {}
