use checked_cors::Cors;

// CORS_UI_ENV_INVALID="https://app.example.com/, https://ok.example.com,HTTPS://Admin.example.com, https://ok.example.com"
#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_INVALID"))]
struct Api;

fn main() {}
