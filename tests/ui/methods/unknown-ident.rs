use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [GET, PURGE])]
struct Api;

fn main() {}
