//! Feature `s3`: a fleet reads one export document from S3 instead of each process calling EC2.
//! The S3 peer (s3s-fs, SigV4 checked; `304 Not Modified` for an `If-None-Match` naming the
//! object's ETag, as S3 answers) holds the document a publisher wrote; every reader is a
//! `PrivateLink` handle with its own cache, as a process of a fleet has. The readers reach S3 at
//! the S3 interface endpoint's name (what `AWS_ENDPOINT_URL_S3` names before any snapshot).
//!
//! Runs in `cargo test --workspace` (the CLI enables the feature), or alone with
//! `cargo test -p privatelink --features s3 --test s3`.

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::test_util::ManualTimeSource;
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource, TimeSource};
use aws_types::SdkConfig;
use privatelink::core::{Policy, RefusalReason, RewriteError, export_json};
use privatelink::discovery::{CacheConfig, DiscoveryError};
use privatelink::{BuildError, PrivateLink};
use privatelink_peers::{LoopbackVpc, VPC_ID};
use privatelink_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY};

const BUCKET: &str = "fleet-documents";
const KEY: &str = "privatelink/vpc.json";
const URL: &str = "s3://fleet-documents/privatelink/vpc.json";
const EC2: &str = "ec2.us-east-1.amazonaws.com";
const MIN: Duration = Duration::from_secs(60);

/// What a process of the fleet has: an `SdkConfig` whose S3 requests go to the S3 interface
/// endpoint (`AWS_ENDPOINT_URL_S3`), over the loopback network, with privatelink's clock.
fn reader_config(vpc: &LoopbackVpc, time: &ManualTimeSource) -> SdkConfig {
    privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .endpoint_url(format!("https://bucket.{}", LoopbackVpc::s3_name(None)))
        .http_client(vpc.http_client())
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .build()
}

/// The publisher's S3 client (signing with the real clock).
fn publisher(config: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .time_source(SharedTimeSource::new(SystemTimeSource::new()))
            .build(),
    )
}

async fn publish(s3: &aws_sdk_s3::Client, s3_state: &str, discovered_at: std::time::SystemTime) {
    let document = export_json(
        &LoopbackVpc::endpoints(s3_state),
        Some(VPC_ID),
        Some("us-east-1"),
        Some(discovered_at),
    );
    s3.put_object()
        .bucket(BUCKET)
        .key(KEY)
        .body(ByteStream::from(document.into_bytes()))
        .send()
        .await
        .unwrap();
}

/// The loopback VPC, privatelink's clock, a reader's `SdkConfig` and the publisher's S3 client,
/// with the bucket created.
async fn rig() -> (LoopbackVpc, ManualTimeSource, SdkConfig, aws_sdk_s3::Client) {
    let vpc = LoopbackVpc::start().await.unwrap();
    let time = whole_seconds_now();
    let config = reader_config(&vpc, &time);
    let s3 = publisher(&config);
    s3.create_bucket().bucket(BUCKET).send().await.unwrap();
    (vpc, time, config, s3)
}

fn whole_seconds_now() -> ManualTimeSource {
    let now = SystemTimeSource::new().now();
    let seconds = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    ManualTimeSource::new(std::time::UNIX_EPOCH + Duration::from_secs(seconds))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_readers_load_one_document_then_get_not_modified() {
    let (vpc, time, config, s3) = rig().await;
    publish(&s3, "available", time.now()).await;
    let ec2_calls = vpc.ec2.describe_calls();

    let (requests, not_modified) = (vpc.s3.requests(), vpc.s3.not_modified());
    let mut readers = Vec::new();
    for _ in 0..1000 {
        let reader = PrivateLink::builder()
            .configure(&config)
            .endpoints_url(URL)
            .vpc_id(VPC_ID)
            .policy(Policy::Strict)
            .build()
            .await
            .unwrap();
        readers.push(reader);
    }
    // One GetObject each, all answered with the document.
    assert_eq!(vpc.s3.requests() - requests, 1000);
    assert_eq!(vpc.s3.not_modified(), not_modified);
    let endpoint = LoopbackVpc::ec2_name(None);
    for reader in &readers {
        let name = reader.dns_resolver().endpoint_name(EC2).unwrap();
        assert_eq!(name.as_deref(), Some(endpoint.as_str()));
    }
    // Every refresh of an unchanged object is one conditional GetObject answered 304.
    for reader in &readers {
        reader.refresh().await.unwrap();
    }
    assert_eq!(vpc.s3.requests() - requests, 2000);
    assert_eq!(vpc.s3.not_modified() - not_modified, 1000);
    assert_eq!(vpc.ec2.describe_calls(), ec2_calls, "no reader called EC2");

    // A changed document (the S3 endpoint turned pending) is picked up on the next refresh.
    publish(&s3, "pending", time.now()).await;
    let reader = &readers[0];
    let index = reader.refresh().await.unwrap();
    assert_eq!(index.usable_count(), 1, "only ec2 is usable now");
    match reader
        .dns_resolver()
        .endpoint_name("shared.s3.us-east-1.amazonaws.com")
    {
        Err(RewriteError::Refused(refused)) => assert!(
            matches!(refused.reason(), RefusalReason::EndpointNotAvailable { .. }),
            "{refused}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_dead_publisher_leads_to_refusals_after_max_stale_and_another_vpc_is_refused() {
    let (vpc, time, config, s3) = rig().await;
    publish(&s3, "available", time.now()).await;

    let cache = CacheConfig::builder()
        .ttl(45 * MIN)
        .jitter(0.0)
        .max_stale(60 * MIN)
        .build()
        .unwrap();
    let reader = PrivateLink::builder()
        .configure(&config)
        .endpoints_url(URL)
        .vpc_id(VPC_ID)
        .policy(Policy::Strict)
        .cache_config(cache)
        .build()
        .await
        .unwrap();
    let resolver = reader.dns_resolver();
    // The publisher writes nothing more. Stale after 45 minutes, still used until 60 more.
    time.advance(105 * MIN - Duration::from_secs(1));
    assert!(resolver.endpoint_name(EC2).unwrap().is_some());
    time.advance(Duration::from_secs(2));
    match resolver.endpoint_name(EC2) {
        Err(RewriteError::Refused(refused)) => {
            assert_eq!(refused.reason(), &RefusalReason::NoSnapshot)
        }
        other => panic!("{other:?}"),
    }

    // A document of another VPC is an error naming both.
    let err = PrivateLink::builder()
        .configure(&reader_config(&vpc, &whole_seconds_now()))
        .endpoints_url(URL)
        .vpc_id("vpc-0other")
        .build()
        .await
        .unwrap_err();
    let BuildError::Discovery(DiscoveryError::File(file)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(file.other_vpc(), Some((VPC_ID, "vpc-0other")));
    assert!(file.to_string().contains(URL), "{file}");

    // Not an S3 object URL: a typed error naming it.
    let err = PrivateLink::builder()
        .configure(&config)
        .endpoints_url("https://example.com/vpc.json")
        .vpc_id(VPC_ID)
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, BuildError::EndpointsUrl(e) if e.url() == "https://example.com/vpc.json"),
        "{err:?}"
    );
}

/// The library's publisher: writes when the object is missing, when the endpoints change, or
/// when its `DiscoveredAt` is due for renewal; leaves it alone otherwise (readers keep getting
/// `304`); never writes an empty list over a document.
#[tokio::test]
async fn the_publisher_writes_only_what_changed_or_is_due_and_never_an_empty_list() {
    use privatelink::discovery::{PublishError, Published, S3Url, publish};
    let (_vpc, time, config, s3) = rig().await;
    let url = S3Url::parse(URL).unwrap();
    let (available, pending) = (
        LoopbackVpc::endpoints("available"),
        LoopbackVpc::endpoints("pending"),
    );
    let renew = 10 * MIN;
    let t0 = time.now();
    let run = |endpoints: &'static str, at| {
        let (config, url) = (config.clone(), url.clone());
        async move {
            let endpoints = LoopbackVpc::endpoints(endpoints);
            publish(
                &config,
                &url,
                VPC_ID,
                Some("us-east-1"),
                &endpoints,
                at,
                renew,
            )
            .await
        }
    };
    let read_back = || async {
        let object = s3
            .get_object()
            .bucket(BUCKET)
            .key(KEY)
            .send()
            .await
            .unwrap();
        let body = object.body.collect().await.unwrap().into_bytes();
        privatelink::core::parse_document(std::str::from_utf8(&body).unwrap()).unwrap()
    };
    assert_eq!(run("available", t0).await.unwrap(), Published::Written);
    assert_eq!(
        run("available", t0 + 5 * MIN).await.unwrap(),
        Published::Unchanged
    );
    assert_eq!(read_back().await.discovered_at, Some(t0));
    // The same endpoints, the stamp due: renewed.
    assert_eq!(
        run("available", t0 + 11 * MIN).await.unwrap(),
        Published::Written
    );
    assert_eq!(read_back().await.discovered_at, Some(t0 + 11 * MIN));
    // Changed endpoints: written at once.
    assert_eq!(
        run("pending", t0 + 12 * MIN).await.unwrap(),
        Published::Written
    );
    let document = read_back().await;
    assert_eq!(document.endpoints, pending);
    assert_ne!(document.endpoints, available);
    // An empty discovery is refused; the document stays.
    let empty = publish(&config, &url, VPC_ID, None, &[], t0 + 13 * MIN, renew).await;
    assert!(matches!(empty, Err(PublishError::Empty)), "{empty:?}");
    assert_eq!(read_back().await.endpoints, pending);
}

/// Without `s3:ListBucket`, S3 answers a read of a missing object with `403 AccessDenied`, not
/// `404`: the publisher's first run then stops before writing, with an error that says so.
#[tokio::test]
async fn a_publisher_denied_the_read_writes_nothing_and_names_s3_list_bucket() {
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;
    use privatelink::discovery::{PublishError, S3Url, publish};
    let denied = http::Response::builder()
        .status(403)
        .body(SdkBody::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
             <Message>Access Denied</Message><RequestId>r-1</RequestId></Error>",
        ))
        .unwrap();
    let request = http::Request::builder()
        .uri(format!("https://{BUCKET}.s3.us-east-1.amazonaws.com/{KEY}"))
        .body(SdkBody::empty())
        .unwrap();
    let s3 = StaticReplayClient::new(vec![ReplayEvent::new(request, denied)]);
    let config = privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .http_client(s3.clone())
        .time_source(SharedTimeSource::new(SystemTimeSource::new()))
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .build();
    let err = publish(
        &config,
        &S3Url::parse(URL).unwrap(),
        VPC_ID,
        Some("us-east-1"),
        &LoopbackVpc::endpoints("available"),
        SystemTimeSource::new().now(),
        5 * MIN,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, PublishError::Read(DiscoveryError::AccessDenied(_))),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("s3:ListBucket on the bucket"),
        "{err}"
    );
    // One request, the read: no PutObject followed it.
    assert_eq!(s3.actual_requests().count(), 1);
}
