use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["https://bücher.example"])]
struct Api;

fn main() {}
