//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) on stable, with the very checks the
//! fuzz targets run, so that every input the fuzzer found interesting stays a regression test.

use std::fs;
use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<_> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .map(|path| {
            let data = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, data)
        })
        .collect();
    files.sort();
    // An empty or lost corpus would make this test pass while checking nothing.
    assert!(
        files.len() >= 20,
        "{}: only {} inputs",
        dir.display(),
        files.len()
    );
    files
}

#[test]
fn the_evaluate_corpus_agrees_with_the_model() {
    for (path, data) in corpus("evaluate") {
        if let Err(problem) = cors_conformance::try_fuzz_check(&data) {
            panic!("{}: {problem}", path.display());
        }
    }
}

#[test]
fn the_live_corpus_agrees_with_the_model() {
    for (path, data) in corpus("live") {
        if let Err(problem) = cors_conformance::try_fuzz_check_live(&data) {
            panic!("{}: {problem}", path.display());
        }
    }
}

#[test]
fn the_attribute_corpus_parses_without_panicking_and_agrees_with_the_builder() {
    for (path, data) in corpus("attribute") {
        if let Err(problem) = cors_conformance::try_fuzz_check_attribute(&data) {
            panic!("{}: {problem}", path.display());
        }
    }
}
