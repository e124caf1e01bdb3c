//! A service's policy, kept in code.
use checked_cors::Cors;

#[derive(Debug, Cors)]
#[cors(
    origins = ["https://app.example.com", "https://*.example.com"],
    methods = [GET, POST, PUT],
    headers = ["content-type"],
    credentials,
    max_age = 600,
)]
pub struct Api;
