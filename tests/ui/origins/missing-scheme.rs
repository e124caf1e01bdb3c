use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["app.example.com"])]
struct Api;

fn main() {}
