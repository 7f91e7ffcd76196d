//! Table-driven tests of the mapping rules, through the public API, on a realistic
//! `describe-vpc-endpoints` fixture (`testdata/describe-vpc-endpoints.json`).

use std::time::SystemTime;

use privatelink_core::{
    DnsEntry, EndpointIndex, EndpointState, EndpointType, Outcome, Policy, RefusalReason,
    RewriteConfig, RewriteError, Routed, Router, SnapshotCell, Unchanged, UnsupportedForm,
    VpcEndpoint, WarningKind, index_from_describe_json,
};

const FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");

const EC2: &str = "vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com";
const EC2_A: &str = "vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com";
const S3: &str = "vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com";
const S3_A: &str = "vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com";
const APIGW: &str = "vpce-0a9100000000000e5-lk4qp2nd.execute-api.us-east-1.vpce.amazonaws.com";

fn index() -> EndpointIndex {
    index_from_describe_json(FIXTURE).expect("fixture parses")
}

/// What a row expects.
#[derive(Debug)]
enum Expect {
    /// Rewritten to exactly this URL.
    To(&'static str),
    /// Left unchanged for this reason.
    Keep(Why),
    /// Refused by strict mode for this reason.
    Refuse(Why),
    /// Rejected as an invalid URL.
    Invalid,
}

#[derive(Clone, Debug, PartialEq)]
enum Why {
    Off,
    NotAws,
    Endpoint,
    OutOfScope,
    PrivateDns,
    Gateway(&'static str),
    NoSnapshot,
    NoEndpoint,
    NotAvailable(&'static str),
    Form(UnsupportedForm),
    NotPrivateApi,
    UnknownEndpoint,
    NoPrivatePath,
    PublicIp,
    NotDualStack,
}

fn why_reason(reason: &RefusalReason) -> Why {
    match reason {
        RefusalReason::NoSnapshot => Why::NoSnapshot,
        RefusalReason::NoEndpoint { .. } => Why::NoEndpoint,
        RefusalReason::EndpointNotAvailable { state, .. } => {
            Why::NotAvailable(match state.as_str() {
                "pending" => "pending",
                "deleting" => "deleting",
                other => panic!("unexpected state {other}"),
            })
        }
        RefusalReason::UnsupportedHostForm(form) => Why::Form(*form),
        RefusalReason::NotPrivateApi { .. } => Why::NotPrivateApi,
        RefusalReason::UnknownEndpointName => Why::UnknownEndpoint,
        RefusalReason::NoPrivatePath { .. } => Why::NoPrivatePath,
        RefusalReason::PublicIpAddress => Why::PublicIp,
        RefusalReason::EndpointNotDualStack { .. } => Why::NotDualStack,
        other => panic!("unexpected reason {other:?}"),
    }
}

fn why_unchanged(unchanged: &Unchanged) -> Why {
    match unchanged {
        Unchanged::PolicyOff => Why::Off,
        Unchanged::NotAwsHost => Why::NotAws,
        Unchanged::AlreadyEndpoint => Why::Endpoint,
        Unchanged::OutOfScope { .. } => Why::OutOfScope,
        Unchanged::PrivateDns { .. } => Why::PrivateDns,
        Unchanged::Gateway { endpoint_id } => Why::Gateway(match endpoint_id.as_str() {
            "vpce-0ea7e000000000001" => "vpce-0ea7e000000000001",
            "vpce-0dd00000000000001" => "vpce-0dd00000000000001",
            other => panic!("unexpected gateway {other}"),
        }),
        Unchanged::NotMapped { reason, .. } => why_reason(reason),
        other => panic!("unexpected {other:?}"),
    }
}

fn check(config: &RewriteConfig, index: Option<&EndpointIndex>, url: &str, expect: &Expect) {
    let result = config.rewrite_url(index, url);
    match (expect, &result) {
        (Expect::To(want), Ok(Outcome::Rewritten(r))) => {
            assert_eq!(r.url(), *want, "{url}");
            assert!(want.contains(r.host()), "{url}: host {}", r.host());
        }
        (Expect::Keep(why), Ok(Outcome::Unchanged(u))) => {
            assert_eq!(&why_unchanged(u), why, "{url}")
        }
        (Expect::Refuse(why), Err(RewriteError::Refused(e))) => {
            assert_eq!(&why_reason(e.reason()), why, "{url}");
            assert!(e.to_string().contains(e.host()), "{url}: {e}");
        }
        (Expect::Invalid, Err(RewriteError::InvalidUrl(_))) => {}
        _ => panic!("{url}: expected {expect:?}, got {result:?}"),
    }
    // The request path's router, which remembers each host's decision, gives the result just
    // checked against the row, when it decides (first call) and when it remembers (second call).
    let expected = result.map(|outcome| match outcome {
        Outcome::Rewritten(r) => Routed::Rewritten {
            url: r.url().to_owned(),
            header: r.header().map(|(name, value)| (name, value.to_owned())),
        },
        Outcome::Unchanged(u) => Routed::Unchanged(u.reason()),
    });
    let cell = index.map_or_else(SnapshotCell::new, |index| {
        SnapshotCell::with_index(index.clone())
    });
    let router = Router::new(cell, config.clone());
    for call in ["first", "second"] {
        let routed = router.route_url(url, SystemTime::UNIX_EPOCH);
        assert_eq!(routed, expected, "{url}: the router's {call} call");
    }
}

fn config(policy: Policy, zone: Option<&str>) -> RewriteConfig {
    let mut builder = RewriteConfig::builder().policy(policy);
    builder.set_zone(zone.map(str::to_owned));
    builder.build().unwrap()
}

use Expect::*;
use UnsupportedForm as F;

/// (policy, preferred zone, URL, expectation)
#[rustfmt::skip]
const TABLE: &[(Policy, Option<&str>, &str, Expect)] = &[
    // ---- generic <label>.<region>.amazonaws.com
    (Policy::Prefer, None, "https://ec2.us-east-1.amazonaws.com/", To(concat!("https://", "vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com", "/"))),
    (Policy::Prefer, None, "https://ec2.us-east-1.amazonaws.com", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com")),
    (Policy::Prefer, None, "https://ec2.us-east-1.amazonaws.com/?Action=DescribeInstances&Version=2016-11-15", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/?Action=DescribeInstances&Version=2016-11-15")),
    (Policy::Prefer, None, "http://ec2.us-east-1.amazonaws.com:8080/a%20b/../c?q=1&q=2#frag", To("http://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com:8080/a%20b/../c?q=1&q=2#frag")),
    (Policy::Prefer, None, "HTTPS://EC2.US-EAST-1.AMAZONAWS.COM/X?Y=Z", To("HTTPS://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/X?Y=Z")),
    (Policy::Prefer, None, "https://ec2.us-east-1.amazonaws.com./", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://sts.us-east-1.amazonaws.com/", To("https://vpce-0575000000000000c3-ks83awe7.sts.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://api.ecr.us-east-1.amazonaws.com/", To("https://vpce-0ec7000000000000f6-m2n3b4v5.api.ecr.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://streams.dynamodb.us-east-1.amazonaws.com/", To("https://vpce-05d0000000000000c9-s7d8f9g0.streams.dynamodb.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://data.iotsitewise.us-east-1.amazonaws.com/", To("https://vpce-0d1a000000000000da-q1w2e3r4.data.iotsitewise.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://api.iotsitewise.us-east-1.amazonaws.com/", To("https://vpce-0a1a000000000000eb-t5y6u7i8.api.iotsitewise.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/x/invocations", To("https://vpce-05a9000000000000fc-o9p0a1s2.runtime.sagemaker.us-east-1.vpce.amazonaws.com/endpoints/x/invocations")),
    (Policy::Prefer, None, "https://kms-fips.us-east-1.amazonaws.com/", To("https://vpce-0f1b000000000001a0-z3x4c5v6.kms-fips.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://ssm.us-east-1.amazonaws.com/", To("https://vpce-0b0b000000000001b1-b7n8m9l0.ssm.us-east-1.vpce.amazonaws.com/")),
    // ---- DynamoDB, including account-based hosts
    (Policy::Prefer, None, "https://dynamodb.us-east-1.amazonaws.com/", To("https://vpce-0dd0000000000000d4-pq1x2y3z.dynamodb.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://123456789012.ddb.us-east-1.amazonaws.com/", To("https://vpce-0dd0000000000000d4-pq1x2y3z.dynamodb.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, None, "https://12345.ddb.us-east-1.amazonaws.com/", Keep(Why::NoEndpoint)),
    // ---- API Gateway: only APIs configured as private are rewritten (see execute_api_*)
    (Policy::Prefer, None, "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/items?x=1", Keep(Why::NotPrivateApi)),
    (Policy::Strict, None, "https://abc123defg.execute-api.us-east-1.amazonaws.com/@connections/x", Refuse(Why::NotPrivateApi)),
    (Policy::Prefer, None, "https://execute-api.us-east-1.amazonaws.com/", Keep(Why::Form(F::Other))),
    (Policy::Strict, None, "https://execute-api.us-east-1.amazonaws.com/", Refuse(Why::Form(F::Other))),
    (Policy::Prefer, None, "https://abc123defg-vpce-0a9100000000000e5.execute-api.us-east-1.amazonaws.com/prod", Keep(Why::Endpoint)),
    // Look-alikes of the alias form are ordinary (public) API ids, not private APIs: strict mode refuses them (found by fuzzing).
    (Policy::Strict, None, "http://ab8aws-obdect--vpce-3.execute-api.us-east-2.amazonaws.com/d", Refuse(Why::NotPrivateApi)),
    (Policy::Strict, None, "https://abc123defg-vpce-0a91.execute-api.us-east-2.amazonaws.com/prod", Refuse(Why::NotPrivateApi)),
    // The alias of an endpoint the snapshot does not have: strict refuses it too.
    (Policy::Strict, None, "https://abc123defg-vpce-0a9100000000000ff.execute-api.us-east-1.amazonaws.com/prod", Refuse(Why::UnknownEndpoint)),
    (Policy::Strict, None, "https://abc123defg-vpce-0a9100000000000e5.execute-api.us-east-1.amazonaws.com/prod", Keep(Why::Endpoint)),
    // ---- S3
    (Policy::Prefer, None, "https://mybucket.s3.us-east-1.amazonaws.com/dir/my%20key.txt?x-id=GetObject", To("https://mybucket.bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/dir/my%20key.txt?x-id=GetObject")),
    (Policy::Prefer, None, "https://s3.us-east-1.amazonaws.com/my.dotted.bucket/key", To("https://bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/my.dotted.bucket/key")),
    (Policy::Prefer, None, "https://s3.us-east-1.amazonaws.com/?x-id=ListBuckets", To("https://bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/?x-id=ListBuckets")),
    (Policy::Prefer, None, "https://myap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/k", To("https://myap-123456789012.accesspoint.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/k")),
    (Policy::Prefer, None, "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/accesspoint/myap", To("https://123456789012.control.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/v20180820/accesspoint/myap")),
    (Policy::Prefer, None, "https://mybucket.s3.us-west-2.amazonaws.com/k", Keep(Why::NoEndpoint)),
    // ---- hosts interface endpoints do not serve
    (Policy::Prefer, None, "https://sts.amazonaws.com/", Keep(Why::Form(F::NoRegion))),
    // IAM is a global service with an interface endpoint (`com.amazonaws.iam`): the fixture has none.
    (Policy::Prefer, None, "https://iam.amazonaws.com/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://s3.amazonaws.com/bucket/key", Keep(Why::Form(F::NoRegion))),
    (Policy::Prefer, None, "https://mybucket.s3.amazonaws.com/key", Keep(Why::Form(F::NoRegion))),
    (Policy::Prefer, None, "https://s3-us-west-2.amazonaws.com/bucket", Keep(Why::Form(F::NoRegion))),
    (Policy::Prefer, None, "https://s3-external-1.amazonaws.com/bucket", Keep(Why::Form(F::NoRegion))),
    (Policy::Prefer, None, "https://us-east-1.queue.amazonaws.com/123456789012/q", Keep(Why::Form(F::NoRegion))),
    // Dual-stack hosts: the fixture's endpoints serve IPv4 only.
    (Policy::Prefer, None, "https://mybucket.s3.dualstack.us-east-1.amazonaws.com/", Keep(Why::NotDualStack)),
    (Policy::Prefer, None, "https://s3.dualstack.us-east-1.amazonaws.com/", Keep(Why::NotDualStack)),
    (Policy::Prefer, None, "https://ec2.us-east-1.api.aws/", Keep(Why::NotDualStack)),
    (Policy::Prefer, None, "https://ec2.cn-north-1.api.amazonwebservices.com.cn/", Keep(Why::NoEndpoint)),
    // S3 FIPS has its own endpoint service (`s3-fips`), which the fixture lacks.
    (Policy::Prefer, None, "https://mybucket.s3-fips.us-east-1.amazonaws.com/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://myap-123456789012.s3-accesspoint-fips.us-east-1.amazonaws.com/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://123456789012.s3-control-fips.us-east-1.amazonaws.com/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://mybucket.s3-accelerate.amazonaws.com/", Keep(Why::Form(F::S3Accelerate))),
    (Policy::Prefer, None, "https://mybucket.s3-accelerate.dualstack.amazonaws.com/", Keep(Why::Form(F::S3Accelerate))),
    (Policy::Prefer, None, "https://mybucket--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com/", Keep(Why::Form(F::S3Express))),
    (Policy::Prefer, None, "https://s3express-control.us-east-1.amazonaws.com/", Keep(Why::Form(F::S3Express))),
    (Policy::Prefer, None, "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/", Keep(Why::Form(F::S3MultiRegionAccessPoint))),
    (Policy::Prefer, None, "https://myol-123456789012.s3-object-lambda.us-east-1.amazonaws.com/", Keep(Why::Form(F::S3ObjectLambda))),
    (Policy::Prefer, None, "https://myap-123456789012.op-01ac5d28a6a232904.s3-outposts.us-west-2.amazonaws.com/", Keep(Why::Form(F::S3Outposts))),
    (Policy::Prefer, None, "http://mybucket.s3-website-us-east-1.amazonaws.com/", Keep(Why::Form(F::S3Website))),
    (Policy::Prefer, None, "http://mybucket.s3-website.us-east-1.amazonaws.com/", Keep(Why::Form(F::S3Website))),
    (Policy::Prefer, None, "https://s3-control.us-east-1.amazonaws.com/", Keep(Why::Form(F::S3ControlWithoutAccount))),
    (Policy::Prefer, None, "https://my.dotted.bucket.s3.us-east-1.amazonaws.com/k", Keep(Why::Form(F::S3DottedBucket))),
    (Policy::Prefer, None, "https://amazonaws.com/", Keep(Why::Form(F::Other))),
    (Policy::Prefer, None, "https://under_score.us-east-1.amazonaws.com/", Keep(Why::Form(F::Other))),
    // ---- no endpoint, endpoint not available
    (Policy::Prefer, None, "https://sqs.us-east-1.amazonaws.com/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://ec2.us-west-2.amazonaws.com/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://ec2.cn-north-1.amazonaws.com.cn/", Keep(Why::NoEndpoint)),
    (Policy::Prefer, None, "https://kinesis.us-east-1.amazonaws.com/", Keep(Why::NotAvailable("pending"))),
    (Policy::Prefer, None, "https://logs.us-east-1.amazonaws.com/", Keep(Why::NotAvailable("deleting"))),
    // ---- not AWS hosts, and hosts already on an endpoint (idempotent)
    (Policy::Prefer, None, "https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/", Keep(Why::Endpoint)),
    (Policy::Prefer, None, "https://mybucket.bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/k", Keep(Why::Endpoint)),
    (Policy::Prefer, None, "https://x.s3.cn-north-1.vpce.amazonaws.com.cn/", Keep(Why::Endpoint)),
    (Policy::Prefer, None, "https://ec2.us-east-1.amazonaws.com.evil.example/", Keep(Why::NotAws)),
    (Policy::Prefer, None, "https://evilamazonaws.com/", Keep(Why::NotAws)),
    (Policy::Prefer, None, "https://ec2.us-east-1.vpce.amazonaws.com.evil.example/", Keep(Why::NotAws)),
    (Policy::Prefer, None, "http://localhost:4566/", Keep(Why::NotAws)),
    (Policy::Prefer, None, "http://127.0.0.1:9000/bucket", Keep(Why::NotAws)),
    (Policy::Prefer, None, "http://[::1]:8080/", Keep(Why::NotAws)),
    // ---- zonal names for the preferred zone
    (Policy::Prefer, Some("us-east-1a"), "https://ec2.us-east-1.amazonaws.com/", To("https://vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1b"), "https://ec2.us-east-1.amazonaws.com/", To("https://vpce-0ec200000000000a1-4r5zme9n-us-east-1b.ec2.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1c"), "https://ec2.us-east-1.amazonaws.com/", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1a"), "https://mybucket.s3.us-east-1.amazonaws.com/k", To("https://mybucket.bucket.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com/k")),
    (Policy::Prefer, Some("us-east-1a"), "https://s3.us-east-1.amazonaws.com/", To("https://bucket.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1a"), "https://123456789012.s3-control.us-east-1.amazonaws.com/", To("https://123456789012.control.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1b"), "https://mybucket.s3.us-east-1.amazonaws.com/k", To("https://mybucket.bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/k")),
    (Policy::Prefer, Some("us-east-1a"), "https://api.ecr.us-east-1.amazonaws.com/", To("https://vpce-0ec7000000000000f6-m2n3b4v5.api.ecr.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1b"), "https://api.ecr.us-east-1.amazonaws.com/", To("https://vpce-0ec7000000000000f6-m2n3b4v5-us-east-1b.api.ecr.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1a"), "https://sts.us-east-1.amazonaws.com/", To("https://vpce-0575000000000000c3-ks83awe7-us-east-1a.sts.us-east-1.vpce.amazonaws.com/")),
    (Policy::Prefer, Some("us-east-1a"), "https://dynamodb.us-east-1.amazonaws.com/", To("https://vpce-0dd0000000000000d4-pq1x2y3z.dynamodb.us-east-1.vpce.amazonaws.com/")),
    // ---- strict: fail closed for public AWS hosts, and only for them
    (Policy::Strict, None, "https://ec2.us-east-1.amazonaws.com/", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/")),
    (Policy::Strict, None, "https://sqs.us-east-1.amazonaws.com/", Refuse(Why::NoEndpoint)),
    (Policy::Strict, None, "https://sqs.us-east-1.amazonaws.com:443/", Refuse(Why::NoEndpoint)),
    (Policy::Strict, None, "https://SQS.US-EAST-1.AMAZONAWS.COM./", Refuse(Why::NoEndpoint)),
    (Policy::Strict, None, "https://ec2.us-west-2.amazonaws.com/", Refuse(Why::NoEndpoint)),
    (Policy::Strict, None, "https://kinesis.us-east-1.amazonaws.com/", Refuse(Why::NotAvailable("pending"))),
    (Policy::Strict, None, "https://logs.us-east-1.amazonaws.com/", Refuse(Why::NotAvailable("deleting"))),
    (Policy::Strict, None, "https://sts.amazonaws.com/", Refuse(Why::Form(F::NoRegion))),
    (Policy::Strict, None, "https://mybucket.s3.dualstack.us-east-1.amazonaws.com/", Refuse(Why::NotDualStack)),
    (Policy::Strict, None, "https://ec2.us-east-1.api.aws/", Refuse(Why::NotDualStack)),
    (Policy::Strict, None, "https://mybucket.s3-accelerate.amazonaws.com/", Refuse(Why::Form(F::S3Accelerate))),
    (Policy::Strict, None, "https://ec2.cn-north-1.amazonaws.com.cn/", Refuse(Why::NoEndpoint)),
    (Policy::Strict, None, "http://localhost:4566/", Keep(Why::NotAws)),
    (Policy::Strict, None, "https://ec2.us-east-1.amazonaws.com.evil.example/", Keep(Why::NotAws)),
    (Policy::Strict, None, "https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/", Keep(Why::Endpoint)),
    (Policy::Strict, None, "https://user@ec2.us-east-1.amazonaws.com/", Invalid),
    // ---- off
    (Policy::Off, None, "https://ec2.us-east-1.amazonaws.com/", Keep(Why::Off)),
    (Policy::Off, None, "not a url", Keep(Why::Off)),
    // ---- invalid URLs, whatever the policy
    (Policy::Prefer, None, "ec2.us-east-1.amazonaws.com", Invalid),
    (Policy::Prefer, None, "s3://bucket/key", Invalid),
    (Policy::Prefer, None, "https://", Invalid),
    (Policy::Prefer, None, "https://ec2.us-east-1.amazonaws.com:70000/", Invalid),
];

#[test]
fn mapping_table() {
    let index = index();
    assert!(TABLE.len() >= 60, "{} rows", TABLE.len());
    for (policy, zone, url, expect) in TABLE {
        check(&config(*policy, *zone), Some(&index), url, expect);
    }
}

#[test]
fn execute_api_carries_the_api_id_header_and_others_carry_none() {
    let index = index();
    let config = RewriteConfig::builder()
        .private_api("abc123defg")
        .build()
        .unwrap();
    let Ok(Outcome::Rewritten(r)) = config.rewrite_url(
        Some(&index),
        "https://AbC123dEfG.execute-api.us-east-1.amazonaws.com/p",
    ) else {
        panic!("not rewritten")
    };
    assert_eq!(r.header(), Some(("x-apigw-api-id", "AbC123dEfG")));
    assert_eq!(r.host(), APIGW);
    assert_eq!(r.endpoint().endpoint_id(), "vpce-0a9100000000000e5");
    // Another API (a WebSocket API's management host, say) keeps its host.
    assert!(matches!(
        config.rewrite_url(
            Some(&index),
            "https://zzz999yyyy.execute-api.us-east-1.amazonaws.com/"
        ),
        Ok(Outcome::Unchanged(Unchanged::NotMapped { .. }))
    ));
    for bad in ["ABC", "abc123defg1", "abc-23defg"] {
        let err = RewriteConfig::builder()
            .private_api(bad)
            .build()
            .unwrap_err();
        assert_eq!((err.field(), err.value()), ("private_api", bad));
    }
    for url in [
        "https://ec2.us-east-1.amazonaws.com/",
        "https://b.s3.us-east-1.amazonaws.com/",
    ] {
        let Ok(Outcome::Rewritten(r)) = config.rewrite_url(Some(&index), url) else {
            panic!("{url} not rewritten")
        };
        assert_eq!(r.header(), None, "{url}");
    }
}

#[test]
fn rewritten_reports_original_host_endpoint_and_zonality() {
    let index = index();
    let zonal = config(Policy::Prefer, Some("us-east-1a"));
    let url = "https://ec2.us-east-1.amazonaws.com/";
    let Ok(Outcome::Rewritten(r)) = zonal.rewrite_url(Some(&index), url) else {
        panic!()
    };
    assert_eq!(
        (r.original_host(), r.host(), r.is_zonal()),
        ("ec2.us-east-1.amazonaws.com", EC2_A, true)
    );
    assert_eq!(r.endpoint().label(), "ec2");
    let Ok(Outcome::Rewritten(r)) = RewriteConfig::default().rewrite_url(Some(&index), url) else {
        panic!()
    };
    assert_eq!((r.host(), r.is_zonal()), (EC2, false));
    let second = RewriteConfig::default()
        .rewrite_url(Some(&index), r.url())
        .unwrap();
    assert_eq!(
        second,
        Outcome::Unchanged(Unchanged::AlreadyEndpoint),
        "a rewrite is idempotent"
    );
}

#[test]
fn scope_include_exclude() {
    let index = index();
    let exclude_s3 = RewriteConfig::builder()
        .policy(Policy::Strict)
        .exclude_service("S3")
        .region("us-east-1")
        .build()
        .unwrap();
    let exclude_s3_no_region = RewriteConfig::builder()
        .policy(Policy::Strict)
        .exclude_service("s3")
        .build()
        .unwrap();
    let exclude_s3_prefer = RewriteConfig::builder()
        .exclude_service("s3")
        .build()
        .unwrap();
    let include_ec2 = RewriteConfig::builder()
        .policy(Policy::Strict)
        .include_service("ec2")
        .include_service("sqs")
        .exclude_service("sqs")
        .build()
        .unwrap();
    #[rustfmt::skip]
    let rows: &[(&RewriteConfig, &str, Expect)] = &[
        // Strict: an excluded service goes around the endpoints only where a gateway endpoint
        // carries it: its standard hosts in the home region.
        (&exclude_s3, "https://mybucket.s3.us-east-1.amazonaws.com/k", Keep(Why::OutOfScope)),
        (&exclude_s3, "https://s3.us-east-1.amazonaws.com/", Keep(Why::OutOfScope)),
        (&exclude_s3, "https://ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/", Keep(Why::OutOfScope)),
        (&exclude_s3, "https://mybucket.s3.eu-west-1.amazonaws.com/k", Refuse(Why::NoPrivatePath)),
        (&exclude_s3, "https://123456789012.s3-control.us-east-1.amazonaws.com/", Refuse(Why::NoPrivatePath)),
        (&exclude_s3, "https://mybucket.s3.dualstack.us-east-1.amazonaws.com/", Refuse(Why::NoPrivatePath)),
        (&exclude_s3, "https://mybucket.s3.us-east-1.api.aws/", Refuse(Why::Form(F::DualStack))),
        (&exclude_s3, "https://s3.amazonaws.com/b", Refuse(Why::Form(F::NoRegion))),
        (&exclude_s3, "https://s3-external-1.amazonaws.com/b", Refuse(Why::Form(F::NoRegion))),
        (&exclude_s3, "https://mybucket.s3-accelerate.amazonaws.com/k", Refuse(Why::Form(F::S3Accelerate))),
        (&exclude_s3, "https://b--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com/", Refuse(Why::Form(F::S3Express))),
        (&exclude_s3_no_region, "https://mybucket.s3.us-east-1.amazonaws.com/k", Refuse(Why::NoPrivatePath)),
        // Prefer: out of scope is left alone, whatever the form.
        (&exclude_s3_prefer, "https://mybucket.s3-accelerate.amazonaws.com/k", Keep(Why::OutOfScope)),
        (&exclude_s3_prefer, "https://mybucket.s3.eu-west-1.amazonaws.com/k", Keep(Why::OutOfScope)),
        (&exclude_s3, "https://ec2.us-east-1.amazonaws.com/", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/")),
        (&exclude_s3, "https://sqs.us-east-1.amazonaws.com/", Refuse(Why::NoEndpoint)),
        (&include_ec2, "https://ec2.us-east-1.amazonaws.com/", To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/")),
        (&include_ec2, "https://sts.us-east-1.amazonaws.com/", Refuse(Why::NoPrivatePath)),
        (&include_ec2, "https://sqs.us-east-1.amazonaws.com/", Refuse(Why::NoPrivatePath)),
        (&include_ec2, "https://ec2.us-east-1.api.aws/", Refuse(Why::NotDualStack)),
        (&include_ec2, "https://iam.amazonaws.com/", Refuse(Why::NoPrivatePath)),
    ];
    for (config, url, expect) in rows {
        check(config, Some(&index), url, expect);
    }
}

#[test]
fn private_dns_endpoints_can_be_skipped() {
    let index = index();
    for policy in [Policy::Prefer, Policy::Strict] {
        let skip = RewriteConfig::builder()
            .policy(policy)
            .skip_private_dns_endpoints(true)
            .build()
            .unwrap();
        // ec2 has private DNS: left to it, and not refused even in strict mode.
        check(
            &skip,
            Some(&index),
            "https://ec2.us-east-1.amazonaws.com/",
            &Keep(Why::PrivateDns),
        );
        // s3 has no private DNS: still rewritten.
        check(
            &skip,
            Some(&index),
            "https://s3.us-east-1.amazonaws.com/",
            &To("https://bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/"),
        );
    }
    // Default: endpoints with private DNS are rewritten too.
    check(
        &RewriteConfig::default(),
        Some(&index),
        "https://ec2.us-east-1.amazonaws.com/",
        &To("https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/"),
    );
}

#[test]
fn without_a_snapshot_strict_refuses_and_prefer_passes() {
    let strict = config(Policy::Strict, None);
    check(
        &strict,
        None,
        "https://ec2.us-east-1.amazonaws.com/",
        &Refuse(Why::NoSnapshot),
    );
    check(
        &strict,
        None,
        "https://sts.amazonaws.com/",
        &Refuse(Why::Form(F::NoRegion)),
    );
    check(&strict, None, "http://localhost:9000/", &Keep(Why::NotAws));
    check(
        &config(Policy::Prefer, None),
        None,
        "https://ec2.us-east-1.amazonaws.com/",
        &Keep(Why::NoSnapshot),
    );
}

fn endpoint(id: &str, names: &[&str]) -> VpcEndpoint {
    names
        .iter()
        .fold(
            VpcEndpoint::builder()
                .id(id)
                .endpoint_type(EndpointType::Interface)
                .service_name("x")
                .state(EndpointState::Available),
            |b, n| b.dns_entry(DnsEntry::new(*n, None)),
        )
        .build()
        .unwrap()
}

#[test]
fn partitions_aws_cn_and_us_gov() {
    let index = EndpointIndex::new([
        endpoint(
            "vpce-0c1",
            &["*.vpce-0c1-abcd1234.s3.cn-north-1.vpce.amazonaws.com.cn"],
        ),
        endpoint(
            "vpce-0c2",
            &[
                "vpce-0c2-abcd1234.ec2.cn-north-1.vpce.amazonaws.com.cn",
                "vpce-0c2-abcd1234-cn-north-1a.ec2.cn-north-1.vpce.amazonaws.com.cn",
            ],
        ),
        endpoint(
            "vpce-06f",
            &["vpce-06f-lk4qp2nd.sts.us-gov-west-1.vpce.amazonaws.com"],
        ),
    ]);
    assert!(index.warnings().is_empty(), "{:?}", index.warnings());
    #[rustfmt::skip]
    let rows: &[(Option<&str>, &str, Expect)] = &[
        (None, "https://mybucket.s3.cn-north-1.amazonaws.com.cn/k", To("https://mybucket.bucket.vpce-0c1-abcd1234.s3.cn-north-1.vpce.amazonaws.com.cn/k")),
        (None, "https://ec2.cn-north-1.amazonaws.com.cn/", To("https://vpce-0c2-abcd1234.ec2.cn-north-1.vpce.amazonaws.com.cn/")),
        (Some("cn-north-1a"), "https://ec2.cn-north-1.amazonaws.com.cn/", To("https://vpce-0c2-abcd1234-cn-north-1a.ec2.cn-north-1.vpce.amazonaws.com.cn/")),
        (None, "https://sts.us-gov-west-1.amazonaws.com/", To("https://vpce-06f-lk4qp2nd.sts.us-gov-west-1.vpce.amazonaws.com/")),
        // The aws-cn endpoint does not serve a host in another partition's domain.
        // A China region under the `aws` suffix is no region of that partition.
        (None, "https://ec2.cn-north-1.amazonaws.com/", Refuse(Why::Form(F::NoRegion))),
        (None, "https://sts.us-gov-east-1.amazonaws.com/", Refuse(Why::NoEndpoint)),
    ];
    for (zone, url, expect) in rows {
        check(&config(Policy::Strict, *zone), Some(&index), url, expect);
    }
}

#[test]
fn index_uses_dns_names_not_service_names_and_warns_about_the_rest() {
    let index = index();
    // kinesis-streams serves label `kinesis`, ecr.api serves `api.ecr`: derived from the names.
    let labels: Vec<&str> = index.entries().iter().map(|(label, ..)| *label).collect();
    for expected in [
        "api.ecr",
        "kinesis",
        "runtime.sagemaker",
        "streams.dynamodb",
        "s3",
        "execute-api",
    ] {
        assert!(labels.contains(&expected), "{labels:?}");
    }
    assert!(
        !labels
            .iter()
            .any(|l| l.contains("kinesis-streams") || *l == "ecr.api")
    );
    // The gateway endpoint is kept for diagnostics but not indexed.
    assert_eq!(index.endpoints().len(), 15);
    assert!(
        index
            .endpoints()
            .iter()
            .any(|e| e.endpoint_type() == &EndpointType::Gateway)
    );
    assert_eq!(index.usable_count(), 12);
    let warnings: Vec<String> = index.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .all(|w| w.starts_with("endpoint vpce-0b0b000000000001b1: ignoring DNS entry"))
    );
    assert!(warnings[0].contains("`evil.example.com`: not under vpce.amazonaws.com"));
    assert!(warnings[1].contains(".vpce.amazonaws.com.evil.example`: not under"));
    assert!(warnings[2].contains("names endpoint vpce-0ffff00000000000ff"));
    // The S3 entry is a wildcard, with the `*.` removed from the stored names.
    let s3 = index
        .lookup("s3", "us-east-1", privatelink_core::DnsSuffix::AmazonawsCom)
        .unwrap();
    assert!(s3.is_wildcard());
    assert_eq!(s3.regional_name(), Some(S3));
    assert_eq!(s3.zonal_names().collect::<Vec<_>>(), [("us-east-1a", S3_A)]);
}

#[test]
fn index_edge_cases() {
    // An interface endpoint with no DnsEntries, or only bad ones, gets a warning.
    let index = EndpointIndex::new([
        endpoint("vpce-0e1", &[]),
        endpoint("vpce-0e2", &["example.com"]),
        endpoint("vpce-0e3", &["ec2.us-east-1.amazonaws.com"]),
    ]);
    let kinds: Vec<_> = index
        .warnings()
        .iter()
        .map(|w| (w.endpoint_id(), w.kind().clone()))
        .collect();
    assert!(matches!(
        kinds[0],
        ("vpce-0e1", WarningKind::NoEndpointNames)
    ));
    assert!(matches!(
        kinds[1],
        ("vpce-0e2", WarningKind::IgnoredDnsName { .. })
    ));
    assert!(matches!(
        kinds[2],
        ("vpce-0e2", WarningKind::NoEndpointNames)
    ));
    assert!(matches!(
        kinds[3],
        ("vpce-0e3", WarningKind::NoEndpointNames)
    ));
    assert_eq!(index.usable_count(), 0);

    // Two endpoints for one service: the available one wins whatever the order, then the lowest id.
    let pending = VpcEndpoint::builder()
        .id("vpce-0a")
        .endpoint_type(EndpointType::Interface)
        .service_name("x")
        .state(EndpointState::parse("pending"))
        .dns_entry(DnsEntry::new(
            "vpce-0a-11111111.ec2.us-east-1.vpce.amazonaws.com",
            None,
        ))
        .build()
        .unwrap();
    let index = EndpointIndex::new([
        pending,
        endpoint(
            "vpce-0c",
            &["vpce-0c-22222222.ec2.us-east-1.vpce.amazonaws.com"],
        ),
        endpoint(
            "vpce-0b",
            &["vpce-0b-33333333.ec2.us-east-1.vpce.amazonaws.com"],
        ),
    ]);
    let chosen = index
        .lookup(
            "ec2",
            "us-east-1",
            privatelink_core::DnsSuffix::AmazonawsCom,
        )
        .unwrap();
    assert_eq!(chosen.endpoint_id(), "vpce-0b");
    assert_eq!(index.warnings().len(), 2);
    assert!(index.warnings().iter().all(
        |w| matches!(w.kind(), WarningKind::DuplicateService { chosen, .. } if chosen == "vpce-0b")
    ));

    // Only zonal names: the first zone's name serves requests without a zone match.
    let index = EndpointIndex::new([endpoint(
        "vpce-0d",
        &[
            "vpce-0d-44444444-us-east-1b.sqs.us-east-1.vpce.amazonaws.com",
            "vpce-0d-44444444-us-east-1a.sqs.us-east-1.vpce.amazonaws.com",
        ],
    )]);
    check(
        &RewriteConfig::default(),
        Some(&index),
        "https://sqs.us-east-1.amazonaws.com/",
        &To("https://vpce-0d-44444444-us-east-1a.sqs.us-east-1.vpce.amazonaws.com/"),
    );
    check(
        &config(Policy::Prefer, Some("us-east-1b")),
        Some(&index),
        "https://sqs.us-east-1.amazonaws.com/",
        &To("https://vpce-0d-44444444-us-east-1b.sqs.us-east-1.vpce.amazonaws.com/"),
    );

    // Non-interface endpoints with vpce names are never targets.
    let glb = VpcEndpoint::builder()
        .id("vpce-0f")
        .endpoint_type(EndpointType::parse("GatewayLoadBalancer"))
        .service_name("x")
        .state(EndpointState::Available)
        .dns_entry(DnsEntry::new(
            "vpce-0f-55555555.ec2.us-east-1.vpce.amazonaws.com",
            None,
        ))
        .build()
        .unwrap();
    let index = EndpointIndex::new([glb]);
    check(
        &config(Policy::Strict, None),
        Some(&index),
        "https://ec2.us-east-1.amazonaws.com/",
        &Refuse(Why::NoEndpoint),
    );
}

#[test]
fn refusal_messages_name_host_service_and_reason() {
    let index = index();
    let strict = config(Policy::Strict, None);
    #[rustfmt::skip]
    let cases = [
        ("https://sqs.us-east-1.amazonaws.com/", "strict mode refused a request to the public AWS host `sqs.us-east-1.amazonaws.com` (service `sqs`): the VPC has no interface endpoint for it in us-east-1"),
        ("https://kinesis.us-east-1.amazonaws.com/", "strict mode refused a request to the public AWS host `kinesis.us-east-1.amazonaws.com` (service `kinesis`): its interface endpoint vpce-0e1e000000000000a7 is `pending`, not `available`"),
        ("https://sts.amazonaws.com/", "strict mode refused a request to the public AWS host `sts.amazonaws.com` (service `sts`): the host is a global or legacy endpoint with no region in the host, which interface endpoints do not serve"),
    ];
    for (url, message) in cases {
        let err = strict.rewrite_url(Some(&index), url).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn config_builder_rejects_bad_values() {
    let cases = [
        (RewriteConfig::builder().include_service(""), "include", ""),
        (
            RewriteConfig::builder().exclude_service("-s3"),
            "exclude",
            "-s3",
        ),
        (
            RewriteConfig::builder().include_service("api..ecr"),
            "include",
            "api..ecr",
        ),
        (
            RewriteConfig::builder().zone("us east 1a"),
            "zone",
            "us east 1a",
        ),
        (RewriteConfig::builder().zone("a"), "zone", "a"),
    ];
    for (builder, field, value) in cases {
        let e = builder.build().expect_err(value);
        assert_eq!(e.field(), field);
        assert_eq!(e.value(), value);
        assert!(
            e.to_string().starts_with(&format!("invalid {field} value")),
            "{e}"
        );
    }
    // Labels are trimmed and lowercased.
    let config = RewriteConfig::builder()
        .exclude_service(" S3 ")
        .build()
        .unwrap();
    assert!(!config.in_scope("s3") && config.in_scope("ec2"));
}

/// Deterministic xorshift, so the no-panic sweep is reproducible without extra dependencies.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn no_panics_on_mangled_input() {
    // Every prefix of the fixture (cut at char boundaries): an error unless it keeps the closing
    // brace, and never a panic.
    for cut in (0..FIXTURE.len()).filter(|c| FIXTURE.is_char_boundary(*c)) {
        // A cut before the closing brace is never valid JSON.
        let closing = FIXTURE.trim_end().len();
        let result = index_from_describe_json(&FIXTURE[..cut]);
        assert_eq!(result.is_ok(), cut >= closing, "cut at {cut}");
    }
    // Random URLs assembled from the pieces that matter to the rules.
    let pieces = [
        "",
        ".",
        "..",
        "-",
        "*",
        "*.",
        ":",
        "/",
        "?",
        "#",
        "@",
        "[",
        "]",
        "vpce-",
        "vpce-0abc-1234",
        "s3",
        "s3-control",
        "s3-accesspoint",
        "execute-api",
        "ddb",
        "dualstack",
        "us-east-1",
        "us-east-1a",
        "cn-north-1",
        "amazonaws",
        "com",
        "cn",
        "vpce",
        "api",
        "aws",
        "123456789012",
        "ec2",
        "bucket",
        "A",
        "é",
        " ",
        "%",
        "0",
        "99999",
    ];
    let index = index();
    let configs = [
        config(Policy::Prefer, None),
        config(Policy::Strict, Some("us-east-1a")),
    ];
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    for _ in 0..20_000 {
        let mut host = String::new();
        for _ in 0..(rng.next() % 8) {
            host.push_str(rng.pick(&pieces));
            if !rng.next().is_multiple_of(3) {
                host.push('.');
            }
        }
        let url = format!(
            "{}{host}{}",
            rng.pick(&["https://", "http://", "", "HTTPS://", "https:/"]),
            rng.pick(&["", "/", ":443/x", "?q"])
        );
        for config in &configs {
            if let Ok(Outcome::Rewritten(r)) = config.rewrite_url(Some(&index), &url) {
                // Security: every rewrite target is a vpce name under the endpoint domain.
                let host = r.host();
                assert!(
                    host.ends_with(".vpce.amazonaws.com")
                        || host.ends_with(".vpce.amazonaws.com.cn"),
                    "{url} -> {host}"
                );
                assert!(
                    host.split('.').any(|l| l.starts_with("vpce-")),
                    "{url} -> {host}"
                );
            }
        }
        let entry = VpcEndpoint::builder()
            .id("vpce-0abc")
            .endpoint_type(EndpointType::Interface)
            .service_name("x")
            .state(EndpointState::Available)
            .dns_entry(DnsEntry::new(host.clone(), None))
            .build()
            .unwrap();
        let single = EndpointIndex::new([entry]);
        for (_, _, _, e) in single.entries() {
            let name = e.name_for(None).unwrap();
            assert!(
                name.starts_with("vpce-0abc-")
                    && (name.ends_with(".vpce.amazonaws.com")
                        || name.ends_with(".vpce.amazonaws.com.cn")),
                "{host} -> {name}"
            );
        }
    }
}

/// Hosts of every partition and AWS service domain: only `aws`, `aws-us-gov` and `aws-cn` have a
/// known endpoint domain, so the others are never rewritten, and strict refuses them.
#[test]
fn every_partition_and_service_domain_is_aws() {
    let index = index();
    use UnsupportedForm::UnknownEndpointDomain as Unknown;
    #[rustfmt::skip]
    let rows: &[(&str, Why)] = &[
        ("https://ec2.us-iso-east-1.c2s.ic.gov/", Why::Form(Unknown { partition: "aws-iso" })),
        ("https://ec2.us-isob-east-1.sc2s.sgov.gov/", Why::Form(Unknown { partition: "aws-iso-b" })),
        ("https://ec2.eu-isoe-west-1.cloud.adc-e.uk/", Why::Form(Unknown { partition: "aws-iso-e" })),
        ("https://ec2.us-isof-south-1.csp.hci.ic.gov/", Why::Form(Unknown { partition: "aws-iso-f" })),
        ("https://ec2.eusc-de-east-1.amazonaws.eu/", Why::Form(Unknown { partition: "aws-eusc" })),
        ("https://vpce-0abc-12345678.ec2.us-iso-east-1.vpce.c2s.ic.gov/", Why::Form(Unknown { partition: "aws-iso" })),
        ("https://c2s.ic.gov/", Why::Form(Unknown { partition: "aws-iso" })),
        ("https://ec2.us-iso-east-1.api.aws.ic.gov/", Why::Form(F::DualStack)),
        ("https://ec2.us-isob-east-1.api.aws.scloud/", Why::Form(F::DualStack)),
        ("https://ec2.eu-isoe-west-1.api.cloud-aws.adc-e.uk/", Why::Form(F::DualStack)),
        ("https://ec2.us-isof-south-1.api.aws.hci.ic.gov/", Why::Form(F::DualStack)),
        ("https://ec2.eusc-de-east-1.api.amazonwebservices.eu/", Why::Form(F::DualStack)),
        ("https://ec2.cn-north-1.api.amazonwebservices.com.cn/", Why::NoEndpoint),
        ("https://sts.us-east-1.api.aws/", Why::NotDualStack),
        ("https://abcdefghij.lambda-url.us-east-1.on.aws/", Why::Form(F::AwsServiceDomain)),
        ("https://svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws/", Why::Form(F::AwsServiceDomain)),
        ("https://us-east-1.signin.aws.amazon.com/oauth", Why::Form(F::AwsServiceDomain)),
        ("https://sts.amazonaws.com/", Why::Form(F::NoRegion)),
        ("https://s3.amazonaws.com/b", Why::Form(F::NoRegion)),
        ("https://s3-external-1.amazonaws.com/b", Why::Form(F::NoRegion)),
        ("https://mybucket.s3-accelerate.amazonaws.com/k", Why::Form(F::S3Accelerate)),
        ("https://mybucket.s3-accelerate.dualstack.amazonaws.com/k", Why::Form(F::S3Accelerate)),
        ("https://ec2.us-east-1.amazonaws.com.cn/", Why::Form(F::NoRegion)),
    ];
    for (url, why) in rows {
        let strict = config(Policy::Strict, Some("us-east-1a"));
        check(&strict, Some(&index), url, &Refuse(why.clone()));
        check(
            &config(Policy::Prefer, None),
            Some(&index),
            url,
            &Keep(why.clone()),
        );
    }
    // Look-alikes of AWS domains are not AWS.
    for url in [
        "https://ec2.us-east-1.amazonaws.com.evil.example/",
        "https://c2s.ic.gov.example/",
        "https://notc2s.ic.gov/",
        "https://on.aws.example/",
        "https://lambda-url.us-east-1.xon.aws/",
    ] {
        check(
            &config(Policy::Strict, None),
            Some(&index),
            url,
            &Keep(Why::NotAws),
        );
    }
}

/// Strict leaves an endpoint name alone only when the snapshot has that endpoint.
#[test]
fn strict_knows_its_endpoint_names() {
    let index = index();
    let strict = config(Policy::Strict, None);
    #[rustfmt::skip]
    let rows: &[(String, Expect)] = &[
        (format!("https://{EC2}/"), Keep(Why::Endpoint)),
        (format!("https://{EC2_A}/"), Keep(Why::Endpoint)),
        (format!("https://{}/", EC2.to_uppercase()), Keep(Why::Endpoint)),
        (format!("https://bucket.{S3}/k"), Keep(Why::Endpoint)),
        (format!("https://mybucket.bucket.{S3_A}/k"), Keep(Why::Endpoint)),
        (format!("https://ap-123456789012.accesspoint.{S3}/"), Keep(Why::Endpoint)),
        (format!("https://123456789012.control.{S3}/"), Keep(Why::Endpoint)),
        (format!("https://{S3}/"), Keep(Why::Endpoint)),
        // Not names of the snapshot's endpoints.
        (format!("https://a.b.bucket.{S3}/k"), Refuse(Why::UnknownEndpoint)),
        (format!("https://x.bucket.{EC2}/"), Refuse(Why::UnknownEndpoint)),
        ("https://vpce-0ffff-12345678.ec2.us-east-1.vpce.amazonaws.com/".into(), Refuse(Why::UnknownEndpoint)),
        ("https://vpce.amazonaws.com/".into(), Refuse(Why::UnknownEndpoint)),
        ("https://anything.vpce.amazonaws.com.cn/".into(), Refuse(Why::UnknownEndpoint)),
    ];
    for (url, expect) in rows {
        check(&strict, Some(&index), url, expect);
        // Prefer leaves every endpoint name alone.
        check(
            &config(Policy::Prefer, None),
            Some(&index),
            url,
            &Keep(Why::Endpoint),
        );
    }
    check(
        &strict,
        None,
        &format!("https://{EC2}/"),
        &Refuse(Why::NoSnapshot),
    );
}

/// An IP address may be AWS's: strict refuses public ones (and numeric hosts it cannot read as
/// a plain address); private, loopback and link-local ones are not AWS hosts.
#[test]
fn ip_literals_under_strict() {
    let index = index();
    #[rustfmt::skip]
    let rows = [
        ("https://52.94.0.1/", true), ("http://3.5.0.9:8080/x", true),
        ("https://[2600:1f18::1]/", true), ("https://[::ffff:52.94.0.1]/", true),
        ("https://2130706433/", true), ("https://0x7f.1/", true), ("https://1.2.3/", true),
        ("http://127.0.0.1:4566/", false), ("https://10.0.1.5/", false),
        ("https://172.31.0.2/", false), ("https://192.168.0.1/", false),
        ("https://169.254.169.254/", false), ("https://[::1]:443/", false),
        ("https://[fd00::5]/", false), ("https://[::ffff:10.0.0.1]/", false),
    ];
    for (url, public) in rows {
        let strict = if public {
            Refuse(Why::PublicIp)
        } else {
            Keep(Why::NotAws)
        };
        check(&config(Policy::Strict, None), Some(&index), url, &strict);
        check(
            &config(Policy::Prefer, None),
            Some(&index),
            url,
            &Keep(Why::NotAws),
        );
    }
}

/// Names DNS cannot carry are errors whatever the policy; 63-character labels are fine.
#[test]
fn labels_over_63_characters_are_errors() {
    let index = index();
    let b63 = "b".repeat(63);
    let b64 = "b".repeat(64);
    for policy in [Policy::Prefer, Policy::Strict] {
        check(
            &config(policy, None),
            Some(&index),
            &format!("https://{b64}.s3.us-east-1.amazonaws.com/k"),
            &Invalid,
        );
        check(
            &config(policy, None),
            Some(&index),
            &format!("https://x.{b64}.example.com/"),
            &Invalid,
        );
        let rewritten = format!("https://{b63}.bucket.{S3}/k");
        check(
            &config(policy, None),
            Some(&index),
            &format!("https://{b63}.s3.us-east-1.amazonaws.com/k"),
            &To(Box::leak(rewritten.into_boxed_str())),
        );
    }
    let long = format!("https://{}.example.com/", vec!["a".repeat(60); 5].join("."));
    check(&config(Policy::Prefer, None), Some(&index), &long, &Invalid);
    // S3 Control needs an account id in front.
    check(
        &config(Policy::Strict, None),
        Some(&index),
        "https://notanaccount.s3-control.us-east-1.amazonaws.com/v20180820/jobs",
        &Refuse(Why::Form(F::S3ControlWithoutAccount)),
    );
}

/// `skip_private_dns_endpoints` leaves only the hosts the endpoint's private DNS covers.
#[test]
fn private_dns_skips_only_the_names_it_covers() {
    let s3 = VpcEndpoint::builder()
        .id("vpce-0530")
        .endpoint_type(EndpointType::Interface)
        .service_name("com.amazonaws.us-east-1.s3")
        .state(EndpointState::Available)
        .private_dns_enabled(true)
        .dns_entry(DnsEntry::new(
            "*.vpce-0530-abcd1234.s3.us-east-1.vpce.amazonaws.com",
            None,
        ))
        .dns_entry(DnsEntry::new("*.s3.us-east-1.amazonaws.com", None))
        .build()
        .unwrap();
    let index = EndpointIndex::new([s3]);
    let named = index.lookup("s3", "us-east-1", privatelink_core::DnsSuffix::AmazonawsCom);
    assert_eq!(
        named.unwrap().private_names().collect::<Vec<_>>(),
        ["*.s3.us-east-1.amazonaws.com"]
    );
    let skip = RewriteConfig::builder()
        .policy(Policy::Strict)
        .skip_private_dns_endpoints(true)
        .build()
        .unwrap();
    let e = "vpce-0530-abcd1234.s3.us-east-1.vpce.amazonaws.com";
    #[rustfmt::skip]
    let rows: Vec<(&str, Expect)> = vec![
        ("https://mybucket.s3.us-east-1.amazonaws.com/k", Keep(Why::PrivateDns)),
        ("https://MyBucket.S3.us-east-1.amazonaws.com./k", Keep(Why::PrivateDns)),
        // Not covered by `*.s3.us-east-1.amazonaws.com`: rewritten.
        ("https://s3.us-east-1.amazonaws.com/b/k", To(Box::leak(format!("https://bucket.{e}/b/k").into_boxed_str()))),
        ("https://ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/k", To(Box::leak(format!("https://ap-123456789012.accesspoint.{e}/k").into_boxed_str()))),
        ("https://123456789012.s3-control.us-east-1.amazonaws.com/v", To(Box::leak(format!("https://123456789012.control.{e}/v").into_boxed_str()))),
    ];
    for (url, expect) in &rows {
        check(&skip, Some(&index), url, expect);
    }
}

/// Endpoint types privatelink does not use (which may have no service name, and names under
/// `on.aws`) are skipped with a warning; the rest of the file works.
#[test]
fn unused_endpoint_types_are_skipped_with_a_note() {
    let json = r#"{"VpcEndpoints": [
        {"VpcEndpointId": "vpce-0res", "VpcEndpointType": "Resource", "State": "available",
         "DnsEntries": [{"DnsName": "vpce-0res-abcd.rcfg-0abc.4232ccc.vpc-lattice-rsc.us-east-1.on.aws"}]},
        {"VpcEndpointId": "vpce-0sn", "VpcEndpointType": "ServiceNetwork", "State": "available",
         "DnsEntries": [{"DnsName": "vpce-0sn-abcd.sn-0abc.vpc-lattice-svcs.us-east-1.on.aws"}]},
        {"VpcEndpointId": "vpce-0glb", "VpcEndpointType": "GatewayLoadBalancer", "State": "available",
         "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0abc"},
        {"VpcEndpointId": "vpce-0ec2", "VpcEndpointType": "Interface", "State": "available",
         "ServiceName": "com.amazonaws.us-east-1.ec2",
         "DnsEntries": [{"DnsName": "vpce-0ec2-abcd1234.ec2.us-east-1.vpce.amazonaws.com"}]}
    ]}"#;
    let index = index_from_describe_json(json).expect("the whole file parses");
    assert_eq!(index.endpoints().len(), 4);
    assert_eq!(index.endpoints()[0].service_name(), None);
    let skipped: Vec<(&str, String)> = index
        .warnings()
        .iter()
        .map(|w| (w.endpoint_id(), w.to_string()))
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        skipped.iter().any(
            |(id, text)| *id == "vpce-0res" && text.contains("does not use Resource endpoints")
        ),
        "{skipped:?}"
    );
    check(
        &config(Policy::Strict, None),
        Some(&index),
        "https://ec2.us-east-1.amazonaws.com/",
        &To("https://vpce-0ec2-abcd1234.ec2.us-east-1.vpce.amazonaws.com/"),
    );
    // An Interface endpoint still needs its service name.
    let missing = r#"{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "State": "available"}]}"#;
    assert!(index_from_describe_json(missing).is_err());
}

#[test]
fn home_region_must_be_a_region() {
    let err = RewriteConfig::builder()
        .region("moon-1")
        .build()
        .unwrap_err();
    assert_eq!((err.field(), err.value()), ("region", "moon-1"));
    for region in ["us-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1"] {
        assert!(
            RewriteConfig::builder().region(region).build().is_ok(),
            "{region}"
        );
    }
}

#[test]
fn gateway_endpoints_carry_same_region_standard_hosts_when_enabled() {
    // The fixture's VPC has an S3 gateway (vpce-0ea7e…) and S3 and DynamoDB interface
    // endpoints; add a DynamoDB gateway and a pending S3 gateway in us-west-2.
    let gateway = |id: &str, service: &str, state: EndpointState| {
        VpcEndpoint::builder()
            .id(id)
            .endpoint_type(EndpointType::Gateway)
            .service_name(service)
            .state(state)
            .build()
            .unwrap()
    };
    let mut endpoints = index().endpoints().to_vec();
    endpoints.push(gateway(
        "vpce-0dd00000000000001",
        "com.amazonaws.us-east-1.dynamodb",
        EndpointState::Available,
    ));
    endpoints.push(gateway(
        "vpce-0dd00000000000002",
        "com.amazonaws.us-west-2.s3",
        EndpointState::Pending,
    ));
    let index = EndpointIndex::new(endpoints);
    assert_eq!(
        index.gateways().collect::<Vec<_>>(),
        [
            ("us-east-1", "dynamodb", "vpce-0dd00000000000001"),
            ("us-east-1", "s3", "vpce-0ea7e000000000001"),
        ],
        "available gateways only"
    );
    const S3_GW: Why = Why::Gateway("vpce-0ea7e000000000001");
    for policy in [Policy::Prefer, Policy::Strict] {
        let with = RewriteConfig::builder()
            .policy(policy)
            .gateway_endpoints(true)
            .build()
            .unwrap();
        for url in [
            "https://mybucket.s3.us-east-1.amazonaws.com/key",
            "https://s3.us-east-1.amazonaws.com/mybucket/key",
            "https://ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com/key",
        ] {
            check(&with, Some(&index), url, &Keep(S3_GW));
        }
        check(
            &with,
            Some(&index),
            "https://dynamodb.us-east-1.amazonaws.com/",
            &Keep(Why::Gateway("vpce-0dd00000000000001")),
        );
        // S3 Control is not what a gateway carries: the interface endpoint.
        assert!(matches!(
            with.rewrite_url(
                Some(&index),
                "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/jobs"
            ),
            Ok(Outcome::Rewritten(_))
        ));
        // Another region (its gateway is pending): no gateway; no endpoint either.
        let other_region = match policy {
            Policy::Strict => Refuse(Why::NoEndpoint),
            _ => Keep(Why::NoEndpoint),
        };
        check(
            &with,
            Some(&index),
            "https://mybucket.s3.us-west-2.amazonaws.com/key",
            &other_region,
        );
        // Without the setting: the interface endpoints.
        let without = config(policy, None);
        check(
            &without,
            Some(&index),
            "https://mybucket.s3.us-east-1.amazonaws.com/key",
            &To(
                "https://mybucket.bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/key",
            ),
        );
        check(
            &without,
            Some(&index),
            "https://dynamodb.us-east-1.amazonaws.com/",
            &To("https://vpce-0dd0000000000000d4-pq1x2y3z.dynamodb.us-east-1.vpce.amazonaws.com/"),
        );
    }
}

#[test]
fn private_dns_only_for_inbound_resolvers_does_not_cover_hosts_in_the_vpc() {
    let json = |inbound_only: bool| {
        format!(
            r#"{{"VpcEndpoints":[{{"VpcEndpointId":"vpce-0abc","VpcEndpointType":"Interface",
            "ServiceName":"com.amazonaws.us-east-1.s3","State":"available","PrivateDnsEnabled":true,
            "IpAddressType":"dualstack",
            "DnsOptions":{{"DnsRecordIpType":"dualstack","PrivateDnsOnlyForInboundResolverEndpoint":{inbound_only}}},
            "DnsEntries":[{{"DnsName":"*.vpce-0abc-x.s3.us-east-1.vpce.amazonaws.com"}},
                          {{"DnsName":"*.s3.us-east-1.amazonaws.com"}}]}}]}}"#
        )
    };
    let skip = RewriteConfig::builder()
        .policy(Policy::Strict)
        .skip_private_dns_endpoints(true)
        .build()
        .unwrap();
    let url = "https://mybucket.s3.us-east-1.amazonaws.com/key";
    let everywhere = index_from_describe_json(&json(false)).unwrap();
    check(&skip, Some(&everywhere), url, &Keep(Why::PrivateDns));
    // Inside the VPC the default name keeps its public answer: rewritten, not skipped.
    let inbound_only = index_from_describe_json(&json(true)).unwrap();
    check(
        &skip,
        Some(&inbound_only),
        url,
        &To("https://mybucket.bucket.vpce-0abc-x.s3.us-east-1.vpce.amazonaws.com/key"),
    );
}
