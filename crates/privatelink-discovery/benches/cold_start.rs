//! Cold start: 1,000 concurrent first uses of one VPC key on a new cache, against a source that
//! answers after 5 ms (as a nearby EC2 endpoint might), once succeeding and once failing.
//! criterion times serving all 1,000; every iteration asserts that exactly one
//! DescribeVpcEndpoints call was made. Ends with `value: 1 describe calls`.
//!
//! `cargo bench --workspace --bench cold_start`

use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::Criterion;
use privatelink_discovery::{
    DescribeEndpoints, DiscoveryError, EndpointCache, EndpointsFuture, ServiceError,
};

const CALLERS: usize = 1_000;

#[derive(Debug)]
struct Unavailable;

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("service unavailable")
    }
}

impl Error for Unavailable {}

#[derive(Debug, Clone)]
struct SlowSource {
    calls: Arc<AtomicUsize>,
    fail: bool,
}

impl DescribeEndpoints for SlowSource {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if self.fail {
                Err(DiscoveryError::Service(ServiceError::new(
                    Some("ServiceUnavailable".into()),
                    Unavailable,
                )))
            } else {
                Ok(Vec::new())
            }
        })
    }
}

/// Serves `CALLERS` concurrent first loads on a new cache; returns the number of calls made.
async fn cold_start(fail: bool) -> usize {
    let source = SlowSource {
        calls: Arc::default(),
        fail,
    };
    let cache = EndpointCache::builder()
        .source(source.clone())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.load("vpc-0cold").await.is_ok() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), !fail);
    }
    source.calls.load(Ordering::SeqCst)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("cold_start");
    group.sample_size(20);
    for (name, fail) in [("success", false), ("failure", true)] {
        group.bench_function(format!("{CALLERS}_callers/{name}"), |b| {
            b.iter(|| assert_eq!(rt.block_on(cold_start(fail)), 1))
        });
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    println!(
        "value: 1 describe calls (per {CALLERS} concurrent first uses, success and failure; asserted on every iteration)"
    );
}
