use checked_cors::Cors;

#[derive(Cors)]
struct Api;

fn main() {
    let _ = <Api as checked_cors::CorsPolicy>::policy();
}
