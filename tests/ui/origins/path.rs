use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com/api"])]
struct Api;

fn main() {}
