use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], methods = [get, POST])]
struct Api;

fn main() {}
