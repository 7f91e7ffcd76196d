//! The S3 peer as a process, for black-box tests that reach S3 through the system resolver.
//!
//! `privatelink-s3-peer --listen 127.0.0.10:443 --cert CERT.pem --key KEY.pem --access-key AK
//!  --secret-key SK --root DIR --endpoint E [--endpoint E…]`
//!
//! Serves `bucket.E` and `<bucket>.bucket.E` for each S3 interface endpoint name `E`, storing
//! buckets as directories of `DIR`, checking SigV4 with the one key pair. Runs until killed,
//! printing one line per request on standard output after the first: `METHOD HOST/PATH STATUS`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use privatelink_peers::{S3Peer, server_config_from_pem};

const USAGE: &str = "usage: privatelink-s3-peer --listen ADDR --cert PEM --key PEM --access-key AK --secret-key SK --root DIR --endpoint NAME...";

#[tokio::main]
async fn main() -> ExitCode {
    let mut options: HashMap<String, Vec<String>> = HashMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let (Some(name), Some(value)) = (flag.strip_prefix("--"), args.next()) else {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        };
        options.entry(name.to_owned()).or_default().push(value);
    }
    let one = |name: &str| options.get(name).and_then(|v| v.first()).cloned();
    let (
        Some(listen),
        Some(cert),
        Some(key),
        Some(access_key),
        Some(secret_key),
        Some(root),
        Some(endpoints),
    ) = (
        one("listen").and_then(|l| l.parse().ok()),
        one("cert"),
        one("key"),
        one("access-key"),
        one("secret-key"),
        one("root"),
        options.get("endpoint"),
    )
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let tls = match server_config_from_pem(&PathBuf::from(cert), &PathBuf::from(key)) {
        Ok(tls) => tls,
        Err(error) => {
            eprintln!("error: TLS certificate: {error}");
            return ExitCode::FAILURE;
        }
    };
    let names: Vec<&str> = endpoints.iter().map(String::as_str).collect();
    match S3Peer::serve(
        listen,
        tls,
        &names,
        &access_key,
        &secret_key,
        &PathBuf::from(root),
        true,
    )
    .await
    {
        Ok(peer) => {
            println!("privatelink-s3-peer listening on {}", peer.address());
            std::future::pending::<()>().await;
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
