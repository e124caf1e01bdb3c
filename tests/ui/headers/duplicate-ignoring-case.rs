use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], headers = ["X-Api-Key", "x-api-key"])]
struct Api;

fn main() {}
