//! The facade: `PrivateLink::builder()…build().await` and `interceptor()`, with controlled time.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::test_util::{SleepGate, controlled_time_and_sleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_smithy_http_client::test_util::{StaticReplayClient, capture_request};
use aws_smithy_runtime_api::client::http::HttpClient;
use aws_smithy_types::body::SdkBody;
use privatelink::core::{Policy, VpcEndpoint};
use privatelink::discovery::{DescribeEndpoints, DiscoveryError, EndpointsFuture, Environment};
use privatelink::{BuildError, PrivateLink};
use privatelink_testkit::interface_endpoint;
use tokio::sync::{Mutex, mpsc};

const VPC: &str = "vpc-0test";
const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";

type Answer = Result<Vec<VpcEndpoint>, DiscoveryError>;

/// Answers each call with what the test sends.
struct Scripted(Mutex<mpsc::UnboundedReceiver<Answer>>);

impl fmt::Debug for Scripted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Scripted")
    }
}

impl DescribeEndpoints for Scripted {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(async move { self.0.lock().await.recv().await.expect("answered") })
    }
}

fn scripted() -> (Scripted, mpsc::UnboundedSender<Answer>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Scripted(Mutex::new(rx)), tx)
}

fn sts_endpoint(suffix: &str) -> Answer {
    let name = format!("vpce-0575-{suffix}.sts.us-east-1.vpce.amazonaws.com");
    Ok(vec![interface_endpoint("vpce-0575", &[&name])])
}

fn throttled() -> Answer {
    Err(DiscoveryError::Throttled(
        privatelink::discovery::ServiceError::new(
            Some("RequestLimitExceeded".into()),
            std::io::Error::other("slow down"),
        ),
    ))
}

fn controlled_sdk_config() -> (SdkConfig, SleepGate) {
    let (time, sleep, gate) = controlled_time_and_sleep(real_now());
    let config = privatelink_testkit::sdk_config(
        privatelink_testkit::ACCESS_KEY_ID,
        privatelink_testkit::SECRET_ACCESS_KEY,
    )
    .time_source(SharedTimeSource::new(time))
    .sleep_impl(SharedAsyncSleep::new(sleep))
    .build();
    (config, gate)
}

/// Sends one STS GetCallerIdentity through `privatelink` and returns the host it went to.
async fn sts_host(sdk_config: &SdkConfig, privatelink: &PrivateLink) -> String {
    let (http, rx) = capture_request(Some(
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(IDENTITY))
            .unwrap(),
    ));
    sts_client(sdk_config, privatelink, http)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let request = rx.expect_request();
    request
        .uri()
        .split("://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

fn sts_client(
    sdk_config: &SdkConfig,
    privatelink: &PrivateLink,
    http: impl HttpClient + 'static,
) -> aws_sdk_sts::Client {
    // The client gets real time and sleep: only privatelink's refresher uses the test's clock.
    let config = aws_sdk_sts::config::Builder::from(sdk_config)
        .http_client(http)
        .time_source(SharedTimeSource::new(SystemTimeSource::new()))
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .interceptor(privatelink.interceptor())
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

#[tokio::test]
async fn a_client_follows_the_snapshot_across_a_background_refresh() {
    let (sdk_config, mut gate) = controlled_sdk_config();
    let (source, answers) = scripted();
    answers.send(sts_endpoint("first111")).unwrap();
    let privatelink = PrivateLink::builder()
        .configure(&sdk_config)
        .source(source)
        .vpc_id(VPC)
        .build()
        .await
        .unwrap();
    assert_eq!(
        sts_host(&sdk_config, &privatelink).await,
        "vpce-0575-first111.sts.us-east-1.vpce.amazonaws.com"
    );

    // The refresher wakes ahead of expiry; the new snapshot is published before it sleeps again.
    let nap = gate.expect_sleep().await;
    answers.send(sts_endpoint("second22")).unwrap();
    nap.allow_progress();
    let _next = gate.expect_sleep().await;
    assert_eq!(
        sts_host(&sdk_config, &privatelink).await,
        "vpce-0575-second22.sts.us-east-1.vpce.amazonaws.com"
    );
    assert_eq!(privatelink.snapshot().unwrap().usable_count(), 1);
}

#[tokio::test]
async fn the_first_load_must_succeed_unless_starting_empty() {
    let (sdk_config, _gate) = controlled_sdk_config();
    let (source, answers) = scripted();
    answers.send(throttled()).unwrap();
    let err = PrivateLink::builder()
        .configure(&sdk_config)
        .source(source)
        .vpc_id(VPC)
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(err, BuildError::Discovery(DiscoveryError::Throttled(_))),
        "{err:?}"
    );
    assert!(
        err.source().unwrap().to_string().contains("throttled"),
        "{err}"
    );

    // A fresh clock for the second cache (the failed build's refresher stops with it).
    let (sdk_config, mut gate) = controlled_sdk_config();
    let (source, answers) = scripted();
    answers.send(throttled()).unwrap();
    let privatelink = PrivateLink::builder()
        .configure(&sdk_config)
        .source(source)
        .vpc_id(VPC)
        .start_empty(true)
        .build()
        .await
        .unwrap();
    assert!(privatelink.snapshot().is_none());
    // Prefer mode without a snapshot: requests go to their default host.
    assert_eq!(
        sts_host(&sdk_config, &privatelink).await,
        "sts.us-east-1.amazonaws.com"
    );
    // The background retry brings the endpoints: without a snapshot, a throttled call is retried
    // after a uniform 30 s to one TTL (a fleet started into a drained bucket spreads its calls).
    let nap = gate.expect_sleep().await;
    let ttl = privatelink::discovery::DEFAULT_TTL;
    assert!(
        nap.duration() >= Duration::from_secs(30) && nap.duration() <= ttl,
        "{:?}",
        nap.duration()
    );
    answers.send(sts_endpoint("later333")).unwrap();
    nap.allow_progress();
    let _next = gate.expect_sleep().await;
    assert_eq!(
        sts_host(&sdk_config, &privatelink).await,
        "vpce-0575-later333.sts.us-east-1.vpce.amazonaws.com"
    );

    let (source, _answers) = scripted();
    let err = PrivateLink::builder()
        .source(source)
        .policy(Policy::Strict)
        .start_empty(true)
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, BuildError::StartEmptyNeedsPrefer), "{err:?}");
}

fn env(vars: &[(&str, &str)]) -> Environment {
    vars.iter().copied().collect()
}

#[tokio::test]
async fn the_endpoints_file_variable_replaces_ec2() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/describe-vpc-endpoints.json"
    );
    let privatelink = PrivateLink::builder()
        .environment(env(&[
            ("PRIVATELINK_ENDPOINTS_FILE", fixture),
            ("PRIVATELINK_AZ", "us-east-1a"),
        ]))
        .build()
        .await
        .unwrap();
    assert_eq!(privatelink.snapshot().unwrap().endpoints().len(), 15);
    assert_eq!(privatelink.rewrite_config().zone(), Some("us-east-1a"));
    assert!(privatelink.location().is_none());

    // A VPC id filters the file's endpoints.
    let other_vpc = PrivateLink::builder()
        .environment(env(&[
            ("PRIVATELINK_ENDPOINTS_FILE", fixture),
            ("PRIVATELINK_VPC_ID", "vpc-0other"),
        ]))
        .build()
        .await
        .unwrap();
    assert_eq!(other_vpc.snapshot().unwrap().endpoints().len(), 0);

    let err = PrivateLink::builder()
        .environment(env(&[("PRIVATELINK_ENDPOINTS_FILE", "/nonexistent.json")]))
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(err, BuildError::Discovery(DiscoveryError::File(_))),
        "{err:?}"
    );
    let err = PrivateLink::builder()
        .environment(env(&[]))
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, BuildError::NoSdkConfig), "{err:?}");
}

#[tokio::test]
async fn ec2_discovery_from_the_sdk_config_with_location_from_the_environment() {
    let ec2 = StaticReplayClient::new(vec![privatelink_testkit::ec2_ok(sts_endpoint_xml(
        "vpc-0env",
    ))]);
    let sdk_config = replay_config(&ec2);
    let privatelink = PrivateLink::builder()
        .configure(&sdk_config)
        .environment(env(&[
            ("PRIVATELINK_VPC_ID", "vpc-0env"),
            ("PRIVATELINK_AZ", "us-east-1c"),
        ]))
        .build()
        .await
        .unwrap();
    let location = privatelink.location().unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.found_by().as_str()
        ),
        ("vpc-0env", Some("us-east-1c"), "environment")
    );
    let body = ec2
        .actual_requests()
        .next()
        .map(|r| String::from_utf8(r.body().bytes().unwrap().to_vec()).unwrap());
    assert!(body.unwrap().contains("Filter.1.Value.1=vpc-0env"));
    assert_eq!(
        sts_host(&sdk_config, &privatelink).await,
        "vpce-0ec2-abcd1234-us-east-1c.sts.us-east-1.vpce.amazonaws.com"
    );
}

/// An `SdkConfig` whose EC2 accepts the request and never answers, and which sets no timeout
/// (as aws-config's defaults set none past connecting).
fn hung_ec2() -> SdkConfig {
    privatelink_testkit::sdk_config("AKID", "SECRET")
        .http_client(aws_smithy_http_client::test_util::NeverClient::new())
        .build()
}

/// Builds against [`hung_ec2`] on Tokio's paused clock: the error, and that the build took
/// `limit` (Tokio's timer rounds a deadline up to the next millisecond).
async fn build_against_a_hung_ec2(
    builder: privatelink::PrivateLinkBuilder,
    limit: Duration,
) -> BuildError {
    let start = tokio::time::Instant::now();
    let err = builder
        .configure(&hung_ec2())
        .vpc_id(VPC)
        .build()
        .await
        .unwrap_err();
    let waited = start.elapsed();
    assert!(
        (limit..=limit + Duration::from_millis(1)).contains(&waited),
        "{waited:?}"
    );
    err
}

/// `build()` fails with a typed error once the walk's own limit (20 s) runs out.
#[tokio::test(start_paused = true)]
async fn a_hung_ec2_fails_build_within_the_walks_limit() {
    let limit = privatelink::discovery::DEFAULT_DESCRIBE_TIMEOUT;
    let err = build_against_a_hung_ec2(PrivateLink::builder(), limit).await;
    let BuildError::Discovery(DiscoveryError::TimedOut(timed_out)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(timed_out.what(), "DescribeVpcEndpoints");
    assert_eq!(
        err.source().unwrap().to_string(),
        "DescribeVpcEndpoints did not finish within 20s (the time limit privatelink sets on it)"
    );
}

/// A hub VPC whose STS never answers AssumeRole (an `SdkConfig` without timeouts, as
/// aws-config's defaults): `build()` fails at the hub's limit, which is `describe_timeout`'s.
#[tokio::test(start_paused = true)]
async fn a_hung_sts_fails_a_hub_build_within_the_walks_limit() {
    let limit = privatelink::discovery::DEFAULT_DESCRIBE_TIMEOUT;
    let hub = privatelink::discovery::HubVpc::new(
        "arn:aws:iam::222222222222:role/privatelink-hub",
        "vpc-0hub",
    );
    let err = build_against_a_hung_ec2(PrivateLink::builder().hub_vpc(hub), limit).await;
    let BuildError::Discovery(DiscoveryError::TimedOut(timed_out)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(timed_out.what(), "AssumeRole");
}

/// A custom source that never answers, with every default: `build()` fails at the cache's call
/// limit, and so do `ensure_fresh()` and `refresh()` afterwards, each within that limit.
#[tokio::test(start_paused = true)]
async fn a_custom_source_that_never_answers_fails_at_the_call_limit() {
    #[derive(Debug)]
    struct Never;
    impl DescribeEndpoints for Never {
        fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            Box::pin(std::future::pending())
        }
    }
    let limit = privatelink::discovery::DEFAULT_CALL_TIMEOUT;
    let timed_out = |err: &DiscoveryError| match err {
        DiscoveryError::TimedOut(timed_out) => {
            (timed_out.what(), timed_out.after()) == ("the endpoint source", limit)
        }
        _ => false,
    };
    let start = tokio::time::Instant::now();
    let err = PrivateLink::builder()
        .source(Never)
        .vpc_id(VPC)
        .build()
        .await
        .unwrap_err();
    assert!((limit..=limit + Duration::from_millis(1)).contains(&start.elapsed()));
    assert!(
        matches!(&err, BuildError::Discovery(e) if timed_out(e)),
        "{err:?}"
    );

    let privatelink = PrivateLink::builder()
        .source(Never)
        .vpc_id(VPC)
        .policy(Policy::Prefer)
        .start_empty(true)
        .build()
        .await
        .unwrap();
    let start = tokio::time::Instant::now();
    let (fresh, refreshed) = tokio::join!(privatelink.ensure_fresh(), privatelink.refresh());
    assert!(start.elapsed() <= limit + Duration::from_millis(1));
    assert!(timed_out(&fresh.unwrap_err()));
    assert!(timed_out(&refreshed.unwrap_err()));
}

/// `build()` polled by an executor other than Tokio (no runtime running): a typed error at once,
/// not a panic deep in a timer.
#[test]
fn build_outside_a_tokio_runtime_is_a_typed_error() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let build = PrivateLink::builder()
        .endpoints_file("/nonexistent/endpoints.json")
        .build();
    let mut build = std::pin::pin!(build);
    let Poll::Ready(Err(err)) = build.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("build() waited for something")
    };
    assert!(
        matches!(err, BuildError::Discovery(DiscoveryError::NoRuntime)),
        "{err:?}"
    );
}

/// The real time, read once: privatelink's test clock starts there, so that the snapshot
/// deadlines it sets agree with the clock of SDK clients that sign with real time (the peers check
/// signatures against it), as they do in production, where both are the system clock.
fn real_now() -> std::time::SystemTime {
    use aws_smithy_async::time::TimeSource;
    aws_smithy_async::time::SystemTimeSource::new().now()
}

/// The walk's limit is a builder setting: a hung EC2 fails `build()` after the configured time;
/// settings outside 1 second to 1 hour are typed errors.
#[tokio::test(start_paused = true)]
async fn the_walk_limit_is_a_builder_setting() {
    let limit = Duration::from_secs(3);
    let err = build_against_a_hung_ec2(PrivateLink::builder().describe_timeout(limit), limit).await;
    assert!(
        matches!(err, BuildError::Discovery(DiscoveryError::TimedOut(_))),
        "{err:?}"
    );
    let config = hung_ec2();
    for (builder, setting) in [
        (
            PrivateLink::builder().describe_timeout(Duration::ZERO),
            "describe_timeout",
        ),
        (
            PrivateLink::builder().describe_timeout(Duration::MAX),
            "describe_timeout",
        ),
        (
            PrivateLink::builder().metadata_timeout(Duration::from_millis(10)),
            "metadata_timeout",
        ),
        // Inside the cache's limit on every call (60 s), which would otherwise cut it short.
        (
            PrivateLink::builder().describe_timeout(Duration::from_secs(60)),
            "describe_timeout",
        ),
    ] {
        let err = builder
            .configure(&config)
            .vpc_id(VPC)
            .build()
            .await
            .unwrap_err();
        let BuildError::InvalidTimeout(invalid) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(invalid.setting(), setting);
    }
}

#[tokio::test]
async fn a_hub_vpc_with_an_endpoint_file_is_an_error_not_ignored() {
    let error = PrivateLink::builder()
        .endpoints_file("testdata/describe-vpc-endpoints.json")
        .hub_vpc(privatelink::discovery::HubVpc::new(
            "arn:aws:iam::222222222222:role/privatelink-hub",
            "vpc-0hub",
        ))
        .build()
        .await
        .unwrap_err();
    assert!(matches!(error, BuildError::HubNeedsEc2), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("cannot be combined with an endpoint file")
    );
}

/// An endpoint document (a `privatelink export` on a schedule, a publisher) says when its
/// endpoints were discovered, and staleness counts from then: a document whose writer stopped
/// is served as usual until its TTL, stale until `max_stale` after that, and then strict mode
/// refuses — however often the file is read again; a document already that old fails `build()`.
#[tokio::test]
async fn an_endpoint_documents_staleness_counts_from_its_discovery_time() {
    use aws_smithy_async::test_util::ManualTimeSource;
    use aws_smithy_async::time::TimeSource;
    use privatelink::core::{RefusalReason, RewriteError};
    const MIN: Duration = Duration::from_secs(60);
    // Whole seconds, as the document writes the time.
    let since_epoch = real_now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let time =
        ManualTimeSource::new(std::time::UNIX_EPOCH + Duration::from_secs(since_epoch.as_secs()));
    let discovered = time.now() - 30 * MIN;
    let fixture = include_str!("../testdata/describe-vpc-endpoints.json");
    let endpoints = privatelink::core::parse_describe_vpc_endpoints(fixture).unwrap();
    let vpc = "vpc-0example0000001";
    let json =
        privatelink::core::export_json(&endpoints, Some(vpc), Some("us-east-1"), Some(discovered));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("endpoints.json");
    std::fs::write(&file, &json).unwrap();
    let sdk_config = privatelink_testkit::sdk_config("AKID", "SECRET")
        .time_source(SharedTimeSource::new(time.clone()))
        .build();
    let cache = privatelink::discovery::CacheConfig::builder()
        .ttl(45 * MIN)
        .jitter(0.0)
        .max_stale(60 * MIN)
        .build()
        .unwrap();
    let build = || {
        PrivateLink::builder()
            .configure(&sdk_config)
            .endpoints_file(&file)
            .vpc_id(vpc)
            .policy(Policy::Strict)
            .cache_config(cache.clone())
            .build()
    };
    let privatelink = build().await.unwrap();
    let resolver = privatelink.dns_resolver();
    let sts = || resolver.endpoint_name("sts.us-east-1.amazonaws.com");
    let endpoint = "vpce-0575000000000000c3-ks83awe7.sts.us-east-1.vpce.amazonaws.com";
    assert_eq!(sts().unwrap().as_deref(), Some(endpoint));
    // Expires 45 minutes after discovery, not after the read: stale from there, still served
    // (and read again on demand, which changes nothing: the file is as old as it was).
    time.advance(16 * MIN);
    assert!(privatelink.ensure_fresh().await.is_ok());
    assert_eq!(sts().unwrap().as_deref(), Some(endpoint));
    let status = privatelink.status();
    assert!(status.is_stale(), "{status:?}");
    // Until 45 + 60 minutes after discovery, then refused.
    time.advance(59 * MIN - Duration::from_secs(1));
    assert_eq!(sts().unwrap().as_deref(), Some(endpoint));
    time.advance(Duration::from_secs(2));
    match sts() {
        Err(RewriteError::Refused(refused)) => {
            assert_eq!(refused.reason(), &RefusalReason::NoSnapshot)
        }
        other => panic!("{other:?}"),
    }
    // A new process finds a document that old unusable, and says why.
    let err = build().await.unwrap_err();
    let BuildError::Discovery(DiscoveryError::StaleDocument(stale)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(stale.discovered_at(), discovered);
    assert_eq!(stale.limit(), 105 * MIN);
}

/// `own_address(..)`: with no VPC id and no metadata, the process is located by the network
/// interface holding its address, and that VPC's endpoints are discovered.
#[tokio::test]
async fn a_configured_own_address_locates_the_vpc_by_its_network_interface() {
    let interface = "<DescribeNetworkInterfacesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
        <networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId><vpcId>vpc-0pod</vpcId>\
        <availabilityZone>us-east-1c</availabilityZone><privateIpAddress>10.0.1.50</privateIpAddress></item>\
        </networkInterfaceSet></DescribeNetworkInterfacesResponse>";
    let ec2 = StaticReplayClient::new(vec![
        privatelink_testkit::ec2_ok(interface),
        privatelink_testkit::ec2_ok(sts_endpoint_xml("vpc-0pod")),
    ]);
    let sdk_config = replay_config(&ec2);
    let privatelink = PrivateLink::builder()
        .configure(&sdk_config)
        .environment(env(&[("AWS_EC2_METADATA_DISABLED", "true")]))
        .own_address("10.0.1.50".parse().unwrap())
        .build()
        .await
        .unwrap();
    let location = privatelink.location().unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.found_by().as_str()
        ),
        ("vpc-0pod", Some("us-east-1c"), "this process's address")
    );
    let bodies: Vec<String> = ec2
        .actual_requests()
        .map(|r| String::from_utf8(r.body().bytes().unwrap().to_vec()).unwrap())
        .collect();
    assert!(
        bodies[0].contains("Action=DescribeNetworkInterfaces"),
        "{bodies:?}"
    );
    assert!(
        bodies[1].contains("Filter.1.Value.1=vpc-0pod"),
        "{bodies:?}"
    );
    assert_eq!(
        sts_host(&sdk_config, &privatelink).await,
        "vpce-0ec2-abcd1234-us-east-1c.sts.us-east-1.vpce.amazonaws.com"
    );
}

/// A DescribeVpcEndpoints answer: one STS interface endpoint of `vpc`, with a regional name and
/// one for us-east-1c.
fn sts_endpoint_xml(vpc: &str) -> String {
    format!(
        "<DescribeVpcEndpointsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><vpcEndpointSet><item>\
        <vpcEndpointId>vpce-0ec2</vpcEndpointId><vpcEndpointType>Interface</vpcEndpointType><vpcId>{vpc}</vpcId>\
        <serviceName>com.amazonaws.us-east-1.sts</serviceName><state>available</state><privateDnsEnabled>false</privateDnsEnabled>\
        <dnsEntrySet><item><dnsName>vpce-0ec2-abcd1234.sts.us-east-1.vpce.amazonaws.com</dnsName></item>\
        <item><dnsName>vpce-0ec2-abcd1234-us-east-1c.sts.us-east-1.vpce.amazonaws.com</dnsName></item></dnsEntrySet>\
        </item></vpcEndpointSet></DescribeVpcEndpointsResponse>"
    )
}

/// The test `SdkConfig` with EC2 answered by `ec2`.
fn replay_config(ec2: &StaticReplayClient) -> SdkConfig {
    privatelink_testkit::sdk_config(
        privatelink_testkit::ACCESS_KEY_ID,
        privatelink_testkit::SECRET_ACCESS_KEY,
    )
    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
    .http_client(ec2.clone())
    .build()
}
