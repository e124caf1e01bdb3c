//! Lists the modules of the derive macro's crate (`cors-macros/src/lib.rs`) so that `src/lib.rs` can
//! compile its stages as plain modules (a proc-macro crate cannot be linked) and keep compiling when
//! the macro gains or loses a module.

use std::path::Path;
use std::{env, fs};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let src = Path::new(&manifest).join("../../cors-macros/src");
    let src = src
        .canonicalize()
        .expect("cors-macros/src exists beside tests/conformance");
    println!("cargo:rerun-if-changed={}", src.display());
    let lib = fs::read_to_string(src.join("lib.rs")).expect("cors-macros/src/lib.rs is readable");
    let mut modules = String::new();
    let mut test_only = false;
    for line in lib.lines().map(str::trim) {
        if line == "#[cfg(test)]" {
            test_only = true;
            continue;
        }
        let name = line
            .strip_prefix("mod ")
            .or_else(|| line.strip_prefix("pub mod "))
            .or_else(|| line.strip_prefix("pub(crate) mod "))
            .and_then(|rest| rest.strip_suffix(';'));
        if let (Some(name), false) = (name, test_only) {
            let path = src.join(format!("{name}.rs"));
            modules.push_str(&format!(
                "#[allow(dead_code, unused_imports)]\n#[path = {:?}]\nmod {name};\n",
                path.display().to_string()
            ));
        }
        test_only = false;
    }
    let out = Path::new(&env::var("OUT_DIR").expect("set by cargo")).join("macro_modules.rs");
    fs::write(out, modules).expect("OUT_DIR is writable");
}
