use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], expose = ["x-request-id", "X-Request-Id"])]
struct Api;

fn main() {}
