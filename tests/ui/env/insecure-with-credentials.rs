use checked_cors::Cors;

// CORS_UI_ENV_INSECURE="https://app.example.com,http://intranet.example.com"
#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_INSECURE"), credentials)]
struct Api;

fn main() {}
