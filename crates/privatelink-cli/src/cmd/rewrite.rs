//! `privatelink rewrite`: print request URLs as privatelink would send them.

use std::io::Write;

use clap::Args;
use privatelink::core::{Outcome, Policy, RewriteConfig, RewriteError};

use crate::failure::{EXIT_INVALID_INPUT, EXIT_REFUSED, Failure, chain};
use crate::source::SourceArgs;
use crate::ui::Ui;

/// Rewrite AWS request URLs to the VPC's interface endpoint names.
///
/// For each URL, in order, prints one line on stdout: the rewritten URL, or the URL unchanged
/// when no endpoint matches it (or it is not an AWS URL). Only the host changes; scheme, port,
/// path and query are kept byte for byte. stdout carries nothing else: warnings (for example
/// about ignored DNS entries) and notes go to stderr.
///
/// All or nothing: if any URL is malformed, or `--strict` refuses one, each problem is reported
/// on stderr, nothing is printed on stdout, and the exit status is non-zero.
///
/// A presigned URL (one carrying `X-Amz-Signature`) is refused as invalid input: its signature
/// covers the host, so a rewritten copy would be rejected. Presign through the interceptor
/// instead, which signs the endpoint host.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  every URL printed
  1  --strict refused at least one URL: a public AWS host (or public IP address) with no
     usable endpoint, or an endpoint name the VPC does not have
  2  invalid input: unreadable or malformed FILE, a malformed URL (user information such as
     `user@`, a host DNS cannot carry), a presigned URL, bad arguments
  3  the endpoints could not be discovered (credentials, region, VPC, EC2 access)

Examples:
  privatelink rewrite --vpc vpc-0abc --region us-east-1 https://ec2.us-east-1.amazonaws.com/
  aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0abc > endpoints.json
  privatelink rewrite --from-file endpoints.json https://ec2.us-east-1.amazonaws.com/
  privatelink rewrite --from-file endpoints.json --az us-east-1a --strict \\
      'https://mybucket.s3.us-east-1.amazonaws.com/key.txt' https://sts.us-east-1.amazonaws.com/")]
pub(crate) struct RewriteArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// Fail closed: refuse URLs to public AWS hosts that no usable endpoint serves.
    #[arg(long)]
    strict: bool,

    /// Only rewrite these services (endpoint labels such as s3, ec2, api.ecr); repeatable.
    #[arg(long, value_name = "SERVICE")]
    include: Vec<String>,

    /// Never rewrite (nor refuse) these services, e.g. s3 reached through a gateway endpoint; repeatable.
    #[arg(long, value_name = "SERVICE")]
    exclude: Vec<String>,

    /// Leave requests to endpoints with private DNS enabled on their default host, where the
    /// endpoint's private DNS covers it.
    #[arg(long)]
    skip_private_dns: bool,

    /// Rewrite requests to this private REST API (`<id>.execute-api…`) to the execute-api
    /// endpoint; repeatable. Other API hosts are left alone (refused with --strict).
    #[arg(long, value_name = "API_ID")]
    private_api: Vec<String>,

    /// The URLs to rewrite.
    #[arg(value_name = "URL", required = true)]
    urls: Vec<String>,
}

pub(crate) async fn run(
    args: RewriteArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let invalid = |e: Box<dyn std::error::Error>| Failure::InvalidInput(e);
    let policy = if args.strict {
        Policy::Strict
    } else {
        Policy::Prefer
    };
    let mut builder = RewriteConfig::builder()
        .policy(policy)
        .skip_private_dns_endpoints(args.skip_private_dns);
    for service in args.include {
        builder = builder.include_service(service);
    }
    for service in args.exclude {
        builder = builder.exclude_service(service);
    }
    for api in args.private_api {
        builder = builder.private_api(api);
    }
    let loaded = args.source.load(ui, stderr).await?;
    // The home region, for what --exclude lets through under --strict: --region, the AWS
    // configuration's, or the only region the endpoints serve.
    builder.set_region(loaded.region().ok());
    builder.set_zone(loaded.zone.clone());
    let builder = builder.gateway_endpoints(loaded.uses_gateways(policy));
    let config = builder.build().map_err(|e| invalid(e.into()))?;
    let index = loaded.index;

    let mut lines = Vec::with_capacity(args.urls.len());
    let mut worst = None;
    for url in &args.urls {
        if is_presigned(url) {
            let _ = writeln!(
                stderr,
                "error: {url} is presigned (X-Amz-Signature): its signature covers the host, so a rewritten copy would be refused; presign through the privatelink interceptor instead"
            );
            worst = worst.max(Some(EXIT_INVALID_INPUT));
            continue;
        }
        match config.rewrite_url(Some(&index), url) {
            Ok(Outcome::Rewritten(rewritten)) => {
                if let Some((name, value)) = rewritten.header() {
                    let _ = writeln!(
                        stderr,
                        "note: {} must be sent with the header `{name}: {value}`",
                        rewritten.url()
                    );
                }
                lines.push(rewritten.into_url());
            }
            Ok(Outcome::Unchanged(_)) => lines.push(url.clone()),
            Err(error) => {
                let _ = writeln!(stderr, "error: {}", chain(&error));
                let code = match error {
                    RewriteError::Refused(_) => EXIT_REFUSED,
                    _ => EXIT_INVALID_INPUT,
                };
                worst = worst.max(Some(code));
            }
        }
    }
    if let Some(code) = worst {
        return Err(Failure::Reported(code));
    }
    for line in lines {
        writeln!(stdout, "{line}").map_err(|e| invalid(e.into()))?;
    }
    Ok(())
}

/// Whether `url`'s query carries a SigV4 signature (`X-Amz-Signature`, any case).
fn is_presigned(url: &str) -> bool {
    let query = url.split('#').next().and_then(|u| u.split_once('?'));
    query.is_some_and(|(_, query)| {
        query.split('&').any(|pair| {
            pair.split('=')
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("x-amz-signature"))
        })
    })
}
