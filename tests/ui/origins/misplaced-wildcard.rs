use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["https://api.*.example.com"])]
struct Api;

fn main() {}
