use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = env("CLI_TEST_ORIGINS"), credentials)]
struct Api;
