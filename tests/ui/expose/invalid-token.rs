use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], expose = ["x-request-id:"])]
struct Api;

fn main() {}
