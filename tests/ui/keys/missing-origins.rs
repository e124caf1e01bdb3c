use cors_core::Cors;

#[derive(Cors)]
#[cors(methods = [GET, POST])]
struct Api;

fn main() {
    // No cascade: the type still implements the trait (with a policy allowing nothing).
    let _ = <Api as cors_core::CorsPolicy>::policy();
}
