use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://admin@app.example.com"])]
struct Api;

fn main() {}
