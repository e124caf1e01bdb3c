use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = env(""))]
struct Api;

fn main() {}
