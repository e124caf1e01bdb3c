use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com?tab=1"])]
struct Api;

fn main() {}
