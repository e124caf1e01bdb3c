use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = "*", credentials)]
struct Api;

fn main() {}
