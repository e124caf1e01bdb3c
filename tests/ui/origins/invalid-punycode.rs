use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://xn--abc-.example", "https://*.xn--a.example"])]
struct Api;

fn main() {}
