use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], expose = "*", credentials)]
struct Api;

fn main() {}
