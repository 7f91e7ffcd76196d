//! `privatelink doctor` from the fixture file, for what needs no network: requested services
//! that no endpoint serves, unusable endpoints, gateway advice, the JSON shape, exit statuses.
//! The network checks (DNS, TCP, TLS names) run against the rig in `cli_blackbox.rs`.

mod common;

use common::{FIXTURE, assert_snapshot, keys, privatelink};

fn doctor(services: &str, json: bool) -> (Option<i32>, String) {
    let mut cmd = privatelink();
    cmd.args(["doctor", "--from-file", FIXTURE, "--services", services]);
    if json {
        cmd.arg("--json");
    }
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn missing_and_unusable_services_fail_with_one_finding_each() {
    let (code, text) = doctor("sqs,kinesis", false);
    assert_eq!(code, Some(1), "{text}");
    assert_snapshot("doctor-missing.txt", &text);
}

#[test]
fn json_findings_have_stable_keys_and_a_verdict() {
    let (code, text) = doctor("sqs,kinesis", true);
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(keys(&report), ["findings", "healthy", "region"]);
    assert_eq!(report["healthy"], false);
    assert_eq!(report["region"], "us-east-1");
    let findings = report["findings"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["service"].as_str().unwrap(),
                f["check"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("kinesis", "state", "fail"), ("sqs", "endpoint", "fail")]
    );
    assert_eq!(
        keys(&findings[0]),
        ["check", "detail", "endpointId", "host", "service", "status"]
    );
}

#[test]
fn an_unresolvable_endpoint_name_is_a_failure() {
    // Endpoint names under vpce.amazonaws.com do not resolve outside a VPC (nor here).
    let (code, text) = doctor("sts", true);
    assert_eq!(code, Some(1), "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dns: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "dns")
        .collect();
    assert_eq!(dns.len(), 1, "{text}");
    assert_eq!(dns[0]["status"], "fail");
    assert_eq!(
        dns[0]["host"],
        "vpce-0575000000000000c3-ks83awe7.sts.us-east-1.vpce.amazonaws.com"
    );
}

#[test]
fn a_timeout_out_of_range_is_refused_not_adjusted() {
    privatelink()
        .args(["doctor", "--from-file", FIXTURE, "--timeout", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--timeout <SECONDS>"))
        .stderr(predicates::str::contains("0 is not in 1..=600"));
}

/// The `(check, status, detail)` findings of `doctor --json` with `args`, for `service`.
fn findings_for(args: &[&str], service: &str) -> Vec<(String, String, String)> {
    let output = privatelink()
        .arg("doctor")
        .args(args)
        .args(["--services", service, "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["service"] == service)
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap().to_owned();
            (text("check"), text("status"), text("detail"))
        })
        .collect()
}

#[test]
fn gateway_advice_follows_where_the_process_runs() {
    let gateway = |extra: &[&str]| {
        let mut args = vec!["--from-file", FIXTURE];
        args.extend_from_slice(extra);
        findings_for(&args, "s3")
            .into_iter()
            .find(|(check, _, _)| check == "gateway")
            .unwrap()
            .2
    };
    // A file says nothing about being inside the VPC: the interface endpoint is used.
    assert!(
        gateway(&[])
            .starts_with("gateway endpoint not used: this process was not located inside the VPC"),
        "{}",
        gateway(&[])
    );
    assert!(gateway(&["--gateway-endpoints", "use"]).starts_with("gateway endpoint used:"));
}

#[test]
fn dns_options_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("endpoints.json");
    std::fs::write(
        &file,
        r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-0abc","VpcEndpointType":"Interface",
        "ServiceName":"com.amazonaws.us-east-1.sts","State":"available","PrivateDnsEnabled":true,
        "IpAddressType":"ipv6",
        "DnsOptions":{"DnsRecordIpType":"ipv6","PrivateDnsOnlyForInboundResolverEndpoint":true},
        "DnsEntries":[{"DnsName":"vpce-0abc-x.sts.us-east-1.vpce.amazonaws.com"},
                      {"DnsName":"sts.us-east-1.amazonaws.com"}]}]}"#,
    )
    .unwrap();
    let findings = findings_for(&["--from-file", file.to_str().unwrap()], "sts");
    let find = |check: &str| {
        findings
            .iter()
            .find(|(c, _, _)| c == check)
            .unwrap_or_else(|| panic!("no {check}: {findings:?}"))
    };
    let (_, status, detail) = find("dns-records");
    assert_eq!(status, "warn");
    assert!(detail.contains("AAAA records only"), "{detail}");
    let (_, status, detail) = find("private-dns");
    assert_eq!(status, "ok");
    assert!(
        detail.starts_with("only for inbound resolver endpoints")
            && detail.contains("sts.us-east-1.amazonaws.com keeps its public answer"),
        "{detail}"
    );
}
