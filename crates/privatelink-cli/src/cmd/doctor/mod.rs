//! `privatelink doctor`: can this machine reach the VPC's endpoints, and which mode fits them?
//!
//! `mod.rs` plans the checks from the endpoint data; `probe.rs` makes them (DNS, TCP, TLS),
//! `verifier.rs` is the TLS client they use, `report.rs` prints the findings.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use clap::Args;
use privatelink::core::{EndpointIndex, Policy};

use crate::failure::{EXIT_UNHEALTHY, Failure};
use crate::source::SourceArgs;
use crate::ui::Ui;

mod probe;
mod report;
mod verifier;

/// Check that this machine reaches the VPC's interface endpoints, and say which privatelink mode
/// fits each.
///
/// For each usable endpoint of the region (or of --services): its regional name (and the zonal
/// name of --az) — the DNS answer (private or public addresses, or none), a TCP connection to
/// port 443, a TLS handshake validated against the system trust store (SSL_CERT_FILE and
/// SSL_CERT_DIR are honoured, as by the AWS SDK), and whether the certificate names the endpoint
/// name (rewrite mode) and the default service name (dial mode). Then: whether the default name
/// resolves privately when private DNS is on, S3/DynamoDB gateway endpoints (free for in-region
/// traffic), and requested services that no endpoint serves.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  healthy: no check failed (warnings allowed)
  1  a check failed, or a requested service has no usable endpoint
  2  invalid input (FILE, arguments)
  3  the endpoints could not be discovered (credentials, region, VPC, EC2 access)

Examples:
  privatelink doctor --vpc vpc-0abc --region us-east-1
  privatelink doctor --services s3,sts,ecr --az us-east-1a
  privatelink doctor --from-file endpoints.json --json | jq '.findings[] | select(.status != \"ok\")'")]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// Only these services (endpoint labels such as s3, sts, api.ecr), comma-separated; each must
    /// have a usable endpoint. Default: every endpoint of the region.
    #[arg(long, value_name = "SERVICES", value_delimiter = ',')]
    services: Vec<String>,

    /// Seconds (1 to 600) to wait for each DNS answer, TCP connection and TLS handshake.
    #[arg(long, value_name = "SECONDS", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,

    /// Print JSON (`{"findings": [...], "healthy": bool, "region": ...}`, keys sorted).
    #[arg(long)]
    json: bool,
}

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }

    /// The ANSI colour of the status word.
    fn sgr(self) -> &'static str {
        match self {
            Status::Ok => "32",
            Status::Warn => "33",
            Status::Fail => "1;31",
        }
    }
}

/// One check's result.
#[derive(Clone, Debug)]
struct Finding {
    service: String,
    endpoint_id: Option<String>,
    host: Option<String>,
    check: &'static str,
    status: Status,
    detail: String,
}

impl Finding {
    /// Report order: per service, the endpoint, then each name's DNS, TCP and TLS, then private
    /// DNS and gateway advice.
    fn order_key(&self) -> (&str, u8, Option<&str>, u8, &str) {
        let (group, step) = match self.check {
            "endpoint" | "state" => (0, 0),
            "dns" => (1, 0),
            "tcp" => (1, 1),
            "tls" => (1, 2),
            "private-dns" => (2, 0),
            _ => (3, 0),
        };
        (
            &self.service,
            group,
            self.host.as_deref(),
            step,
            &self.detail,
        )
    }
}

/// What to check for one endpoint name.
struct Target {
    service: String,
    endpoint_id: String,
    /// The host requests would use in rewrite mode (S3: `bucket.<name>`).
    host: String,
    /// The service's default host (dial mode keeps it).
    default_host: String,
}

pub(crate) async fn run(
    args: DoctorArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let region = loaded.region()?;
    let timeout = Duration::from_secs(args.timeout);
    let requested: BTreeSet<&str> = args.services.iter().map(String::as_str).collect();
    let mut findings = Vec::new();
    let mut targets = Vec::new();
    let mut private_dns = Vec::new();
    let mut served = BTreeSet::new();
    for (label, suffix, endpoint) in loaded.index.in_region(&region) {
        if !requested.is_empty() && !requested.contains(label) {
            continue;
        }
        let finding = |check, status, detail: String| Finding {
            service: label.to_owned(),
            endpoint_id: Some(endpoint.endpoint_id().to_owned()),
            host: None,
            check,
            status,
            detail,
        };
        if !endpoint.is_usable() {
            // An endpoint being created or deleted is news, not a fault, unless it was asked for.
            let status = if requested.is_empty() {
                Status::Warn
            } else {
                Status::Fail
            };
            findings.push(finding(
                "state",
                status,
                format!("{}: not used until available", endpoint.state().as_str()),
            ));
            continue;
        }
        served.insert(label);
        let default_host = suffix.default_host(label, &region);
        let mut names: Vec<&str> = endpoint.regional_name().into_iter().collect();
        if let Some(zonal) = loaded.zone.as_deref().and_then(|az| {
            endpoint
                .zonal_names()
                .find(|(zone, _)| *zone == az)
                .map(|(_, name)| name)
        }) {
            names.push(zonal);
        }
        for name in names {
            targets.push(Target {
                service: label.to_owned(),
                endpoint_id: endpoint.endpoint_id().to_owned(),
                host: endpoint.base_host(name),
                default_host: default_host.clone(),
            });
        }
        if let Some(kind) = loaded
            .index
            .endpoints()
            .iter()
            .find(|e| e.id() == endpoint.endpoint_id())
            .and_then(|e| e.dns_options().dns_record_ip_type.as_ref())
            .filter(|kind| !kind.has_ipv4())
        {
            findings.push(finding(
                "dns-records",
                Status::Warn,
                format!(
                    "DnsRecordIpType {kind}: the endpoint's names have AAAA records only; this host needs IPv6 to reach them"
                ),
            ));
        }
        if endpoint.serves_ipv6() {
            findings.push(finding(
                "ip-type",
                Status::Ok,
                "serves IPv6: the SDK's dual-stack hosts (use_dual_stack) go here".to_owned(),
            ));
        }
        if let Some(service) = label.strip_suffix("-fips") {
            findings.push(finding(
                "fips",
                Status::Ok,
                format!(
                    "FIPS endpoint: `{service}-fips` and `fips.{service}` hosts (use_fips) go here, never to a non-FIPS endpoint"
                ),
            ));
        }
        if endpoint.private_dns_in_vpc() {
            private_dns.push((
                label.to_owned(),
                endpoint.endpoint_id().to_owned(),
                default_host,
            ));
        } else if endpoint.private_dns_enabled() {
            findings.push(finding(
                "private-dns",
                Status::Ok,
                format!(
                    "only for inbound resolver endpoints (on-premises clients): inside the VPC {default_host} keeps its public answer; privatelink rewrite or dial mode sends requests here"
                ),
            ));
        } else {
            findings.push(finding(
                "private-dns",
                Status::Ok,
                format!(
                    "off: {default_host} is the public endpoint; privatelink rewrite or dial mode sends requests here"
                ),
            ));
        }
    }
    for label in requested.difference(&served) {
        if !findings.iter().any(|f| f.service == *label) {
            findings.push(Finding {
                service: (*label).to_owned(),
                endpoint_id: None,
                host: None,
                check: "endpoint",
                status: Status::Fail,
                detail: format!(
                    "no interface endpoint in {region}: requests go to the public endpoint (strict mode refuses them)"
                ),
            });
        }
    }
    // Cross-region endpoints: this VPC's endpoints for services of other regions.
    for (label, other, _, endpoint) in loaded.index.entries() {
        if other == region
            || !endpoint.is_cross_region()
            || (!requested.is_empty() && !requested.contains(label))
        {
            continue;
        }
        findings.push(Finding {
            service: label.to_owned(),
            endpoint_id: Some(endpoint.endpoint_id().to_owned()),
            host: None,
            check: "cross-region",
            status: Status::Ok,
            detail: format!(
                "serves {label} in {other} from this VPC: requests for {other} go to its regional name {} (AWS supports no zonal names across regions)",
                endpoint.regional_name().unwrap_or("-")
            ),
        });
    }
    findings.extend(
        gateway_findings(
            &loaded.index,
            &region,
            &served,
            loaded.uses_gateways(Policy::Prefer),
        )
        .into_iter()
        .filter(|f| requested.is_empty() || requested.contains(f.service.as_str())),
    );

    ui.progress(&format!("checking {} endpoint names", targets.len()));
    let mut tasks = tokio::task::JoinSet::new();
    // The trust store is loaded only when there is a handshake to make.
    if !targets.is_empty() {
        let connector = verifier::connector()?;
        for target in targets {
            let connector = connector.clone();
            tasks.spawn(async move { probe::check_name(target, connector, timeout).await });
        }
    }
    for (label, endpoint_id, host) in private_dns {
        tasks.spawn(async move {
            vec![probe::check_private_dns(label, endpoint_id, host, timeout).await]
        });
    }
    while let Some(result) = tasks.join_next().await {
        findings.extend(result.expect("checks do not panic"));
    }
    ui.done();
    findings.sort_by(|a, b| a.order_key().cmp(&b.order_key()));

    let healthy = findings.iter().all(|f| f.status != Status::Fail);
    let text = if args.json {
        report::json_report(&findings, healthy, &region)
    } else {
        report::text_report(&findings, healthy, &region, ui)
    };
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Failure::InvalidInput(e.into()))?;
    if healthy {
        Ok(())
    } else {
        Err(Failure::Reported(EXIT_UNHEALTHY))
    }
}

/// Gateway endpoints of the region, and interface endpoints that a free gateway endpoint could
/// replace.
fn gateway_findings(
    index: &EndpointIndex,
    region: &str,
    served: &BTreeSet<&str>,
    used: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for service in ["s3", "dynamodb"] {
        let gateway = index.gateway(service, region);
        let detail = match (gateway, served.contains(service)) {
            (Some(_), true) if used => format!(
                "gateway endpoint used: this process runs inside the VPC, so in-region {service} requests stay on their default host through it (free); the interface endpoint serves the rest"
            ),
            (Some(_), true) => format!(
                "gateway endpoint not used: this process was not located inside the VPC (or --gateway-endpoints ignore), so in-region {service} requests go to the interface endpoint, billed per hour and GB; inside the VPC `--gateway-endpoints auto` (the default) uses the gateway for free"
            ),
            (Some(_), false) => format!(
                "gateway endpoint present: {service} requests from this VPC's route tables use it without privatelink"
            ),
            (None, true) => format!(
                "no gateway endpoint: one is free for in-region {service} traffic from the VPC's subnets"
            ),
            (None, false) => continue,
        };
        findings.push(Finding {
            service: service.to_owned(),
            endpoint_id: gateway.map(str::to_owned),
            host: None,
            check: "gateway",
            status: Status::Ok,
            detail,
        });
    }
    findings
}
