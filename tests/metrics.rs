//! The metrics privatelink reports through the `metrics` facade, read back from a recording
//! recorder (metrics-util's `DebuggingRecorder`, installed globally: this binary has one test).

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource, TimeSource};
use aws_smithy_http_client::test_util::capture_request;
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns};
use aws_smithy_types::body::SdkBody;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use privatelink::PrivateLink;
use privatelink::core::{Policy, parse_describe_vpc_endpoints};
use privatelink::discovery::{DescribeEndpoints, DiscoveryError, EndpointsFuture, ServiceError};

const VPC: &str = "vpc-0metrics";

/// The fixture's endpoints on the first call, throttling on every later one.
#[derive(Default)]
struct FirstThenThrottled(Mutex<u32>);

impl fmt::Debug for FirstThenThrottled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FirstThenThrottled")
    }
}

impl DescribeEndpoints for FirstThenThrottled {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        let mut calls = self.0.lock().unwrap();
        *calls += 1;
        let answer = match *calls {
            1 => Ok(parse_describe_vpc_endpoints(privatelink_testkit::DESCRIBE_FIXTURE).unwrap()),
            _ => Err(DiscoveryError::Throttled(ServiceError::new(
                Some("RequestLimitExceeded".into()),
                std::io::Error::other("Rate exceeded"),
            ))),
        };
        Box::pin(std::future::ready(answer))
    }
}

/// Answers every name with a loopback address (dial mode's lookups go nowhere real).
#[derive(Debug)]
struct Loopback;

impl ResolveDns for Loopback {
    fn resolve_dns<'a>(&'a self, _name: &'a str) -> DnsFuture<'a> {
        DnsFuture::ready(Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]))
    }
}

async fn privatelink(policy: Policy) -> PrivateLink {
    PrivateLink::builder()
        .configure(&sdk_config())
        .source(FirstThenThrottled::default())
        .vpc_id(VPC)
        .policy(policy)
        .dns_resolver(Loopback)
        .build()
        .await
        .unwrap()
}

fn sdk_config() -> aws_types::SdkConfig {
    privatelink_testkit::sdk_config(
        privatelink_testkit::ACCESS_KEY_ID,
        privatelink_testkit::SECRET_ACCESS_KEY,
    )
    .time_source(SharedTimeSource::new(SystemTimeSource::new()))
    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
    .build()
}

/// One STS GetCallerIdentity through `privatelink`'s interceptor (to `endpoint_url` if given).
async fn sts_call(privatelink: &PrivateLink, endpoint_url: Option<&str>, region: &str) {
    let (http, _rx) = capture_request(Some(
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
            ))
            .unwrap(),
    ));
    let mut config = aws_sdk_sts::config::Builder::from(&sdk_config())
        .http_client(http)
        .region(aws_sdk_sts::config::Region::new(region.to_owned()))
        .interceptor(privatelink.interceptor());
    if let Some(url) = endpoint_url {
        config = config.endpoint_url(url);
    }
    let _ = aws_sdk_sts::Client::from_conf(config.build())
        .get_caller_identity()
        .send()
        .await;
}

#[tokio::test]
async fn requests_discovery_and_snapshots_are_counted() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install().unwrap();

    let prefer = privatelink(Policy::Prefer).await;
    sts_call(&prefer, None, "us-east-1").await; // the STS endpoint
    sts_call(&prefer, Some("https://sts.example.com"), "us-east-1").await; // not AWS
    sts_call(&prefer, None, "eu-west-1").await; // no endpoint there
    let strict = privatelink(Policy::Strict).await;
    sts_call(&strict, None, "eu-west-1").await; // refused
    prefer
        .dns_resolver()
        .resolve_dns("sts.us-east-1.amazonaws.com")
        .await
        .unwrap();
    // A forced refresh is throttled.
    assert!(prefer.refresh().await.is_err());

    let values: HashMap<String, f64> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let (_, key) = key.into_parts();
            let mut labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            labels.sort();
            let value = match value {
                DebugValue::Counter(n) => n as f64,
                DebugValue::Gauge(g) => g.into_inner(),
                DebugValue::Histogram(_) => f64::NAN,
            };
            (format!("{}{{{}}}", key.name(), labels.join(",")), value)
        })
        .collect();
    let get = |name: &str| {
        *values
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {values:#?}"))
    };
    assert_eq!(
        get("privatelink_requests_total{mode=rewrite,outcome=rewritten}"),
        1.0
    );
    assert_eq!(
        get("privatelink_requests_total{mode=rewrite,outcome=unchanged,reason=not_aws_host}"),
        1.0
    );
    assert_eq!(
        get("privatelink_requests_total{mode=rewrite,outcome=unchanged,reason=not_mapped}"),
        1.0
    );
    assert_eq!(
        get("privatelink_requests_total{mode=rewrite,outcome=refused}"),
        1.0
    );
    assert_eq!(
        get("privatelink_requests_total{mode=dial,outcome=rewritten}"),
        1.0
    );
    // Two handles over one VPC id: their caches are separate, each made its first call.
    assert_eq!(
        get(&format!(
            "privatelink_discovery_calls_total{{vpc_id={VPC}}}"
        )),
        3.0
    );
    assert_eq!(
        get(&format!(
            "privatelink_discovery_failures_total{{class=throttled,vpc_id={VPC}}}"
        )),
        1.0
    );
    let usable = prefer.snapshot().unwrap().usable_count() as f64;
    assert_eq!(
        get(&format!("privatelink_endpoints_usable{{vpc_id={VPC}}}")),
        usable
    );
    let loaded = get(&format!(
        "privatelink_snapshot_loaded_timestamp_seconds{{vpc_id={VPC}}}"
    ));
    // The load's time: now, less the snapshot's age (a few seconds' slack for the test's run).
    let now = SystemTimeSource::new().now();
    let loaded_at = now - prefer.status().snapshot_age().unwrap();
    let expected = loaded_at
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((loaded - expected).abs() < 5.0, "{loaded} vs {expected}");
}
