use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], max_age = 600, max_age = 60)]
struct Api;

fn main() {}
