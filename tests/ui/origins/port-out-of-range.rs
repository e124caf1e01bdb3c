use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["http://localhost:65536"])]
struct Api;

fn main() {}
