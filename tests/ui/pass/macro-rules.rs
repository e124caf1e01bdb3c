//! A policy assembled by `macro_rules!`: fragments arrive in invisible groups.
use checked_cors::{Cors, CorsPolicy};

macro_rules! api {
    ($name:ident, $($origin:literal),*) => {
        #[derive(Cors)]
        #[cors(origins = [$($origin),*], max_age = 60)]
        struct $name;
    };
}

api!(Api, "https://a.example.com", "https://b.example.com");

fn main() {
    assert!(Api::policy().allows_origin(b"https://b.example.com"));
}
