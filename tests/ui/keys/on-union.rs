use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"])]
union Api {
    a: u32,
    b: f32,
}

fn main() {}
