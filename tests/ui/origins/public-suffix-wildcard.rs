use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://*.github.io"])]
struct Api;

fn main() {}
