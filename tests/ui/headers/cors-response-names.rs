use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], headers = ["Access-Control-Allow-Origin", "access-control-max-age"])]
struct Api;

fn main() {}
