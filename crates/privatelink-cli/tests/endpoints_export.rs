//! `privatelink endpoints` and `privatelink export`, run as processes.

mod common;

use common::{FIXTURE, assert_snapshot, keys, privatelink, stdout};
use predicates::prelude::*;

#[test]
fn endpoints_table_marks_gateway_and_unusable_endpoints() {
    let table =
        stdout(privatelink().args(["endpoints", "--from-file", FIXTURE, "--az", "us-east-1a"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines.len(),
        16,
        "a header and one row per endpoint:\n{table}"
    );
    assert!(
        lines[0].starts_with("SERVICE")
            && lines[0].contains("NAME USED")
            && lines[0].ends_with("NOTE")
    );
    let row = |service: &str| {
        *lines
            .iter()
            .find(|l| l.starts_with(&format!("{service} ")))
            .unwrap()
    };
    assert!(
        row("ec2").contains(
            "vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com"
        )
    );
    assert!(row("ec2").contains(" yes "), "private DNS: {}", row("ec2"));
    assert!(row("kinesis").ends_with("not used: not available"));
    assert!(row("logs").contains("deleting"));
    // From a file nothing says this process is inside the VPC: the gateway is not used.
    assert!(
        row("com.amazonaws.us-east-1.s3").contains("Gateway")
            && row("com.amazonaws.us-east-1.s3").ends_with(
                "gateway: not used (not located inside the VPC, or --strict; --gateway-endpoints use)"
            )
    );
    let with_gateways = stdout(privatelink().args([
        "endpoints",
        "--from-file",
        FIXTURE,
        "--gateway-endpoints",
        "use",
    ]));
    assert!(
        with_gateways
            .lines()
            .any(|l| l.starts_with("com.amazonaws.us-east-1.s3 ")
                && l.ends_with("gateway: same-region requests stay on it (inside the VPC; free)")),
        "{with_gateways}"
    );
    assert_snapshot("endpoints-us-east-1a.txt", &table);
    // Colour only when asked for (stdout is not a terminal here): the notes, in yellow.
    let coloured = stdout(privatelink().args([
        "--color",
        "always",
        "endpoints",
        "--from-file",
        FIXTURE,
        "--az",
        "us-east-1a",
    ]));
    assert!(coloured.contains("  \x1b[33mnot used: not available\x1b[0m\n"));
    assert_eq!(
        coloured.replace("\x1b[33m", "").replace("\x1b[0m", ""),
        table
    );
    // Without --az the regional names are used.
    let regional = stdout(privatelink().args(["endpoints", "--from-file", FIXTURE]));
    assert!(regional.contains("vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com"));
}

#[test]
fn endpoints_json_is_an_array_with_stable_keys() {
    let text = stdout(privatelink().args(["endpoints", "--from-file", FIXTURE, "--json"]));
    let items: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 15);
    assert_eq!(items.iter().filter(|i| i["usable"] == true).count(), 12);
    let kinesis = items.iter().find(|i| i["service"] == "kinesis").unwrap();
    assert_eq!(
        (kinesis["state"].as_str(), kinesis["usable"].as_bool()),
        (Some("pending"), Some(false))
    );
    assert_eq!(
        keys(&items[0]),
        [
            "crossRegion",
            "dnsOptions",
            "dualStack",
            "endpointId",
            "fips",
            "gatewayUsed",
            "ipAddressType",
            "note",
            "privateDnsEnabled",
            "region",
            "regionalName",
            "service",
            "serviceName",
            "state",
            "type",
            "usable",
            "zonalNames"
        ]
    );
    let gateway = items.iter().find(|i| i["type"] == "Gateway").unwrap();
    assert_eq!(gateway["gatewayUsed"], false, "not located inside the VPC");
    assert!(
        items
            .iter()
            .all(|i| (i["type"] == "Gateway") != i["gatewayUsed"].is_null())
    );
    // DnsOptions and IpAddressType as EC2 sent them (the fixture's S3 endpoint has both).
    let s3 = items.iter().find(|i| i["service"] == "s3").unwrap();
    assert_eq!(
        (&s3["ipAddressType"], &s3["dnsOptions"]),
        (
            &serde_json::json!("ipv4"),
            &serde_json::json!({"dnsRecordIpType": "ipv4", "privateDnsOnlyForInboundResolverEndpoint": false})
        )
    );
}

#[test]
fn ignored_dns_entries_are_warned_about_on_stderr_only() {
    privatelink()
        .args(["endpoints", "--from-file", FIXTURE, "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning").not())
        .stderr(predicate::str::contains(
            "warning: endpoint vpce-0b0b000000000001b1: ignoring DNS entry `evil.example.com`",
        ));
}

#[test]
fn export_round_trips_through_the_file_source() {
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("export.json");
    let text = stdout(privatelink().args([
        "export",
        "--from-file",
        FIXTURE,
        "--vpc",
        "vpc-0example0000001",
        "--region",
        "us-east-1",
    ]));
    assert!(text.contains("\"Version\": 1") && text.contains("\"VpcId\": \"vpc-0example0000001\""));
    std::fs::write(&exported, &text).unwrap();
    let exported = exported.to_str().unwrap();
    // The export reads back to the same endpoints: same table, same rewrites, same export.
    for args in [
        &["endpoints", "--json"][..],
        &[
            "rewrite",
            "https://s3.us-east-1.amazonaws.com/b/k",
            "https://sqs.us-east-1.amazonaws.com/",
        ][..],
    ] {
        let original = stdout(privatelink().args(args).args(["--from-file", FIXTURE]));
        let again = stdout(privatelink().args(args).args(["--from-file", exported]));
        assert_eq!(original, again, "{args:?}");
    }
    let twice = stdout(privatelink().args([
        "export",
        "--from-file",
        exported,
        "--vpc",
        "vpc-0example0000001",
        "--region",
        "us-east-1",
    ]));
    assert_eq!(twice, text);
    // The library's file source reads it too.
    let index = privatelink::discovery::index_from_file(exported).unwrap();
    assert_eq!(index.endpoints().len(), 15);
}

#[test]
fn a_future_export_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v2.json");
    std::fs::write(
        &file,
        r#"{"PrivateLinkExport": {"Version": 2}, "VpcEndpoints": []}"#,
    )
    .unwrap();
    privatelink()
        .args(["endpoints", "--from-file"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "privatelink export version 2 is not supported (this version reads 1)",
        ));
}

#[test]
fn live_discovery_without_a_region_says_what_to_set() {
    let home = tempfile::tempdir().unwrap();
    privatelink()
        .args(["endpoints"])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .assert()
        .code(3)
        .stdout("")
        .stderr("error: no AWS region: set AWS_REGION, a profile region, or --region\n");
}

#[test]
fn live_discovery_without_a_vpc_says_what_to_set() {
    let home = tempfile::tempdir().unwrap();
    privatelink()
        .args(["endpoints", "--region", "us-east-1"])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKID")
        .env("AWS_SECRET_ACCESS_KEY", "SECRET")
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("no VPC id: set it with")
                .and(predicate::str::contains("(or pass --vpc)")),
        );
}

#[test]
fn live_discovery_without_credentials_says_what_to_configure() {
    let home = tempfile::tempdir().unwrap();
    privatelink()
        .args(["endpoints", "--region", "us-east-1", "--vpc", "vpc-0abc"])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_EC2", "https://127.0.0.1:1")
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            "error: no AWS credentials found (tried the environment, profiles, web identity, ECS \
             and instance metadata): configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, …)\n",
        );
}

#[test]
fn live_discovery_with_ec2_unreachable_says_how_to_reach_it() {
    let home = tempfile::tempdir().unwrap();
    // A port nothing listens on: connection refused (the SDK retries it, then gives up).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let assert = privatelink()
        .args(["env", "--region", "us-east-1", "--vpc", "vpc-0abc"])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKID")
        .env("AWS_SECRET_ACCESS_KEY", "SECRET")
        .env("AWS_ENDPOINT_URL_EC2", format!("https://{closed}"))
        .assert()
        .code(3)
        .stdout("");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot reach EC2 (")
            && stderr.contains("Connection refused")
            && stderr.ends_with("or set AWS_ENDPOINT_URL_EC2; or use --from-file\n"),
        "{stderr}"
    );
}

/// EC2 accepts the connection and never answers; the AWS configuration sets no timeouts. The
/// command gives up when the walk's own limit (20 s) runs out: exit status 3, one line.
#[test]
fn a_hung_ec2_is_exit_3_with_one_line() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and hold every connection, answering nothing, until the test ends.
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().collect();
        drop(held);
    });
    let output = privatelink()
        .args(["endpoints", "--vpc", "vpc-0hung", "--region", "us-east-1"])
        .env("AWS_ENDPOINT_URL_EC2", format!("http://127.0.0.1:{port}"))
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("PRIVATELINK_ENDPOINTS_FILE")
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .code(3)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("DescribeVpcEndpoints did not finish within 20s"),
        "{stderr}"
    );
}

/// The hub options come together, and not with a file (a hub is discovered): usage errors,
/// exit 2, before any call.
#[test]
fn hub_options_need_each_other_and_no_file() {
    for args in [
        vec!["env", "--hub-vpc", "vpc-0hub"],
        vec!["env", "--hub-role", "arn:aws:iam::222222222222:role/hub"],
        vec![
            "endpoints",
            "--hub-vpc",
            "vpc-0hub",
            "--hub-role",
            "arn:aws:iam::222222222222:role/hub",
            "--from-file",
            FIXTURE,
        ],
    ] {
        privatelink()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:"));
    }
}
