//! Helpers shared by the interceptor's SDK-level test binaries.
#![allow(dead_code, unreachable_pub)]

use aws_smithy_runtime_api::client::http::HttpClient;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_types::region::Region;
use privatelink_core::{EndpointIndex, Policy, RewriteConfig, index_from_describe_json};
use privatelink_interceptor::PrivateLinkInterceptor;
use privatelink_testkit::{
    Authorization, DESCRIBE_FIXTURE, SECRET_ACCESS_KEY, recompute_signature, test_credentials,
    verify_signature,
};

pub const S3_E: &str = "vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com";
pub const STS_E: &str = "vpce-0575000000000000c3-ks83awe7.sts.us-east-1.vpce.amazonaws.com";
pub const STS_A: &str =
    "vpce-0575000000000000c3-ks83awe7-us-east-1a.sts.us-east-1.vpce.amazonaws.com";

pub const CALLER_IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>AIDATEST</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;

pub fn index() -> EndpointIndex {
    index_from_describe_json(DESCRIBE_FIXTURE).unwrap()
}

pub fn interceptor(policy: Policy, zone: Option<&str>) -> PrivateLinkInterceptor {
    let mut builder = RewriteConfig::builder().policy(policy);
    builder.set_zone(zone.map(str::to_owned));
    PrivateLinkInterceptor::from_index(index(), builder.build().unwrap())
}

pub fn ok(body: &str) -> http::Response<SdkBody> {
    http::Response::builder()
        .status(200)
        .body(SdkBody::from(body.to_owned()))
        .unwrap()
}

pub fn sts(
    http_client: impl HttpClient + 'static,
    interceptor: PrivateLinkInterceptor,
) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::from_conf(sts_config(http_client, interceptor).build())
}

pub fn sts_config(
    http_client: impl HttpClient + 'static,
    interceptor: PrivateLinkInterceptor,
) -> aws_sdk_sts::config::Builder {
    aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(test_credentials())
        .http_client(http_client)
        .interceptor(interceptor)
}

pub fn s3(
    http_client: impl HttpClient + 'static,
    interceptor: PrivateLinkInterceptor,
) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(test_credentials())
        .http_client(http_client)
        .interceptor(interceptor)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

pub fn host(request: &HttpRequest) -> &str {
    let after = request.uri().split_once("://").unwrap().1;
    after.split(['/', '?', ':']).next().unwrap()
}

/// The request went to `expected_host`, has no Host header, is scoped to the client's region and
/// `service`, and its signature verifies for the new host but not for `original_host`.
pub fn assert_signed_for(
    request: &HttpRequest,
    expected_host: &str,
    original_host: &str,
    service: &str,
) {
    assert_eq!(host(request), expected_host, "{}", request.uri());
    assert!(
        request.headers().get("host").is_none(),
        "no Host header may be added"
    );
    let auth = Authorization::of(request).unwrap();
    assert_eq!(
        (auth.region.as_str(), auth.service.as_str()),
        ("us-east-1", service)
    );
    assert!(auth.signed_headers.iter().any(|h| h == "host"));
    verify_signature(request, SECRET_ACCESS_KEY).unwrap();
    let original_uri = request.uri().replacen(expected_host, original_host, 1);
    let at_original = recompute_signature(request, &original_uri, SECRET_ACCESS_KEY).unwrap();
    assert_ne!(
        at_original, auth.signature,
        "the signature must cover the rewritten host"
    );
    assert!(verify_signature(request, "wrong-secret").is_err());
}
