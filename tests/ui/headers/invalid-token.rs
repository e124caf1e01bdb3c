use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], headers = ["content type"])]
struct Api;

fn main() {}
