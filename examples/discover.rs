//! Discover this VPC's endpoints with the standard AWS configuration, and show where requests
//! would go.
//!
//! `cargo run --example discover [-- [--s3-roundtrip BUCKET] URL...]`
//!
//! Uses the default credential chain and region (`AWS_PROFILE`, `AWS_REGION`, …), and finds the
//! VPC from `PRIVATELINK_VPC_ID` or instance/task metadata (`PRIVATELINK_AZ` picks zonal names).
//! Needs `ec2:DescribeVpcEndpoints`. Prints the location, the endpoints, and each URL rewritten
//! (default URLs: EC2, STS and an S3 object in the configured region). With `--s3-roundtrip
//! BUCKET` it also creates BUCKET and writes and reads an object through the S3 endpoint.

use std::process::ExitCode;

use privatelink::PrivateLink;
use privatelink::core::{Outcome, Unchanged};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let region = sdk_config
        .region()
        .map_or("us-east-1".to_owned(), ToString::to_string);
    let privatelink = match PrivateLink::builder().configure(&sdk_config).build().await {
        Ok(privatelink) => privatelink,
        Err(error) => {
            let cause = std::error::Error::source(&error)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            eprintln!("error: {error}{cause}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(location) = privatelink.location() {
        println!(
            "VPC {} (from {}), zone {}",
            location.vpc_id(),
            location.found_by(),
            location.zone().unwrap_or("not set: regional names")
        );
    }
    let Some(index) = privatelink.snapshot() else {
        eprintln!("error: no endpoints loaded");
        return ExitCode::FAILURE;
    };
    let zone = privatelink.rewrite_config().zone();
    for (label, region, _, endpoint) in index.entries() {
        let usable = if endpoint.is_usable() {
            ""
        } else {
            " (not used)"
        };
        println!(
            "endpoint {label} {region} {} {} {}{usable}",
            endpoint.endpoint_id(),
            endpoint.state(),
            endpoint.name_for(zone).unwrap_or("-")
        );
    }
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let roundtrip = match args.iter().position(|a| a == "--s3-roundtrip") {
        Some(at) if at + 1 < args.len() => Some(args.drain(at..=at + 1).nth(1).unwrap_or_default()),
        Some(_) => {
            eprintln!("error: --s3-roundtrip needs a bucket name");
            return ExitCode::FAILURE;
        }
        None => None,
    };
    let urls: Vec<String> = match args {
        urls if !urls.is_empty() => urls,
        _ => vec![
            format!("https://ec2.{region}.amazonaws.com/"),
            format!("https://sts.{region}.amazonaws.com/"),
            format!("https://example-bucket.s3.{region}.amazonaws.com/key"),
        ],
    };
    for url in &urls {
        match privatelink.rewrite_config().rewrite_url(Some(&index), url) {
            Ok(Outcome::Rewritten(rewritten)) => println!("rewrite {url} -> {}", rewritten.url()),
            Ok(Outcome::Unchanged(Unchanged::NotMapped { reason, .. })) => {
                println!("rewrite {url} unchanged: {reason}")
            }
            Ok(Outcome::Unchanged(_)) => println!("rewrite {url} unchanged"),
            Err(error) => println!("rewrite {url} refused: {error}"),
        }
    }
    if let Some(bucket) = roundtrip
        && let Err(error) = s3_roundtrip(&sdk_config, &privatelink, &bucket).await
    {
        eprintln!(
            "error: S3 round trip: {}",
            aws_smithy_types::error::display::DisplayErrorContext(error.as_ref())
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// CreateBucket, PutObject and GetObject through the interceptor; prints where they went.
async fn s3_roundtrip(
    sdk_config: &aws_config::SdkConfig,
    privatelink: &PrivateLink,
    bucket: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let sent = privatelink_testkit::ResolvedHosts::default();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk_config)
            .interceptor(privatelink.interceptor())
            .interceptor(sent.clone())
            .build(),
    );
    s3.create_bucket().bucket(bucket).send().await?;
    let body = b"round trip through the S3 interface endpoint";
    s3.put_object()
        .bucket(bucket)
        .key("roundtrip.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(body))
        .send()
        .await?;
    let read = s3
        .get_object()
        .bucket(bucket)
        .key("roundtrip.txt")
        .send()
        .await?;
    if read.body.collect().await?.into_bytes().as_ref() != body {
        return Err("the object read back differs".into());
    }
    let hosts = sent.hosts();
    if let Some(host) = hosts
        .first()
        .filter(|first| hosts.iter().all(|h| h == *first))
    {
        println!("s3 roundtrip ok via {host}");
        Ok(())
    } else {
        Err(format!("requests went to {hosts:?}").into())
    }
}
