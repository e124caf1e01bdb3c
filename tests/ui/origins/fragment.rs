use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com#top"])]
struct Api;

fn main() {}
