//! `privatelink publish`, run as a process: what it refuses before any network call. (Writing to
//! S3 is `publish` of the library, proved against the S3 peer in `tests/s3.rs`.)

mod common;

use common::privatelink;

fn publish() -> assert_cmd::Command {
    let mut cmd = privatelink();
    cmd.arg("publish")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("PRIVATELINK_ENDPOINTS_FILE")
        .timeout(std::time::Duration::from_secs(60));
    cmd
}

#[test]
fn invalid_urls_and_durations_are_exit_2_naming_them() {
    for (args, expected) in [
        (
            vec!["https://example.com/vpc.json"],
            "`https://example.com/vpc.json` is not an S3 object URL",
        ),
        (vec!["s3://bucket"], "`s3://bucket` is not an S3 object URL"),
        (
            vec!["s3://my-bucket/vpc.json", "--every", "0s"],
            "--every `0s`: expected a duration like 30s, 5m or 1h",
        ),
        (
            vec!["s3://my-bucket/vpc.json", "--renew", "soon"],
            "--renew `soon`: expected a duration",
        ),
    ] {
        let output = publish().args(&args).assert().code(2).get_output().clone();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// An empty discovery never replaces a document: exit 1, and nothing is sent (no S3 is
/// reachable here).
#[test]
fn an_empty_discovery_is_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.json");
    std::fs::write(&file, r#"{"VpcEndpoints": []}"#).unwrap();
    let output = publish()
        .args([
            "s3://my-bucket/vpc.json",
            "--vpc",
            "vpc-0empty",
            "--region",
            "us-east-1",
        ])
        .arg("--from-file")
        .arg(&file)
        .env("AWS_ENDPOINT_URL_S3", "https://127.0.0.1:1")
        .assert()
        .code(1)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("the discovery found no endpoints: nothing published"),
        "{stderr}"
    );
}
