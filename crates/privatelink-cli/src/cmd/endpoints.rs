//! `privatelink endpoints`: the VPC's endpoints as privatelink sees them.

use std::io::Write;

use clap::Args;
use privatelink::core::{EndpointType, IndexedEndpoint, Policy, VpcEndpoint};
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::source::{Loaded, SourceArgs};
use crate::ui::Ui;

/// List the VPC's endpoints: service label, region, id, type, state, private DNS, and the
/// regional and zonal names requests are rewritten to. Gateway endpoints and endpoints that are
/// not used (not `available`, no usable names) are marked.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  the table (or JSON) was printed
  2  invalid input (FILE, arguments)
  3  the endpoints could not be discovered (credentials, region, VPC, EC2 access)

Examples:
  privatelink endpoints --vpc vpc-0abc --region us-east-1
  privatelink endpoints --from-file endpoints.json --json | jq '.[] | select(.usable)'")]
pub(crate) struct EndpointsArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// Print JSON (an array, one object per endpoint, keys sorted) instead of a table.
    #[arg(long)]
    json: bool,
}

/// One row: an endpoint and, for interface endpoints, the names it serves.
struct Row<'a> {
    endpoint: &'a VpcEndpoint,
    names: Vec<(&'a str, &'a str, &'a IndexedEndpoint)>,
    /// For gateway endpoints: whether same-region requests for its service stay on it.
    gateway_used: Option<bool>,
}

impl Row<'_> {
    /// Whether the endpoint serves another region than its VPC's (its zonal names carry the
    /// VPC's zones): only its regional name is used.
    fn cross_region(&self) -> bool {
        self.names.iter().any(|(_, _, e)| e.is_cross_region())
    }

    fn note(&self) -> &'static str {
        match self.endpoint.endpoint_type() {
            EndpointType::Gateway => match self.gateway_used {
                Some(true) => "gateway: same-region requests stay on it (inside the VPC; free)",
                Some(false) if self.endpoint.state().is_available() => {
                    "gateway: not used (not located inside the VPC, or --strict; --gateway-endpoints use)"
                }
                _ => "gateway: not used: not available",
            },
            EndpointType::Interface if !self.endpoint.state().is_available() => {
                "not used: not available"
            }
            EndpointType::Interface if self.names.is_empty() => "not used: no endpoint DNS names",
            EndpointType::Interface if self.cross_region() => {
                "cross-region: serves another region than its VPC's; regional name only"
            }
            EndpointType::Interface => "",
            _ => "skipped: privatelink does not use this endpoint type",
        }
    }
}

pub(crate) async fn run(
    args: EndpointsArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let rows = rows(&loaded, loaded.uses_gateways(Policy::Prefer));
    let zone = loaded.zone.as_deref();
    let output = if args.json {
        json_output(&rows)
    } else {
        table(&rows, zone, ui)
    };
    stdout
        .write_all(output.as_bytes())
        .map_err(|e| Failure::InvalidInput(e.into()))
}

fn rows(loaded: &Loaded, gateways: bool) -> Vec<Row<'_>> {
    let used: Vec<&str> = loaded.index.gateways().map(|(_, _, id)| id).collect();
    let entries = loaded.index.entries();
    let mut rows: Vec<Row<'_>> = loaded
        .index
        .endpoints()
        .iter()
        .map(|endpoint| Row {
            endpoint,
            names: entries
                .iter()
                .filter(|(_, _, _, e)| e.endpoint_id() == endpoint.id())
                .map(|(label, region, _, e)| (*label, *region, *e))
                .collect(),
            gateway_used: (*endpoint.endpoint_type() == EndpointType::Gateway)
                .then(|| gateways && used.contains(&endpoint.id())),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &Row<'_>| {
            (
                r.names
                    .first()
                    .map(|n| n.0)
                    .or(r.endpoint.service_name())
                    .unwrap_or("-")
                    .to_owned(),
                r.endpoint.id().to_owned(),
            )
        };
        key(a).cmp(&key(b))
    });
    rows
}

fn table(rows: &[Row<'_>], zone: Option<&str>, ui: Ui) -> String {
    let mut lines = vec![
        [
            "SERVICE",
            "REGION",
            "ENDPOINT",
            "TYPE",
            "STATE",
            "PRIVATE DNS",
            "NAME USED",
            "ZONAL NAMES",
            "NOTE",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in rows {
        let (label, region, name, zonal) = match row.names.first() {
            Some((label, region, e)) => (
                (*label).to_owned(),
                (*region).to_owned(),
                e.name_for(zone).unwrap_or("-").to_owned(),
                e.zonal_names()
                    .map(|(z, _)| z)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            None => (
                row.endpoint.service_name().unwrap_or("-").to_owned(),
                "-".into(),
                "-".into(),
                String::new(),
            ),
        };
        lines.push(vec![
            label,
            region,
            row.endpoint.id().to_owned(),
            row.endpoint.endpoint_type().as_str().to_owned(),
            row.endpoint.state().as_str().to_owned(),
            if row.endpoint.private_dns_enabled() {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
            name,
            if zonal.is_empty() { "-".into() } else { zonal },
            row.note().to_owned(),
        ]);
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, line) in lines.into_iter().enumerate() {
        let (note, cells) = line.split_last().expect("rows have cells");
        let note = if n == 0 {
            note.clone()
        } else {
            ui.paint(note, "33")
        };
        let cells: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let row = format!("{}  {note}", cells.join("  "));
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn json_output(rows: &[Row<'_>]) -> String {
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            let names = row.names.first();
            // Keys in sorted order: the same bytes whether or not serde_json preserves order.
            let options = row.endpoint.dns_options();
            json!({
                "crossRegion": row.cross_region(),
                "dnsOptions": {
                    "dnsRecordIpType": options.dns_record_ip_type.as_ref().map(|t| t.as_str()),
                    "privateDnsOnlyForInboundResolverEndpoint": options.private_dns_only_for_inbound_resolver_endpoint,
                },
                "dualStack": names.map(|n| n.2.serves_ipv6()),
                "endpointId": row.endpoint.id(),
                "fips": names.map(|n| n.0.ends_with("-fips")),
                "gatewayUsed": row.gateway_used,
                "ipAddressType": row.endpoint.ip_address_type().map(|t| t.as_str()),
                "note": row.note(),
                "privateDnsEnabled": row.endpoint.private_dns_enabled(),
                "region": names.map(|n| n.1),
                "regionalName": names.and_then(|n| n.2.regional_name()),
                "service": names.map(|n| n.0),
                "serviceName": row.endpoint.service_name(),
                "state": row.endpoint.state().as_str(),
                "type": row.endpoint.endpoint_type().as_str(),
                "usable": row.endpoint.is_usable() && names.is_some(),
                "zonalNames": names.map(|n| n.2.zonal_names().map(|(z, name)| (z.to_owned(), json!(name))).collect::<serde_json::Map<_, _>>()),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).expect("JSON values serialize");
    text.push('\n');
    text
}
