//! `privatelink env` and `privatelink exec`, run as processes, from the fixture file.

mod common;

use std::io::Write;

use common::{FIXTURE, assert_snapshot, privatelink, stdout};
use predicates::prelude::*;

const S3_A: &str =
    "https://bucket.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com";

#[test]
fn env_prints_one_export_per_sdk_service_and_notes_the_rest_on_stderr() {
    let assert = privatelink()
        .args(["env", "--from-file", FIXTURE, "--az", "us-east-1a"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: no AWS SDK service has `kms-fips` as its endpoint prefix; no variable for vpce-0f1b000000000001a0",
        ))
        .stderr(predicate::str::contains(
            "note: vpce-0a9100000000000e5 serves private REST APIs, called by their own URLs; no variable",
        ));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert_snapshot("env-sh-us-east-1a.txt", &out);
}

/// `privatelink env` for the fixture and us-east-1a in `shell` syntax.
fn env_us_east_1a(shell: &str) -> String {
    stdout(privatelink().args([
        "env",
        "--from-file",
        FIXTURE,
        "--az",
        "us-east-1a",
        "--shell",
        shell,
    ]))
}

#[test]
fn every_shell_syntax_sets_the_same_variables() {
    let line = |shell: &str| {
        let out = env_us_east_1a(shell);
        assert_eq!(out.lines().count(), 9, "{shell}:\n{out}");
        out.lines()
            .find(|l| l.contains("AWS_ENDPOINT_URL_S3") && !l.contains("CONTROL"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(line("sh"), format!("export AWS_ENDPOINT_URL_S3='{S3_A}'"));
    assert_eq!(
        line("fish"),
        format!("set -gx AWS_ENDPOINT_URL_S3 '{S3_A}'")
    );
    assert_eq!(
        line("powershell"),
        format!("$env:AWS_ENDPOINT_URL_S3 = '{S3_A}'")
    );
    assert_eq!(line("dotenv"), format!("AWS_ENDPOINT_URL_S3={S3_A}"));
    // ~/.aws/config: the same services, keyed by the snake_case service id.
    let section = env_us_east_1a("aws-config");
    assert_eq!(
        section.lines().take(2).collect::<Vec<_>>(),
        [
            "# Add `services = privatelink` to a profile to use these endpoints.",
            "[services privatelink]"
        ]
    );
    assert!(
        section.contains(&format!("\ns3 =\n  endpoint_url = {S3_A}\n")),
        "{section}"
    );
    assert_eq!(section.matches("endpoint_url = ").count(), 9, "{section}");
}

#[test]
fn terraform_gets_the_providers_endpoints_block_as_an_override() {
    let assert = privatelink()
        .args(["env", "--from-file", FIXTURE, "--az", "us-east-1a", "--shell", "terraform"])
        .assert()
        .success()
        // SDK services the provider does not manage are noted, not guessed at.
        .stderr(predicate::str::contains(
            "note: the Terraform AWS provider has no endpoint setting for `SageMaker Runtime` (it does not manage that service); none for vpce-05a9000000000000fc",
        ))
        .stderr(predicate::str::contains("`DynamoDB Streams`"));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let block: Vec<&str> = out.lines().skip_while(|l| l.starts_with('#')).collect();
    assert_eq!(
        block,
        [
            "provider \"aws\" {",
            "  endpoints {",
            "    dynamodb  = \"https://vpce-0dd0000000000000d4-pq1x2y3z.dynamodb.us-east-1.vpce.amazonaws.com\"",
            "    ec2       = \"https://vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com\"",
            "    ecr       = \"https://vpce-0ec7000000000000f6-m2n3b4v5.api.ecr.us-east-1.vpce.amazonaws.com\"",
            &format!("    s3        = \"{S3_A}\""),
            "    s3control = \"https://control.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com\"",
            "    ssm       = \"https://vpce-0b0b000000000001b1-b7n8m9l0.ssm.us-east-1.vpce.amazonaws.com\"",
            "    sts       = \"https://vpce-0575000000000000c3-ks83awe7-us-east-1a.sts.us-east-1.vpce.amazonaws.com\"",
            "  }",
            "}",
        ],
        "{out}"
    );
    assert!(out.starts_with("# The VPC's interface endpoints for the Terraform AWS provider (endpoints keys of\n# hashicorp/aws 6.25.0)."), "{out}");
}

#[test]
fn a_posix_shell_evaluating_env_gets_the_variables() {
    let bin = assert_cmd::cargo::cargo_bin("privatelink");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"eval "$("$0" env --from-file "$1" --az us-east-1a 2>/dev/null)" && printf '%s\n' "$AWS_ENDPOINT_URL_S3" "$AWS_ENDPOINT_URL_CLOUDWATCH_LOGS""#)
        .arg(bin)
        .arg(FIXTURE)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // Logs' endpoint is being deleted: no variable, so the SDK keeps its default.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{S3_A}\n\n")
    );
}

#[test]
fn env_for_a_region_without_endpoints_fails_rather_than_print_nothing() {
    privatelink()
        .args(["env", "--from-file", FIXTURE, "--region", "eu-west-1"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::ends_with(
            "error: no usable interface endpoint serves an AWS SDK service in eu-west-1\n",
        ));
}

#[test]
fn env_asks_for_a_region_when_the_endpoints_serve_several() {
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    // One endpoint moved to another region, zonal names and all: two regions, neither the
    // other's cross-region endpoint.
    file.write_all(
        fixture
            .replace("sts.us-east-1.vpce", "sts.eu-west-1.vpce")
            .replace("ks83awe7-us-east-1", "ks83awe7-eu-west-1")
            .as_bytes(),
    )
    .unwrap();
    privatelink()
        .args(["env", "--from-file"])
        .arg(file.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: the endpoints serve several regions (eu-west-1, us-east-1): pass --region",
        ));
    let out = stdout(
        privatelink()
            .args(["env", "--region", "eu-west-1", "--from-file"])
            .arg(file.path()),
    );
    assert!(
        out.starts_with(
            "export AWS_ENDPOINT_URL_STS='https://vpce-0575000000000000c3-ks83awe7.sts.eu-west-1"
        ),
        "{out}"
    );
}

/// A cross-region endpoint (its names carry eu-west-1, its zonal names the VPC's us-east-1
/// zones) does not make the endpoints span regions: env works on the VPC's region and says why
/// the other endpoint has no variable.
#[test]
fn env_works_on_the_vpcs_region_beside_a_cross_region_endpoint() {
    let fixture = std::fs::read_to_string(FIXTURE).unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(
        fixture
            .replace("sts.us-east-1.vpce", "sts.eu-west-1.vpce")
            .as_bytes(),
    )
    .unwrap();
    let assert = privatelink()
        .args(["env", "--from-file"])
        .arg(file.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: vpce-0575000000000000c3 serves `sts` in eu-west-1, not us-east-1; no variable",
        ));
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(out.contains("AWS_ENDPOINT_URL_EC2="), "{out}");
    assert!(!out.contains("AWS_ENDPOINT_URL_STS="), "{out}");
}

fn exec() -> assert_cmd::Command {
    let mut cmd = privatelink();
    cmd.args(["exec", "--from-file", FIXTURE, "--az", "us-east-1a", "--"]);
    cmd
}

#[test]
fn exec_sets_the_variables_replaces_stale_ones_and_keeps_the_rest() {
    let out = stdout(
        exec()
            .args([
                "sh",
                "-c",
                r#"printf '%s\n' "$AWS_ENDPOINT_URL_S3" "$AWS_ENDPOINT_URL_EC2" "$KEEP""#,
            ])
            .env("AWS_ENDPOINT_URL_S3", "https://s3.us-east-1.amazonaws.com")
            .env("KEEP", "kept"),
    );
    assert_eq!(
        out,
        format!(
            "{S3_A}\nhttps://vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com\nkept\n"
        )
    );
    // Exactly the variables env prints.
    let printed = stdout(exec().args(["sh", "-c", "env | grep '^AWS_ENDPOINT_URL_' | sort"]));
    let from_env = env_us_east_1a("dotenv");
    assert_eq!(printed, from_env);
}

#[test]
fn exec_passes_the_exit_status_through() {
    for code in [0, 1, 7, 255] {
        exec()
            .args(["sh", "-c", &format!("exit {code}")])
            .assert()
            .code(code);
    }
    // Arguments that look like options belong to the command.
    let out = stdout(exec().args(["printf", "%s|", "--help", "-x"]));
    assert_eq!(out, "--help|-x|");
}

#[cfg(unix)]
#[test]
fn exec_replaces_the_process_so_signals_reach_the_command() {
    use std::os::unix::process::ExitStatusExt;
    let status = exec()
        .args(["sh", "-c", "kill -TERM $$"])
        .output()
        .unwrap()
        .status;
    assert_eq!(status.signal(), Some(15), "{status:?}");
}

#[test]
fn exec_reports_a_command_that_cannot_run_as_shells_do() {
    exec()
        .arg("privatelink-no-such-command")
        .assert()
        .code(127)
        .stderr(predicate::str::contains(
            "error: cannot run privatelink-no-such-command:",
        ));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
    exec().arg(&script).assert().code(126);
}

#[test]
fn exec_needs_a_command() {
    privatelink()
        .args(["exec", "--from-file", FIXTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<CMD>..."));
}

/// `--az` defaults to `PRIVATELINK_AZ`, as the library's zone does: the same zonal names.
#[test]
fn the_zone_defaults_to_privatelink_az() {
    let from_variable = stdout(privatelink().env("PRIVATELINK_AZ", "us-east-1a").args([
        "env",
        "--from-file",
        FIXTURE,
    ]));
    let from_flag =
        stdout(privatelink().args(["env", "--from-file", FIXTURE, "--az", "us-east-1a"]));
    assert_eq!(from_variable, from_flag);
    assert!(from_flag.contains("-us-east-1a."), "{from_flag}");
    // The flag wins.
    let flag_wins = stdout(privatelink().env("PRIVATELINK_AZ", "us-east-1b").args([
        "env",
        "--from-file",
        FIXTURE,
        "--az",
        "us-east-1a",
    ]));
    assert_eq!(flag_wins, from_flag);
}
