use cors_core::Cors;

#[derive(Cors)]
#[cors(orgins = ["https://app.example.com"])]
struct Api;

fn main() {}
