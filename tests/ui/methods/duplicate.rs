use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [GET, POST, "GET"])]
struct Api;

fn main() {}
