use checked_cors::Cors;

// CORS_UI_ENV_EMPTY=" , ,"
#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_EMPTY"))]
struct Api;

fn main() {}
