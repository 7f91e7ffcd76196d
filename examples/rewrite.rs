//! Real AWS SDK requests rewritten to PrivateLink endpoint names and signed for them.
//!
//! `cargo run --example rewrite [-- describe-vpc-endpoints.json]`
//!
//! No AWS account and no network: the endpoints come from a `describe-vpc-endpoints` file
//! (default: `testdata/describe-vpc-endpoints.json`), and the clients' HTTP client is an
//! in-memory one that records each request instead of sending it. For every request the example
//! prints the host the SDK resolved, the host privatelink sent it to, and whether the SigV4
//! signature, recomputed independently from the recorded request, is valid for that host. It
//! then shows strict mode refusing a request no endpoint serves. Exits non-zero if any check fails.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use privatelink::core::{Policy, RewriteConfig, RewriteError};
use privatelink::{PrivateLinkInterceptor, find_rewrite_error};
use privatelink_testkit::{
    Authorization, ResolvedHosts, SECRET_ACCESS_KEY, uri_host, verify_signature,
};

const DEFAULT_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/describe-vpc-endpoints.json"
);

/// Answers every request with a small valid response and keeps a copy of the request.
fn recording_client(
    sent: Arc<Mutex<Vec<HttpRequest>>>,
) -> impl aws_smithy_runtime_api::client::http::HttpClient {
    infallible_client_fn(move |request: http::Request<SdkBody>| {
        let body = if request.uri().host().is_some_and(|h| h.contains(".sts.")) {
            "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
        } else if request
            .uri()
            .query()
            .is_some_and(|q| q.contains("ListBuckets"))
        {
            "<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>"
        } else {
            "hello from the endpoint"
        };
        sent.lock()
            .unwrap()
            .push(HttpRequest::try_from(request).expect("valid request"));
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(body))
            .unwrap()
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_FILE.to_owned());
    let index = match privatelink::discovery::index_from_file(&path) {
        Ok(index) => index,
        Err(error) => {
            eprintln!(
                "error: {error}: {}",
                std::error::Error::source(&error)
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            return ExitCode::FAILURE;
        }
    };

    println!("Interface endpoints in {path}:");
    println!(
        "  {:<18} {:<10} {:<24} {:<10} regional name",
        "service", "region", "endpoint", "state"
    );
    for (label, region, _, endpoint) in index.entries() {
        println!(
            "  {label:<18} {region:<10} {:<24} {:<10} {}",
            endpoint.endpoint_id(),
            endpoint.state().as_str(),
            endpoint.regional_name().unwrap_or("-")
        );
    }
    for warning in index.warnings() {
        println!("  warning: {warning}");
    }

    let sent = Arc::new(Mutex::new(Vec::new()));
    let resolved = ResolvedHosts::default();
    let sdk_config =
        privatelink_testkit::sdk_config(privatelink_testkit::ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            .http_client(recording_client(sent.clone()))
            .build();
    let config = RewriteConfig::builder()
        .zone("us-east-1a")
        .build()
        .expect("valid config");
    let privatelink = PrivateLinkInterceptor::from_index(index, config);

    // One line per client: add the interceptor to its config.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk_config)
            .interceptor(resolved.clone())
            .interceptor(privatelink.clone())
            .build(),
    );
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&sdk_config)
            .interceptor(resolved.clone())
            .interceptor(privatelink.clone())
            .build(),
    );

    println!("\nRequests (zone us-east-1a preferred):");
    let mut failures = 0;
    let calls: Vec<(&str, Result<(), String>)> = vec![
        (
            "S3 GetObject mybucket/hello.txt",
            s3.get_object()
                .bucket("mybucket")
                .key("hello.txt")
                .send()
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
        ),
        (
            "S3 GetObject my.dotted.bucket/k",
            s3.get_object()
                .bucket("my.dotted.bucket")
                .key("k")
                .send()
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
        ),
        (
            "S3 ListBuckets",
            s3.list_buckets()
                .send()
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
        ),
        (
            "STS GetCallerIdentity",
            sts.get_caller_identity()
                .send()
                .await
                .map(drop)
                .map_err(|e| format!("{e:?}")),
        ),
    ];
    let sent = std::mem::take(&mut *sent.lock().unwrap());
    let resolved = resolved.hosts();
    for (i, (name, result)) in calls.iter().enumerate() {
        let (Some(request), Some(from), Ok(())) = (sent.get(i), resolved.get(i), result) else {
            println!("  {name}: FAILED: {result:?}");
            failures += 1;
            continue;
        };
        let to = uri_host(request.uri());
        let scope = Authorization::of(request)
            .map(|a| format!("{}/{}", a.region, a.service))
            .unwrap_or_default();
        let verdict = match verify_signature(request, SECRET_ACCESS_KEY) {
            Ok(()) if to.contains(".vpce.amazonaws.com") => {
                "signature valid for the endpoint host".to_owned()
            }
            Ok(()) => {
                failures += 1;
                "NOT REWRITTEN".to_owned()
            }
            Err(e) => {
                failures += 1;
                format!("SIGNATURE INVALID: {e}")
            }
        };
        println!("  {name}\n      {from}\n   -> {to}\n      scope {scope}: {verdict}");
    }

    println!(
        "\nStrict mode, S3 with dual-stack enabled (no interface endpoint serves dual-stack hosts):"
    );
    let strict = PrivateLinkInterceptor::new(
        privatelink.cell().clone(),
        RewriteConfig::builder()
            .policy(Policy::Strict)
            .build()
            .expect("valid config"),
    );
    let dual_stack = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk_config)
            .use_dual_stack(true)
            .interceptor(strict)
            .build(),
    );
    match dual_stack
        .get_object()
        .bucket("mybucket")
        .key("k")
        .send()
        .await
    {
        Err(error) => match find_rewrite_error(&error) {
            Some(RewriteError::Refused(refused)) => println!("  refused, nothing sent: {refused}"),
            _ => {
                failures += 1;
                println!("  FAILED: unexpected error {error:?}");
            }
        },
        Ok(_) => {
            failures += 1;
            println!("  FAILED: the request was sent");
        }
    }

    if failures == 0 {
        println!("\nAll requests went to endpoint names with valid signatures.");
        ExitCode::SUCCESS
    } else {
        println!("\n{failures} check(s) failed.");
        ExitCode::FAILURE
    }
}
