use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["https://*.github.io"])]
struct Api;

fn main() {}
