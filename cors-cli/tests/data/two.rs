//! Two policies: `--origin` needs `--policy` to choose one.
use checked_cors::Cors;

/// Anyone may read.
#[derive(Cors)]
#[cors(origins = "*")]
pub struct Public;

pub mod admin {
    /// The admin console, with the user's session.
    #[derive(checked_cors::Cors)]
    #[cors(origins = ["https://admin.example.com"], methods = [GET, DELETE], credentials)]
    pub struct Admin;
}
