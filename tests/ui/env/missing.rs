use checked_cors::Cors;

// `ui_env.rs` makes sure this variable is not set.
#[derive(Cors)]
#[cors(origins = env("CORS_UI_ENV_UNSET"))]
struct Api;

fn main() {}
