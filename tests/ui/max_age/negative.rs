use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], max_age = -5)]
struct Api;

fn main() {}
