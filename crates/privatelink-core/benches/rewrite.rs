//! Index lookup + host rewrite for each host kind, on the describe-vpc-endpoints fixture, through
//! `RewriteConfig::route` (the decision), and the same through a `Router` that has decided the
//! host before (what the interceptor calls per request and dial mode per connection).
//!
//! `cargo bench --workspace --bench rewrite`; ends with `remembered / decided: X` per kind (the
//! ratio of the medians) and `value: X ns`, the slowest kind's median for the decision.
//! (Allocations are asserted by `tests/alloc.rs`: one per rewrite, the new URL string; none for
//! a miss.)

use std::hint::black_box;

use criterion::Criterion;
use std::time::SystemTime;

use privatelink_core::{Policy, RewriteConfig, Router, SnapshotCell, index_from_describe_json};

const FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");

/// (name, URL, zone): one per host kind.
const KINDS: [(&str, &str, Option<&str>); 7] = [
    ("generic", "https://ec2.us-east-1.amazonaws.com/", None),
    (
        "zonal",
        "https://ec2.us-east-1.amazonaws.com/",
        Some("us-east-1a"),
    ),
    (
        "s3_virtual",
        "https://mybucket.s3.us-east-1.amazonaws.com/key.txt",
        None,
    ),
    (
        "s3_path",
        "https://s3.us-east-1.amazonaws.com/mybucket/key.txt",
        None,
    ),
    (
        "access_point",
        "https://myap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/key.txt",
        None,
    ),
    (
        "control",
        "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/jobs",
        None,
    ),
    ("miss", "https://sqs.us-east-1.amazonaws.com/", None),
];

fn rewrite(c: &mut Criterion) {
    let index = index_from_describe_json(FIXTURE).unwrap();
    let mut group = c.benchmark_group("rewrite");
    for (name, url, zone) in KINDS {
        let mut config = RewriteConfig::builder().policy(Policy::Prefer);
        config.set_zone(zone.map(str::to_owned));
        let config = config.build().unwrap();
        group.bench_function(name, |b| {
            b.iter(|| config.route(Some(black_box(&index)), black_box(url)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("remembered");
    for (name, url, zone) in KINDS {
        let mut config = RewriteConfig::builder().policy(Policy::Prefer);
        config.set_zone(zone.map(str::to_owned));
        let router = Router::new(
            SnapshotCell::with_index(index.clone()),
            config.build().unwrap(),
        );
        router.route_url(url, SystemTime::UNIX_EPOCH).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| router.route_url(black_box(url), SystemTime::UNIX_EPOCH))
        });
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    rewrite(&mut criterion);
    criterion.final_summary();
    for (name, _, _) in KINDS {
        let ratio =
            median_ns(&format!("remembered/{name}")) / median_ns(&format!("rewrite/{name}"));
        println!("{name}: remembered / decided: {ratio:.2}");
    }
    let slowest = KINDS
        .iter()
        .map(|(name, _, _)| median_ns(&format!("rewrite/{name}")))
        .fold(0.0, f64::max);
    println!("value: {slowest:.0} ns (the slowest host kind's median; target ≤ 250 ns)");
}

/// The median criterion just measured for `id`, from its saved estimates.
fn median_ns(id: &str) -> f64 {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let home = std::env::var("CRITERION_HOME").unwrap_or_else(|_| format!("{target}/criterion"));
    let path = format!("{home}/{id}/new/estimates.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let estimates: serde_json::Value = serde_json::from_str(&text).unwrap();
    estimates["median"]["point_estimate"].as_f64().unwrap()
}
