//! Discover this VPC's endpoints with the standard AWS configuration, and show where requests
//! would go.
//!
//! `cargo run --example discover [-- URL...]`
//!
//! Uses the default credential chain and region (`AWS_PROFILE`, `AWS_REGION`, …), and finds the
//! VPC from `PRIVATELINK_VPC_ID` or instance/task metadata (`PRIVATELINK_AZ` picks zonal names).
//! Needs `ec2:DescribeVpcEndpoints`. Prints the location, the endpoints, and each URL rewritten
//! (default URLs: EC2, STS and an S3 object in the configured region).

use std::process::ExitCode;

use privatelink::{Outcome, PrivateLink, Unchanged};

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
    let urls: Vec<String> = match std::env::args().skip(1).collect::<Vec<_>>() {
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
    ExitCode::SUCCESS
}
