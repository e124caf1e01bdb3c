use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = [])]
struct Api;

fn main() {}
