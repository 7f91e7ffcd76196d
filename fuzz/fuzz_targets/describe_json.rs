//! The describe-vpc-endpoints JSON parser, index and export.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_describe_json(text);
    }
});
