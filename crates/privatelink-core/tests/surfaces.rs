//! PrivateLink surfaces beyond one region's interface endpoints: cross-region endpoints (AWS:
//! "You must use regional DNS. Zonal DNS is not supported when accessing AWS services in another
//! Region") and S3 Express One Zone, which only its `s3express` gateway endpoint carries. The
//! endpoints are built here, in the shape `aws ec2 describe-vpc-endpoints` prints them.

use privatelink_core::{
    DnsEntry, DnsSuffix, EndpointIndex, EndpointState, EndpointType, Outcome, Policy,
    RefusalReason, RewriteConfig, RewriteError, Unchanged, UnsupportedForm, VpcEndpoint,
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
