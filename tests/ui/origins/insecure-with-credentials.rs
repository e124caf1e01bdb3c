use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com", "http://intranet.example.com"], credentials)]
struct Api;

fn main() {}
