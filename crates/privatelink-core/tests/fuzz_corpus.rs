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

/// Each committed `host_mapper` input decodes to the policy it was written for: the regression
/// input to strict mode (it was found there: an API Gateway alias look-alike passed strict), and
/// the seeds to strict, prefer and off in turn, each URL under all three. An input re-encoded by
/// a change of the selector would fail here instead of silently testing another policy.
#[test]
fn every_host_mapper_input_decodes_to_the_policy_it_was_written_for() {
    use privatelink_core::Policy;
    let written_for = |name: &str| -> Policy {
        if name == "regression-api-alias-lookalike" {
            return Policy::Strict;
        }
        let n: usize = name
            .strip_prefix("seed-")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: no policy recorded for it"));
        [Policy::Strict, Policy::Prefer, Policy::Off][n % 3]
    };
    let mut named = 0;
    for (path, data) in corpus("host_mapper") {
        let name = path.rsplit('/').next().unwrap();
        // Inputs the fuzzer added (named by their hash) carry no intent.
        if name.len() == 40 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        assert_eq!(host_mapper_policy(data[0]), written_for(name), "{name}");
        named += 1;
    }
    assert_eq!(named, 31, "the seeds and the regression input");
}
