//! Writes `#[derive(Cors)]` policies over 3, 100, 1,000 and 10,000 generated origins into
//! `OUT_DIR`, so that the benchmarks measure the macro's output at scale (and every build measures
//! the macro's compile time at scale).

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "src/origins.rs"]
mod origins;

fn main() {
    println!("cargo::rerun-if-changed=src/origins.rs");
    let mut out = String::new();
    for n in origins::SIZES {
        let list: Vec<String> = (0..n)
            .map(|i| format!("{:?}", origins::tenant_origin(i)))
            .collect();
        writeln!(
            out,
            "/// The common policy over {n} generated exact origins.\n\
             #[derive(::checked_cors::Cors)]\n\
             #[cors(origins = [{}], methods = [GET, POST, PUT, DELETE], \
             headers = [\"content-type\", \"authorization\", \"x-api-key\"], \
             expose = [\"x-request-id\"], credentials, max_age = 600)]\n\
             pub struct Exact{n};\n",
            list.join(", ")
        )
        .expect("writing to a String cannot fail");
    }
    let path = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("exact_policies.rs");
    std::fs::write(&path, out).expect("OUT_DIR is writable");
}
