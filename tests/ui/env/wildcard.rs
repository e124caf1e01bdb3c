use checked_cors::Cors;

// CORS_UI_ENV_WILDCARD="*": allowing every origin is a decision for the code, not the environment.
#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_WILDCARD"))]
struct Api;

fn main() {}
