//! The describe-vpc-endpoints JSON parser, index and export, and strict mode with a zone over
//! the parsed endpoints, judged by the oracle in `checks.rs`.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_describe_json(text);
    }
});
