use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"])]
struct = Api;
