use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [])]
struct Api;

fn main() {}
