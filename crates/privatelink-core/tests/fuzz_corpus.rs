//! Replays the committed cargo-fuzz corpus (`fuzz/corpus/`) through the fuzz targets' own checks
//! (`fuzz/checks.rs`), on stable Rust, in every test run.

include!("../../../fuzz/checks.rs");

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
}

#[test]
fn the_describe_json_corpus_passes_the_fuzz_checks() {
    for (_, data) in corpus("describe_json") {
        if let Ok(text) = std::str::from_utf8(&data) {
            check_describe_json(text);
        }
    }
}

#[test]
fn the_host_mapper_corpus_passes_the_fuzz_checks() {
    for (_, data) in corpus("host_mapper") {
        check_host_mapper(&data);
    }
}
