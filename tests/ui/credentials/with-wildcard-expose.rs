use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], expose = "*", credentials)]
struct Api;

fn main() {}
