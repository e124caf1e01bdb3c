use cors_core::Cors;

#[derive(Cors)]
struct Api;

fn main() {
    let _ = <Api as cors_core::CorsPolicy>::policy();
}
