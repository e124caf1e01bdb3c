use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com", "null"])]
struct Api;

fn main() {}
