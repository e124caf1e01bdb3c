use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], expose = ["Access-Control-Request-Method"])]
struct Api;

fn main() {}
