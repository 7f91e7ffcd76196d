//! The path to strict, end to end against the moto rig (`scripts/rig.sh`): a service in prefer
//! mode records the public hosts it sends; `privatelink plan` turns the record into
//! `aws ec2 create-vpc-endpoint` commands; the AWS CLI runs them at moto; the service in strict
//! mode then refuses nothing. moto checks SigV4 and IAM; its DescribeVpcEndpointServices is the
//! plan's catalogue of endpoint services.
//!
//! Ignored by a plain `cargo test`; `./scripts/test.sh` runs it with the rig up.

mod common;

use common::rig_var as var;

use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_types::SdkConfig;
use privatelink::PrivateLink;
use privatelink::core::Policy;
use privatelink_testkit::{ResolvedHosts, SuffixDns};

const MOTO: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 11));

/// The service's configuration: the rig's IAM user, every AWS name resolving to moto (its
/// certificate names STS's and EC2's default and endpoint names), the rig's CA trusted.
fn service_config() -> SdkConfig {
    let ca = std::fs::read_to_string(var("PRIVATELINK_RIG_CA")).unwrap();
    let client =
        privatelink_peers::tls_client(&[&ca], SuffixDns::new(vec![(".amazonaws.com", MOTO)]));
    privatelink_testkit::sdk_config(
        &var("PRIVATELINK_RIG_ACCESS_KEY"),
        &var("PRIVATELINK_RIG_SECRET_KEY"),
    )
    .http_client(client)
    .time_source(SharedTimeSource::new(SystemTimeSource::new()))
    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
    .build()
}

/// STS's `GetCallerIdentity` through privatelink's interceptor, `times` times; the hosts the
/// requests were signed for.
async fn call_sts(
    privatelink: &PrivateLink,
    config: &SdkConfig,
    times: usize,
) -> Result<Vec<String>, String> {
    let sent = ResolvedHosts::default();
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(privatelink.interceptor())
            // After privatelink's: it sees the host the request is signed for.
            .interceptor(sent.clone())
            .build(),
    );
    for _ in 0..times {
        let identity = sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| format!("{}", privatelink::core::ErrorChain(&e)))?;
        assert!(
            identity
                .arn()
                .is_some_and(|arn| arn.ends_with("user/privatelink-rig"))
        );
    }
    Ok(sent.hosts())
}

async fn privatelink(config: &SdkConfig, policy: Policy) -> PrivateLink {
    PrivateLink::builder()
        .configure(config)
        .vpc_id(var("PRIVATELINK_RIG_PLAN_VPC"))
        .policy(policy)
        .build()
        .await
        .unwrap()
}

/// `privatelink plan` for the plan VPC, with only the standard AWS configuration (EC2 at moto,
/// the rig's CA and IAM user), and `args` after it.
fn run_plan(home: &std::path::Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    common::at_moto(home)
        .env("AWS_ACCESS_KEY_ID", var("PRIVATELINK_RIG_ACCESS_KEY"))
        .env("AWS_SECRET_ACCESS_KEY", var("PRIVATELINK_RIG_SECRET_KEY"))
        .env("AWS_REGION", "us-east-1")
        .args(["plan", "--vpc", &var("PRIVATELINK_RIG_PLAN_VPC")])
        .args(args)
        .output()
        .unwrap()
}

/// An AmazonVPC offer file of us-east-1 in the shape AWS's Price List publishes, with the
/// interface endpoint hour at 0.013 USD (not AWS's figure, so the plan cannot have it from
/// anywhere but this file) beside products the plan must not take.
fn offer_file() -> String {
    let product = |sku: &str, family: &str, usage: &str| {
        serde_json::json!({"sku": sku, "productFamily": family,
            "attributes": {"usagetype": usage, "regionCode": "us-east-1", "servicecode": "AmazonVPC"}})
    };
    let term = |sku: &str, unit: &str, usd: &str| {
        serde_json::json!({format!("{sku}.JRTCKXETXF"): {"sku": sku, "offerTermCode": "JRTCKXETXF",
            "priceDimensions": {format!("{sku}.JRTCKXETXF.6YS6EN2CT7"):
                {"unit": unit, "pricePerUnit": {"USD": usd}}}}})
    };
    serde_json::json!({
        "formatVersion": "v1.0", "offerCode": "AmazonVPC", "publicationDate": "2026-11-20T18:00:00Z",
        "products": {
            "H1": product("H1", "VpcEndpoint", "USE1-VpcEndpoint-Hours"),
            "B1": product("B1", "VpcEndpoint", "USE1-VpcEndpoint-Bytes"),
            "N1": product("N1", "NAT Gateway", "USE1-NatGateway-Hours"),
        },
        "terms": {"OnDemand": {
            "H1": term("H1", "Hrs", "0.0130000000"),
            "B1": term("B1", "GB", "0.0100000000"),
            "N1": term("N1", "Hrs", "0.0450000000"),
        }}
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn a_prefer_mode_service_planned_created_and_then_strict_refuses_nothing() {
    let config = service_config();
    let work = tempfile::tempdir().unwrap();

    // 1. Prefer mode: the plan VPC has only an EC2 endpoint, so STS goes to its public host
    //    (moto) and is recorded. Strict mode refuses it now.
    let prefer = privatelink(&config, Policy::Prefer).await;
    let sent = call_sts(&prefer, &config, 2).await.unwrap();
    assert_eq!(sent, ["sts.us-east-1.amazonaws.com"; 2]);
    let strict = privatelink(&config, Policy::Strict).await;
    let refused = call_sts(&strict, &config, 1).await.unwrap_err();
    assert!(refused.contains("strict mode refused"), "{refused}");
    let report = prefer.public_hosts();
    assert_eq!(report.hosts.len(), 1, "{report:?}");
    assert_eq!(
        (report.hosts[0].host.as_str(), report.hosts[0].requests),
        ("sts.us-east-1.amazonaws.com", 2)
    );
    let record = work.path().join("public-hosts.json");
    std::fs::write(&record, report.to_json()).unwrap();
    let prices = work.path().join("vpc-offer.json");
    std::fs::write(&prices, offer_file()).unwrap();

    // 2. The plan, from the record and two more hosts: EC2's (served already) and an S3 website
    //    host (no endpoint serves that form). Discovery and the endpoint services at moto.
    let home = tempfile::tempdir().unwrap();
    let plan = run_plan(
        home.path(),
        &[
            "--record".as_ref(),
            record.as_os_str(),
            "--host".as_ref(),
            "https://ec2.us-east-1.amazonaws.com/".as_ref(),
            "--host".as_ref(),
            "site.s3-website-us-east-1.amazonaws.com".as_ref(),
            "--prices".as_ref(),
            prices.as_os_str(),
        ],
    );
    let script = String::from_utf8(plan.stdout).unwrap();
    assert!(
        plan.status.success(),
        "{script}{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let commands: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    let subnets = var("PRIVATELINK_RIG_PLAN_SUBNETS");
    assert_eq!(
        commands,
        [format!(
            "aws ec2 create-vpc-endpoint --region us-east-1 --vpc-id {} --vpc-endpoint-type Interface --service-name com.amazonaws.us-east-1.sts --subnet-ids {subnets} --no-private-dns-enabled",
            var("PRIVATELINK_RIG_PLAN_VPC")
        )],
        "{script}"
    );
    assert!(script.contains("1 interface endpoint(s) to create, 1 host(s) strict mode would still refuse, 1 already served"), "{script}");
    assert!(
        script.contains(
            "# sts (com.amazonaws.us-east-1.sts) serves sts.us-east-1.amazonaws.com (2 requests)"
        ),
        "{script}"
    );
    assert!(script.contains("# Strict mode would still refuse site.s3-website-us-east-1.amazonaws.com: the host is an S3 website endpoint"), "{script}");
    // Two zones (the seed's subnets) at 0.013 USD: 0.026 USD an hour.
    assert!(script.contains("0.0130000000 USD an hour per endpoint and zone (AWS Price List AmazonVPC 2026-11-20T18:00:00Z, USE1-VpcEndpoint-Hours): 0.0260 USD an hour per endpoint"), "{script}");

    // 3. The printed commands, run as printed by the AWS CLI (at moto, SigV4 and IAM checked).
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(var("PRIVATELINK_RIG_AWS_CLI"), bin.join("aws")).unwrap();
    let ran = Command::new("sh")
        .args(["-e", "-c", &script])
        .env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", home.path())
        .env(
            "AWS_ENDPOINT_URL_EC2",
            format!("https://{}", var("PRIVATELINK_RIG_EC2_ADDR")),
        )
        .env("AWS_CA_BUNDLE", var("PRIVATELINK_RIG_CA"))
        .env("AWS_ACCESS_KEY_ID", var("PRIVATELINK_RIG_ACCESS_KEY"))
        .env("AWS_SECRET_ACCESS_KEY", var("PRIVATELINK_RIG_SECRET_KEY"))
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr)
    );

    // 4. Strict mode (a new process's discovery) refuses nothing: STS goes to the new endpoint.
    let strict = privatelink(&config, Policy::Strict).await;
    let sent = call_sts(&strict, &config, 1).await.unwrap();
    assert!(
        sent[0].starts_with("vpce-") && sent[0].ends_with(".sts.us-east-1.vpce.amazonaws.com"),
        "{sent:?}"
    );
    // And a second plan has nothing left to create.
    let again = run_plan(home.path(), &["--record".as_ref(), record.as_os_str()]);
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stdout).starts_with(&format!(
            "# privatelink plan for {} (us-east-1): 0 interface endpoint(s) to create, 0 host(s) strict mode would still refuse, 1 already served.\n",
            var("PRIVATELINK_RIG_PLAN_VPC")
        )),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}
