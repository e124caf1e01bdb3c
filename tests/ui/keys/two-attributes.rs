use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"])]
#[cors(credentials)]
struct Api;

fn main() {}
