//! `privatelink publish`: the VPC's endpoints as an export document in S3, which every process
//! of a fleet reads (`PRIVATELINK_ENDPOINTS_URL`) instead of calling EC2 itself.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use privatelink::core::ServiceEndpoints;
use privatelink::discovery::{PublishError, Published, S3Url, publish};

use crate::failure::{EXIT_UNHEALTHY, Failure, chain};
use crate::source::SourceArgs;
use crate::ui::Ui;

/// Discover the VPC's endpoints (as `endpoints` does) and write them to S3 as an export document
/// (the format `export` prints, with the VPC and the discovery time), which readers load with
/// `PRIVATELINK_ENDPOINTS_URL` — one DescribeVpcEndpoints per VPC however large the fleet. Writes
/// only when the endpoints changed or the document's age stamp is due (`--renew`), with one
/// PutObject, and never an empty or failed discovery over a document. The S3 requests go to
/// the VPC's S3 interface endpoint when it has one (the URL `env` prints as
/// AWS_ENDPOINT_URL_S3), unless AWS_ENDPOINT_URL_S3 is set; else to the default host (a gateway
/// endpoint).
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status (once; with --every it runs until stopped, reporting each round):
  0  the document was written, or was already up to date
  1  the discovery found no endpoints (nothing was written)
  2  invalid input (URL, durations, FILE)
  3  the endpoints could not be discovered, or S3 refused the read or the write

Examples:
  privatelink publish s3://my-bucket/privatelink/vpc-0abc.json
  privatelink publish s3://my-bucket/privatelink/vpc-0abc.json --every 5m
  PRIVATELINK_ENDPOINTS_URL=s3://my-bucket/privatelink/vpc-0abc.json my-service")]
pub(crate) struct PublishArgs {
    /// Where to write: s3://BUCKET/KEY.
    #[arg(value_name = "S3_URL")]
    url: String,

    /// Publish again every DURATION (e.g. 5m, 1h), as a long-running sidecar or service.
    /// Default: once.
    #[arg(long, value_name = "DURATION")]
    every: Option<String>,

    /// Rewrite an unchanged document once its discovery time is this old, so that readers (which
    /// count staleness from it, and keep a stale document `max_stale` past its expiry) keep
    /// their full stale-on-error budget. Default: 5m (with `--every 5m`, every round).
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    renew: String,

    #[command(flatten)]
    source: SourceArgs,
}

/// `30s`, `5m`, `1h`: a positive whole number of seconds, minutes or hours, at most a day.
fn duration(setting: &str, text: &str) -> Result<Duration, Failure> {
    let invalid = || {
        Failure::InvalidInput(
            format!("--{setting} `{text}`: expected a duration like 30s, 5m or 1h (at most 24h)")
                .into(),
        )
    };
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(invalid()),
    };
    let value: u64 = number.parse().map_err(|_| invalid())?;
    let total = value
        .checked_mul(seconds)
        .filter(|s| (1..=86_400).contains(s));
    total.map(Duration::from_secs).ok_or_else(invalid)
}

pub(crate) async fn run(
    args: PublishArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let url = S3Url::parse(&args.url).map_err(|e| Failure::InvalidInput(e.into()))?;
    let every = args
        .every
        .as_deref()
        .map(|t| duration("every", t))
        .transpose()?;
    let renew = duration("renew", &args.renew)?;
    loop {
        let round = once(&args, &url, renew, ui, stdout, stderr).await;
        let Some(every) = every else {
            return round;
        };
        if let Err(failure) = round {
            // Reported; the document stays as it was, and the next round tries again.
            let _ = failure.report(stderr);
        }
        tokio::time::sleep(every).await;
    }
}

/// One round: discover, then publish.
async fn once(
    args: &PublishArgs,
    url: &S3Url,
    renew: Duration,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let endpoints = loaded.document_endpoints();
    let Some(vpc_id) = loaded.vpc_id.clone() else {
        return Err(Failure::InvalidInput(
            "the VPC id is not known (pass --vpc): the document must say which VPC it describes"
                .into(),
        ));
    };
    let sdk_config = args.source.sdk_config().await;
    // A plain describe-vpc-endpoints file says nothing of when: published as discovered now.
    let discovered_at = match (loaded.discovered_at, sdk_config.time_source()) {
        (Some(at), _) => at,
        (None, Some(time)) => time.now(),
        (None, None) => {
            return Err(Failure::Environment(
                "the AWS configuration has no clock to stamp the document with".into(),
            ));
        }
    };
    // The S3 requests go to the VPC's S3 interface endpoint when it has one, by its name (whose
    // certificate every S3 interface endpoint carries): the URL `env` gives the AWS CLI. A
    // configured AWS_ENDPOINT_URL_S3 (or `endpoint_url` in an `[services]` section) wins, as
    // the SDK gives a service's own setting precedence over the shared one set here.
    let s3_endpoint = loaded.region().ok().and_then(|region| {
        ServiceEndpoints::new(&loaded.index, &region, None)
            .services()
            .iter()
            .find(|service| service.service_id() == "S3")
            .map(|service| service.url().to_owned())
    });
    let s3_config = match s3_endpoint {
        Some(url) => sdk_config.to_builder().endpoint_url(url).build(),
        None => sdk_config,
    };
    let published = publish(
        &s3_config,
        url,
        &vpc_id,
        loaded.region.as_deref(),
        &endpoints,
        discovered_at,
        renew,
    )
    .await;
    let line = match published {
        Ok(Published::Written) => {
            format!("published {url}: {} endpoints of {vpc_id}", endpoints.len())
        }
        Ok(Published::Unchanged) => format!(
            "{url} is up to date: {} endpoints of {vpc_id}",
            endpoints.len()
        ),
        Ok(_) => format!("{url}: done"),
        Err(PublishError::Empty) => {
            let _ = writeln!(stderr, "error: {}", PublishError::Empty);
            return Err(Failure::Reported(EXIT_UNHEALTHY));
        }
        Err(error) => return Err(Failure::Environment(chain(&error))),
    };
    writeln!(stdout, "{line}").map_err(|e| Failure::InvalidInput(e.into()))
}
