use checked_cors::Cors;

#[derive(Cors)]
#[cors(methods = [GET, POST])]
struct Api;

fn main() {
    // No cascade: the type still implements the trait (with a policy allowing nothing).
    let _ = <Api as checked_cors::CorsPolicy>::policy();
}
