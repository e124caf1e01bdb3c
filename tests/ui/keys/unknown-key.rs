use checked_cors::Cors;

#[derive(Cors)]
#[cors(orgins = ["https://app.example.com"])]
struct Api;

fn main() {}
