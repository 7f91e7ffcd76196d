//! Black box: the `discover` example, a process using only SDK defaults (environment credentials,
//! the system resolver, the default trust store), run in a private mount namespace whose
//! `/etc/resolv.conf` points at the rig's DNS server, which answers the S3 endpoint names with the S3
//! peer process (127.0.0.10:443) and other `*.amazonaws.com` names with moto (127.0.0.11:443).
//! Nothing under the real `/etc` changes.
//!
//! Ignored by a plain `cargo test`: needs root and the moto rig; `./scripts/test.sh` runs it.

use std::path::PathBuf;
use std::process::Command;

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `scripts/rig.sh up && source .rig/env` as root")
    })
}

/// `target/debug/examples/discover`, built by the same `cargo test` run as this test.
fn discover_example() -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    let example = deps.parent().unwrap().join("examples").join("discover");
    assert!(
        example.exists(),
        "{} is not built (run through cargo test)",
        example.display()
    );
    example
}

fn run_in_namespace(extra_env: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new("unshare");
    command
        .args([
            "-m",
            "sh",
            "-c",
            r#"mount --bind "$0" /etc/resolv.conf && exec "$@""#,
        ])
        .arg(var("PRIVATELINK_RIG_RESOLV_CONF"))
        .arg(discover_example())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", var("PRIVATELINK_RIG_ACCESS_KEY"))
        .env("AWS_SECRET_ACCESS_KEY", var("PRIVATELINK_RIG_SECRET_KEY"))
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent/privatelink-rig/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/privatelink-rig/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("SSL_CERT_FILE", var("PRIVATELINK_RIG_CA"))
        .env("PRIVATELINK_VPC_ID", var("PRIVATELINK_RIG_VPC"));
    for (name, value) in extra_env {
        command.env(name, value);
    }
    let output = command.output().expect("unshare runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
#[ignore = "needs root and the moto rig: ./scripts/test.sh runs it"]
fn discovery_with_sdk_defaults_through_system_dns() {
    let (ok, stdout, stderr) = run_in_namespace(
        &[("PRIVATELINK_AZ", "us-east-1a")],
        &["--s3-roundtrip", "blackbox-bucket"],
    );
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let vpc = var("PRIVATELINK_RIG_VPC");
    assert!(
        stdout.contains(&format!("VPC {vpc} (from environment), zone us-east-1a")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("endpoint s3 us-east-1 vpce-")
                && l.contains("-us-east-1a.s3.us-east-1.vpce.amazonaws.com")),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l.starts_with("endpoint kinesis us-east-1 vpce-") && l.ends_with("(not used)")), "{stdout}");
    let ec2 = stdout
        .lines()
        .find(|l| l.starts_with("rewrite https://ec2.us-east-1.amazonaws.com/ -> "))
        .expect(&stdout);
    assert!(
        ec2.ends_with("-us-east-1a.ec2.us-east-1.vpce.amazonaws.com/"),
        "{ec2}"
    );
    assert!(stdout.contains("rewrite https://sts.us-east-1.amazonaws.com/ unchanged: the VPC has no interface endpoint for it in us-east-1"), "{stdout}");
    assert!(stdout.contains("rewrite https://example-bucket.s3.us-east-1.amazonaws.com/key -> https://example-bucket.bucket.vpce-"), "{stdout}");
    // S3 through the system resolver to the S3 peer process on 127.0.0.10:443 (SigV4 checked).
    let roundtrip = stdout
        .lines()
        .find(|l| l.starts_with("s3 roundtrip ok via "))
        .expect(&stdout);
    assert!(
        roundtrip.starts_with("s3 roundtrip ok via blackbox-bucket.bucket.vpce-"),
        "{roundtrip}"
    );
    assert!(
        roundtrip.ends_with("-us-east-1a.s3.us-east-1.vpce.amazonaws.com"),
        "{roundtrip}"
    );
}

#[test]
#[ignore = "needs root and the moto rig: ./scripts/test.sh runs it"]
fn without_the_test_ca_the_tls_check_fails() {
    // A trust store holding another CA only: moto's certificate is not trusted, nothing is loaded.
    let other_ca =
        std::env::temp_dir().join(format!("privatelink-other-ca-{}.pem", std::process::id()));
    std::fs::write(&other_ca, privatelink_peers::TestCa::new().ca_pem()).unwrap();
    let (ok, stdout, stderr) =
        run_in_namespace(&[("SSL_CERT_FILE", other_ca.to_str().unwrap())], &[]);
    std::fs::remove_file(&other_ca).unwrap();
    assert!(!ok, "stdout:\n{stdout}");
    assert!(
        stderr.starts_with("error: privatelink could not load the VPC's endpoints"),
        "{stderr}"
    );
}
