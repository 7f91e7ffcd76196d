//! The cache's warnings, in a test binary of their own (tracing caches per-callsite interest
//! process-wide): each transition — first failure, stale, past the deadline — is logged at warn
//! once, however many requests and failed refreshes follow.

use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

use aws_smithy_async::test_util::ManualTimeSource;
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use privatelink_core::VpcEndpoint;
use privatelink_discovery::{
    CacheConfig, DescribeEndpoints, DiscoveryError, EndpointCache, EndpointsFuture, ServiceError,
};
use privatelink_testkit::interface_endpoint;

/// Answers the first call, then throttles every call.
#[derive(Debug, Default)]
struct GoodThenThrottled(Mutex<usize>);

impl DescribeEndpoints for GoodThenThrottled {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        let mut calls = self.0.lock().unwrap();
        *calls += 1;
        let answer: Result<Vec<VpcEndpoint>, DiscoveryError> = match *calls {
            1 => Ok(vec![interface_endpoint(
                "vpce-0abc",
                &["vpce-0abc-12345678.ec2.us-east-1.vpce.amazonaws.com"],
            )]),
            _ => Err(DiscoveryError::Throttled(ServiceError::new(
                Some("RequestLimitExceeded".into()),
                std::io::Error::other("Rate exceeded"),
            ))),
        };
        Box::pin(std::future::ready(answer))
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_transition_is_warned_once_not_per_request() {
    let (logs, _guard) = privatelink_testkit::CapturedLogs::install(tracing::Level::WARN, None);

    let ttl = Duration::from_secs(600);
    let max_stale = Duration::from_secs(3600);
    let time = ManualTimeSource::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let cache = EndpointCache::builder()
        .source(GoodThenThrottled::default())
        .config(
            CacheConfig::builder()
                .ttl(ttl)
                .jitter(0.0)
                .max_stale(max_stale)
                .build()
                .unwrap(),
        )
        .time_source(SharedTimeSource::new(time.clone()))
        .build()
        .unwrap();
    cache.load("vpc-0test").await.unwrap();
    let cell = cache.cell("vpc-0test");
    // Stale: many requests (loads) and every refresh failing, over the whole max_stale.
    time.advance(ttl + Duration::from_secs(1));
    for _ in 0..60 {
        let _ = cache.load("vpc-0test").await;
        cell.with_current_at(time.now(), |index| assert!(index.is_some()));
        time.advance(Duration::from_secs(59));
    }
    // Past the deadline: every request reads nothing; the deadline is warned about once.
    time.advance(max_stale);
    for _ in 0..100 {
        cell.with_current_at(time.now(), |index| assert!(index.is_none()));
    }
    let text = logs.text();
    let count = |phrase: &str| text.lines().filter(|l| l.contains(phrase)).count();
    assert_eq!(
        count("serving the stale snapshot until max_stale"),
        1,
        "{text}"
    );
    assert_eq!(count("endpoint snapshot is stale"), 0, "{text}");
    assert_eq!(count("past its deadline"), 1, "{text}");
    assert!(
        text.lines()
            .all(|l| l.contains(" WARN ") || l.contains(" ERROR ")),
        "{text}"
    );
    assert!(
        text.lines().count() <= 4,
        "one line per transition:\n{text}"
    );
}
