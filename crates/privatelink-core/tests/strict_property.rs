//! Strict mode's guarantee, as a property over 1,000,000 generated requests: under
//! `Policy::Strict` no request is left on a public AWS host. Every outcome is a rewrite to a
//! `vpce-…` name under the endpoint domain, a refusal, an invalid URL, or an unchanged URL whose
//! host is not a public AWS host — judged by an oracle written independently of the rules (a
//! suffix check on the lowercased host). Hosts mix service labels, regions, partitions, S3 and
//! dual-stack forms, look-alike domains, case, trailing dots and ports; snapshots are random
//! subsets of the fixture's endpoints (usable and not), or none at all.

use privatelink_core::{
    EndpointIndex, Outcome, Policy, RewriteConfig, VpcEndpoint, parse_describe_vpc_endpoints,
};
use proptest::prelude::*;
use std::sync::OnceLock;

const FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");
const CASES: u32 = 1_000_000;

// The oracle (`is_public_aws_host`, `url_host`) is the fuzz targets' own; the check functions
// that come with it are used by `fuzz_corpus.rs`, not here.
#[allow(dead_code, unreachable_pub)]
mod oracle {
    include!("../../../fuzz/checks.rs");
}
use oracle::{is_public_aws_host as is_public_aws, url_host as host_of};

const ENDPOINT_DOMAINS: [&str; 2] = ["vpce.amazonaws.com", "vpce.amazonaws.com.cn"];

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ec2",
            "s3",
            "sts",
            "sqs",
            "execute-api",
            "api",
            "ecr",
            "logs",
            "kinesis",
            "dynamodb",
            "streams",
            "s3-control",
            "s3-accesspoint",
            "s3-object-lambda",
            "s3-fips",
            "dualstack",
            "fips",
            "bucket",
            "control",
            "accesspoint",
            "vpce",
            "amazonaws",
            "com",
            "cn",
            "aws",
            "my.bucket",
            "123456789012",
            "myap-123456789012",
            "runtime",
            "sagemaker",
            "data",
            "vpce-0ec200000000000a1-4r5zme9n",
            "s3express-use1-az4",
            "x--ol-s3",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9][a-z0-9-]{0,11}",
    ]
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "us-east-1",
            "us-east-1a",
            "eu-west-1",
            "cn-north-1",
            "cn-northwest-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "us-iso-east-1",
            "global",
        ])
        .prop_map(str::to_owned),
        "[a-z]{2}-[a-z]{4,9}-[0-9]",
    ]
}

fn suffix() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "amazonaws.com",
        "amazonaws.com.cn",
        "api.aws",
        "api.amazonwebservices.com.cn",
        "vpce.amazonaws.com",
        "vpce.amazonaws.com.cn",
        "amazonaws.co",
        "amazonaws.com.evil.example",
        "notamazonaws.com",
        "example.com",
        "aws",
        "on.aws",
    ])
}

/// A host: labels, maybe a region, a suffix; random case; maybe a trailing dot.
fn host() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(label(), 0..4),
        prop::option::of(region()),
        suffix(),
        any::<u64>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(labels, region, suffix, case_bits, trailing_dot)| {
            let mut parts = labels;
            parts.extend(region);
            parts.push(suffix.to_owned());
            let joined = parts.join(".");
            let mut host: String = joined
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if case_bits >> (i % 64) & 1 == 1 && i % 3 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            if trailing_dot {
                host.push('.');
            }
            host
        })
}

fn url() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["https", "http", "HTTPS"]),
        host(),
        prop::option::of(prop::sample::select(vec![443u16, 80, 8443])),
        prop::sample::select(vec![
            "/",
            "",
            "/bucket/key.txt",
            "/my.dotted.bucket/k?versionId=3",
            "/?Action=GetCallerIdentity&Version=2011-06-15",
            "/v20180820/jobs",
            "/restapis/abc/prod/_user_request_/x",
            "#frag",
        ]),
    )
        .prop_map(|(scheme, host, port, path)| match port {
            Some(port) => format!("{scheme}://{host}:{port}{path}"),
            None => format!("{scheme}://{host}{path}"),
        })
}

/// Snapshots to draw from: 64 subsets of the fixture's endpoints (the first all of them, the
/// second none), built once.
fn snapshots() -> &'static [EndpointIndex] {
    static SNAPSHOTS: OnceLock<Vec<EndpointIndex>> = OnceLock::new();
    SNAPSHOTS.get_or_init(|| {
        let endpoints: Vec<VpcEndpoint> = parse_describe_vpc_endpoints(FIXTURE).unwrap();
        (0..64u64)
            .map(|n| {
                let mask = match n {
                    0 => u64::MAX,
                    1 => 0,
                    n => n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7,
                };
                EndpointIndex::new(
                    endpoints
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask >> i & 1 == 1)
                        .map(|(_, e)| e.clone()),
                )
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn strict_mode_never_leaves_a_request_on_a_public_aws_host(
        url in url(),
        snapshot in 0..64usize,
        no_snapshot in prop::bool::weighted(0.05),
        zone in prop::option::of(prop::sample::select(vec!["us-east-1a", "us-east-1b", "eu-west-1a"])),
    ) {
        let index = &snapshots()[snapshot];
        let mut config = RewriteConfig::builder().policy(Policy::Strict);
        config.set_zone(zone.map(str::to_owned));
        let config = config.build().unwrap();
        match config.rewrite_url((!no_snapshot).then_some(index), &url) {
            Ok(Outcome::Rewritten(rewritten)) => {
                let host = rewritten.host();
                prop_assert!(host.contains("vpce-"), "{url} → {host}");
                prop_assert!(
                    ENDPOINT_DOMAINS.iter().any(|d| host.ends_with(&format!(".{d}"))),
                    "{url} → {host}"
                );
                prop_assert_eq!(host_of(rewritten.url()), host);
            }
            Ok(Outcome::Unchanged(why)) => {
                prop_assert!(!is_public_aws(host_of(&url)), "{url} left unchanged: {why:?}");
            }
            Err(_) => {}
        }
    }
}

#[test]
fn the_oracle_knows_public_hosts() {
    #[rustfmt::skip]
    let rows = [
        ("ec2.us-east-1.amazonaws.com", true), ("EC2.US-EAST-1.AMAZONAWS.COM.", true),
        ("s3.dualstack.us-east-1.amazonaws.com", true), ("s3.us-east-1.api.aws", true),
        ("sts.cn-north-1.amazonaws.com.cn", true), ("amazonaws.com", true),
        ("vpce-0abc-x.ec2.us-east-1.vpce.amazonaws.com", false), ("example.com", false),
        ("amazonaws.com.evil.example", false), ("notamazonaws.com", false),
        ("abc123defg-vpce-0a9100000000000e5.execute-api.us-east-1.amazonaws.com", false),
        ("ab8aws-obdect--vpce-3.execute-api.us-e-2.amazonaws.com", true),
    ];
    for (host, public) in rows {
        assert_eq!(is_public_aws(host), public, "{host}");
    }
    assert_eq!(host_of("https://a.b:443/x"), "a.b");
    assert_eq!(host_of("http://a.b?x"), "a.b");
}
