use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = ["app.example.com"])]
struct Api;

fn main() {}
