//! `privatelink rewrite`, run as a process: the stdout/stderr/exit-status contract.

use std::io::Write;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::NamedTempFile;

const FIXTURE: &str = "../../testdata/describe-vpc-endpoints.json";
const EC2: &str = "https://vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com/";

fn rewrite() -> Command {
    let mut cmd = Command::cargo_bin("privatelink").unwrap();
    cmd.arg("rewrite");
    cmd
}

fn file(contents: &str) -> NamedTempFile {
    let mut f = NamedTempFile::new().unwrap();
    f.write_all(contents.as_bytes()).unwrap();
    f
}

#[test]
fn one_line_per_url_in_order_and_nothing_else_on_stdout() {
    let out = rewrite()
        .args(["--from-file", FIXTURE])
        .args([
            "https://ec2.us-east-1.amazonaws.com/",
            "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "https://mybucket.s3.us-east-1.amazonaws.com/dir/a%20b.txt?versionId=3",
            "http://localhost:4566/",
            "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/mrap/instances",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            EC2,
            "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "https://mybucket.bucket.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/dir/a%20b.txt?versionId=3",
            "http://localhost:4566/",
            "https://123456789012.control.vpce-053000000000000b2-9hnenorg.s3.us-east-1.vpce.amazonaws.com/v20180820/mrap/instances",
        ]
    );
    // The fixture's ignored DNS entries are reported on stderr, never stdout.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr
            .lines()
            .filter(
                |l| l.starts_with("warning: endpoint vpce-0b0b000000000001b1: ignoring DNS entry")
            )
            .count(),
        3,
        "{stderr}"
    );
}

#[test]
fn zonal_names_with_az() {
    rewrite()
        .args(["--from-file", FIXTURE, "--az", "us-east-1b", "https://ec2.us-east-1.amazonaws.com/"])
        .assert()
        .success()
        .stdout("https://vpce-0ec200000000000a1-4r5zme9n-us-east-1b.ec2.us-east-1.vpce.amazonaws.com/\n");
}

#[test]
fn strict_refusal_prints_nothing_on_stdout_and_exits_1() {
    rewrite()
        .args(["--from-file", FIXTURE, "--strict"])
        .args(["https://ec2.us-east-1.amazonaws.com/", "https://kinesis.us-east-1.amazonaws.com/", "https://sqs.us-east-1.amazonaws.com/"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: strict mode refused a request to the public AWS host `kinesis.us-east-1.amazonaws.com` (service `kinesis`): its interface endpoint vpce-0e1e000000000000a7 is `pending`, not `available`",
        ))
        .stderr(predicate::str::contains(
            "error: strict mode refused a request to the public AWS host `sqs.us-east-1.amazonaws.com` (service `sqs`): the VPC has no interface endpoint for it in us-east-1",
        ));
}

#[test]
fn strict_passes_what_it_can_map_and_non_aws_hosts() {
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "--strict",
            "https://ec2.us-east-1.amazonaws.com/",
            "http://127.0.0.1:9000/x",
        ])
        .assert()
        .success()
        .stdout(format!("{EC2}\nhttp://127.0.0.1:9000/x\n"));
}

#[test]
fn exclude_takes_a_service_out_of_strict_scope() {
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "--strict",
            "--exclude",
            "sqs",
            "https://sqs.us-east-1.amazonaws.com/",
        ])
        .assert()
        .success()
        .stdout("https://sqs.us-east-1.amazonaws.com/\n");
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "--include",
            "s3",
            "https://ec2.us-east-1.amazonaws.com/",
        ])
        .assert()
        .success()
        .stdout("https://ec2.us-east-1.amazonaws.com/\n");
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "--skip-private-dns",
            "https://ec2.us-east-1.amazonaws.com/",
        ])
        .assert()
        .success()
        .stdout("https://ec2.us-east-1.amazonaws.com/\n");
}

#[test]
fn execute_api_header_is_noted_on_stderr() {
    rewrite()
        .args(["--from-file", FIXTURE, "--private-api", "abc123defg", "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod"])
        .assert()
        .success()
        .stdout("https://vpce-0a9100000000000e5-lk4qp2nd.execute-api.us-east-1.vpce.amazonaws.com/prod\n")
        .stderr(predicate::str::contains("must be sent with the header `x-apigw-api-id: abc123defg`"));
}

#[test]
fn reads_the_file_from_stdin() {
    rewrite()
        .args(["--from-file", "-", "https://ec2.us-east-1.amazonaws.com/"])
        .write_stdin(std::fs::read_to_string(FIXTURE).unwrap())
        .assert()
        .success()
        .stdout(format!("{EC2}\n"));
}

#[test]
fn malformed_url_is_named_and_exits_2() {
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "https://ec2.us-east-1.amazonaws.com/",
            "ec2.us-east-1.amazonaws.com",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: invalid URL `ec2.us-east-1.amazonaws.com`: it is not an absolute URL",
        ));
}

#[test]
fn malformed_files_are_named_and_exit_2() {
    let cases = [
        (
            "{",
            "not valid describe-vpc-endpoints JSON: EOF while parsing an object at line 1 column 1",
        ),
        ("{}", "no `VpcEndpoints` array at the top level"),
        (
            r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","ServiceName":"s"}]}"#,
            "VpcEndpoints[0] (vpce-1): missing required field `State`",
        ),
    ];
    for (contents, message) in cases {
        let f = file(contents);
        rewrite()
            .arg("--from-file")
            .arg(f.path())
            .arg("https://ec2.us-east-1.amazonaws.com/")
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(format!(
                "error: invalid endpoint file {}: {message}",
                f.path().display()
            )));
    }
    rewrite()
        .args([
            "--from-file",
            "/nonexistent/endpoints.json",
            "https://ec2.us-east-1.amazonaws.com/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot read endpoint file /nonexistent/endpoints.json: No such file or directory",
        ));
}

#[test]
fn bad_arguments_exit_2() {
    rewrite()
        .args(["--from-file", FIXTURE])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<URL>"));
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "--az",
            "us east",
            "https://ec2.us-east-1.amazonaws.com/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: invalid zone value `us east`",
        ));
}

#[test]
fn help_documents_the_contract_with_an_example() {
    rewrite()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("--from-file <FILE>"))
        .stdout(predicate::str::contains("--strict"))
        .stdout(predicate::str::contains("Exit status:"))
        .stdout(predicate::str::contains(
            "privatelink rewrite --from-file endpoints.json",
        ));
}

#[test]
fn presigned_urls_are_refused_as_invalid_input() {
    for url in [
        "https://mybucket.s3.us-east-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc",
        "https://mybucket.s3.us-east-1.amazonaws.com/k?x-amz-signature=abc#f",
    ] {
        rewrite()
            .args(["--from-file", FIXTURE, url])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("is presigned (X-Amz-Signature)"))
            .stderr(predicate::str::contains(
                "presign through the privatelink interceptor",
            ));
    }
    // A query that only mentions the name is no signature.
    rewrite()
        .args([
            "--from-file",
            FIXTURE,
            "https://mybucket.s3.us-east-1.amazonaws.com/k?prefix=X-Amz-Signature",
        ])
        .assert()
        .success();
}

/// Exit statuses under --strict: user information and names DNS cannot carry are invalid input
/// (2); a public IP address or an endpoint name the VPC does not have is a refusal (1); a private
/// address is not an AWS host and is printed unchanged (0).
#[test]
fn strict_exit_statuses_are_exact() {
    let long = format!("https://{}.s3.us-east-1.amazonaws.com/k", "b".repeat(64));
    #[rustfmt::skip]
    let rows: &[(&str, i32, &str)] = &[
        ("https://user@ec2.us-east-1.amazonaws.com/", 2, "user information"),
        ("https://user:pw@52.94.0.1/", 2, "user information"),
        (&long, 2, "a host DNS cannot carry"),
        ("https://52.94.0.1/", 1, "is a public IP address"),
        ("https://[2600:1f18::1]:443/", 1, "is a public IP address"),
        ("https://vpce-0ffff-12345678.ec2.us-east-1.vpce.amazonaws.com/", 1, "names no endpoint"),
        ("https://ec2.us-iso-east-1.c2s.ic.gov/", 1, "aws-iso partition"),
        ("https://f.lambda-url.us-east-1.on.aws/", 1, "AWS service domain"),
        ("https://abc123defg.execute-api.us-east-1.amazonaws.com/", 1, "not configured as a private API"),
    ];
    for (url, code, message) in rows {
        rewrite()
            .args(["--from-file", FIXTURE, "--strict", url])
            .assert()
            .code(*code)
            .stdout("")
            .stderr(predicate::str::contains(*message));
    }
    rewrite()
        .args(["--from-file", FIXTURE, "--strict", "http://10.0.0.5:8080/x"])
        .assert()
        .success()
        .stdout("http://10.0.0.5:8080/x\n");
}

/// `--exclude s3 --strict`: same-region S3 hosts go around (a gateway endpoint carries them),
/// other regions and forms are refused; the home region is the endpoints' region.
#[test]
fn strict_exclusions_only_open_what_a_gateway_carries() {
    rewrite()
        .args(["--from-file", FIXTURE, "--strict", "--exclude", "s3"])
        .arg("https://b.s3.us-east-1.amazonaws.com/k")
        .assert()
        .success()
        .stdout("https://b.s3.us-east-1.amazonaws.com/k\n");
    for url in [
        "https://b.s3.eu-west-1.amazonaws.com/k",
        "https://b.s3-accelerate.amazonaws.com/k",
        "https://b.s3.dualstack.us-east-1.amazonaws.com/k",
    ] {
        rewrite()
            .args(["--from-file", FIXTURE, "--strict", "--exclude", "s3", url])
            .assert()
            .code(1);
    }
}
