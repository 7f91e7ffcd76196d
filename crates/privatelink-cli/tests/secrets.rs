//! No secret in any CLI output: every command that calls EC2, run against an EC2 stand-in that
//! answers `SignatureDoesNotMatch` with what a real service may echo — the request's
//! `Authorization` header (with its signature) and its session token — with `RUST_LOG=trace`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::privatelink;

const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYsecret";
const SESSION_TOKEN: &str =
    "IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJHMEUCIQDexamplesessiontokenthatislongenoughtoshow==";

/// An EC2 stand-in that answers every request 403 `SignatureDoesNotMatch`, echoing the request's
/// `Authorization` and `X-Amz-Security-Token` headers in the message; keeps each signature seen.
fn echoing_ec2() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let signatures = Arc::new(Mutex::new(Vec::new()));
    let seen = signatures.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut headers, mut length) = (Vec::new(), 0usize);
            // A bounded request head: 100 lines.
            for _ in 0..100 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let line = line.trim_end().to_owned();
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                headers.push(line);
            }
            let mut body = vec![0; length.min(1 << 20)];
            let _ = std::io::Read::read_exact(&mut reader, &mut body);
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|h| h.to_ascii_lowercase().starts_with(&format!("{name}:")))
                    .map(|h| h[name.len() + 1..].trim().to_owned())
                    .unwrap_or_default()
            };
            let authorization = header("authorization");
            if let Some((_, signature)) = authorization.split_once("Signature=") {
                seen.lock().unwrap().push(signature.to_owned());
            }
            let message = format!(
                "The request signature we calculated does not match the signature you provided. \
                 Authorization: {authorization} x-amz-security-token:{}",
                header("x-amz-security-token")
            );
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>SignatureDoesNotMatch</Code>\
                 <Message>{message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
            );
            let response = format!(
                "HTTP/1.1 403 Forbidden\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (port, signatures)
}

#[test]
fn no_cli_output_shows_a_secret_a_session_token_or_a_signature() {
    let (port, signatures) = echoing_ec2();
    let vpc = ["--vpc", "vpc-0secret", "--region", "us-east-1"];
    let commands: [&[&str]; 6] = [
        &["endpoints"],
        &["endpoints", "--json"],
        &["env"],
        &["export"],
        &["doctor"],
        &["exec", "--", "true"],
    ];
    for command in commands {
        let (args, after) = match command.iter().position(|a| *a == "--") {
            Some(split) => (&command[..split], &command[split..]),
            None => (command, &[][..]),
        };
        let output = privatelink()
            .args(args)
            .args(vpc)
            .args(after)
            .env("AWS_ENDPOINT_URL_EC2", format!("http://127.0.0.1:{port}"))
            .env("AWS_ACCESS_KEY_ID", "AKIDSECRETTEST")
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("RUST_LOG", "trace")
            .env_remove("AWS_PROFILE")
            .env_remove("PRIVATELINK_ENDPOINTS_FILE")
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.code(), Some(3), "{command:?}: {text}");
        // What EC2 said is there, its secrets are not.
        assert!(
            text.contains("SignatureDoesNotMatch"),
            "{command:?}: {text}"
        );
        let seen = signatures.lock().unwrap().clone();
        assert!(!seen.is_empty(), "the stand-in was asked");
        for secret in [SECRET_ACCESS_KEY, SESSION_TOKEN]
            .into_iter()
            .chain(seen.iter().map(String::as_str))
        {
            assert!(
                !text.contains(secret),
                "{command:?} shows `{secret}`:\n{text}"
            );
        }
    }
}
