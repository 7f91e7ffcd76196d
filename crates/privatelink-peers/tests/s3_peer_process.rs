//! The `privatelink-s3-peer` binary (what the rig starts on 127.0.0.10:443), run as a process.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use privatelink_peers::{S3Peer, TestCa, loopback_http_client};
use privatelink_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY};

const PEER: &str = env!("CARGO_BIN_EXE_privatelink-s3-peer");
const ENDPOINT: &str = "vpce-0abc-12345678.s3.us-east-1.vpce.amazonaws.com";

/// Kills the process when dropped, also when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn missing_arguments_print_the_usage_and_exit_2() {
    let output = Command::new(PEER)
        .args(["--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("usage: privatelink-s3-peer --listen ADDR")
    );
}

#[tokio::test]
async fn the_process_serves_signed_s3_requests_for_the_endpoint_names() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new();
    let (cert, key) = ca.issue_pem(&S3Peer::certificate_names(&[ENDPOINT]));
    std::fs::write(dir.path().join("cert.pem"), cert).unwrap();
    std::fs::write(dir.path().join("key.pem"), key).unwrap();
    let root = dir.path().join("data");
    std::fs::create_dir(&root).unwrap();
    let mut child = Command::new(PEER)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--access-key",
            ACCESS_KEY_ID,
            "--secret-key",
            SECRET_ACCESS_KEY,
        ])
        .arg("--cert")
        .arg(dir.path().join("cert.pem"))
        .arg("--key")
        .arg(dir.path().join("key.pem"))
        .arg("--root")
        .arg(&root)
        .args(["--endpoint", ENDPOINT])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let peer = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let address: SocketAddr = line
        .trim()
        .strip_prefix("privatelink-s3-peer listening on ")
        .expect(&line)
        .parse()
        .unwrap();

    let config = privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .http_client(loopback_http_client(
            &[ca.ca_pem()],
            vec![(ENDPOINT.to_owned(), address)],
        ))
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .endpoint_url(format!("https://bucket.{ENDPOINT}"))
            .build(),
    );
    s3.create_bucket()
        .bucket("from-a-process")
        .send()
        .await
        .unwrap();
    assert!(root.join("from-a-process").is_dir());
    drop(peer);
}
