use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = "*", credentials)]
struct Api;

fn main() {}
