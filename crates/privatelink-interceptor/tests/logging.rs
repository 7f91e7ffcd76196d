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
