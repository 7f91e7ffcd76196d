//! Real SDK clients (aws-sdk-sts, aws-sdk-s3) with the interceptor, over capturing HTTP clients:
//! the request that would leave the process goes to the endpoint name and is signed for it.

mod common;

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient, capture_request};
use aws_smithy_types::body::SdkBody;
use common::*;
use privatelink_core::{
    Policy, RefusalReason, RewriteConfig, RewriteError, SnapshotCell, index_from_describe_json,
};
use privatelink_interceptor::{PrivateLinkInterceptor, find_rewrite_error};
use privatelink_testkit::{Authorization, DESCRIBE_FIXTURE};

#[tokio::test]
async fn sts_get_caller_identity_goes_to_the_endpoint_and_is_signed_for_it() {
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    let client = sts(http_client, interceptor(Policy::Prefer, None));
    let output = client.get_caller_identity().send().await.unwrap();
    assert_eq!(output.account(), Some("123456789012"));
    let request = rx.expect_request();
    assert_eq!(request.uri(), format!("https://{STS_E}/"));
    assert_signed_for(&request, STS_E, "sts.us-east-1.amazonaws.com", "sts");
}

#[tokio::test]
async fn zonal_name_for_the_configured_zone() {
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    let client = sts(http_client, interceptor(Policy::Prefer, Some("us-east-1a")));
    client.get_caller_identity().send().await.unwrap();
    assert_signed_for(
        &rx.expect_request(),
        STS_A,
        "sts.us-east-1.amazonaws.com",
        "sts",
    );
}

/// Runs `call` on an S3 client (prefer mode) whose HTTP client captures the request and answers
/// 200 with `body`; checks the call succeeded and the request went to `expected_uri`, signed for
/// its host and not for `original_host`.
async fn check_s3<F, Fut, T, E>(body: &str, call: F, expected_uri: &str, original_host: &str)
where
    F: FnOnce(aws_sdk_s3::Client) -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let (http_client, rx) = capture_request(Some(ok(body)));
    call(s3(http_client, interceptor(Policy::Prefer, None)))
        .await
        .unwrap();
    let request = rx.expect_request();
    assert_eq!(request.uri(), expected_uri);
    assert_signed_for(&request, host(&request), original_host, "s3");
}

#[tokio::test]
async fn s3_get_object_virtual_hosted() {
    let (http_client, rx) = capture_request(Some(ok("hello")));
    let client = s3(http_client, interceptor(Policy::Prefer, None));
    let output = client
        .get_object()
        .bucket("mybucket")
        .key("dir/my key.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        output.body.collect().await.unwrap().into_bytes().as_ref(),
        b"hello"
    );
    let request = rx.expect_request();
    let expected = format!("mybucket.bucket.{S3_E}");
    assert_eq!(
        request.uri(),
        format!("https://{expected}/dir/my%20key.txt?x-id=GetObject")
    );
    assert_signed_for(
        &request,
        &expected,
        "mybucket.s3.us-east-1.amazonaws.com",
        "s3",
    );
}

#[tokio::test]
async fn s3_dotted_bucket_uses_path_style_on_the_bucket_name() {
    check_s3(
        "",
        |s3| s3.get_object().bucket("my.dotted.bucket").key("k").send(),
        &format!("https://bucket.{S3_E}/my.dotted.bucket/k?x-id=GetObject"),
        "s3.us-east-1.amazonaws.com",
    )
    .await;
}

#[tokio::test]
async fn s3_list_buckets() {
    check_s3(
        "<ListAllMyBucketsResult><Buckets></Buckets><Owner><ID>o</ID></Owner></ListAllMyBucketsResult>",
        |s3| s3.list_buckets().send(),
        &format!("https://bucket.{S3_E}/?x-id=ListBuckets"),
        "s3.us-east-1.amazonaws.com",
    )
    .await;
}

#[tokio::test]
async fn s3_access_point_arn() {
    check_s3(
        "",
        |s3| {
            s3.get_object()
                .bucket("arn:aws:s3:us-east-1:123456789012:accesspoint/myap")
                .key("k")
                .send()
        },
        &format!("https://myap-123456789012.accesspoint.{S3_E}/k?x-id=GetObject"),
        "myap-123456789012.s3-accesspoint.us-east-1.amazonaws.com",
    )
    .await;
}

#[tokio::test]
async fn s3_presigned_url_carries_the_endpoint_host() {
    let (http_client, rx) = capture_request(None);
    let client = s3(http_client, interceptor(Policy::Prefer, None));
    let presigned = client
        .get_object()
        .bucket("mybucket")
        .key("k")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(300)).unwrap())
        .await
        .unwrap();
    assert!(
        presigned
            .uri()
            .starts_with(&format!("https://mybucket.bucket.{S3_E}/k?")),
        "{}",
        presigned.uri()
    );
    assert!(presigned.uri().contains("X-Amz-SignedHeaders=host"));
    rx.expect_no_request();
}

#[tokio::test]
async fn execute_api_gets_the_api_id_header_inside_the_signature() {
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    let private_api = RewriteConfig::builder()
        .private_api("abc123defg")
        .build()
        .unwrap();
    let interceptor = PrivateLinkInterceptor::from_index(common::index(), private_api);
    let config = sts_config(http_client, interceptor)
        .endpoint_url("https://abc123defg.execute-api.us-east-1.amazonaws.com")
        .build();
    aws_sdk_sts::Client::from_conf(config)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let request = rx.expect_request();
    let apigw = "vpce-0a9100000000000e5-lk4qp2nd.execute-api.us-east-1.vpce.amazonaws.com";
    assert_eq!(request.headers().get("x-apigw-api-id"), Some("abc123defg"));
    assert!(
        Authorization::of(&request)
            .unwrap()
            .signed_headers
            .iter()
            .any(|h| h == "x-apigw-api-id")
    );
    assert_signed_for(
        &request,
        apigw,
        "abc123defg.execute-api.us-east-1.amazonaws.com",
        "sts",
    );
}

#[tokio::test]
async fn an_endpoint_url_that_is_already_an_endpoint_name_is_left_alone() {
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    let url = format!("https://{STS_A}");
    let config = sts_config(http_client, interceptor(Policy::Strict, None))
        .endpoint_url(&url)
        .build();
    aws_sdk_sts::Client::from_conf(config)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(rx.expect_request().uri(), format!("{url}/"));
}

#[tokio::test]
async fn every_retry_attempt_is_rewritten_and_signed() {
    let request = || {
        http::Request::builder()
            .uri(format!("https://{STS_E}/"))
            .body(SdkBody::empty())
            .unwrap()
    };
    let replay = StaticReplayClient::new(vec![
        ReplayEvent::new(
            request(),
            http::Response::builder()
                .status(503)
                .body(SdkBody::empty())
                .unwrap(),
        ),
        ReplayEvent::new(
            request(),
            http::Response::builder()
                .status(500)
                .body(SdkBody::empty())
                .unwrap(),
        ),
        ReplayEvent::new(request(), ok(CALLER_IDENTITY)),
    ]);
    let config = sts_config(replay.clone(), interceptor(Policy::Prefer, None))
        .retry_config(
            aws_sdk_sts::config::retry::RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build();
    let output = aws_sdk_sts::Client::from_conf(config)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(output.account(), Some("123456789012"));
    let requests = replay.actual_requests().collect::<Vec<_>>();
    assert_eq!(requests.len(), 3);
    for (attempt, request) in requests.iter().enumerate() {
        assert_eq!(
            request.uri(),
            format!("https://{STS_E}/"),
            "attempt {attempt}"
        );
        assert_signed_for(request, STS_E, "sts.us-east-1.amazonaws.com", "sts");
    }
}

#[tokio::test]
async fn strict_mode_refuses_before_anything_is_sent() {
    // An index without an STS endpoint.
    let only_ec2 = index_from_describe_json(
        &DESCRIBE_FIXTURE.replace(".sts.us-east-1.vpce", ".sts.us-west-2.vpce"),
    )
    .unwrap();
    let (http_client, rx) = capture_request(None);
    let strict = RewriteConfig::builder()
        .policy(Policy::Strict)
        .build()
        .unwrap();
    let client = sts(
        http_client,
        PrivateLinkInterceptor::from_index(only_ec2, strict),
    );
    let err = client.get_caller_identity().send().await.unwrap_err();
    assert!(
        matches!(err, aws_sdk_sts::error::SdkError::DispatchFailure(_)),
        "{err:?}"
    );
    let found = find_rewrite_error(&err).expect("a RewriteError in the source chain");
    let RewriteError::Refused(refused) = found else {
        panic!("{found:?}")
    };
    assert_eq!(refused.host(), "sts.us-east-1.amazonaws.com");
    assert_eq!(refused.service(), "sts");
    assert!(
        matches!(refused.reason(), RefusalReason::NoEndpoint { region } if region == "us-east-1")
    );
    rx.expect_no_request();
}

#[tokio::test]
async fn strict_mode_without_a_snapshot_refuses_and_prefer_passes_through() {
    let (http_client, rx) = capture_request(None);
    let strict = RewriteConfig::builder()
        .policy(Policy::Strict)
        .build()
        .unwrap();
    let client = s3(
        http_client,
        PrivateLinkInterceptor::new(SnapshotCell::new(), strict),
    );
    let err = client.list_buckets().send().await.unwrap_err();
    let Some(RewriteError::Refused(refused)) = find_rewrite_error(&err) else {
        panic!("{err:?}")
    };
    assert_eq!(refused.reason(), &RefusalReason::NoSnapshot);
    rx.expect_no_request();

    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    let client = sts(
        http_client,
        PrivateLinkInterceptor::new(SnapshotCell::new(), RewriteConfig::default()),
    );
    client.get_caller_identity().send().await.unwrap();
    assert_eq!(
        rx.expect_request().uri(),
        "https://sts.us-east-1.amazonaws.com/"
    );
}

#[tokio::test]
async fn a_newly_published_snapshot_applies_to_the_next_request() {
    let interceptor = interceptor(Policy::Prefer, None);
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    sts(http_client, interceptor.clone())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(host(&rx.expect_request()), STS_E);

    let moved = DESCRIBE_FIXTURE.replace(
        "vpce-0575000000000000c3-ks83awe7",
        "vpce-0575000000000000c3-newsfx99",
    );
    interceptor
        .cell()
        .publish(index_from_describe_json(&moved).unwrap());
    let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
    sts(http_client, interceptor.clone())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        host(&rx.expect_request()),
        "vpce-0575000000000000c3-newsfx99.sts.us-east-1.vpce.amazonaws.com"
    );
    assert_eq!(interceptor.cell().generation(), 2);
}

/// A snapshot published with a deadline (the cache's expiry + max_stale) is used up to that
/// deadline on the client's own clock, and not after — even though nothing cleared it (the
/// refresher could be dead or hung). Past it: strict refuses (no snapshot), prefer sends the
/// request to its default host.
#[tokio::test]
async fn a_snapshot_past_its_deadline_is_not_used_by_the_client() {
    use aws_smithy_async::test_util::ManualTimeSource;
    use aws_smithy_async::time::SharedTimeSource;
    use std::time::UNIX_EPOCH;
    let deadline = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for policy in [Policy::Strict, Policy::Prefer] {
        let clock = ManualTimeSource::new(deadline - Duration::from_secs(1));
        let config = RewriteConfig::builder().policy(policy).build().unwrap();
        let interceptor = PrivateLinkInterceptor::new(SnapshotCell::new(), config);
        interceptor.cell().publish_until(common::index(), deadline);
        let call = |clock: &ManualTimeSource| {
            let (http_client, rx) = capture_request(Some(ok(CALLER_IDENTITY)));
            let config = sts_config(http_client, interceptor.clone())
                .time_source(SharedTimeSource::new(clock.clone()))
                .build();
            (aws_sdk_sts::Client::from_conf(config), rx)
        };
        let (client, rx) = call(&clock);
        client.get_caller_identity().send().await.unwrap();
        assert_eq!(
            host(&rx.expect_request()),
            STS_E,
            "{policy}: before the deadline"
        );

        clock.advance(Duration::from_secs(2));
        let (client, rx) = call(&clock);
        let result = client.get_caller_identity().send().await;
        match policy {
            Policy::Strict => {
                let err = result.unwrap_err();
                let Some(RewriteError::Refused(refused)) = find_rewrite_error(&err) else {
                    panic!("{err:?}")
                };
                assert_eq!(refused.reason(), &RefusalReason::NoSnapshot);
                rx.expect_no_request();
            }
            _ => {
                result.unwrap();
                assert_eq!(host(&rx.expect_request()), "sts.us-east-1.amazonaws.com");
            }
        }
        // The snapshot is still in the cell, for inspection; only the request path skips it.
        assert!(interceptor.cell().current().is_some());
        assert_eq!(interceptor.cell().deadline(), Some(deadline));
    }
}
