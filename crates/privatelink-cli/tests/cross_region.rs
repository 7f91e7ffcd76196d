//! A VPC in eu-west-1 with an EC2 endpoint of its own region and a cross-region KMS endpoint for
//! us-east-1 (`testdata/cross-region.json`, in the shape `aws ec2 describe-vpc-endpoints`
//! prints): every subcommand reads it without a warning, says which endpoint is cross-region, and
//! uses only that endpoint's regional name.

mod common;

use common::{privatelink, stdout};
use predicates::prelude::*;

const FILE: &str = "../../testdata/cross-region.json";
const KMS_REGIONAL: &str = "vpce-0c0ffee00000000a1-ab12cd34.kms.us-east-1.vpce.amazonaws.com";
const EC2_ZONAL: &str =
    "vpce-0ec2000000000000b2-zz99yy88-eu-west-1a.ec2.eu-west-1.vpce.amazonaws.com";

#[test]
fn env_works_on_the_vpcs_region_and_notes_the_cross_region_endpoint() {
    let assert = privatelink()
        .args(["env", "--from-file", FILE, "--az", "eu-west-1a"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: vpce-0c0ffee00000000a1 serves `kms` in us-east-1, not eu-west-1; no variable",
        ))
        .stderr(predicate::str::contains("ignoring").not());
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert_eq!(
        out,
        format!("export AWS_ENDPOINT_URL_EC2='https://{EC2_ZONAL}'\n")
    );
}

#[test]
fn endpoints_say_which_endpoint_is_cross_region() {
    let json: serde_json::Value = serde_json::from_str(&stdout(privatelink().args([
        "endpoints",
        "--from-file",
        FILE,
        "--json",
    ])))
    .unwrap();
    let cross: Vec<(&str, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["endpointId"].as_str().unwrap(),
                e["crossRegion"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cross,
        [
            ("vpce-0ec2000000000000b2", false),
            ("vpce-0c0ffee00000000a1", true)
        ]
    );
    let table =
        stdout(privatelink().args(["endpoints", "--from-file", FILE, "--az", "eu-west-1a"]));
    let kms = table.lines().find(|l| l.starts_with("kms")).unwrap();
    assert!(
        kms.contains(KMS_REGIONAL) && kms.contains("cross-region"),
        "{table}"
    );
}

#[test]
fn rewrite_sends_the_other_region_to_the_regional_name() {
    let out = stdout(privatelink().args([
        "rewrite",
        "--from-file",
        FILE,
        "--az",
        "eu-west-1a",
        "--strict",
        "https://kms.us-east-1.amazonaws.com/",
        "https://ec2.eu-west-1.amazonaws.com/",
    ]));
    assert!(out.contains(&format!("https://{KMS_REGIONAL}/")), "{out}");
    assert!(out.contains(&format!("https://{EC2_ZONAL}/")), "{out}");
}

#[test]
fn doctor_names_the_cross_region_endpoint() {
    let output = privatelink()
        .args(["doctor", "--from-file", FILE, "--services", "kms", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["check"].as_str().unwrap(), f["status"].as_str().unwrap()))
        .collect();
    // KMS has no endpoint in the VPC's region, and a cross-region one for us-east-1.
    assert!(findings.contains(&("cross-region", "ok")), "{findings:?}");
    assert!(findings.contains(&("endpoint", "fail")), "{findings:?}");
    let detail = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "cross-region")
        .unwrap()["detail"]
        .as_str()
        .unwrap();
    assert!(
        detail.contains(KMS_REGIONAL) && detail.contains("us-east-1"),
        "{detail}"
    );
}

#[test]
fn export_notes_the_cross_region_endpoint_and_keeps_what_tells_it_again() {
    let assert = privatelink()
        .args(["export", "--from-file", FILE])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: vpce-0c0ffee00000000a1 is cross-region: it serves `kms` in us-east-1",
        ));
    let exported = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, exported.as_bytes()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(
        privatelink()
            .args(["endpoints", "--json", "--from-file"])
            .arg(file.path()),
    ))
    .unwrap();
    let kms = json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpointId"] == "vpce-0c0ffee00000000a1")
        .unwrap();
    assert_eq!(kms["crossRegion"], true);
    assert!(
        exported.contains("\"ServiceRegion\": \"us-east-1\""),
        "{exported}"
    );
}
