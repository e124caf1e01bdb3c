use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [GET, "TRACE"])]
struct Api;

fn main() {}
