use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = [])]
struct Api;

fn main() {}
