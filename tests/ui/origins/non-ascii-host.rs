use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://bücher.example"])]
struct Api;

fn main() {}
