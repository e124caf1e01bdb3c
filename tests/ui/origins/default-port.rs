use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com:443"])]
struct Api;

fn main() {}
