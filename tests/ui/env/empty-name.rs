use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = env(""))]
struct Api;

fn main() {}
