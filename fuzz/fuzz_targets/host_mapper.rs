//! The host mapper: `RewriteConfig::rewrite_url` on arbitrary URLs, against the fixture's endpoints.
#![no_main]

use std::sync::OnceLock;

include!("../checks.rs");

static INDEX: OnceLock<privatelink_core::EndpointIndex> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let index = INDEX.get_or_init(|| {
        privatelink_core::index_from_describe_json(MAPPER_FIXTURE).expect("the fixture parses")
    });
    check_host_mapper(index, data);
});
