use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://App.Example.com"])]
struct Api;

fn main() {}
