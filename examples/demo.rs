//! The whole privatelink flow on one machine, with no AWS account, no root and no network.
//!
//! `cargo run --example demo`
//!
//! In one process it starts, on loopback, with TLS from a CA made at start-up:
//! - an EC2 peer answering `DescribeVpcEndpoints` for a made-up VPC (it checks SigV4);
//! - an S3 peer (`s3s-fs`) serving the VPC's S3 interface endpoint names (it checks SigV4).
//!
//! Then privatelink discovers the endpoints with a signed EC2 call, and real `aws-sdk-s3` calls
//! go out with their hosts rewritten to the endpoint names. The HTTP client connects each name to
//! its peer's local port, keeping the name for TLS, `Host` and the signature, as a VPC's DNS
//! would send it to the endpoint's network interfaces. Exits non-zero if any step fails.

use std::process::ExitCode;

use aws_credential_types::Credentials;
use aws_sdk_s3::primitives::ByteStream;
use privatelink::core::{EndpointType, Policy, RewriteError};
use privatelink::{PrivateLink, find_rewrite_error};
use privatelink_peers::{LoopbackVpc, VPC_ID, ZONE};
use privatelink_testkit::{ACCESS_KEY_ID, ResolvedHosts, SECRET_ACCESS_KEY};

struct Report {
    failures: usize,
}

impl Report {
    fn step(&mut self, what: &str, result: Result<String, String>) {
        match result {
            Ok(detail) => println!("  ok    {what}{detail}"),
            Err(error) => {
                self.failures += 1;
                println!("  FAIL  {what}: {error}");
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // The S3 peer logs each rejected signature at ERROR; the demo reports that itself.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,s3s=off"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
    match run().await {
        Ok(0) => {
            println!("\nEvery request went through the VPC's endpoints, signed for their names.");
            ExitCode::SUCCESS
        }
        Ok(failures) => {
            println!("\n{failures} step(s) failed.");
            ExitCode::FAILURE
        }
        Err(error) => {
            println!("\nThe demo could not start: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<usize, Box<dyn std::error::Error>> {
    println!("Starting loopback peers (TLS from a test CA; both check SigV4)...");
    let vpc = LoopbackVpc::start().await?;
    let (s3, ec2) = (&vpc.s3, &vpc.ec2);
    let s3_zonal = LoopbackVpc::s3_name(Some(ZONE));
    println!(
        "  S3 peer  {}  serves bucket.{} (+ zonal)",
        s3.address(),
        LoopbackVpc::s3_name(None)
    );
    println!(
        "  EC2 peer {}  serves ec2.us-east-1.amazonaws.com and {}",
        ec2.address(),
        LoopbackVpc::ec2_name(None)
    );
    let http = vpc.http_client();
    let sdk_config = privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .http_client(http)
        .build();

    let mut report = Report { failures: 0 };
    println!("\nDiscovery: DescribeVpcEndpoints for {VPC_ID}, zone {ZONE}");
    let privatelink = PrivateLink::builder()
        .configure(&sdk_config)
        .vpc_id(VPC_ID)
        .zone(ZONE)
        .build()
        .await?;
    let index = privatelink.snapshot().ok_or("no snapshot after build")?;
    report.step(
        "signed DescribeVpcEndpoints accepted by the EC2 peer",
        (ec2.describe_calls() == 1)
            .then(|| format!(" ({} call)", ec2.describe_calls()))
            .ok_or_else(|| {
                format!(
                    "{} calls, {} rejected",
                    ec2.describe_calls(),
                    ec2.rejected()
                )
            }),
    );
    println!(
        "\n  {:<9} {:<24} {:<10} name used from {ZONE}",
        "service", "endpoint", "state"
    );
    for (label, _, _, endpoint) in index.entries() {
        let name = endpoint.name_for(Some(ZONE)).unwrap_or("-");
        let note = if endpoint.is_usable() {
            ""
        } else {
            "   (not used: not available)"
        };
        println!(
            "  {label:<9} {:<24} {:<10} {name}{note}",
            endpoint.endpoint_id(),
            endpoint.state().as_str()
        );
    }
    let others: Vec<_> = index
        .endpoints()
        .iter()
        .filter(|e| e.endpoint_type() != &EndpointType::Interface)
        .collect();
    for endpoint in others {
        println!(
            "  {:<9} {:<24} {:<10} {} endpoint ({}): kept for diagnostics, never a rewrite target",
            "-",
            endpoint.id(),
            endpoint.state().as_str(),
            endpoint.endpoint_type(),
            endpoint.service_name().unwrap_or("no service name")
        );
    }

    println!("\nS3 through the endpoint (aws-sdk-s3, one interceptor per client):");
    // Interceptors run in registration order: `before` sees the host the SDK resolved, `after`
    // the host privatelink sent the request to.
    let (before, after) = (ResolvedHosts::default(), ResolvedHosts::default());
    let s3_client = |path_style: bool| {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk_config)
                .force_path_style(path_style)
                .interceptor(before.clone())
                .interceptor(privatelink.interceptor())
                .interceptor(after.clone())
                .build(),
        )
    };
    let client = s3_client(false);
    let route = |expected: &str| {
        let (from, to) = (
            before.last().unwrap_or_default(),
            after.last().unwrap_or_default(),
        );
        if to == expected {
            Ok(format!("\n          {from}\n       -> {to}"))
        } else {
            Err(format!("sent to {to}, expected {expected}"))
        }
    };
    let bucket_host = format!("demo-bucket.bucket.{s3_zonal}");
    let body = "hello through PrivateLink";

    let result = client.create_bucket().bucket("demo-bucket").send().await;
    report.step(
        "CreateBucket",
        result
            .map_err(|e| format!("{e:?}"))
            .and_then(|_| route(&bucket_host)),
    );
    let result = client
        .put_object()
        .bucket("demo-bucket")
        .key("greeting.txt")
        .body(ByteStream::from_static(body.as_bytes()))
        .send()
        .await;
    report.step(
        "PutObject greeting.txt",
        result
            .map_err(|e| format!("{e:?}"))
            .and_then(|_| route(&bucket_host)),
    );
    let result = match client
        .get_object()
        .bucket("demo-bucket")
        .key("greeting.txt")
        .send()
        .await
    {
        Ok(output) => match output.body.collect().await {
            Ok(bytes) if bytes.clone().into_bytes().as_ref() == body.as_bytes() => {
                route(&bucket_host).map(|r| format!("{r}\n          body round-tripped: {body:?}"))
            }
            Ok(bytes) => Err(format!("unexpected body {:?}", bytes.into_bytes())),
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(format!("{e:?}")),
    };
    report.step("GetObject greeting.txt", result);
    let result = client.list_objects_v2().bucket("demo-bucket").send().await;
    report.step(
        "ListObjectsV2 (virtual-hosted)",
        match result {
            Ok(out) if out.key_count() == Some(1) => route(&bucket_host),
            Ok(out) => Err(format!("listed {:?} keys", out.key_count())),
            Err(e) => Err(format!("{e:?}")),
        },
    );
    let result = s3_client(true)
        .list_objects_v2()
        .bucket("demo-bucket")
        .send()
        .await;
    report.step(
        "ListObjectsV2 (path style)",
        match result {
            Ok(out) if out.key_count() == Some(1) => {
                route(&format!("bucket.{s3_zonal}")).map(|r| format!("{r}  (path /demo-bucket)"))
            }
            Ok(out) => Err(format!("listed {:?} keys", out.key_count())),
            Err(e) => Err(format!("{e:?}")),
        },
    );

    println!("\nThe peers really check signatures:");
    let wrong = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk_config)
            .credentials_provider(Credentials::new(
                ACCESS_KEY_ID,
                "not-the-secret",
                None,
                None,
                "wrong",
            ))
            .interceptor(privatelink.interceptor())
            .build(),
    );
    let result = wrong
        .get_object()
        .bucket("demo-bucket")
        .key("greeting.txt")
        .send()
        .await;
    report.step(
        "a wrong secret is rejected",
        match result {
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => {
                Ok(" (403 SignatureDoesNotMatch from the S3 peer)".to_owned())
            }
            Err(e) => Err(format!("unexpected error {e:?}")),
            Ok(_) => Err("the request was accepted".to_owned()),
        },
    );

    println!("\nStrict mode (fail closed):");
    let strict = PrivateLink::builder()
        .configure(&sdk_config)
        .vpc_id(VPC_ID)
        .zone(ZONE)
        .policy(Policy::Strict)
        .build()
        .await?;
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&sdk_config)
            .interceptor(strict.interceptor())
            .build(),
    );
    report.step(
        "STS (no endpoint in this VPC) is refused before anything is sent",
        match sts.get_caller_identity().send().await {
            Err(e) => match find_rewrite_error(&e) {
                Some(RewriteError::Refused(refused)) => Ok(format!("\n          {refused}")),
                _ => Err(format!("unexpected error {e:?}")),
            },
            Ok(_) => Err("the request was sent".to_owned()),
        },
    );
    Ok(report.failures)
}
