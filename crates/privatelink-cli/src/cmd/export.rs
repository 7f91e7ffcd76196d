//! `privatelink export`: a versioned endpoint file that the library's file source reads back.

use std::io::Write;

use clap::{Args, ValueEnum};
use privatelink::core::export_json;

use crate::failure::Failure;
use crate::source::SourceArgs;
use crate::ui::Ui;

/// Write the VPC's endpoints as a versioned JSON document (the `describe-vpc-endpoints` shape
/// plus a `PrivateLinkExport` header). Cross-region endpoints are noted on stderr. Fleets that should not all call DescribeVpcEndpoints point
/// `PRIVATELINK_ENDPOINTS_FILE` (or `PrivateLink::builder().endpoints_file(..)`, or
/// `--from-file`) at it.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  the document was printed
  2  invalid input (FILE, arguments)
  3  the endpoints could not be discovered (credentials, region, VPC, EC2 access)

Examples:
  privatelink export --vpc vpc-0abc --region us-east-1 > endpoints.json
  PRIVATELINK_ENDPOINTS_FILE=endpoints.json my-service")]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// JSON, `PrivateLinkExport.Version` 1.
    Json,
}

pub(crate) async fn run(
    args: ExportArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let Format::Json = args.format;
    // The document keeps each endpoint's `ServiceRegion` and names, from which readers tell a
    // cross-region endpoint again; the note says which they are.
    for (label, region, _, endpoint) in loaded.index.entries() {
        if endpoint.is_cross_region() {
            let _ = writeln!(
                stderr,
                "note: {} is cross-region: it serves `{label}` in {region} from the VPC (regional name only); kept with its ServiceRegion",
                endpoint.endpoint_id()
            );
        }
    }
    let text = export_json(
        &loaded.document_endpoints(),
        loaded.vpc_id.as_deref(),
        loaded.region.as_deref(),
        loaded.discovered_at,
    );
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Failure::InvalidInput(e.into()))
}
