//! Allocations on the request path (`RewriteConfig::route`, the decision, and the `Router` both
//! modes ask, which also counts it): a rewrite allocates exactly one block (the new URL string); a
//! URL that stays as it is allocates nothing. `rewrite_url`, which also explains an unchanged URL, allocates that
//! explanation (for an AWS host with no endpoint: the service label and the region). Counted by
//! dhat's heap profiler in testing mode (its own test binary: the allocator is process-wide, so
//! the test harness's own thread may allocate at the same moment, printing: each figure is the
//! fewest blocks of three runs — an allocation of the code under test shows in every run).

use std::time::SystemTime;

use privatelink_core::{
    Outcome, Policy, RewriteConfig, Routed, Router, SnapshotCell, index_from_describe_json,
};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");

/// The fewest heap blocks `f` allocates in three runs, and its last result.
fn fewest_blocks<T>(mut f: impl FnMut() -> T) -> (u64, T) {
    let mut fewest = u64::MAX;
    let mut last = None;
    for _ in 0..3 {
        drop(last.take());
        let before = dhat::HeapStats::get().total_blocks;
        let value = f();
        fewest = fewest.min(dhat::HeapStats::get().total_blocks - before);
        last = Some(value);
    }
    (fewest, last.expect("three runs"))
}

#[test]
fn a_rewrite_allocates_only_the_new_url() {
    let index = index_from_describe_json(FIXTURE).unwrap();
    let zonal = RewriteConfig::builder().zone("us-east-1a").build().unwrap();
    let regional = RewriteConfig::default();
    #[rustfmt::skip]
    let rows: [(&RewriteConfig, &str, u64); 8] = [
        (&regional, "https://ec2.us-east-1.amazonaws.com/", 1),
        (&zonal,    "https://ec2.us-east-1.amazonaws.com/", 1),
        (&regional, "https://mybucket.s3.us-east-1.amazonaws.com/key.txt", 1),
        (&regional, "https://s3.us-east-1.amazonaws.com/mybucket/key.txt", 1),
        (&regional, "https://myap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/k", 1),
        (&regional, "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/jobs", 1),
        (&regional, "https://sqs.us-east-1.amazonaws.com/", 0),
        (&regional, "https://example.com/", 0),
    ];
    let _profiler = dhat::Profiler::builder().testing().build();
    for (config, url, expected) in rows {
        let (allocated, routed) = fewest_blocks(|| config.route(Some(&index), url).unwrap());
        assert_eq!(allocated, expected, "{url}: {routed:?}");
        assert_eq!(
            matches!(routed, Routed::Rewritten { .. }),
            expected == 1,
            "{url}"
        );
        drop(routed);
    }
    // The explaining form allocates the explanation of a miss, and nothing more for a rewrite.
    for (url, expected) in [
        ("https://sqs.us-east-1.amazonaws.com/", 2),
        ("https://ec2.us-east-1.amazonaws.com/", 1),
    ] {
        let (allocated, outcome) =
            fewest_blocks(|| regional.rewrite_url(Some(&index), url).unwrap());
        assert_eq!(allocated, expected, "{outcome:?}");
        assert_eq!(matches!(outcome, Outcome::Rewritten(_)), expected == 1);
        drop(outcome);
    }
    // Strict mode's checks allocate nothing for hosts it lets through.
    let strict = RewriteConfig::builder()
        .policy(Policy::Strict)
        .build()
        .unwrap();
    let (allocated, _) = fewest_blocks(|| strict.route(Some(&index), "https://example.com/x"));
    assert_eq!(allocated, 0);
    // The router (both modes' path), for a host it has decided before: the new URL only, or
    // nothing — counting the decision (no recorder installed, as in a process without metrics)
    // included.
    let router = Router::new(SnapshotCell::with_index(index.clone()), zonal.clone());
    for (url, expected) in [
        ("https://ec2.us-east-1.amazonaws.com/", 1),
        ("https://mybucket.s3.us-east-1.amazonaws.com/key.txt", 1),
        ("https://sqs.us-east-1.amazonaws.com/", 0),
        ("https://example.com/", 0),
    ] {
        router.route_url(url, SystemTime::UNIX_EPOCH).unwrap();
        let (allocated, routed) =
            fewest_blocks(|| router.route_url(url, SystemTime::UNIX_EPOCH).unwrap());
        assert_eq!(allocated, expected, "{url}: {routed:?}");
        assert_eq!(matches!(routed, Routed::Rewritten { .. }), expected == 1);
    }
}
