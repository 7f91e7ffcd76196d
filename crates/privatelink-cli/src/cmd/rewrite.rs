//! `privatelink rewrite`: print request URLs as privatelink would send them.

use std::io::Write;

use clap::Args;
use privatelink::core::{Outcome, RewriteError};
use privatelink::{Policy, RewriteConfig};

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
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  every URL printed
  1  --strict refused at least one URL (a public AWS host with no usable endpoint)
  2  invalid input: unreadable or malformed FILE, a malformed URL, bad arguments
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

    /// Leave requests to endpoints with private DNS enabled on their default host.
    #[arg(long)]
    skip_private_dns: bool,

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
    let mut builder = RewriteConfig::builder()
        .policy(if args.strict {
            Policy::Strict
        } else {
            Policy::Prefer
        })
        .skip_private_dns_endpoints(args.skip_private_dns);
    builder.set_zone(args.source.az.clone());
    for service in args.include {
        builder = builder.include_service(service);
    }
    for service in args.exclude {
        builder = builder.exclude_service(service);
    }
    let config = builder.build().map_err(|e| invalid(e.into()))?;
    let loaded = args.source.load(ui, stderr).await?;
    let index = loaded.index;

    let mut lines = Vec::with_capacity(args.urls.len());
    let mut worst = None;
    for url in &args.urls {
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
