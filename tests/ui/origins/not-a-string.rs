use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com", app_origin])]
struct Api;

fn main() {}
