use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_GOOD"), headers = env("CORS_UI_ENV_GOOD"))]
struct Api;

fn main() {}
