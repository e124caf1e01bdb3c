use checked_cors::Cors;

// Write origins follow the rules of `origins`, every error at once.
#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com"],
    write_origins = ["https://idp.example.com/", "*", "https://*.co.uk", "null"],
)]
struct Api;

fn main() {}
