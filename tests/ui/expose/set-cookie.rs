use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], expose = ["set-cookie"])]
struct Api;

fn main() {}
