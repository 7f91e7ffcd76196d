//! The host mapper: `RewriteConfig::rewrite_url` on arbitrary URLs and settings, against the
//! fixture's endpoints, judged by the oracle in `checks.rs`.
#![no_main]

include!("../checks.rs");

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    check_host_mapper(data);
});
