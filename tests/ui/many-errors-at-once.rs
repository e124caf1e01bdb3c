use checked_cors::{Cors, CorsPolicy};

#[derive(Cors)]
#[cors(
    origins = ["https://app.example.com/", "*", "https://*.example.com:443", "http://intranet.example.com"],
    methods = [GET, get, PURGE, "TRACE"],
    headers = ["content-type", "Cookie", "Content-Type"],
    expose = ["set-cookie"],
    credentials,
    max_age = -1,
    private_netwrok,
)]
pub struct Api;

fn main() {
    // Every mistake above is reported, and nothing else: `Api` still implements `CorsPolicy`.
    let _ = Api::policy();
}
