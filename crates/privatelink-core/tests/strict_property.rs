//! Strict mode's guarantee, as a property over 1,000,000 generated cases: under
//! `Policy::Strict` no request is left on a public AWS host, and in every mode a rewrite goes only
//! to a name of an available endpoint of the snapshot, of the request's own service.
//!
//! The judge is the oracle in `fuzz/checks.rs`, which shares no code, no list and no data file
//! with privatelink-core: it decides "public AWS host?" from botocore's own `partitions.json`
//! (`fuzz/botocore-partitions.json`), its own list of other service domains, and the raw
//! `DnsEntries` of each case's snapshot JSON, and "allowed target?" only from the `vpce-` names
//! in those `DnsEntries` — names of the request's own service (the labels the name carries).
//!
//! Cases vary the settings (policy, zone, include, exclude, home region, skip-private-DNS) as
//! well as the request: hosts in every partition and AWS service domain (DNS and dual-stack
//! suffixes, `on.aws`, the sign-in domains), look-alikes, endpoint names and aliases, IP
//! literals, mixed case, trailing dots, ports, user information, IDN and punycode labels, and
//! 63/64-character labels. Snapshots are random subsets of the fixture's endpoints (usable and
//! not) and of `testdata/surfaces.json`'s (cross-region, global service, Multi-Region Access
//! Points, dual-stack, S3 Express gateway), or none at all.

use privatelink_core::{
    EndpointIndex, Policy, RewriteConfig, Routed, Router, SnapshotCell, index_from_describe_json,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::sync::OnceLock;
use std::time::SystemTime;

#[allow(dead_code, unreachable_pub)]
mod checks {
    include!("../../../fuzz/checks.rs");
}
use checks::{MAPPER_FIXTURE, OracleSnapshot, Settings, judge, map_and_judge, oracle, url_host};

const CASES: u32 = 1_000_000;

/// Endpoints of the surfaces beyond one region's interface endpoints (a cross-region endpoint, a
/// global service's, Multi-Region Access Points' with private DNS, a dual-stack one, an
/// `s3express` gateway), mixed into the snapshots with the fixture's.
const SURFACES: &str = include_str!("../../../testdata/surfaces.json");

/// Service labels and other labels hosts are made of; settings draw from the first ones.
const LABELS: &[&str] = &[
    "s3",
    "ec2",
    "sts",
    "dynamodb",
    "execute-api",
    "sqs",
    "api.ecr",
    "s3-control",
    "kms-fips",
    "s3-accesspoint",
    "s3-object-lambda",
    "s3-fips",
    "s3-accelerate",
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
    "ddb",
    "123456789012",
    "myap-123456789012",
    "runtime",
    "sagemaker",
    "data",
    "lambda-url",
    "vpc-lattice-svcs",
    "signin",
    "vpce-0ec200000000000a1-4r5zme9n",
    "vpce-0ec200000000000a1-4r5zme9n-us-east-1a",
    "vpce-053000000000000b2-9hnenorg",
    "vpce-0ffff-12345678",
    "abc123defg",
    "abc123defg-vpce-0a9100000000000e5",
    "abc123defg-vpce-0a9100000000000ff",
    "s3express-use1-az4",
    "s3express-control",
    "b--use1-az4--x-s3",
    "iam",
    "iam.us-gov",
    "route53",
    "mrap",
    "s3-global",
    "mfzwi23gnjvgw.mrap.accesspoint.s3-global",
    "kms",
    "search-ddb",
    "search-dynamodb",
    "fips.batch",
    "xn--bcher-kva",
    "bücher",
    "my_bucket",
];

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(LABELS).prop_map(str::to_owned),
        2 => "[a-z0-9][a-z0-9-]{0,11}",
        1 => prop::sample::select(vec![63usize, 64]).prop_map(|n| "b".repeat(n)),
    ]
}

fn region() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "us-east-1",
            "us-east-1a",
            "us-west-2",
            "eu-west-1",
            "cn-north-1",
            "cn-northwest-1",
            "us-gov-west-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "us-isof-south-1",
            "eusc-de-east-1",
            "global",
        ])
        .prop_map(str::to_owned),
        "[a-z]{2}-[a-z]{4,9}-[0-9]",
    ]
}

/// Every AWS domain of the generated table, their `vpce.` forms, and look-alikes.
fn suffix() -> impl Strategy<Value = String> {
    let mut suffixes: Vec<String> = oracle().aws_domains().to_vec();
    suffixes.extend(
        [
            "vpce.amazonaws.com",
            "vpce.amazonaws.com.cn",
            "vpce.c2s.ic.gov",
        ]
        .map(String::from),
    );
    suffixes.extend(
        [
            "amazonaws.co",
            "amazonaws.com.evil.example",
            "notamazonaws.com",
            "example.com",
            "aws",
            "c2s.ic.gov.example",
            "xon.aws",
        ]
        .map(String::from),
    );
    prop::sample::select(suffixes)
}

/// A host: labels, maybe a region, a suffix; or an IP literal. Random case; maybe a trailing dot.
fn host() -> impl Strategy<Value = String> {
    let name = (
        prop::collection::vec(label(), 0..4),
        prop::option::of(region()),
        suffix(),
    )
        .prop_map(|(labels, region, suffix)| {
            let mut parts = labels;
            parts.extend(region);
            parts.push(suffix);
            parts.join(".")
        });
    let address = prop::sample::select(vec![
        "52.94.0.1",
        "3.5.0.9",
        "10.0.1.5",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "[2600:1f18::1]",
        "[::1]",
        "[fd00::5]",
        "[::ffff:52.94.0.1]",
        "2130706433",
        "0x7f.1",
    ])
    .prop_map(str::to_owned);
    (
        prop_oneof![9 => name, 1 => address],
        any::<u64>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(host, case_bits, trailing_dot)| {
            let mut host: String = host
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
            if trailing_dot && !host.ends_with(']') {
                host.push('.');
            }
            host
        })
}

fn url() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["https", "http", "HTTPS"]),
        prop::option::weighted(0.03, prop::sample::select(vec!["user@", "u:p@"])),
        host(),
        prop::option::of(prop::sample::select(vec![443u16, 80, 8443])),
        prop::sample::select(vec![
            "/",
            "",
            "/bucket/key.txt",
            "/my.dotted.bucket/k?versionId=3",
            "/?Action=GetCallerIdentity&Version=2011-06-15",
            "/v20180820/jobs",
            "/@connections/abc",
            "#frag",
        ]),
    )
        .prop_map(|(scheme, userinfo, host, port, path)| {
            let userinfo = userinfo.unwrap_or_default();
            match port {
                Some(port) => format!("{scheme}://{userinfo}{host}:{port}{path}"),
                None => format!("{scheme}://{userinfo}{host}{path}"),
            }
        })
}

/// The settings of a case, for privatelink-core and for the oracle.
fn settings() -> impl Strategy<Value = (RewriteConfig, Settings, Option<&'static str>)> {
    let service = || prop::sample::select(&LABELS[..10]).prop_map(str::to_owned);
    (
        prop::sample::select(vec![
            Policy::Strict,
            Policy::Strict,
            Policy::Strict,
            Policy::Prefer,
        ]),
        prop::option::of(prop::sample::select(vec![
            "us-east-1a",
            "us-east-1b",
            "eu-west-1a",
        ])),
        prop::collection::vec(service(), 0..3),
        prop::option::weighted(0.2, prop::collection::vec(service(), 1..3)),
        prop::option::of(prop::sample::select(vec![
            "us-east-1",
            "eu-west-1",
            "cn-north-1",
        ])),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(policy, zone, exclude, include, region, skip, gateways)| {
            let include = include.unwrap_or_default();
            let mut builder = RewriteConfig::builder()
                .policy(policy)
                .skip_private_dns_endpoints(skip)
                .gateway_endpoints(gateways);
            builder.set_zone(zone.map(str::to_owned));
            builder.set_region(region.map(str::to_owned));
            for s in &exclude {
                builder = builder.exclude_service(s);
            }
            for s in &include {
                builder = builder.include_service(s);
            }
            let settings = Settings {
                strict: policy == Policy::Strict,
                exclude,
                include,
                region: region.map(str::to_owned),
                skip_private_dns: skip,
                gateways,
            };
            (builder.build().unwrap(), settings, zone)
        })
}

/// Snapshots to draw from: 64 subsets of the fixture's endpoints (the first all of them, the
/// second none), each as JSON read separately by privatelink-core and by the oracle.
fn snapshots() -> &'static [(EndpointIndex, OracleSnapshot)] {
    static SNAPSHOTS: OnceLock<Vec<(EndpointIndex, OracleSnapshot)>> = OnceLock::new();
    SNAPSHOTS.get_or_init(|| {
        let fixture: serde_json::Value = serde_json::from_str(MAPPER_FIXTURE).unwrap();
        let surfaces: serde_json::Value = serde_json::from_str(SURFACES).unwrap();
        let endpoints: Vec<&serde_json::Value> = fixture["VpcEndpoints"]
            .as_array()
            .unwrap()
            .iter()
            .chain(surfaces["VpcEndpoints"].as_array().unwrap())
            .collect();
        (0..64u64)
            .map(|n| {
                let mask = match n {
                    0 => u64::MAX,
                    1 => 0,
                    n => n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7,
                };
                let subset: Vec<_> = endpoints
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask >> i & 1 == 1)
                    .map(|(_, e)| (*e).clone())
                    .collect();
                let json = serde_json::json!({ "VpcEndpoints": subset }).to_string();
                (
                    index_from_describe_json(&json).unwrap(),
                    OracleSnapshot::new(&json).unwrap(),
                )
            })
            .collect()
    })
}

/// Each of [`snapshots`] published in a cell of its own, for the interceptor's path (a
/// [`Router`]).
fn cells() -> &'static [SnapshotCell] {
    static CELLS: OnceLock<Vec<SnapshotCell>> = OnceLock::new();
    CELLS.get_or_init(|| {
        snapshots()
            .iter()
            .map(|(index, _)| SnapshotCell::with_index(index.clone()))
            .collect()
    })
}

/// The interceptor's path — a router, which decides a host and then remembers the decision —
/// judged as `map_and_judge` judges the decision: when it decides (first call) and when it
/// remembers (second call).
fn route_and_judge(
    router: &Router,
    snapshot: Option<&OracleSnapshot>,
    settings: &Settings,
    url: &str,
) {
    for _ in 0..2 {
        match router.route_url(url, SystemTime::UNIX_EPOCH) {
            Ok(Routed::Rewritten { url: new_url, .. }) => judge(
                oracle(),
                snapshot,
                settings,
                url,
                Some((&new_url, url_host(&new_url))),
            ),
            Ok(_) => judge(oracle(), snapshot, settings, url, None),
            Err(_) => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        // A failing case is saved beside this file (proptest-regressions/) and tried first on
        // every later run; the failure message prints it too.
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn strict_mode_never_leaves_a_request_on_a_public_aws_host(
        url in url(),
        (config, settings, _zone) in settings(),
        snapshot in 0..64usize,
        no_snapshot in prop::bool::weighted(0.05),
    ) {
        let (index, oracle_snapshot) = &snapshots()[snapshot];
        let (index, oracle_snapshot, cell) = match no_snapshot {
            true => (None, None, SnapshotCell::new()),
            false => (Some(index), Some(oracle_snapshot), cells()[snapshot].clone()),
        };
        map_and_judge(&config, index, oracle(), oracle_snapshot, &settings, &url);
        route_and_judge(&Router::new(cell, config), oracle_snapshot, &settings, &url);
    }
}

/// The oracle itself, on hosts whose answer is known.
#[test]
fn the_oracle_knows_public_hosts() {
    let (_, fixture) = &snapshots()[0];
    #[rustfmt::skip]
    let rows = [
        ("ec2.us-east-1.amazonaws.com", true), ("EC2.US-EAST-1.AMAZONAWS.COM.", true),
        ("s3.dualstack.us-east-1.amazonaws.com", true), ("s3.us-east-1.api.aws", true),
        ("sts.cn-north-1.amazonaws.com.cn", true), ("amazonaws.com", true),
        ("ec2.us-iso-east-1.c2s.ic.gov", true), ("ec2.us-isob-east-1.sc2s.sgov.gov", true),
        ("ec2.eu-isoe-west-1.cloud.adc-e.uk", true), ("ec2.us-isof-south-1.csp.hci.ic.gov", true),
        ("ec2.eusc-de-east-1.amazonaws.eu", true), ("ec2.eusc-de-east-1.api.amazonwebservices.eu", true),
        ("abc.lambda-url.us-east-1.on.aws", true), ("signin.aws.amazon.com", true),
        ("52.94.0.1", true), ("[2600:1f18::1]", true), ("2130706433", true),
        ("10.0.0.1", false), ("[::1]", false), ("example.com", false),
        ("vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com", false),
        ("x.bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com", false),
        ("vpce-0ffff-x.ec2.us-east-1.vpce.amazonaws.com", true),
        ("amazonaws.com.evil.example", false), ("notamazonaws.com", false),
        ("abc123defg-vpce-0a9100000000000e5.execute-api.us-east-1.amazonaws.com", false),
        ("abc123defg-vpce-0a9100000000000ff.execute-api.us-east-1.amazonaws.com", true),
        ("ab8aws-obdect--vpce-3.execute-api.us-e-2.amazonaws.com", true),
    ];
    for (host, public) in rows {
        assert_eq!(oracle().is_public(host, fixture), public, "{host}");
    }
    assert!(fixture.allows_target(
        "vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com"
    ));
    assert!(
        fixture.allows_target(
            "bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com"
        )
    );
    assert!(
        !fixture
            .allows_target("vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com.evil")
    );
    assert_eq!(checks::url_host("https://u@a.b:443/x"), "a.b");
    assert_eq!(checks::url_host("http://[::1]:80/x"), "[::1]");
}

/// The oracle's own service domains include every public service domain botocore's endpoint rules
/// name (the `domain` rows of the rules' generated table): a new one in a botocore update fails
/// here until the oracle knows it too. The oracle never reads the table.
#[test]
fn the_oracles_domains_cover_the_rules() {
    let table = include_str!("../data/partitions.tsv");
    for line in table.lines().filter(|l| l.starts_with("domain\t")) {
        let domain = line.split('\t').nth(1).unwrap();
        assert!(
            checks::SERVICE_DOMAINS.contains(&domain),
            "the oracle does not know {domain}"
        );
    }
    // And the partitions it reads from botocore are the table's.
    for line in table.lines().filter(|l| l.starts_with("partition\t")) {
        let fields: Vec<&str> = line.split('\t').collect();
        for region in fields[5].split(',') {
            assert_eq!(oracle().suffix_of(region), Some(fields[2]), "{region}");
        }
    }
}

/// The judge fails what it must: a rewrite to a name no endpoint has, a public host left alone
/// under strict, a change outside the host.
#[test]
fn the_judge_rejects_violations() {
    let (_, fixture) = &snapshots()[0];
    let strict = Settings {
        strict: true,
        ..Settings::default()
    };
    let judge = |url: &str, rewritten: Option<(&str, &str)>| {
        std::panic::catch_unwind(|| checks::judge(oracle(), Some(fixture), &strict, url, rewritten))
            .is_err()
    };
    let e = "vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com";
    assert!(judge("https://ec2.us-east-1.amazonaws.com/", None));
    assert!(judge("https://ec2.us-iso-east-1.c2s.ic.gov/", None));
    assert!(judge(
        "https://ec2.us-east-1.amazonaws.com/",
        Some(("https://evil.example/", "evil.example"))
    ));
    assert!(judge(
        "https://ec2.us-east-1.amazonaws.com/a",
        Some((&format!("https://{e}/b"), e))
    ));
    assert!(!judge(
        "https://ec2.us-east-1.amazonaws.com/a",
        Some((&format!("https://{e}/a"), e))
    ));
    // An available endpoint's name, but another service's: STS sent to EC2's endpoint.
    assert!(judge(
        "https://sts.us-east-1.amazonaws.com/a",
        Some((&format!("https://{e}/a"), e))
    ));
    let s3 = "bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com";
    assert!(!judge(
        "https://bucket.s3.us-east-1.amazonaws.com/k",
        Some((&format!("https://{s3}/k"), s3))
    ));
    assert!(judge(
        "https://dynamodb.us-east-1.amazonaws.com/k",
        Some((&format!("https://{s3}/k"), s3))
    ));
    assert!(!judge("https://example.com/", None));
    let around = Settings {
        strict: true,
        exclude: vec!["s3".into()],
        region: Some("us-east-1".into()),
        ..Settings::default()
    };
    let gateway = |url: &str| {
        std::panic::catch_unwind(|| checks::judge(oracle(), Some(fixture), &around, url, None))
            .is_err()
    };
    assert!(!gateway("https://b.s3.us-east-1.amazonaws.com/k"));
    assert!(gateway("https://b.s3.eu-west-1.amazonaws.com/k"));
    assert!(gateway("https://b.s3-accelerate.amazonaws.com/k"));
    assert!(gateway(
        "https://123456789012.s3-control.us-east-1.amazonaws.com/"
    ));
    // Gateway endpoints named as a private path: only the fixture's gateway (S3, us-east-1)
    // carries hosts; strict without the setting leaves nothing to it.
    let named = Settings {
        strict: true,
        gateways: true,
        ..Settings::default()
    };
    let left = |settings: &Settings, url: &str| {
        std::panic::catch_unwind(|| checks::judge(oracle(), Some(fixture), settings, url, None))
            .is_err()
    };
    assert!(!left(&named, "https://b.s3.us-east-1.amazonaws.com/k"));
    assert!(left(&strict, "https://b.s3.us-east-1.amazonaws.com/k"));
    assert!(left(&named, "https://dynamodb.us-east-1.amazonaws.com/"));
    assert!(left(&named, "https://b.s3.us-west-2.amazonaws.com/k"));
}
