use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://api.*.example.com"])]
struct Api;

fn main() {}
