//! `privatelink plan` from files: the endpoints of the describe-vpc-endpoints fixture, the
//! endpoint services of a describe-vpc-endpoint-services answer written here, hosts from
//! records, text files and --host. No EC2 call.

mod common;

use std::io::Write;

use assert_cmd::Command;
use common::FIXTURE;
use predicates::prelude::*;
use tempfile::NamedTempFile;

const VPC: &str = "vpc-0example0000001";
const SUBNETS: &str = "subnet-0aaa0000000000001 subnet-0bbb0000000000002";

fn file(contents: &str) -> NamedTempFile {
    let mut f = NamedTempFile::new().unwrap();
    f.write_all(contents.as_bytes()).unwrap();
    f
}

/// What `aws ec2 describe-vpc-endpoint-services` answers: SQS here, KMS of us-west-2 offered
/// cross-region, and a partner's service that claims SNS's names (never taken).
fn services() -> NamedTempFile {
    file(
        r#"{"ServiceDetails": [
        {"ServiceName": "com.amazonaws.us-east-1.sqs", "Owner": "amazon",
         "AvailabilityZones": ["us-east-1a", "us-east-1b"],
         "BaseEndpointDnsNames": ["sqs.us-east-1.vpce.amazonaws.com"]},
        {"ServiceName": "com.amazonaws.us-west-2.kms", "Owner": "amazon", "ServiceRegion": "us-west-2",
         "BaseEndpointDnsNames": ["kms.us-west-2.vpce.amazonaws.com"]},
        {"ServiceName": "com.example.sns-lookalike", "Owner": "123456789012",
         "BaseEndpointDnsNames": ["sns.us-east-1.vpce.amazonaws.com"]}
        ], "ServiceNames": []}"#,
    )
}

fn plan(services: &NamedTempFile) -> Command {
    let mut cmd = common::privatelink();
    cmd.env_remove("PRIVATELINK_AZ")
        .env_remove("PRIVATELINK_ENDPOINTS_FILE")
        .args(["plan", "--from-file", FIXTURE, "--services-from-file"])
        .arg(services.path());
    cmd
}

/// The lines of `out` that are not comments.
fn commands(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

#[test]
fn each_host_is_served_planned_or_named_as_refused_with_why() {
    let services = services();
    // A record in the prefer-mode process's format, and a text file of hosts and URLs.
    let record = file(
        r#"{"PrivateLinkPublicHosts": 1, "Hosts": [
        {"Host": "sqs.us-east-1.amazonaws.com", "Service": "sqs", "Region": "us-east-1",
         "Reason": "the VPC has no interface endpoint for it in us-east-1", "Requests": 40},
        {"Host": "kms.us-west-2.amazonaws.com", "Service": "kms", "Region": "us-west-2",
         "Reason": "the VPC has no interface endpoint for it in us-west-2", "Requests": 2}],
        "Unrecorded": 0}"#,
    );
    let hosts = file(
        "# hosts\nhttps://SQS.us-east-1.amazonaws.com:443/123456789012/q  # the same host\n\
         ec2.us-east-1.amazonaws.com\nsns.us-east-1.amazonaws.com\n\
         kinesis.us-east-1.amazonaws.com\nsite.s3-website-us-east-1.amazonaws.com\n",
    );
    let out = common::stdout(
        plan(&services)
            .arg("--record")
            .arg(record.path())
            .arg("--record")
            .arg(hosts.path())
            .args(["--host", "ec2.us-east-1.amazonaws.com"]),
    );
    assert_eq!(
        commands(&out),
        [
            format!(
                "aws ec2 create-vpc-endpoint --region us-east-1 --vpc-id {VPC} --vpc-endpoint-type Interface --service-name com.amazonaws.us-west-2.kms --service-region us-west-2 --subnet-ids {SUBNETS} --no-private-dns-enabled"
            ),
            format!(
                "aws ec2 create-vpc-endpoint --region us-east-1 --vpc-id {VPC} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.sqs --subnet-ids {SUBNETS} --no-private-dns-enabled"
            ),
        ],
        "{out}"
    );
    for expected in [
        &format!(
            "# privatelink plan for {VPC} (us-east-1): 2 interface endpoint(s) to create, 3 host(s) strict mode would still refuse, 1 already served.\n"
        ),
        "# sqs (com.amazonaws.us-east-1.sqs) serves sqs.us-east-1.amazonaws.com (40 requests)\n",
        "# Strict mode would still refuse kinesis.us-east-1.amazonaws.com: its interface endpoint vpce-0e1e000000000000a7 is `pending`, not `available`.\n",
        "# Strict mode would still refuse site.s3-website-us-east-1.amazonaws.com: the host is an S3 website endpoint, which interface endpoints do not serve.\n",
        // Only AWS's own service counts: the partner's look-alike is not offered.
        "# Strict mode would still refuse sns.us-east-1.amazonaws.com: no interface endpoint service of AWS serves `sns` in us-east-1 (DescribeVpcEndpointServices lists none).\n",
        "# Cost: an hourly price per endpoint and zone; pass --prices",
    ] {
        assert!(out.contains(expected), "{expected}\n---\n{out}");
    }
}

#[test]
fn terraform_resources_carry_the_same_endpoints() {
    let services = services();
    let out = common::stdout(plan(&services).args([
        "--host",
        "sqs.us-east-1.amazonaws.com",
        "--host",
        "kms.us-west-2.amazonaws.com",
        "--format",
        "terraform",
        "--security-group-id",
        "sg-0123",
        "--private-dns",
        "--subnet-id",
        "subnet-1",
    ]));
    let expected = format!(
        r#"resource "aws_vpc_endpoint" "sqs" {{
  vpc_id              = "{VPC}"
  service_name        = "com.amazonaws.us-east-1.sqs"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-1"]
  security_group_ids  = ["sg-0123"]
  private_dns_enabled = true
}}
"#
    );
    assert!(out.contains(&expected), "{out}");
    assert!(
        out.contains("resource \"aws_vpc_endpoint\" \"kms_us_west_2\" {\n"),
        "{out}"
    );
    assert!(
        out.contains("  service_region      = \"us-west-2\"\n"),
        "{out}"
    );
    // Everything else is a comment: HCL reads the output as it is.
    assert!(out.lines().all(|l| l.is_empty()
        || l.starts_with('#')
        || l.starts_with("resource ")
        || l.starts_with("  ")
        || l == "}"));
}

#[test]
fn the_hourly_cost_comes_from_the_offer_file() {
    let services = services();
    let offer = file(
        r#"{"formatVersion": "v1.0", "offerCode": "AmazonVPC", "publicationDate": "2026-11-20T18:00:00Z",
        "products": {"H": {"sku": "H", "productFamily": "VpcEndpoint",
            "attributes": {"usagetype": "USE1-VpcEndpoint-Hours", "regionCode": "us-east-1"}}},
        "terms": {"OnDemand": {"H": {"H.T": {"priceDimensions": {"H.T.R":
            {"unit": "Hrs", "pricePerUnit": {"USD": "0.0110000000"}}}}}}}}"#,
    );
    let out = common::stdout(
        plan(&services)
            .args([
                "--host",
                "sqs.us-east-1.amazonaws.com",
                "--host",
                "kms.us-west-2.amazonaws.com",
            ])
            .arg("--prices")
            .arg(offer.path()),
    );
    // Two zones (the subnets the fixture's endpoints share), two endpoints.
    assert!(out.contains("# Cost: 0.0110000000 USD an hour per endpoint and zone (AWS Price List AmazonVPC 2026-11-20T18:00:00Z, USE1-VpcEndpoint-Hours): 0.0220 USD an hour per endpoint, 0.0440 USD an hour for all 2, plus each GB processed.\n"), "{out}");

    // The file of another region prices nothing here: an error, not a guess.
    let elsewhere = file(
        &std::fs::read_to_string(offer.path())
            .unwrap()
            .replace("us-east-1", "eu-west-1"),
    );
    plan(&services)
        .args(["--host", "sqs.us-east-1.amazonaws.com", "--prices"])
        .arg(elsewhere.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "prices no interface endpoint hours (product family `VpcEndpoint`, usage type `…-VpcEndpoint-Hours`, unit `Hrs`) in us-east-1",
        ));
}

#[test]
fn bad_input_is_named_and_nothing_is_printed() {
    let services = services();
    let future = file("{\"PrivateLinkPublicHosts\": 9, \"Hosts\": []}");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![],
            "no hosts to plan for: pass --record FILE or --host HOST",
        ),
        (
            vec!["--host".into(), "not a host".into()],
            "--host: `not a host` is not a host or URL",
        ),
        (
            vec!["--record".into(), future.path().display().to_string()],
            "public-hosts record version 9 is not supported",
        ),
        // A word that would run a command in the printed script.
        (
            vec![
                "--host".into(),
                "sqs.us-east-1.amazonaws.com".into(),
                "--subnet-id".into(),
                "subnet-1;reboot".into(),
            ],
            "subnet id `subnet-1;reboot` is not a plain AWS identifier",
        ),
    ];
    for (args, message) in cases {
        plan(&services)
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
    // A service name from the services file is checked the same way.
    let hostile = file(
        r#"{"ServiceDetails": [{"ServiceName": "com.amazonaws.us-east-1.sqs $(reboot)", "Owner": "amazon",
        "BaseEndpointDnsNames": ["sqs.us-east-1.vpce.amazonaws.com"]}]}"#,
    );
    plan(&hostile)
        .args(["--host", "sqs.us-east-1.amazonaws.com"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "service name `com.amazonaws.us-east-1.sqs $(reboot)` is not a plain AWS identifier",
        ));
    // Nothing to create needs no subnets nor services.
    let out = common::stdout(common::privatelink().args([
        "plan",
        "--from-file",
        FIXTURE,
        "--host",
        "ec2.us-east-1.amazonaws.com",
    ]));
    assert_eq!(
        out,
        format!(
            "# privatelink plan for {VPC} (us-east-1): 0 interface endpoint(s) to create, 0 host(s) strict mode would still refuse, 1 already served.\n"
        )
    );
}
