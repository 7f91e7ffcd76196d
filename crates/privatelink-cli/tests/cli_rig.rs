//! Every subcommand with live discovery against the moto rig (`scripts/rig.sh`): moto checks
//! SigV4 and IAM policies, so the failure paths are EC2's real answers.
//!
//! Ignored by a plain `cargo test`; `./scripts/test.sh` runs them with the rig up.

mod common;

use assert_cmd::Command;
use common::{at_moto, privatelink, rig_var as var, stdout};
use predicates::prelude::*;

/// The S3 endpoint's regional name (the seed prints it first).
fn s3_regional_name() -> String {
    var("PRIVATELINK_RIG_S3_NAMES")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// `privatelink` with only the standard AWS configuration, pointing EC2 at moto.
fn live(access_key: &str, secret_key: &str) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = at_moto(home.path());
    cmd.env("AWS_ACCESS_KEY_ID", access_key)
        .env("AWS_SECRET_ACCESS_KEY", secret_key)
        .env("AWS_REGION", "us-east-1");
    (cmd, home)
}

fn rig() -> (Command, tempfile::TempDir) {
    live(
        &var("PRIVATELINK_RIG_ACCESS_KEY"),
        &var("PRIVATELINK_RIG_SECRET_KEY"),
    )
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn endpoints_lists_the_vpc_s_endpoints() {
    let (mut cmd, _home) = rig();
    let table = stdout(cmd.arg("endpoints"));
    let s3_id = var("PRIVATELINK_RIG_S3_ENDPOINT");
    let s3_row = table.lines().find(|l| l.contains(&s3_id)).unwrap();
    assert!(
        s3_row.starts_with("s3 ") && s3_row.contains(&s3_regional_name()),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("kinesis") && l.ends_with("not used: not available")),
        "{table}"
    );
    assert!(table.lines().any(|l| l.contains("Gateway")), "{table}");
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn env_rewrite_and_exec_use_the_discovered_names() {
    let s3 = format!("https://bucket.{}", s3_regional_name());
    let (mut cmd, _home) = rig();
    let env = stdout(cmd.args(["env", "--shell", "dotenv"]));
    assert!(
        env.contains(&format!("AWS_ENDPOINT_URL_S3={s3}\n")),
        "{env}"
    );
    assert!(env.contains("AWS_ENDPOINT_URL_EC2=https://vpce-"), "{env}");

    let (mut cmd, _home) = rig();
    let rewritten = stdout(cmd.args(["rewrite", "https://s3.us-east-1.amazonaws.com/b/k"]));
    assert_eq!(rewritten, format!("{s3}/b/k\n"));

    let (mut cmd, _home) = rig();
    let child = stdout(cmd.args(["exec", "--", "sh", "-c", "echo \"$AWS_ENDPOINT_URL_S3\""]));
    assert_eq!(child, format!("{s3}\n"));
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn an_export_gives_the_same_settings_without_calling_ec2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("endpoints.json");
    let (mut cmd, _home) = rig();
    let exported = stdout(cmd.arg("export"));
    // The document says which VPC it describes and when its endpoints were discovered (now, to
    // the second, by the SDK's clock).
    let document = privatelink::core::parse_document(&exported).unwrap();
    assert!(document.vpc_id.is_some_and(|vpc| vpc.starts_with("vpc-")));
    // The CLI stamps with the SDK's clock, the system's: compared with the system's here.
    #[allow(clippy::disallowed_methods)]
    let now = std::time::SystemTime::now();
    let age = now.duration_since(document.discovered_at.unwrap()).unwrap();
    assert!(age < std::time::Duration::from_secs(120), "{age:?}");
    std::fs::write(&file, &exported).unwrap();
    // Exported again from the file, the discovery time is the file's.
    let (mut cmd, _home) = live("nobody", "nothing");
    let again = stdout(cmd.args(["export", "--from-file"]).arg(&file));
    assert_eq!(
        privatelink::core::parse_document(&again)
            .unwrap()
            .discovered_at,
        privatelink::core::parse_document(&exported)
            .unwrap()
            .discovered_at
    );
    let (mut cmd, _home) = rig();
    let live_env = stdout(cmd.arg("env"));
    // No credentials and an unreachable EC2: the file is all it uses.
    let (mut cmd, _home) = live("nobody", "nothing");
    cmd.env("AWS_ENDPOINT_URL_EC2", "https://127.0.0.1:1");
    let file_env = stdout(cmd.args(["env", "--from-file"]).arg(&file));
    assert_eq!(file_env, live_env);
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn a_vpc_without_endpoints_has_nothing_to_set() {
    let (mut cmd, _home) = rig();
    cmd.args(["env", "--vpc", "vpc-00000000000000000"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: no usable interface endpoint serves an AWS SDK service in us-east-1\n");
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn access_denied_names_the_permission_and_the_principal() {
    let (mut cmd, _home) = live(
        &var("PRIVATELINK_RIG_DENIED_ACCESS_KEY"),
        &var("PRIVATELINK_RIG_DENIED_SECRET_KEY"),
    );
    cmd.arg("endpoints").assert().code(3).stdout("").stderr(
        predicate::str::starts_with(
            "error: EC2 denied DescribeVpcEndpoints (AccessDenied): grant `ec2:DescribeVpcEndpoints`",
        )
        .and(predicate::str::contains(
            "(EC2 said: User: arn:aws:iam::123456789012:user/privatelink-rig-denied is not authorized",
        ))
        .and(predicate::function(|s: &str| s.lines().count() == 1)),
    );
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn a_wrong_secret_is_reported_as_bad_credentials() {
    let (mut cmd, _home) = live(&var("PRIVATELINK_RIG_ACCESS_KEY"), "not-the-secret");
    cmd.arg("export").assert().code(3).stdout("").stderr(
        predicate::str::starts_with("error: EC2 rejected the credentials (")
            .and(predicate::str::contains(
                "check the access key, secret key or session token",
            ))
            .and(predicate::function(|s: &str| s.lines().count() == 1)),
    );
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn profile_chooses_the_credentials() {
    // The default profile's user may not call EC2; the `rig` profile's may.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[default]\nregion = us-east-1\naws_access_key_id = {}\naws_secret_access_key = {}\n\n\
             [profile rig]\nregion = us-east-1\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            var("PRIVATELINK_RIG_DENIED_ACCESS_KEY"),
            var("PRIVATELINK_RIG_DENIED_SECRET_KEY"),
            var("PRIVATELINK_RIG_ACCESS_KEY"),
            var("PRIVATELINK_RIG_SECRET_KEY"),
        ),
    )
    .unwrap();
    let command = || at_moto(home.path());
    command()
        .arg("endpoints")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("denied DescribeVpcEndpoints"));
    let table = stdout(command().args(["endpoints", "--profile", "rig"]));
    assert!(
        table.contains(&var("PRIVATELINK_RIG_S3_ENDPOINT")),
        "{table}"
    );
}

/// `privatelink env` for the fixture file and us-east-1a, in `shell` syntax.
fn fixture_env(shell: &str) -> String {
    stdout(privatelink().args([
        "env",
        "--from-file",
        common::FIXTURE,
        "--az",
        "us-east-1a",
        "--shell",
        shell,
    ]))
}

#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn botocore_reads_the_aws_config_services_section() {
    let section = fixture_env("aws-config");
    assert!(section.contains("\n[services privatelink]\n"), "{section}");
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(
        &config,
        format!("[profile pl]\nservices = privatelink\n\n{section}"),
    )
    .unwrap();
    // The pinned botocore (the AWS CLI's) resolves each client's endpoint from the section.
    let python = std::path::Path::new(&var("PRIVATELINK_RIG_AWS_CLI")).with_file_name("python");
    let output = std::process::Command::new(python)
        .env_clear()
        .env("AWS_CONFIG_FILE", &config)
        .env("HOME", home.path())
        .args([
            "-c",
            "import sys, botocore.session\n\
             s = botocore.session.Session(profile='pl')\n\
             for name in sys.argv[1:]:\n\
             \x20   c = s.create_client(name, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')\n\
             \x20   print(name, c.meta.endpoint_url)",
            "s3",
            "ec2",
            "sts",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let resolved = String::from_utf8(output.stdout).unwrap();
    let env = fixture_env("dotenv");
    for (name, variable) in [
        ("s3", "AWS_ENDPOINT_URL_S3"),
        ("ec2", "AWS_ENDPOINT_URL_EC2"),
        ("sts", "AWS_ENDPOINT_URL_STS"),
    ] {
        let url = env
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{variable}=")))
            .unwrap();
        assert!(
            resolved.lines().any(|l| l == format!("{name} {url}")),
            "{name}: {resolved}"
        );
    }
}

/// A hub VPC of another account (the seed's): `--hub-vpc` and `--hub-role` discover its
/// endpoints with the assumed role, and `--az` (this account's zone name) becomes the hub
/// account's name for the same physical zone, which the seed asked of each account.
#[test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
fn a_hub_vpc_of_another_account_with_this_accounts_zone_translated() {
    let hub = [
        "--hub-vpc",
        &var("PRIVATELINK_RIG_HUB_VPC"),
        "--hub-role",
        &var("PRIVATELINK_RIG_HUB_ROLE_ARN"),
    ];
    let sts_at_moto = format!("https://{}", var("PRIVATELINK_RIG_EC2_ADDR"));
    let hub_zone = var("PRIVATELINK_RIG_HUB_ZONE");

    let (mut cmd, _home) = rig();
    cmd.env("AWS_ENDPOINT_URL_STS", &sts_at_moto);
    let env = stdout(
        cmd.args(["env", "--shell", "dotenv", "--az", "us-east-1a"])
            .args(hub),
    );
    let sts = env
        .lines()
        .find_map(|l| l.strip_prefix("AWS_ENDPOINT_URL_STS="))
        .unwrap_or_else(|| panic!("{env}"));
    assert!(
        sts.starts_with("https://vpce-")
            && sts.ends_with(&format!("-{hub_zone}.sts.us-east-1.vpce.amazonaws.com")),
        "{env}"
    );
    // The hub's endpoints (STS and S3), not this VPC's (EC2's is this VPC's only).
    assert!(
        env.contains("AWS_ENDPOINT_URL_S3=https://bucket.vpce-"),
        "{env}"
    );
    assert!(!env.contains("AWS_ENDPOINT_URL_EC2="), "{env}");

    // The table names the hub's endpoints and no gateway of the hub's.
    let (mut cmd, _home) = rig();
    cmd.env("AWS_ENDPOINT_URL_STS", &sts_at_moto);
    let table = stdout(cmd.arg("endpoints").args(hub));
    assert!(table.lines().any(|l| l.starts_with("sts ")), "{table}");
    assert!(!table.contains("Gateway"), "{table}");

    // A document of the hub's endpoints: the hub VPC's interface endpoints with their regional
    // names only (zone names are the hub account's), for readers in other accounts.
    let (mut cmd, _home) = rig();
    cmd.env("AWS_ENDPOINT_URL_STS", &sts_at_moto);
    let exported = stdout(cmd.arg("export").args(hub));
    let document = privatelink::core::parse_document(&exported).unwrap();
    let hub_vpc = var("PRIVATELINK_RIG_HUB_VPC");
    assert_eq!(document.vpc_id.as_deref(), Some(hub_vpc.as_str()));
    assert!(!document.endpoints.is_empty());
    for endpoint in &document.endpoints {
        assert_eq!(endpoint.vpc_id(), Some(hub_vpc.as_str()), "{exported}");
        assert_eq!(
            *endpoint.endpoint_type(),
            privatelink::core::EndpointType::Interface
        );
        assert!(!endpoint.dns_entries().is_empty(), "{exported}");
        for entry in endpoint.dns_entries() {
            assert!(
                !entry.dns_name().contains("-us-east-1"),
                "a zonal name: {exported}"
            );
        }
    }
    // Read back with this account's zone: regional names, as the document has no other.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hub.json");
    std::fs::write(&file, &exported).unwrap();
    let (mut cmd, _home) = live("nobody", "nothing");
    let from_file = stdout(
        cmd.args([
            "env",
            "--shell",
            "dotenv",
            "--az",
            "us-east-1a",
            "--from-file",
        ])
        .arg(&file),
    );
    assert!(
        from_file.contains(".sts.us-east-1.vpce.amazonaws.com\n")
            && !from_file.contains(&format!("-{hub_zone}.sts"))
            && !from_file.contains("-us-east-1a.sts"),
        "{from_file}"
    );
}
