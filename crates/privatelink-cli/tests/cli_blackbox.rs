//! `privatelink doctor`, and the AWS CLI (from PyPI) using `privatelink env` / `exec`, in a
//! private mount namespace whose `/etc/resolv.conf` points at the rig's DNS server: the S3 endpoint
//! names resolve to the S3 peer process (127.0.0.10, a certificate naming only endpoint names),
//! every other `*.amazonaws.com` name to moto (127.0.0.11, a certificate naming EC2's default and
//! endpoint names). Nothing under the real `/etc` changes.
//!
//! Ignored by a plain `cargo test`: needs root and the rig; `./scripts/test.sh` runs it.

use std::process::{Command, Output};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `scripts/rig.sh up && source .rig/env` as root")
    })
}

/// Runs `script` with `sh` in the namespace, with only SDK-standard configuration; `$PL` is the
/// privatelink binary and `$AWS` the AWS CLI.
fn in_namespace(script: &str) -> Output {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new("unshare")
        .args([
            "-m",
            "sh",
            "-c",
            r#"mount --bind "$0" /etc/resolv.conf && exec sh -c "$1""#,
        ])
        .arg(var("PRIVATELINK_RIG_RESOLV_CONF"))
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("PL", assert_cmd::cargo::cargo_bin("privatelink"))
        .env("AWS", var("PRIVATELINK_RIG_AWS_CLI"))
        .env("AWS_ACCESS_KEY_ID", var("PRIVATELINK_RIG_ACCESS_KEY"))
        .env("AWS_SECRET_ACCESS_KEY", var("PRIVATELINK_RIG_SECRET_KEY"))
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1") // the AWS CLI v1 reads this one
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("SSL_CERT_FILE", var("PRIVATELINK_RIG_CA"))
        .env("AWS_CA_BUNDLE", var("PRIVATELINK_RIG_CA"))
        .env("PRIVATELINK_VPC_ID", var("PRIVATELINK_RIG_VPC"))
        .env("S3_ENDPOINT", var("PRIVATELINK_RIG_S3_ENDPOINT"))
        .output()
        .unwrap();
    drop(home);
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
fn doctor_checks_dns_tcp_and_which_names_the_certificates_cover() {
    let out = in_namespace(r#""$PL" doctor --services s3,ec2 --az us-east-1a"#);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    let s3 = format!(
        "bucket.{}",
        var("PRIVATELINK_RIG_S3_NAMES")
            .split_whitespace()
            .next()
            .unwrap()
    );
    let line = |host: &str, check: &str| {
        report
            .lines()
            .find(|l| l.contains(&format!(" {check} ")) && l.contains(&format!("{host}:")))
            .unwrap_or_else(|| panic!("no {check} line for {host}:\n{report}"))
            .to_owned()
    };
    assert!(
        line(&s3, "dns").contains("ok    dns          ")
            && line(&s3, "dns").ends_with("127.0.0.10 (private)")
    );
    assert!(line(&s3, "tcp").ends_with("127.0.0.10:443 connected"));
    // The S3 peer's certificate names only endpoint names: rewrite mode.
    assert!(
        line(&s3, "tls")
            .ends_with("trusted; names this host, not s3.us-east-1.amazonaws.com: rewrite mode")
    );
    // moto's names both: either mode. Zonal names are checked too (--az).
    let ec2_tls: Vec<&str> = report.lines().filter(|l| l.contains(".ec2.us-east-1.vpce.amazonaws.com: trusted; names this host and ec2.us-east-1.amazonaws.com: rewrite or dial mode")).collect();
    assert_eq!(ec2_tls.len(), 2, "regional and us-east-1a names:\n{report}");
    assert!(report.contains("ok    private-dns  ec2.us-east-1.amazonaws.com: on: ec2.us-east-1.amazonaws.com resolves to 127.0.0.11 (private)"), "{report}");
    assert!(report.contains("ok    gateway      vpce-"), "{report}");
    assert!(
        report.ends_with("healthy (us-east-1): 15 checks, 0 failed, 0 warnings\n"),
        "{report}"
    );

    // A requested service without an endpoint makes the VPC unhealthy.
    let out = in_namespace(r#""$PL" doctor --services s3,ec2,sqs --json"#);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["healthy"], false);
    let failed: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["service"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["sqs"]);
}

#[test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
fn the_aws_cli_works_through_the_endpoints_with_privatelink_env_and_exec() {
    // With the settings the AWS CLI reaches the S3 peer through the endpoint names (SigV4
    // checked by the peer); without them it reaches another S3 (moto), which lacks the object.
    let out = in_namespace(
        r#"set -e
        bucket=privatelink-cli-rig-$$   # the rig's S3 store lives as long as the rig
        eval "$("$PL" env)"
        "$AWS" s3api create-bucket --bucket $bucket >/dev/null
        echo "through the endpoint" | "$AWS" s3 cp - s3://$bucket/hello.txt >/dev/null
        "$AWS" s3 cp s3://$bucket/hello.txt -
        # Without the settings the CLI goes to s3.us-east-1.amazonaws.com, here moto's S3, which
        # does not have the object.
        env -u AWS_ENDPOINT_URL_S3 "$AWS" s3 cp s3://$bucket/hello.txt - >/dev/null 2>&1 \
            && { echo "the object was found without the endpoint settings"; exit 1; }
        "$PL" exec -- "$AWS" ec2 describe-vpc-endpoints --vpc-endpoint-ids "$S3_ENDPOINT" --query 'VpcEndpoints[0].ServiceName' --output text
        "$PL" exec -- "$AWS" s3api list-objects-v2 --bucket $bucket --query 'Contents[].Key' --output text
        "$PL" exec -- sh -c 'exit 42' || echo "exit $?""#,
    );
    assert_eq!(
        text(&out.stdout),
        "through the endpoint\ncom.amazonaws.us-east-1.s3\nhello.txt\nexit 42\n",
        "{}",
        text(&out.stderr)
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}
