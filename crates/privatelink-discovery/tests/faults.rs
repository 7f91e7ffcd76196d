//! The fault matrix: one row per fault, each stating the expected behaviour, which the row's
//! check observes and the suite compares. EC2 answers come from replayed HTTP responses through
//! the real SDK client (retries included; sleeps are instant), instance metadata from replays
//! through aws-config's IMDS client, ECS metadata from a loopback server, endpoint lifecycles
//! through the real cache under a controlled clock, and requests through the rewrite rules.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use aws_config::SdkConfig;
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::test_util::{
    ControlledSleep, InstantSleep, ManualTimeSource, SleepGate, controlled_time_and_sleep,
};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use aws_smithy_http_client::test_util::{NeverClient, ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::timeout::TimeoutConfig;
use privatelink_core::{
    DnsEntry, EndpointIndex, EndpointState, EndpointType, Outcome, Policy, RewriteConfig,
    RewriteError, VpcEndpoint, WarningKind,
};
use privatelink_discovery::{
    CacheConfig, DescribeEndpoints, DiscoveryError, Ec2Source, EndpointCache, EndpointsFuture,
    Environment, Locator,
};
use privatelink_testkit::{ec2_error as error, ec2_replay as replay};

type Check = fn() -> Pin<Box<dyn Future<Output = String>>>;

/// (fault, expected behaviour, check producing the observed behaviour)
#[rustfmt::skip]
const MATRIX: &[(&str, &str, Check)] = &[
    ("EC2 throttles every attempt (RequestLimitExceeded)",
     "Throttled(RequestLimitExceeded) after 3 attempts", || Box::pin(ec2_first_load(vec![503, 503, 503], "RequestLimitExceeded"))),
    ("EC2 throttles every attempt of a later call (a refresh, a retry: describe_once)",
     "Throttled(RequestLimitExceeded) after 1 attempts", || Box::pin(ec2_later_call(vec![503, 503, 503], "RequestLimitExceeded"))),
    ("EC2 throttles, then answers",
     "loaded 1 endpoints after 2 attempts", || Box::pin(ec2_throttled_then_ok())),
    ("EC2 500 InternalError on every attempt",
     "Service(InternalError) after 3 attempts", || Box::pin(ec2_first_load(vec![500, 500, 500], "InternalError"))),
    ("EC2 503 Unavailable on every attempt",
     "Service(Unavailable) after 3 attempts", || Box::pin(ec2_first_load(vec![503, 503, 503], "Unavailable"))),
    ("EC2 accepts the connection and never answers (SdkConfig without timeouts, as aws-config's defaults)",
     "TimedOut(DescribeVpcEndpoints after 20s), the walk's own limit", || Box::pin(ec2_never_answers())),
    ("a custom source never answers; a load, a reload and a second load wait on that one call (the cache's defaults)",
     "3 × TimedOut(the endpoint source after 60s), the cache's own limit; 1 call", || Box::pin(source_never_answers())),
    ("a hub account's STS accepts the connection and never answers (AssumeRole; SdkConfig without timeouts)",
     "TimedOut(AssumeRole after 20s), the hub's own limit", || Box::pin(hub_never_answers(HubCall::AssumeRole))),
    ("EC2 never answers DescribeAvailabilityZones (a hub's zone translation)",
     "TimedOut(DescribeAvailabilityZones after 20s), the hub's own limit", || Box::pin(hub_never_answers(HubCall::Zones))),
    ("every time limit at its extremes (Ec2Source, Locator, HubVpc, call_timeout: zero, 999 ms, Duration::MAX)",
     "12 typed errors naming the setting, 0 panics", || Box::pin(extreme_limits())),
    ("the endpoint file is slow to read (a FIFO whose writer waits until the runtime's only thread runs another task)",
     "read 1 endpoints; the runtime ran another task meanwhile", || Box::pin(slow_endpoint_file())),
    ("EC2 AccessDenied",
     "AccessDenied(AccessDenied) after 1 attempts", || Box::pin(ec2_first_load(vec![403], "AccessDenied"))),
    ("EC2 UnauthorizedOperation",
     "AccessDenied(UnauthorizedOperation) after 1 attempts", || Box::pin(ec2_first_load(vec![403], "UnauthorizedOperation"))),
    ("EC2 rejects the credentials (AuthFailure)",
     "InvalidCredentials(AuthFailure) after 1 attempts", || Box::pin(ec2_first_load(vec![401], "AuthFailure"))),
    ("EC2 throttles a refresh while a snapshot is served",
     "stale snapshot served; no second call within the failure backoff", || Box::pin(refresh_throttled())),
    ("IMDS down (connection refused)",
     "NoVpc: EC2 instance metadata failed", || Box::pin(imds(ImdsFault::Down))),
    ("IMDS never answers",
     "NoVpc: EC2 instance metadata failed", || Box::pin(imds(ImdsFault::Slow))),
    ("IMDS token answer without the TTL header",
     "NoVpc: EC2 instance metadata failed", || Box::pin(imds(ImdsFault::NoTtlHeader))),
    ("ECS task metadata is not JSON",
     "MetadataUnavailable: malformed JSON", || Box::pin(ecs_malformed())),
    ("ECS task metadata unreachable (nothing listens), instance metadata down too",
     "NoVpc: tried settings, environment, ECS task metadata, EC2 instance metadata", || Box::pin(ecs_unreachable())),
    ("endpoint pending → available → deleting → deleted",
     "not used (pending); rewritten; not used (deleting); no endpoint", || Box::pin(lifecycle())),
    ("endpoint rejected",
     "not used (rejected)", || Box::pin(one_state("rejected"))),
    ("DnsEntries empty",
     "warning NoEndpointNames; no endpoint", || Box::pin(entries(&[]))),
    ("DnsEntries malformed",
     "warning IgnoredDnsName, NoEndpointNames; no endpoint", || Box::pin(entries(&["vpce-.ec2..vpce.amazonaws.com", "*"]))),
    ("a DNS name outside the vpce domain",
     "warning IgnoredDnsName, NoEndpointNames; no endpoint", || Box::pin(entries(&["vpce-0abc-x.ec2.us-east-1.vpce.amazonaws.com.evil.example"]))),
    ("the client's region differs from the endpoint's",
     "prefer: unchanged (no endpoint in eu-west-1); strict: refused", || Box::pin(region_mismatch())),
    ("the snapshot is older than max_stale",
     "prefer: unchanged (no snapshot); strict: refused (no snapshot)", || Box::pin(past_max_stale())),
    ("a refresh hangs forever (a dead or stuck refresher); requests read the cell on their clock",
     "until the deadline: rewritten; past it: prefer unchanged (no snapshot), strict refused (no snapshot)", || Box::pin(refresh_hangs())),
    ("the clock jumps back a day, then forward a day",
     "back: served, no call; forward: not served by the cell, the next load calls", || Box::pin(clock_jumps())),
    ("the source panics",
     "SourcePanicked; the next load (after the backoff) calls again and succeeds", || Box::pin(source_panics())),
    ("every cache setting at its extremes (Duration::MAX, zero, NaN jitter)",
     "9 typed errors at build, 0 panics", || Box::pin(extreme_settings())),
    ("an empty answer after a good one",
     "taken as the VPC's endpoints now: prefer unchanged (no endpoint in us-east-1), strict refused", || Box::pin(empty_after_good())),
    ("the refresher's runtime shuts down (its task ends)",
     "the next load in another runtime starts a new refresher", || Box::pin(refresher_restarts())),
];

#[tokio::test]
async fn every_fault_behaves_as_its_row_says() {
    let mut failures = Vec::new();
    for (fault, expected, check) in MATRIX {
        let observed = check().await;
        if observed != *expected {
            failures.push(format!(
                "{fault}\n  expected: {expected}\n  observed: {observed}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

// ----- EC2 -----

const EC2_NAME: &str = "vpce-0ec2-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com";

fn one_endpoint_page() -> http::Response<SdkBody> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVpcEndpointsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>r-2</requestId><vpcEndpointSet><item><vpcEndpointId>vpce-0ec2</vpcEndpointId>\
         <vpcEndpointType>Interface</vpcEndpointType><vpcId>vpc-0test</vpcId><serviceName>com.amazonaws.us-east-1.ec2</serviceName>\
         <state>available</state><privateDnsEnabled>false</privateDnsEnabled><dnsEntrySet><item><dnsName>{EC2_NAME}</dnsName>\
         <hostedZoneId>Z7HUB22UULQXV</hostedZoneId></item></dnsEntrySet></item></vpcEndpointSet></DescribeVpcEndpointsResponse>"
    );
    http::Response::builder()
        .status(200)
        .body(SdkBody::from(body))
        .unwrap()
}

fn ec2_config(http: impl aws_smithy_runtime_api::client::http::HttpClient + 'static) -> SdkConfig {
    privatelink_testkit::sdk_config("AKID", "SECRET")
        .sleep_impl(SharedAsyncSleep::new(InstantSleep::unlogged()))
        .http_client(http)
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_secs(2))
                .build(),
        )
        .build()
}

fn describe_error(error: &DiscoveryError) -> String {
    if let DiscoveryError::TimedOut(e) = error {
        return format!("TimedOut({} after {:?})", e.what(), e.after());
    }
    let (variant, context) = match error {
        DiscoveryError::Throttled(e) => ("Throttled", e),
        DiscoveryError::AccessDenied(e) => ("AccessDenied", e),
        DiscoveryError::InvalidCredentials(e) => ("InvalidCredentials", e),
        DiscoveryError::Service(e) => ("Service", e),
        other => return format!("{other:?}"),
    };
    format!("{variant}({})", context.code().unwrap_or("no code"))
}

async fn ec2_first_load(statuses: Vec<u16>, code: &str) -> String {
    let http = replay(statuses.iter().map(|s| error(*s, code)).collect());
    let error = Ec2Source::new(&ec2_config(http.clone()))
        .describe("vpc-0test")
        .await
        .unwrap_err();
    format!(
        "{} after {} attempts",
        describe_error(&error),
        http.actual_requests().count()
    )
}

async fn ec2_later_call(statuses: Vec<u16>, code: &str) -> String {
    let http = replay(statuses.iter().map(|s| error(*s, code)).collect());
    let error = Ec2Source::new(&ec2_config(http.clone()))
        .describe_once("vpc-0test")
        .await
        .unwrap_err();
    format!(
        "{} after {} attempts",
        describe_error(&error),
        http.actual_requests().count()
    )
}

async fn ec2_throttled_then_ok() -> String {
    let http = replay(vec![
        error(503, "RequestLimitExceeded"),
        one_endpoint_page(),
    ]);
    match Ec2Source::new(&ec2_config(http.clone()))
        .describe("vpc-0test")
        .await
    {
        Ok(endpoints) => format!(
            "loaded {} endpoints after {} attempts",
            endpoints.len(),
            http.actual_requests().count()
        ),
        Err(error) => describe_error(&error),
    }
}

async fn ec2_never_answers() -> String {
    // No timeout_config at all. Tokio's clock is paused for the row, so the walk's limit runs
    // out as soon as nothing else can happen; the paused clock shows how long that was.
    tokio::time::pause();
    let config = privatelink_testkit::sdk_config("AKID", "SECRET")
        .http_client(NeverClient::new())
        .build();
    let start = tokio::time::Instant::now();
    let error = Ec2Source::new(&config)
        .describe("vpc-0test")
        .await
        .unwrap_err();
    let waited = start.elapsed();
    tokio::time::resume();
    // Tokio's timer rounds a deadline up to the next millisecond.
    let limit = privatelink_discovery::DEFAULT_DESCRIBE_TIMEOUT;
    let limited = if (limit..=limit + Duration::from_millis(1)).contains(&waited) {
        ", the walk's own limit".to_owned()
    } else {
        format!(", another limit ({waited:?})")
    };
    format!("{}{limited}", describe_error(&error))
}

/// How long a future ran on the paused Tokio clock, and whether that is `limit` (Tokio's timer
/// rounds a deadline up to the next millisecond).
async fn timed<T>(future: impl Future<Output = T>, limit: Duration, whose: &str) -> (T, String) {
    tokio::time::pause();
    let start = tokio::time::Instant::now();
    let output = future.await;
    let waited = start.elapsed();
    tokio::time::resume();
    let limited = if (limit..=limit + Duration::from_millis(1)).contains(&waited) {
        format!(", {whose} own limit")
    } else {
        format!(", another limit ({waited:?})")
    };
    (output, limited)
}

/// A source that never answers; counts calls.
#[derive(Debug, Clone, Default)]
struct Never {
    calls: Arc<Mutex<usize>>,
}

impl DescribeEndpoints for Never {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        *self.calls.lock().unwrap() += 1;
        Box::pin(std::future::pending())
    }
}

async fn source_never_answers() -> String {
    let never = Never::default();
    // The defaults a user gets: the default config, Tokio's sleep (paused here).
    let cache = EndpointCache::builder()
        .source(never.clone())
        .build()
        .unwrap();
    let all = async {
        tokio::join!(
            cache.load("vpc-0test"),
            cache.reload("vpc-0test"),
            cache.load("vpc-0test")
        )
    };
    let ((first, second, third), limited) = timed(
        all,
        privatelink_discovery::DEFAULT_CALL_TIMEOUT,
        "the cache's",
    )
    .await;
    let errors: Vec<String> = [first, second, third]
        .iter()
        .map(|result| match result {
            Ok(_) => "loaded".to_owned(),
            Err(error) => describe_error(error),
        })
        .collect();
    let same = errors.windows(2).all(|pair| pair[0] == pair[1]);
    let calls = *never.calls.lock().unwrap();
    match same {
        true => format!("3 × {}{limited}; {calls} call", errors[0]),
        false => format!("{errors:?}{limited}; {calls} call"),
    }
}

enum HubCall {
    AssumeRole,
    Zones,
}

async fn hub_never_answers(call: HubCall) -> String {
    // No timeout_config at all, as aws-config's defaults.
    let config = privatelink_testkit::sdk_config("AKID", "SECRET")
        .http_client(NeverClient::new())
        .build();
    let hub = privatelink_discovery::HubVpc::new("arn:aws:iam::222222222222:role/hub", "vpc-0hub");
    let limit = privatelink_discovery::DEFAULT_DESCRIBE_TIMEOUT;
    let (error, limited) = match call {
        HubCall::AssumeRole => timed(hub.sdk_config(&config), limit, "the hub's").await,
        HubCall::Zones => {
            let (result, limited) =
                timed(hub.zone_name(&config, "use1-az1"), limit, "the hub's").await;
            (result.map(|_| config.clone()), limited)
        }
    };
    match error {
        Ok(_) => "answered".to_owned(),
        Err(error) => format!("{}{limited}", describe_error(&error)),
    }
}

async fn extreme_limits() -> String {
    let config = privatelink_testkit::sdk_config("AKID", "SECRET").build();
    let hub = privatelink_discovery::HubVpc::new("arn:aws:iam::222222222222:role/hub", "vpc-0hub");
    let mut settings = Vec::new();
    for limit in [Duration::ZERO, Duration::from_millis(999), Duration::MAX] {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            [
                Ec2Source::new(&config)
                    .timeout(limit)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                Locator::new()
                    .timeout(limit)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                hub.clone()
                    .timeout(limit)
                    .map(drop)
                    .map_err(|e| e.to_string()),
                CacheConfig::builder()
                    .call_timeout(limit)
                    .build()
                    .map(drop)
                    .map_err(|e| e.to_string()),
            ]
        }));
        match outcome {
            Ok(results) => settings.extend(results),
            Err(_) => return "panicked".to_owned(),
        }
    }
    let named = settings
        .iter()
        .filter(|result| {
            result.as_ref().is_err_and(|message| {
                [
                    "Ec2Source::timeout",
                    "Locator::timeout",
                    "HubVpc::timeout",
                    "call_timeout",
                ]
                .iter()
                .any(|setting| message.contains(setting))
            })
        })
        .count();
    format!("{named} typed errors naming the setting, 0 panics")
}

async fn slow_endpoint_file() -> String {
    let dir = std::env::temp_dir().join(format!("privatelink-fifo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("endpoints.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    let json = privatelink_core::export_json(
        &[endpoint("available", &[EC2_NAME])],
        Some("vpc-0test"),
        Some("us-east-1"),
        None,
    );
    // The writer writes once a task on this (current-thread) runtime has run, or after 30 s,
    // so that a reader blocking the runtime's thread fails the row instead of hanging it.
    let (ran, ran_rx) = std::sync::mpsc::channel::<()>();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let waited = ran_rx.recv_timeout(Duration::from_secs(30)).is_ok();
            std::fs::write(&fifo, json).unwrap();
            waited
        })
    };
    let source = privatelink_discovery::FileSource::new(&fifo);
    let other_task = tokio::spawn(async move { ran.send(()).unwrap() });
    let read = source.describe("").await;
    let ran_meanwhile = writer.join().unwrap();
    other_task.await.unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    match (read, ran_meanwhile) {
        (Ok(endpoints), true) => format!(
            "read {} endpoints; the runtime ran another task meanwhile",
            endpoints.len()
        ),
        (read, ran) => format!("{read:?}; another task ran meanwhile: {ran}"),
    }
}

/// One scripted DescribeVpcEndpoints answer.
type Answer = Result<Vec<VpcEndpoint>, DiscoveryError>;

/// A source answering from a script, one entry per call; counts calls.
#[derive(Debug, Clone, Default)]
struct Script {
    answers: Arc<Mutex<Vec<Answer>>>,
    calls: Arc<Mutex<usize>>,
}

impl Script {
    fn then(&self, answer: Answer) -> &Self {
        self.answers.lock().unwrap().push(answer);
        self
    }

    fn calls(&self) -> usize {
        *self.calls.lock().unwrap()
    }
}

impl DescribeEndpoints for Script {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        *self.calls.lock().unwrap() += 1;
        let answer = self.answers.lock().unwrap().remove(0);
        Box::pin(async move { answer })
    }
}

fn throttled() -> DiscoveryError {
    DiscoveryError::Throttled(privatelink_discovery::ServiceError::new(
        Some("RequestLimitExceeded".into()),
        std::io::Error::other("Rate exceeded"),
    ))
}

const TTL: Duration = Duration::from_secs(600);

/// The cache's timing in these rows: no jitter, so expiry is exact.
fn timing() -> CacheConfig {
    CacheConfig::builder()
        .ttl(TTL)
        .jitter(0.0)
        .max_stale(Duration::from_secs(3600))
        .build()
        .unwrap()
}

/// The cache under test. Its background refresher sleeps on a gate the test never opens, so
/// every load happens where the test calls it.
fn cache(
    script: &Script,
    (time, sleep, _): &(ManualTimeSource, ControlledSleep, SleepGate),
) -> EndpointCache {
    EndpointCache::builder()
        .source(script.clone())
        .config(timing())
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(sleep.clone()))
        .build()
        .unwrap()
}

fn clock() -> (ManualTimeSource, ControlledSleep, SleepGate) {
    controlled_time_and_sleep(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
}

async fn refresh_throttled() -> String {
    let script = Script::default();
    script
        .then(Ok(vec![endpoint("available", &[EC2_NAME])]))
        .then(Err(throttled()))
        .then(Ok(vec![]));
    let controlled = clock();
    let cache = cache(&script, &controlled);
    let time = &controlled.0;
    let first = cache.load("vpc-0test").await.unwrap();
    time.advance(TTL + Duration::from_secs(1));
    let stale = cache.load("vpc-0test").await;
    time.advance(Duration::from_secs(10));
    let again = cache.load("vpc-0test").await;
    let served = matches!((&stale, &again), (Ok(a), Ok(b)) if Arc::ptr_eq(a, &first) && Arc::ptr_eq(b, &first));
    match (served, script.calls()) {
        (true, 2) => "stale snapshot served; no second call within the failure backoff".into(),
        (served, calls) => format!("stale served: {served}; {calls} calls"),
    }
}

// ----- metadata -----

enum ImdsFault {
    Down,
    Slow,
    NoTtlHeader,
}

async fn imds(fault: ImdsFault) -> String {
    let base = privatelink_testkit::sdk_config("AKID", "SECRET")
        .sleep_impl(SharedAsyncSleep::new(InstantSleep::unlogged()));
    let (config, endpoint) = match fault {
        // Nothing listens on port 1.
        ImdsFault::Down => (base.build(), "http://127.0.0.1:1"),
        ImdsFault::Slow => (
            base.http_client(NeverClient::new()).build(),
            "http://169.254.169.254",
        ),
        ImdsFault::NoTtlHeader => {
            let token = ReplayEvent::new(
                http::Request::builder()
                    .method("PUT")
                    .uri("http://169.254.169.254/latest/api/token")
                    .body(SdkBody::empty())
                    .unwrap(),
                http::Response::builder()
                    .status(200)
                    .body(SdkBody::from("AQAEAToken=="))
                    .unwrap(),
            );
            let http = StaticReplayClient::new(vec![token]);
            (base.http_client(http).build(), "http://169.254.169.254")
        }
    };
    let result = Locator::new()
        .configure(&config)
        .environment(Environment::from_map(Default::default()))
        .imds_endpoint(endpoint)
        .locate()
        .await;
    match result {
        Err(DiscoveryError::NoVpc(e))
            if e.tried()
                .last()
                .is_some_and(|t| t.starts_with("EC2 instance metadata: ")) =>
        {
            "NoVpc: EC2 instance metadata failed".into()
        }
        other => format!("{other:?}"),
    }
}

async fn ecs_unreachable() -> String {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let vars = [(
        "ECS_CONTAINER_METADATA_URI_V4".to_owned(),
        format!("http://{closed}/v4/task-id"),
    )];
    let result = Locator::new()
        .environment(Environment::from_map(vars.into_iter().collect()))
        .imds_endpoint(format!("http://{closed}"))
        .locate()
        .await;
    let Err(DiscoveryError::NoVpc(no_vpc)) = result else {
        return format!("{result:?}");
    };
    let places: Vec<&str> = no_vpc
        .tried()
        .iter()
        .map(|why| match why {
            why if why.starts_with("builder setting") => "settings",
            why if why.starts_with("environment variable") => "environment",
            why if why.starts_with("ECS task metadata") => "ECS task metadata",
            why if why.starts_with("EC2 instance metadata") => "EC2 instance metadata",
            _ => why.as_str(),
        })
        .collect();
    format!("NoVpc: tried {}", places.join(", "))
}

async fn ecs_malformed() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v4/task-id", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 1024];
        let _ = socket.read(&mut request).await;
        let body = "{\"VPCID\": ";
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = socket.write_all(response.as_bytes()).await;
    });
    let vars = [("ECS_CONTAINER_METADATA_URI_V4".to_owned(), base)];
    let result = Locator::new()
        .environment(Environment::from_map(vars.into_iter().collect()))
        .locate()
        .await;
    match result {
        Err(DiscoveryError::MetadataUnavailable(e)) if e.what().contains("malformed JSON") => {
            "MetadataUnavailable: malformed JSON".into()
        }
        other => format!("{other:?}"),
    }
}

// ----- endpoints and requests -----

fn endpoint(state: &str, names: &[&str]) -> VpcEndpoint {
    let mut builder = VpcEndpoint::builder()
        .id("vpce-0ec2")
        .endpoint_type(EndpointType::Interface)
        .service_name("com.amazonaws.us-east-1.ec2")
        .state(EndpointState::parse(state));
    for name in names {
        builder = builder.dns_entry(DnsEntry::new(*name, None));
    }
    builder.build().unwrap()
}

/// What happens to an EC2 request under `policy` with `index`.
fn request(index: Option<&EndpointIndex>, policy: Policy, url: &str) -> String {
    let config = RewriteConfig::builder().policy(policy).build().unwrap();
    match config.rewrite_url(index, url) {
        Ok(Outcome::Rewritten(r)) => {
            assert!(r.host().starts_with("vpce-") && r.host().ends_with(".vpce.amazonaws.com"));
            "rewritten".into()
        }
        Ok(Outcome::Unchanged(unchanged)) => match unchanged {
            privatelink_core::Unchanged::NotMapped { reason, .. } => match reason {
                privatelink_core::RefusalReason::EndpointNotAvailable { state, .. } => {
                    format!("not used ({})", state.as_str())
                }
                privatelink_core::RefusalReason::NoEndpoint { region } => {
                    format!("unchanged (no endpoint in {region})")
                }
                privatelink_core::RefusalReason::NoSnapshot => "unchanged (no snapshot)".into(),
                other => format!("unchanged ({other:?})"),
            },
            other => format!("{other:?}"),
        },
        Err(RewriteError::Refused(refused)) => match refused.reason() {
            privatelink_core::RefusalReason::NoSnapshot => "refused (no snapshot)".into(),
            _ => "refused".into(),
        },
        Err(other) => format!("{other}"),
    }
}

const EC2_URL: &str = "https://ec2.us-east-1.amazonaws.com/";

async fn lifecycle() -> String {
    let script = Script::default();
    for state in ["pending", "available", "deleting"] {
        script.then(Ok(vec![endpoint(state, &[EC2_NAME])]));
    }
    script.then(Ok(vec![]));
    let controlled = clock();
    let cache = cache(&script, &controlled);
    let time = &controlled.0;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let index = cache.load("vpc-0test").await.unwrap();
        let outcome = request(Some(&index), Policy::Prefer, EC2_URL);
        seen.push(if outcome.starts_with("unchanged (no endpoint") {
            "no endpoint".to_owned()
        } else {
            outcome
        });
        time.advance(TTL + Duration::from_secs(1));
    }
    seen.join("; ")
}

async fn one_state(state: &str) -> String {
    let index = EndpointIndex::new([endpoint(state, &[EC2_NAME])]);
    request(Some(&index), Policy::Prefer, EC2_URL)
}

async fn entries(names: &[&str]) -> String {
    let index = EndpointIndex::new([endpoint("available", names)]);
    let warnings: Vec<&str> = index
        .warnings()
        .iter()
        .map(|w| match w.kind() {
            WarningKind::NoEndpointNames => "NoEndpointNames",
            WarningKind::IgnoredDnsName { .. } => "IgnoredDnsName",
            _ => "other",
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let outcome = request(Some(&index), Policy::Prefer, EC2_URL);
    let outcome = if outcome.starts_with("unchanged (no endpoint") {
        "no endpoint".to_owned()
    } else {
        outcome
    };
    format!("warning {}; {outcome}", warnings.join(", "))
}

async fn region_mismatch() -> String {
    let index = EndpointIndex::new([endpoint("available", &[EC2_NAME])]);
    let url = "https://ec2.eu-west-1.amazonaws.com/";
    format!(
        "prefer: {}; strict: {}",
        request(Some(&index), Policy::Prefer, url),
        request(Some(&index), Policy::Strict, url)
    )
}

async fn past_max_stale() -> String {
    let script = Script::default();
    script.then(Ok(vec![endpoint("available", &[EC2_NAME])]));
    for _ in 0..10 {
        script.then(Err(throttled()));
    }
    let controlled = clock();
    let cache = cache(&script, &controlled);
    let time = &controlled.0;
    let cell = cache.cell("vpc-0test");
    cache.load("vpc-0test").await.unwrap();
    // Past expiry and max_stale (1 h), with every refresh failing.
    time.advance(TTL + Duration::from_secs(3601));
    assert!(cache.load("vpc-0test").await.is_err());
    let index = cell.current();
    format!(
        "prefer: {}; strict: {}",
        request(index.as_deref(), Policy::Prefer, EC2_URL),
        request(index.as_deref(), Policy::Strict, EC2_URL)
    )
}

async fn refresh_hangs() -> String {
    #[derive(Debug)]
    struct HangsAfterFirst(Mutex<usize>);
    impl DescribeEndpoints for HangsAfterFirst {
        fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            let mut calls = self.0.lock().unwrap();
            *calls += 1;
            match *calls {
                1 => Box::pin(std::future::ready(Ok(vec![endpoint(
                    "available",
                    &[EC2_NAME],
                )]))),
                _ => Box::pin(std::future::pending()),
            }
        }
    }
    let (time, sleep, _gate) = clock();
    let cache = EndpointCache::builder()
        .source(HangsAfterFirst(Mutex::new(0)))
        .config(timing())
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(sleep))
        .build()
        .unwrap();
    cache.load("vpc-0test").await.unwrap();
    // A refresh starts and never returns; nothing else will publish or clear the cell.
    time.advance(TTL + Duration::from_secs(1));
    let hung = cache.clone();
    let refresh = tokio::spawn(async move { hung.load("vpc-0test").await });
    tokio::task::yield_now().await;
    let cell = cache.cell("vpc-0test");
    let read = |policy| cell.with_current_at(time.now(), |index| request(index, policy, EC2_URL));
    time.advance(Duration::from_secs(3598));
    let before = read(Policy::Strict);
    time.advance(Duration::from_secs(2));
    let after = format!(
        "prefer {}, strict {}",
        read(Policy::Prefer),
        read(Policy::Strict)
    );
    refresh.abort();
    let before = match before.as_str() {
        "rewritten" => "until the deadline: rewritten".to_owned(),
        other => format!("until the deadline: {other}"),
    };
    let after = match after.as_str() {
        "prefer unchanged (no snapshot), strict refused (no snapshot)" => {
            "past it: prefer unchanged (no snapshot), strict refused (no snapshot)".to_owned()
        }
        other => format!("past it: {other}"),
    };
    format!("{before}; {after}")
}

/// A clock that can be set anywhere, backwards included (as a system clock can be).
#[derive(Debug, Clone)]
struct SettableClock(Arc<Mutex<std::time::SystemTime>>);

impl TimeSource for SettableClock {
    fn now(&self) -> std::time::SystemTime {
        *self.0.lock().unwrap()
    }
}

async fn clock_jumps() -> String {
    let script = Script::default();
    script
        .then(Ok(vec![endpoint("available", &[EC2_NAME])]))
        .then(Ok(vec![endpoint("available", &[EC2_NAME])]));
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let clock = SettableClock(Arc::new(Mutex::new(start)));
    let (_, sleep, _gate) = self::clock();
    let cache = EndpointCache::builder()
        .source(script.clone())
        .config(timing())
        .time_source(SharedTimeSource::new(clock.clone()))
        .sleep_impl(SharedAsyncSleep::new(sleep))
        .build()
        .unwrap();
    cache.load("vpc-0test").await.unwrap();
    let cell = cache.cell("vpc-0test");
    let set = |time| *clock.0.lock().unwrap() = time;
    set(start - Duration::from_secs(86_400));
    let served_back = cell.with_current_at(clock.now(), |index| index.is_some());
    let back_load = cache.load("vpc-0test").await.is_ok() && script.calls() == 1;
    set(start + Duration::from_secs(86_400));
    let served_forward = cell.with_current_at(clock.now(), |index| index.is_some());
    cache.load("vpc-0test").await.unwrap();
    match (served_back && back_load, served_forward, script.calls()) {
        (true, false, 2) => {
            "back: served, no call; forward: not served by the cell, the next load calls".into()
        }
        other => format!("{other:?}"),
    }
}

async fn source_panics() -> String {
    #[derive(Debug)]
    struct PanicsOnce(Mutex<usize>);
    impl DescribeEndpoints for PanicsOnce {
        fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            let first = {
                let mut calls = self.0.lock().unwrap();
                *calls += 1;
                *calls == 1
            };
            Box::pin(async move {
                assert!(!first, "the source broke");
                Ok(vec![endpoint("available", &[EC2_NAME])])
            })
        }
    }
    let (time, sleep, _gate) = clock();
    let cache = EndpointCache::builder()
        .source(PanicsOnce(Mutex::new(0)))
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(sleep))
        .build()
        .unwrap();
    let first = match cache.load("vpc-0test").await {
        Err(DiscoveryError::SourcePanicked(_)) => "SourcePanicked",
        other => return format!("{other:?}"),
    };
    time.advance(privatelink_discovery::DEFAULT_FAILURE_BACKOFF * 2);
    match cache.load("vpc-0test").await {
        Ok(_) => format!("{first}; the next load (after the backoff) calls again and succeeds"),
        Err(e) => format!("{first}; then {e}"),
    }
}

async fn extreme_settings() -> String {
    type Setting =
        fn(privatelink_discovery::CacheConfigBuilder) -> privatelink_discovery::CacheConfigBuilder;
    let settings: [Setting; 9] = [
        |b| b.ttl(Duration::MAX),
        |b| b.ttl(Duration::ZERO),
        |b| b.max_stale(Duration::MAX),
        |b| b.failure_backoff(Duration::ZERO),
        |b| b.failure_backoff(Duration::MAX),
        |b| b.refresh_ahead(Duration::MAX),
        |b| b.jitter(f64::NAN),
        |b| b.jitter(f64::INFINITY),
        |b| b.jitter(-1.0),
    ];
    let (mut errors, mut panics) = (0, 0);
    for setting in settings {
        let built = std::panic::catch_unwind(|| {
            let config = setting(CacheConfig::builder()).build()?;
            EndpointCache::builder()
                .source(Script::default())
                .config(config)
                .build()
        });
        match built {
            Ok(Err(_)) => errors += 1,
            Ok(Ok(_)) => {}
            Err(_) => panics += 1,
        }
    }
    format!("{errors} typed errors at build, {panics} panics")
}

async fn empty_after_good() -> String {
    let script = Script::default();
    script
        .then(Ok(vec![endpoint("available", &[EC2_NAME])]))
        .then(Ok(vec![]));
    let controlled = clock();
    let cache = cache(&script, &controlled);
    cache.load("vpc-0test").await.unwrap();
    controlled.0.advance(TTL + Duration::from_secs(1));
    let index = cache.load("vpc-0test").await.unwrap();
    let prefer = request(Some(&index), Policy::Prefer, EC2_URL);
    let strict = request(Some(&index), Policy::Strict, EC2_URL);
    format!("taken as the VPC's endpoints now: prefer {prefer}, strict {strict}")
}

async fn refresher_restarts() -> String {
    let script = Script::default();
    script.then(Ok(vec![endpoint("available", &[EC2_NAME])]));
    let controlled = clock();
    let cache = cache(&script, &controlled);
    // A runtime of its own, shut down after the first load: its refresher task ends with it.
    let first = cache.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move { first.load("vpc-0test").await.unwrap() });
    })
    .join()
    .unwrap();
    let ended = !cache.status("vpc-0test").refresher_running();
    // The snapshot is fresh: no call, but the refresher starts again on this runtime.
    cache.load("vpc-0test").await.unwrap();
    let restarted = cache.status("vpc-0test").refresher_running();
    match (ended, restarted, script.calls()) {
        (true, true, 1) => "the next load in another runtime starts a new refresher".into(),
        other => format!("(ended, restarted, calls) = {other:?}"),
    }
}
