//! The interceptor's logs, in a test binary of their own: tracing caches per-callsite interest
//! process-wide, so a test running without a subscriber in the same process could hide events.

mod common;

use aws_credential_types::Credentials;
use aws_smithy_http_client::test_util::capture_request;
use common::*;
use privatelink_core::Policy;
use privatelink_testkit::{Authorization, SECRET_ACCESS_KEY};

#[tokio::test(flavor = "current_thread")]
async fn traces_each_rewrite_without_secrets() {
    let (logs, _guard) = privatelink_testkit::CapturedLogs::install(
        tracing::Level::TRACE,
        Some("privatelink=trace"),
    );

    let interceptor = interceptor(Policy::Prefer, None);
    interceptor.cell().publish(index());
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    let session = Credentials::new(
        "AKIDSESSIONTEST",
        SECRET_ACCESS_KEY,
        Some("session-token-secret".into()),
        None,
        "t",
    );
    let config = sts_config(http_client, interceptor)
        .credentials_provider(session)
        .build();
    aws_sdk_sts::Client::from_conf(config)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let signature = Authorization::of(&rx.expect_request()).unwrap().signature;

    let text = logs.text();
    assert!(
        text.contains("privatelink endpoint snapshot published"),
        "{text}"
    );
    assert!(text.contains("privatelink rewrote request host"), "{text}");
    assert!(
        text.contains(&format!(
            "from=\"sts.us-east-1.amazonaws.com\" to=\"{STS_E}\""
        )),
        "{text}"
    );
    for secret in [
        SECRET_ACCESS_KEY,
        "session-token-secret",
        signature.as_str(),
    ] {
        assert!(!text.contains(secret), "log leaks `{secret}`: {text}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_left_to_a_gateway_endpoint_says_so_in_the_trace() {
    let (logs, _guard) = privatelink_testkit::CapturedLogs::install(
        tracing::Level::TRACE,
        Some("privatelink=trace"),
    );

    let config = privatelink_core::RewriteConfig::builder()
        .gateway_endpoints(true)
        .build()
        .unwrap();
    let interceptor = privatelink_interceptor::PrivateLinkInterceptor::from_index(index(), config);
    let (http_client, rx) = capture_request(Some(ok("")));
    s3(http_client, interceptor)
        .head_bucket()
        .bucket("mybucket")
        .send()
        .await
        .unwrap();
    assert_eq!(
        host(&rx.expect_request()),
        "mybucket.s3.us-east-1.amazonaws.com"
    );
    let text = logs.text();
    assert!(
        text.contains(
            "privatelink left request unchanged reason=gateway endpoint vpce-0ea7e000000000001 carries it from inside the VPC (no charge)"
        ),
        "{text}"
    );
}

/// Prefer mode leaves a request on a public host no endpoint serves (STS in eu-west-1: the
/// fixture's STS endpoint is us-east-1's): recorded with its count, logged once at INFO.
#[tokio::test(flavor = "current_thread")]
async fn a_public_host_prefer_leaves_alone_is_recorded_and_logged_once() {
    use std::sync::Arc;

    use privatelink_core::{PublicHosts, RefusalReason};

    let (logs, _guard) =
        privatelink_testkit::CapturedLogs::install(tracing::Level::INFO, Some("privatelink=info"));
    let record = Arc::new(PublicHosts::new());
    let interceptor = interceptor(Policy::Prefer, None).with_public_hosts(record.clone());
    for _ in 0..2 {
        let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
        let config = sts_config(http_client, interceptor.clone())
            .region(aws_sdk_sts::config::Region::new("eu-west-1"))
            .build();
        aws_sdk_sts::Client::from_conf(config)
            .get_caller_identity()
            .send()
            .await
            .unwrap();
        assert_eq!(
            rx.expect_request().uri(),
            "https://sts.eu-west-1.amazonaws.com/"
        );
    }
    let report = record.report();
    assert_eq!(report.hosts.len(), 1, "{report:?}");
    let host = &report.hosts[0];
    assert_eq!(
        (
            host.host.as_str(),
            host.service.as_str(),
            host.region.as_deref(),
            host.requests
        ),
        ("sts.eu-west-1.amazonaws.com", "sts", Some("eu-west-1"), 2)
    );
    assert_eq!(
        host.reason,
        RefusalReason::NoEndpoint {
            region: "eu-west-1".into()
        }
    );
    let text = logs.text();
    assert_eq!(
        text.matches("a request left for a public AWS host that no endpoint serves")
            .count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("host=\"sts.eu-west-1.amazonaws.com\" service=\"sts\" region=\"eu-west-1\""),
        "{text}"
    );
}
