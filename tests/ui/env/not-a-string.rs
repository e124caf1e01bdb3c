use cors_core::Cors;

#[derive(Cors)]
#[cors(origins = env(CORS_UI_ENV_GOOD))]
struct Api;

fn main() {}
