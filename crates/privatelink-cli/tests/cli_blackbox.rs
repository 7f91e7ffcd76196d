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

/// The S3 peer's access-log lines (`METHOD HOST/PATH STATUS`) for `path` with `method` and
/// `status`: the server's own count of what reached it.
fn s3_log_count(path: &str, method: &str, status: u16) -> usize {
    std::fs::read_to_string(var("PRIVATELINK_RIG_S3_LOG"))
        .unwrap()
        .lines()
        .filter(|line| {
            let mut fields = line.split(' ');
            fields.next() == Some(method)
                && fields.next().is_some_and(|target| target.ends_with(path))
                && fields.next() == Some(&status.to_string())
        })
        .count()
}

/// Fleet mode end to end: `privatelink publish` discovers the VPC at moto and writes the
/// document through the S3 interface endpoint's name to the S3 peer process (SigV4 checked), once
/// however often it runs; a thousand reader handles (each with its own cache, as a thousand
/// processes have) load it with one `GetObject` each and then get `304`s; a change in the VPC,
/// published, reaches a reader on its next refresh; a reader whose publisher died refuses under
/// strict exactly `max_stale` after the document's expiry; a reader of another VPC is refused.
#[test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
fn published_by_the_cli_a_document_serves_a_fleet_and_carries_a_vpc_change() {
    use std::time::Duration;

    use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
    use aws_smithy_async::test_util::ManualTimeSource;
    use aws_smithy_async::time::{SharedTimeSource, TimeSource};
    use privatelink::core::{Policy, RefusalReason, RewriteError};
    use privatelink::discovery::{CacheConfig, DiscoveryError};
    use privatelink::{BuildError, PrivateLink};

    let vpc = var("PRIVATELINK_RIG_VPC");
    let bucket = format!("privatelink-fleet-{}", std::process::id());
    let key = "/privatelink/vpc.json";
    let url = format!("s3://{bucket}{key}");
    // Kinesis's endpoint is pending in the seeded VPC; the change this test publishes makes it
    // available, and the test ends by making it pending again.
    let kinesis = r#"$("$PL" exec -- "$AWS" ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=$PRIVATELINK_VPC_ID Name=service-name,Values=com.amazonaws.us-east-1.kinesis-streams --query 'VpcEndpoints[0].VpcEndpointId' --output text)"#;
    let set_kinesis = |state: &str| {
        format!(
            r#"set -e
            "$PL" exec -- "$AWS" ec2 create-tags --resources {kinesis} --tags Key=privatelink:state,Value={state}
            "$PL" publish {url} >/dev/null
            "$PL" exec -- "$AWS" s3 cp {url} -"#
        )
    };

    let out = in_namespace(&format!(
        r#"set -e
        "$PL" exec -- "$AWS" s3api create-bucket --bucket {bucket} >/dev/null
        "$PL" publish {url}
        "$PL" publish {url}
        "$PL" exec -- "$AWS" s3 cp {url} -"#
    ));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let mut lines = stdout.splitn(3, '\n');
    let (written, unchanged, document) = (
        lines.next().unwrap(),
        lines.next().unwrap(),
        lines.next().unwrap(),
    );
    let suffix = format!(" endpoints of {vpc}");
    assert!(
        written.starts_with(&format!("published {url}: ")) && written.ends_with(&suffix),
        "{stdout}"
    );
    assert!(
        unchanged.starts_with(&format!("{url} is up to date: ")) && unchanged.ends_with(&suffix),
        "{stdout}"
    );
    // One PutObject for two runs, and it went to the S3 peer through the endpoint's name.
    assert_eq!(s3_log_count(key, "PUT", 200), 1);
    let document = privatelink::core::parse_document(document).unwrap();
    assert_eq!(document.vpc_id.as_deref(), Some(vpc.as_str()));
    let discovered_at = document.discovered_at.unwrap();

    // Readers: the rig's keys, S3 at the S3 endpoint's name (AWS_ENDPOINT_URL_S3 before any
    // snapshot), which only the S3 peer answers; privatelink's clock starts at the stamp.
    let s3_name = var("PRIVATELINK_RIG_S3_NAMES")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let time = ManualTimeSource::new(discovered_at);
    let config = privatelink_testkit::sdk_config(
        &var("PRIVATELINK_RIG_ACCESS_KEY"),
        &var("PRIVATELINK_RIG_SECRET_KEY"),
    )
    .endpoint_url(format!("https://bucket.{s3_name}"))
    .http_client(privatelink_peers::loopback_http_client(
        &[&std::fs::read_to_string(var("PRIVATELINK_RIG_CA")).unwrap()],
        vec![(
            "s3.us-east-1.vpce.amazonaws.com".into(),
            "127.0.0.10:443".parse().unwrap(),
        )],
    ))
    .time_source(SharedTimeSource::new(time.clone()))
    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
    .build();
    let reader = |vpc: &str| {
        let cache = CacheConfig::builder()
            .ttl(Duration::from_secs(45 * 60))
            .jitter(0.0)
            .max_stale(Duration::from_secs(60 * 60))
            .build()
            .unwrap();
        PrivateLink::builder()
            .configure(&config)
            .endpoints_url(&url)
            .vpc_id(vpc)
            .policy(Policy::Strict)
            .cache_config(cache)
            .build()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // Until now: the second publish's read and the AWS CLI's.
        let fetched = s3_log_count(key, "GET", 200);
        let mut readers = Vec::new();
        for _ in 0..1000 {
            readers.push(reader(&vpc).await.unwrap());
        }
        assert_eq!(s3_log_count(key, "GET", 200) - fetched, 1000);
        let s3_endpoint = var("PRIVATELINK_RIG_S3_ENDPOINT");
        for reader in &readers {
            let index = reader.snapshot().unwrap();
            assert!(
                index.endpoints().iter().any(|e| e.id() == s3_endpoint),
                "{index:?}"
            );
        }
        for reader in &readers {
            reader.refresh().await.unwrap();
        }
        assert_eq!(s3_log_count(key, "GET", 304), 1000);
        assert_eq!(s3_log_count(key, "GET", 200) - fetched, 1000);

        // A change in the VPC, published, reaches a reader on its next refresh.
        let usable = readers[0].snapshot().unwrap().usable_count();
        let out = in_namespace(&set_kinesis("available"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(s3_log_count(key, "PUT", 200), 2);
        assert_eq!(
            readers[0].refresh().await.unwrap().usable_count(),
            usable + 1
        );
        let out = in_namespace(&set_kinesis("pending"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(readers[0].refresh().await.unwrap().usable_count(), usable);
        drop(readers);
        let last_stamp = privatelink::core::parse_document(&text(&out.stdout))
            .unwrap()
            .discovered_at
            .unwrap();

        // The publisher stops. A reader keeps the document until `max_stale` (60 min) past its
        // expiry (45 min), counted from the stamp of the last write, then refuses under strict.
        time.advance(last_stamp.duration_since(time.now()).unwrap());
        let last = reader(&vpc).await.unwrap();
        let resolver = last.dns_resolver();
        let ec2 = "ec2.us-east-1.amazonaws.com";
        time.advance(Duration::from_secs(105 * 60 - 1));
        assert!(resolver.endpoint_name(ec2).unwrap().is_some());
        time.advance(Duration::from_secs(2));
        match resolver.endpoint_name(ec2) {
            Err(RewriteError::Refused(refused)) => {
                assert_eq!(refused.reason(), &RefusalReason::NoSnapshot)
            }
            other => panic!("{other:?}"),
        }

        // A reader of another VPC: an error naming both.
        let err = reader("vpc-0other").await.unwrap_err();
        let BuildError::Discovery(DiscoveryError::File(file)) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(file.other_vpc(), Some((vpc.as_str(), "vpc-0other")));
    });
}
