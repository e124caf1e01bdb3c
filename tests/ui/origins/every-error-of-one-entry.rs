use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://App.example.com:443"])]
struct Api;

fn main() {}
