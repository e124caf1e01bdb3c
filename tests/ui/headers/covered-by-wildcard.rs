use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], headers = ["*", "authorization", "x-api-key"])]
struct Api;

fn main() {}
