use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com", "file:///home/me/app/index.html", "data://text"])]
struct Api;

fn main() {}
