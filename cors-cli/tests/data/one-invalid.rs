//! Two policies, the second invalid.
use checked_cors::Cors;

#[derive(Cors)]
#[cors(origins = ["https://app.example.com"], credentials)]
struct Good;

#[derive(Cors)]
#[cors(origins = "*", credentials)]
struct Bad;
