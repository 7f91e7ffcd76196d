//! PrivateLink surfaces beyond one region's interface endpoints: cross-region endpoints (AWS:
//! "You must use regional DNS. Zonal DNS is not supported when accessing AWS services in another
//! Region") and S3 Express One Zone, which only its `s3express` gateway endpoint carries. The
//! endpoints are built here, in the shape `aws ec2 describe-vpc-endpoints` prints them.

use privatelink_core::{
    DnsEntry, DnsSuffix, EndpointIndex, EndpointState, EndpointType, IpAddressType, Outcome,
    Policy, RefusalReason, RewriteConfig, RewriteError, Unchanged, UnsupportedForm, VpcEndpoint,
};

/// A VPC in eu-west-1 with a KMS endpoint for us-east-1 (cross-region: its zonal names carry the
/// VPC's zones) and an EC2 endpoint of its own region.
const KMS_REGIONAL: &str = "vpce-0c0ffee00000000a1-ab12cd34.kms.us-east-1.vpce.amazonaws.com";
const KMS_ZONAL: &str =
    "vpce-0c0ffee00000000a1-ab12cd34-eu-west-1a.kms.us-east-1.vpce.amazonaws.com";
const EC2_REGIONAL: &str = "vpce-0ec2000000000000b2-zz99yy88.ec2.eu-west-1.vpce.amazonaws.com";
const EC2_ZONAL: &str =
    "vpce-0ec2000000000000b2-zz99yy88-eu-west-1a.ec2.eu-west-1.vpce.amazonaws.com";

fn interface(id: &str, service: &str, region: &str, names: &[&str]) -> VpcEndpoint {
    names
        .iter()
        .fold(
            VpcEndpoint::builder()
                .id(id)
                .endpoint_type(EndpointType::Interface)
                .vpc_id("vpc-0eu")
                .service_name(format!("com.amazonaws.{region}.{service}"))
                .service_region(region)
                .state(EndpointState::Available),
            |b, n| b.dns_entry(DnsEntry::new(*n, None)),
        )
        .build()
        .unwrap()
}

fn cross_region() -> EndpointIndex {
    EndpointIndex::new([
        interface(
            "vpce-0c0ffee00000000a1",
            "kms",
            "us-east-1",
            &[KMS_REGIONAL, KMS_ZONAL],
        ),
        interface(
            "vpce-0ec2000000000000b2",
            "ec2",
            "eu-west-1",
            &[EC2_REGIONAL, EC2_ZONAL],
        ),
    ])
}

fn config(policy: Policy, zone: &str, gateways: bool) -> RewriteConfig {
    RewriteConfig::builder()
        .policy(policy)
        .zone(zone)
        .region("eu-west-1")
        .gateway_endpoints(gateways)
        .build()
        .unwrap()
}

fn host_of(outcome: Result<Outcome<'_>, RewriteError>) -> String {
    match outcome {
        Ok(Outcome::Rewritten(rewritten)) => rewritten.host().to_owned(),
        other => panic!("not rewritten: {other:?}"),
    }
}

fn refusal(outcome: Result<Outcome<'_>, RewriteError>) -> RefusalReason {
    match outcome {
        Err(RewriteError::Refused(refused)) => refused.reason().clone(),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn a_cross_region_endpoint_is_indexed_without_warnings_and_reached_by_its_regional_name() {
    let index = cross_region();
    assert!(index.warnings().is_empty(), "{:?}", index.warnings());
    let kms = index
        .lookup("kms", "us-east-1", DnsSuffix::AmazonawsCom)
        .expect("the KMS endpoint is indexed under its service region");
    assert!(kms.is_cross_region());
    assert_eq!(
        kms.zonal_names().collect::<Vec<_>>(),
        [("eu-west-1a", KMS_ZONAL)]
    );
    for policy in [Policy::Prefer, Policy::Strict] {
        let config = config(policy, "eu-west-1a", false);
        // The process's zone has a zonal name, but AWS serves only the regional name across
        // regions.
        assert_eq!(
            host_of(config.rewrite_url(Some(&index), "https://kms.us-east-1.amazonaws.com/")),
            KMS_REGIONAL
        );
        assert_eq!(
            config.route(Some(&index), "https://kms.us-east-1.amazonaws.com/"),
            Ok(privatelink_core::Routed::Rewritten {
                url: format!("https://{KMS_REGIONAL}/"),
                header: None,
            })
        );
        // The VPC's own region keeps its zonal names.
        assert_eq!(
            host_of(config.rewrite_url(Some(&index), "https://ec2.eu-west-1.amazonaws.com/")),
            EC2_ZONAL
        );
    }
    let ec2 = index
        .lookup("ec2", "eu-west-1", DnsSuffix::AmazonawsCom)
        .unwrap();
    assert!(!ec2.is_cross_region());
}

#[test]
fn strict_allows_another_region_exactly_where_an_endpoint_serves_it() {
    let index = cross_region();
    let strict = config(Policy::Strict, "eu-west-1a", false);
    for url in [
        "https://kms.us-west-2.amazonaws.com/",
        "https://kms.eu-west-1.amazonaws.com/",
        "https://ec2.us-east-1.amazonaws.com/",
    ] {
        assert!(
            matches!(
                refusal(strict.rewrite_url(Some(&index), url)),
                RefusalReason::NoEndpoint { .. }
            ),
            "{url}"
        );
    }
    let prefer = config(Policy::Prefer, "eu-west-1a", false);
    assert!(matches!(
        prefer.rewrite_url(Some(&index), "https://kms.us-west-2.amazonaws.com/"),
        Ok(Outcome::Unchanged(Unchanged::NotMapped { .. }))
    ));
}

const EXPRESS_CONTROL: &str =
    "https://s3express-control.us-east-1.amazonaws.com/bucket/b--use1-az4--x-s3";
const EXPRESS_ZONAL: &str =
    "https://b--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com/key.txt";

fn express_index(with_gateway: bool) -> EndpointIndex {
    let mut endpoints = vec![interface(
        "vpce-053000000000000c3",
        "s3",
        "us-east-1",
        &["*.vpce-053000000000000c3-qq11ww22.s3.us-east-1.vpce.amazonaws.com"],
    )];
    if with_gateway {
        endpoints.push(
            VpcEndpoint::builder()
                .id("vpce-0e4e000000000000d4")
                .endpoint_type(EndpointType::Gateway)
                .vpc_id("vpc-0eu")
                .service_name("com.amazonaws.us-east-1.s3express")
                .state(EndpointState::Available)
                .build()
                .unwrap(),
        );
    }
    EndpointIndex::new(endpoints)
}

fn express_config(policy: Policy, gateways: bool) -> RewriteConfig {
    RewriteConfig::builder()
        .policy(policy)
        .region("us-east-1")
        .gateway_endpoints(gateways)
        .build()
        .unwrap()
}

#[test]
fn s3_express_stays_on_its_gateway_when_gateways_are_used_and_is_refused_otherwise() {
    let index = express_index(true);
    for policy in [Policy::Prefer, Policy::Strict] {
        for url in [EXPRESS_CONTROL, EXPRESS_ZONAL] {
            assert_eq!(
                express_config(policy, true).rewrite_url(Some(&index), url),
                Ok(Outcome::Unchanged(Unchanged::Gateway {
                    endpoint_id: "vpce-0e4e000000000000d4".to_owned()
                })),
                "{policy} {url}"
            );
        }
    }
    // Strict: gateways not named as a private path, or no s3express gateway, or another region.
    let cases = [
        (express_index(true), false, EXPRESS_CONTROL),
        (express_index(false), true, EXPRESS_CONTROL),
        (express_index(false), true, EXPRESS_ZONAL),
        (
            express_index(true),
            true,
            "https://s3express-control.us-west-2.amazonaws.com/bucket/b--usw2-az1--x-s3",
        ),
    ];
    for (index, gateways, url) in cases {
        assert_eq!(
            refusal(express_config(Policy::Strict, gateways).rewrite_url(Some(&index), url)),
            RefusalReason::UnsupportedHostForm(UnsupportedForm::S3Express),
            "{url}, gateways {gateways}"
        );
    }
    // Never rewritten to the S3 interface endpoint.
    let prefer = express_config(Policy::Prefer, false);
    assert!(matches!(
        prefer.rewrite_url(Some(&express_index(true)), EXPRESS_ZONAL),
        Ok(Outcome::Unchanged(Unchanged::NotMapped { .. }))
    ));
}

/// FIPS hosts go to the matching `-fips` endpoint, never to a non-FIPS one: `<svc>-fips.<region>`
/// (KMS) and the `fips.<svc>.<region>` form the SDK builds for AWS Batch, whose endpoint service
/// is `batch-fips`. What is assumed: the FIPS endpoint's names carry the `<svc>-fips` label, as
/// `com.amazonaws.<region>.kms-fips`'s do.
#[test]
fn fips_hosts_go_to_fips_endpoints_only() {
    let kms = "vpce-0f1b0000000000001a-ff00ee11.kms.us-east-1.vpce.amazonaws.com";
    let kms_fips = "vpce-0f1b0000000000002b-aa11bb22.kms-fips.us-east-1.vpce.amazonaws.com";
    let batch_fips = "vpce-0ba7000000000003c-cc33dd44.batch-fips.us-east-1.vpce.amazonaws.com";
    let index = EndpointIndex::new([
        interface("vpce-0f1b0000000000001a", "kms", "us-east-1", &[kms]),
        interface(
            "vpce-0f1b0000000000002b",
            "kms-fips",
            "us-east-1",
            &[kms_fips],
        ),
        interface(
            "vpce-0ba7000000000003c",
            "batch-fips",
            "us-east-1",
            &[batch_fips],
        ),
    ]);
    let strict = express_config(Policy::Strict, false);
    for (url, expected) in [
        ("https://kms-fips.us-east-1.amazonaws.com/", kms_fips),
        ("https://kms.us-east-1.amazonaws.com/", kms),
        (
            "https://fips.batch.us-east-1.amazonaws.com/v1/jobs",
            batch_fips,
        ),
    ] {
        assert_eq!(
            host_of(strict.rewrite_url(Some(&index), url)),
            expected,
            "{url}"
        );
    }
    // Only a non-FIPS endpoint: a FIPS host is refused, not sent to it.
    let non_fips = EndpointIndex::new([interface(
        "vpce-0f1b0000000000001a",
        "kms",
        "us-east-1",
        &[kms],
    )]);
    assert!(matches!(
        refusal(strict.rewrite_url(Some(&non_fips), "https://kms-fips.us-east-1.amazonaws.com/")),
        RefusalReason::NoEndpoint { .. }
    ));
    // The `fips.<svc>` form goes to the `<svc>-fips` endpoint for any service.
    assert_eq!(
        host_of(strict.rewrite_url(Some(&index), "https://fips.kms.us-east-1.amazonaws.com/")),
        kms_fips
    );
}

/// DynamoDB's search hosts from the SDK's rules go to a `search-dynamodb` endpoint where the VPC
/// has one (DynamoDB endpoints have no private DNS: AWS tells clients to use the vpce name), never
/// to the `dynamodb` endpoint.
#[test]
fn dynamodb_search_hosts_go_to_their_own_endpoint() {
    let ddb = "vpce-0dd0000000000001a-aa00bb11.dynamodb.us-east-1.vpce.amazonaws.com";
    let search = "vpce-0dd0000000000002b-cc22dd33.search-dynamodb.us-east-1.vpce.amazonaws.com";
    let both = EndpointIndex::new([
        interface("vpce-0dd0000000000001a", "dynamodb", "us-east-1", &[ddb]),
        interface(
            "vpce-0dd0000000000002b",
            "search-dynamodb",
            "us-east-1",
            &[search],
        ),
    ]);
    let strict = express_config(Policy::Strict, false);
    for (url, expected) in [
        ("https://dynamodb.us-east-1.amazonaws.com/", ddb),
        ("https://123456789012.ddb.us-east-1.amazonaws.com/", ddb),
        ("https://search-dynamodb.us-east-1.amazonaws.com/", search),
        (
            "https://123456789012.search-ddb.us-east-1.amazonaws.com/",
            search,
        ),
    ] {
        assert_eq!(
            host_of(strict.rewrite_url(Some(&both), url)),
            expected,
            "{url}"
        );
    }
    let ddb_only = EndpointIndex::new([interface(
        "vpce-0dd0000000000001a",
        "dynamodb",
        "us-east-1",
        &[ddb],
    )]);
    for url in [
        "https://search-dynamodb.us-east-1.amazonaws.com/",
        "https://123456789012.search-ddb.us-east-1.amazonaws.com/",
    ] {
        assert!(
            matches!(
                refusal(strict.rewrite_url(Some(&ddb_only), url)),
                RefusalReason::NoEndpoint { .. }
            ),
            "{url}"
        );
    }
}

/// Global services with interface endpoints (IAM, Route 53): their hosts name no region; each goes
/// to the VPC's endpoint for that service, found by its service name (`com.amazonaws.iam`), at a
/// name from that endpoint's own `DnsEntries` (its regional one) — no name is built from a
/// pattern. Other regionless hosts stay refused.
#[test]
fn global_services_go_to_the_endpoint_of_their_service_name() {
    let iam = "vpce-0a1a000000000001a-gg11hh22.iam.us-east-1.vpce.amazonaws.com";
    let iam_zonal = "vpce-0a1a000000000001a-gg11hh22-us-east-1a.iam.us-east-1.vpce.amazonaws.com";
    // Whatever label its names carry, the Route 53 endpoint is found by its service name.
    let route53 = "vpce-0a1a000000000002b-ii33jj44.route53-global.us-east-1.vpce.amazonaws.com";
    let global = |id: &str, service: &str, names: &[&str], ip: &str| {
        names
            .iter()
            .fold(
                VpcEndpoint::builder()
                    .id(id)
                    .endpoint_type(EndpointType::Interface)
                    .service_name(format!("com.amazonaws.{service}"))
                    .service_region("us-east-1")
                    .ip_address_type(IpAddressType::parse(ip))
                    .state(EndpointState::Available),
                |b, n| b.dns_entry(DnsEntry::new(*n, None)),
            )
            .build()
            .unwrap()
    };
    let index = EndpointIndex::new([
        global("vpce-0a1a000000000001a", "iam", &[iam, iam_zonal], "ipv4"),
        global("vpce-0a1a000000000002b", "route53", &[route53], "ipv4"),
    ]);
    assert!(index.warnings().is_empty(), "{:?}", index.warnings());
    let strict = RewriteConfig::builder()
        .policy(Policy::Strict)
        .zone("us-east-1a")
        .build()
        .unwrap();
    for (url, expected) in [
        ("https://iam.amazonaws.com/", iam),
        (
            "https://route53.amazonaws.com/2013-04-01/hostedzone",
            route53,
        ),
    ] {
        assert_eq!(
            host_of(strict.rewrite_url(Some(&index), url)),
            expected,
            "{url}"
        );
    }
    // GovCloud's IAM host, with no GovCloud endpoint; STS's global host, which has no endpoint.
    assert!(matches!(
        refusal(strict.rewrite_url(Some(&index), "https://iam.us-gov.amazonaws.com/")),
        RefusalReason::NoEndpoint { .. }
    ));
    assert_eq!(
        refusal(strict.rewrite_url(Some(&index), "https://sts.amazonaws.com/")),
        RefusalReason::UnsupportedHostForm(UnsupportedForm::NoRegion)
    );
    // The dual-stack global host needs an endpoint that serves IPv6: this one is IPv4 only.
    assert!(matches!(
        refusal(strict.rewrite_url(Some(&index), "https://iam.global.api.aws/")),
        RefusalReason::EndpointNotDualStack { .. }
    ));
    let dual_iam =
        EndpointIndex::new([global("vpce-0a1a000000000001a", "iam", &[iam], "dualstack")]);
    assert_eq!(
        host_of(strict.rewrite_url(Some(&dual_iam), "https://iam.global.api.aws/")),
        iam
    );
    assert!(matches!(
        refusal(strict.rewrite_url(Some(&dual_iam), "https://route53.global.api.aws/")),
        RefusalReason::NoEndpoint { .. }
    ));
    // A regional service's endpoint never serves the global host of the same label.
    let regional_iam = EndpointIndex::new([interface(
        "vpce-0a1a000000000001a",
        "iam",
        "us-east-1",
        &[iam],
    )]);
    assert!(matches!(
        refusal(strict.rewrite_url(Some(&regional_iam), "https://iam.amazonaws.com/")),
        RefusalReason::NoEndpoint { .. }
    ));
}

/// S3 Multi-Region Access Points (`<alias>.mrap.accesspoint.s3-global.amazonaws.com`, SigV4A, no
/// gateway path) are reached through their own endpoint's private DNS: on their default host
/// exactly when the VPC has an available `com.amazonaws.s3-global.accesspoint` endpoint whose
/// private DNS answers inside the VPC; refused otherwise.
#[test]
fn multi_region_access_points_use_their_endpoints_private_dns_or_are_refused() {
    let mrap = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key.txt";
    let endpoint = |private_dns: bool, state: EndpointState, inbound_only: bool| {
        VpcEndpoint::builder()
            .id("vpce-0a11000000000001a")
            .endpoint_type(EndpointType::Interface)
            .service_name("com.amazonaws.s3-global.accesspoint")
            .state(state)
            .private_dns_enabled(private_dns)
            .dns_options(privatelink_core::DnsOptions {
                dns_record_ip_type: None,
                private_dns_only_for_inbound_resolver_endpoint: inbound_only,
            })
            .dns_entry(DnsEntry::new(
                "vpce-0a11000000000001a-kk55ll66.accesspoint.s3-global.vpce.amazonaws.com",
                None,
            ))
            .build()
            .unwrap()
    };
    let strict = express_config(Policy::Strict, false);
    let with = EndpointIndex::new([endpoint(true, EndpointState::Available, false)]);
    // Its names are no rewrite target: nothing to warn about.
    assert!(with.warnings().is_empty(), "{:?}", with.warnings());
    assert_eq!(
        strict.rewrite_url(Some(&with), mrap),
        Ok(Outcome::Unchanged(Unchanged::PrivateDns {
            endpoint_id: "vpce-0a11000000000001a".to_owned()
        }))
    );
    for (index, why) in [
        (
            EndpointIndex::new([endpoint(false, EndpointState::Available, false)]),
            "private DNS off",
        ),
        (
            EndpointIndex::new([endpoint(true, EndpointState::Available, true)]),
            "inbound resolvers only",
        ),
        (
            EndpointIndex::new([endpoint(true, EndpointState::parse("pending"), false)]),
            "pending",
        ),
        (EndpointIndex::new(Vec::new()), "no endpoint"),
    ] {
        assert_eq!(
            refusal(strict.rewrite_url(Some(&index), mrap)),
            RefusalReason::UnsupportedHostForm(UnsupportedForm::S3MultiRegionAccessPoint),
            "{why}"
        );
    }
}

/// Dual-stack hosts (the SDK's `use_dual_stack`: `<svc>.<region>.api.aws`,
/// `[<bucket>.]s3.dualstack.<region>.amazonaws.com`) go to the same endpoint names (AWS has no
/// separate dual-stack endpoint names: the names gain AAAA records) when the endpoint's IP
/// address type serves IPv6 (`dualstack`, `ipv6`). An IPv4-only endpoint cannot give what the
/// client asked for: prefer leaves the host to its default (dual-stack) address, strict refuses
/// it (fail closed). A gateway endpoint never carries a dual-stack host.
#[test]
fn dual_stack_hosts_need_an_endpoint_that_serves_ipv6() {
    let ec2 = "vpce-0ec2000000000001a-mm77nn88.ec2.us-east-1.vpce.amazonaws.com";
    let s3 = "vpce-053000000000000d4-oo99pp00.s3.us-east-1.vpce.amazonaws.com";
    let endpoint = |id: &str, service: &str, name: &str, ip: &str| {
        VpcEndpoint::builder()
            .id(id)
            .endpoint_type(EndpointType::Interface)
            .service_name(format!("com.amazonaws.us-east-1.{service}"))
            .state(EndpointState::Available)
            .ip_address_type(IpAddressType::parse(ip))
            .dns_entry(DnsEntry::new(name, None))
            .build()
            .unwrap()
    };
    let gateway = VpcEndpoint::builder()
        .id("vpce-0ea7e000000000009")
        .endpoint_type(EndpointType::Gateway)
        .service_name("com.amazonaws.us-east-1.s3")
        .state(EndpointState::Available)
        .build()
        .unwrap();
    let s3_wildcard = format!("*.{s3}");
    let dual = EndpointIndex::new([
        endpoint("vpce-0ec2000000000001a", "ec2", ec2, "dualstack"),
        endpoint("vpce-053000000000000d4", "s3", &s3_wildcard, "ipv6"),
        gateway.clone(),
    ]);
    let ipv4 = EndpointIndex::new([
        endpoint("vpce-0ec2000000000001a", "ec2", ec2, "ipv4"),
        endpoint("vpce-053000000000000d4", "s3", &s3_wildcard, "ipv4"),
        gateway,
    ]);
    let strict = express_config(Policy::Strict, true);
    let prefer = express_config(Policy::Prefer, true);
    for (url, expected) in [
        ("https://ec2.us-east-1.api.aws/", ec2.to_owned()),
        (
            "https://mybucket.s3.dualstack.us-east-1.amazonaws.com/k",
            format!("mybucket.bucket.{s3}"),
        ),
        (
            "https://s3.dualstack.us-east-1.amazonaws.com/mybucket/k",
            format!("bucket.{s3}"),
        ),
    ] {
        for config in [&strict, &prefer] {
            assert_eq!(
                host_of(config.rewrite_url(Some(&dual), url)),
                expected,
                "{url}"
            );
        }
        assert_eq!(
            refusal(strict.rewrite_url(Some(&ipv4), url)),
            RefusalReason::EndpointNotDualStack {
                endpoint_id: if url.contains("ec2") {
                    "vpce-0ec2000000000001a"
                } else {
                    "vpce-053000000000000d4"
                }
                .to_owned()
            },
            "{url}"
        );
        assert!(
            matches!(
                prefer.rewrite_url(Some(&ipv4), url),
                Ok(Outcome::Unchanged(Unchanged::NotMapped {
                    reason: RefusalReason::EndpointNotDualStack { .. },
                    ..
                }))
            ),
            "{url}"
        );
    }
    // The same bucket on its IPv4 host stays on the gateway, which this config uses.
    assert_eq!(
        strict.rewrite_url(Some(&ipv4), "https://mybucket.s3.us-east-1.amazonaws.com/k"),
        Ok(Outcome::Unchanged(Unchanged::Gateway {
            endpoint_id: "vpce-0ea7e000000000009".to_owned()
        }))
    );
    // Dual-stack forms no endpoint is known to serve stay refused.
    for url in [
        "https://s3express-control.dualstack.us-east-1.amazonaws.com/",
        "https://mybucket.s3.us-east-1.api.aws/",
    ] {
        assert_eq!(
            refusal(strict.rewrite_url(Some(&dual), url)),
            RefusalReason::UnsupportedHostForm(UnsupportedForm::DualStack),
            "{url}"
        );
    }
}

/// S3 FIPS (`com.amazonaws.<region>.s3-fips`): the S3 forms on the FIPS hosts go to the `s3-fips`
/// endpoint (assumed: its names carry the `s3-fips` label and S3's `*.` wildcard, as the S3
/// endpoint's carry `s3`; AWS documents no example), never to the S3 endpoint.
#[test]
fn s3_fips_hosts_go_to_the_s3_fips_endpoint_only() {
    let s3 = "vpce-053000000000000e5-ss11tt22.s3.us-east-1.vpce.amazonaws.com";
    let s3_fips = "vpce-053000000000000f6-uu33vv44.s3-fips.us-east-1.vpce.amazonaws.com";
    let both = EndpointIndex::new([
        interface(
            "vpce-053000000000000e5",
            "s3",
            "us-east-1",
            &[&format!("*.{s3}")],
        ),
        interface(
            "vpce-053000000000000f6",
            "s3-fips",
            "us-east-1",
            &[&format!("*.{s3_fips}")],
        ),
    ]);
    let strict = express_config(Policy::Strict, false);
    for (url, expected) in [
        (
            "https://mybucket.s3-fips.us-east-1.amazonaws.com/k",
            format!("mybucket.bucket.{s3_fips}"),
        ),
        (
            "https://s3-fips.us-east-1.amazonaws.com/mybucket/k",
            format!("bucket.{s3_fips}"),
        ),
        (
            "https://myap-123456789012.s3-accesspoint-fips.us-east-1.amazonaws.com/k",
            format!("myap-123456789012.accesspoint.{s3_fips}"),
        ),
        (
            "https://123456789012.s3-control-fips.us-east-1.amazonaws.com/v20180820/jobs",
            format!("123456789012.control.{s3_fips}"),
        ),
        (
            "https://mybucket.s3.us-east-1.amazonaws.com/k",
            format!("mybucket.bucket.{s3}"),
        ),
    ] {
        assert_eq!(
            host_of(strict.rewrite_url(Some(&both), url)),
            expected,
            "{url}"
        );
    }
    let s3_only = EndpointIndex::new([interface(
        "vpce-053000000000000e5",
        "s3",
        "us-east-1",
        &[&format!("*.{s3}")],
    )]);
    assert!(matches!(
        refusal(strict.rewrite_url(
            Some(&s3_only),
            "https://mybucket.s3-fips.us-east-1.amazonaws.com/k"
        )),
        RefusalReason::NoEndpoint { .. }
    ));
}

/// An out-of-scope service goes around the endpoints under strict only on what a gateway carries:
/// not its FIPS or dual-stack hosts.
#[test]
fn out_of_scope_fips_and_dual_stack_hosts_stay_refused() {
    let config = RewriteConfig::builder()
        .policy(Policy::Strict)
        .region("us-east-1")
        .include_service("ec2")
        .build()
        .unwrap();
    let index = EndpointIndex::new(Vec::new());
    for url in [
        "https://mybucket.s3-fips.us-east-1.amazonaws.com/k",
        "https://kms-fips.us-east-1.amazonaws.com/",
        "https://fips.batch.us-east-1.amazonaws.com/",
        "https://mybucket.s3.dualstack.us-east-1.amazonaws.com/k",
        "https://sqs.us-east-1.api.aws/",
    ] {
        assert!(
            matches!(
                refusal(config.rewrite_url(Some(&index), url)),
                RefusalReason::NoPrivatePath { .. }
            ),
            "{url}"
        );
    }
    // Its standard hosts in the home region do go around (a gateway may carry them).
    assert!(matches!(
        config.rewrite_url(
            Some(&index),
            "https://mybucket.s3.us-east-1.amazonaws.com/k"
        ),
        Ok(Outcome::Unchanged(Unchanged::OutOfScope { .. }))
    ));
}
