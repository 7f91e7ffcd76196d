//! `privatelink doctor`: can this machine reach the VPC's endpoints, and which mode fits them?

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use privatelink::core::{DnsSuffix, EndpointIndex, EndpointType};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::Failure;
use crate::source::SourceArgs;
use crate::ui::Ui;

/// Exit status when a check failed.
const EXIT_UNHEALTHY: u8 = 1;

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
        let wildcard = endpoint.is_wildcard();
        let default_host = default_host(label, &region, suffix);
        let mut names: Vec<&str> = endpoint.regional_name().into_iter().collect();
        if let Some(zonal) = args.source.az.as_deref().and_then(|az| {
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
                host: if wildcard {
                    format!("bucket.{name}")
                } else {
                    name.to_owned()
                },
                default_host: default_host.clone(),
            });
        }
        if endpoint.private_dns_enabled() {
            private_dns.push((
                label.to_owned(),
                endpoint.endpoint_id().to_owned(),
                default_host,
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
    findings.extend(
        gateway_findings(&loaded.index, &region, &served)
            .into_iter()
            .filter(|f| requested.is_empty() || requested.contains(f.service.as_str())),
    );

    ui.progress(&format!("checking {} endpoint names", targets.len()));
    let mut tasks = tokio::task::JoinSet::new();
    // The trust store is loaded only when there is a handshake to make.
    if !targets.is_empty() {
        let connector = connector()?;
        for target in targets {
            let connector = connector.clone();
            tasks.spawn(async move { check_name(target, connector, timeout).await });
        }
    }
    for (label, endpoint_id, host) in private_dns {
        tasks
            .spawn(async move { vec![check_private_dns(label, endpoint_id, host, timeout).await] });
    }
    while let Some(result) = tasks.join_next().await {
        findings.extend(result.expect("checks do not panic"));
    }
    ui.done();
    findings.sort_by(|a, b| a.order_key().cmp(&b.order_key()));

    let healthy = findings.iter().all(|f| f.status != Status::Fail);
    let text = if args.json {
        json_report(&findings, healthy, &region)
    } else {
        text_report(&findings, healthy, &region, ui)
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

/// The service's default host for `label` (`ec2.us-east-1.amazonaws.com`).
fn default_host(label: &str, region: &str, suffix: DnsSuffix) -> String {
    format!("{label}.{region}.{suffix}")
}

/// Gateway endpoints of the region, and interface endpoints that a free gateway endpoint could
/// replace.
fn gateway_findings(index: &EndpointIndex, region: &str, served: &BTreeSet<&str>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for service in ["s3", "dynamodb"] {
        let gateway = index.endpoints().iter().find(|e| {
            e.endpoint_type() == &EndpointType::Gateway
                && e.state().is_available()
                && e.service_name()
                    .rsplit_once('.')
                    .map(|(head, s)| s == service && head.ends_with(&format!(".{region}")))
                    == Some(true)
        });
        let detail = match (gateway, served.contains(service)) {
            (Some(_), true) => format!(
                "gateway endpoint present: in-region {service} traffic through it is free, while the interface endpoint is billed per hour and GB; exclude {service} from privatelink unless clients outside the VPC's route tables need it"
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
            endpoint_id: gateway.map(|g| g.id().to_owned()),
            host: None,
            check: "gateway",
            status: Status::Ok,
            detail,
        });
    }
    findings
}

/// Resolves `host` with the system resolver, on a thread of its own so that a resolver that
/// never answers cannot hold the process after `timeout`.
async fn resolve(host: &str, timeout: Duration) -> Result<Vec<IpAddr>, String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let name = host.to_owned();
    std::thread::spawn(move || {
        let answer = (name.as_str(), 443)
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect::<Vec<_>>());
        let _ = tx.send(answer);
    });
    match tokio::time::timeout(timeout, rx).await {
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        Ok(Err(_)) => Err("the resolver thread failed".into()),
        Ok(Ok(Err(error))) => Err(error.to_string()),
        Ok(Ok(Ok(ips))) if ips.is_empty() => Err("no addresses".into()),
        Ok(Ok(Ok(ips))) => Ok(ips),
    }
}

/// Whether `ip` is reachable from the internet (not private, shared, loopback or link-local).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || shared)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            let unique_local = first & 0xfe00 == 0xfc00;
            let link_local = first & 0xffc0 == 0xfe80;
            !(v6.is_loopback() || v6.is_unspecified() || unique_local || link_local)
        }
    }
}

fn describe_ips(ips: &[IpAddr]) -> String {
    let list: Vec<String> = ips.iter().map(ToString::to_string).collect();
    list.join(", ")
}

/// DNS, TCP and TLS for one endpoint name.
async fn check_name(target: Target, connector: TlsConnector, timeout: Duration) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut push = |check, status, detail: String| {
        findings.push(Finding {
            service: target.service.clone(),
            endpoint_id: Some(target.endpoint_id.clone()),
            host: Some(target.host.clone()),
            check,
            status,
            detail,
        })
    };
    let ips = match resolve(&target.host, timeout).await {
        Ok(ips) => ips,
        Err(error) => {
            push(
                "dns",
                Status::Fail,
                format!("no answer ({error}): is this machine using the VPC's resolver?"),
            );
            return findings;
        }
    };
    if ips.iter().any(|ip| is_public(*ip)) {
        push(
            "dns",
            Status::Fail,
            format!(
                "{} (public): endpoint names resolve to private addresses in the VPC",
                describe_ips(&ips)
            ),
        );
        return findings;
    }
    push(
        "dns",
        Status::Ok,
        format!("{} (private)", describe_ips(&ips)),
    );
    let address = SocketAddr::new(ips[0], 443);
    let stream = match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(error)) => {
            push(
                "tcp",
                Status::Fail,
                format!(
                    "{address}: {error}: check the endpoint's security group allows 443 from here"
                ),
            );
            return findings;
        }
        Err(_) => {
            push(
                "tcp",
                Status::Fail,
                format!(
                    "{address}: no connection within {} s: check the endpoint's security group allows 443 from here",
                    timeout.as_secs()
                ),
            );
            return findings;
        }
    };
    push("tcp", Status::Ok, format!("{address} connected"));
    let server_name = match ServerName::try_from(target.host.clone()) {
        Ok(name) => name,
        Err(error) => {
            push("tls", Status::Fail, format!("invalid name: {error}"));
            return findings;
        }
    };
    let handshake = tokio::time::timeout(timeout, connector.connect(server_name, stream)).await;
    let connection = match handshake {
        Ok(Ok(connection)) => connection,
        Ok(Err(error)) => {
            push("tls", Status::Fail, format!("handshake failed: {error}"));
            return findings;
        }
        Err(_) => {
            push(
                "tls",
                Status::Fail,
                format!("no handshake within {} s", timeout.as_secs()),
            );
            return findings;
        }
    };
    let Some(certificate) = connection
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
    else {
        push("tls", Status::Fail, "no certificate".into());
        return findings;
    };
    let Ok(parsed) = ParsedCertificate::try_from(certificate) else {
        push(
            "tls",
            Status::Fail,
            "the certificate cannot be parsed".into(),
        );
        return findings;
    };
    let covers = |name: &str| {
        ServerName::try_from(name)
            .is_ok_and(|server_name| verify_server_name(&parsed, &server_name).is_ok())
    };
    let default = &target.default_host;
    let (status, detail) = match (covers(&target.host), covers(default)) {
        (true, true) => (
            Status::Ok,
            format!("trusted; names this host and {default}: rewrite or dial mode"),
        ),
        (true, false) => (
            Status::Ok,
            format!("trusted; names this host, not {default}: rewrite mode"),
        ),
        (false, true) => (
            Status::Warn,
            format!(
                "trusted; names {default}, not this host: use dial mode (rewrite mode fails the TLS name check)"
            ),
        ),
        (false, false) => (
            Status::Fail,
            format!("the certificate names neither this host nor {default}"),
        ),
    };
    push("tls", status, detail);
    findings
}

/// Whether the default name resolves to the endpoint (private DNS on).
async fn check_private_dns(
    label: String,
    endpoint_id: String,
    host: String,
    timeout: Duration,
) -> Finding {
    let (status, detail) = match resolve(&host, timeout).await {
        Ok(ips) if ips.iter().all(|ip| !is_public(*ip)) => (
            Status::Ok,
            format!(
                "on: {host} resolves to {} (private): SDK defaults reach the endpoint",
                describe_ips(&ips)
            ),
        ),
        Ok(ips) => (
            Status::Warn,
            format!(
                "on, but {host} resolves to {} (public) here: this resolver is not the VPC's; use privatelink rewrite or dial mode",
                describe_ips(&ips)
            ),
        ),
        Err(error) => (
            Status::Warn,
            format!("on, but {host} does not resolve here ({error})"),
        ),
    };
    Finding {
        service: label,
        endpoint_id: Some(endpoint_id),
        host: Some(host),
        check: "private-dns",
        status,
        detail,
    }
}

/// A TLS client trusting the system store (as the AWS SDK does), which completes handshakes
/// whose certificate is trusted but names another host, so that the names can be reported.
fn connector() -> Result<TlsConnector, Failure> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (added, _) = roots.add_parsable_certificates(native.certs);
    if added == 0 {
        return Err(Failure::Environment(
            "no trusted CA certificates found: set SSL_CERT_FILE or SSL_CERT_DIR".into(),
        ));
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| Failure::Environment(format!("TLS setup: {e}")))?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::Environment(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(TrustedAnyName(verifier)))
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// Full chain validation; a certificate that is trusted but names another host still completes
/// the handshake (doctor only reports; it sends nothing over the connection).
#[derive(Debug)]
struct TrustedAnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for TrustedAnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // WebPkiServerVerifier checks the name after the chain: a name error means a trusted chain.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

fn text_report(findings: &[Finding], healthy: bool, region: &str, ui: Ui) -> String {
    let mut out = String::new();
    let mut last_service = None;
    for finding in findings {
        if last_service != Some(&finding.service) {
            out.push_str(&format!("{}\n", finding.service));
            last_service = Some(&finding.service);
        }
        let status = format!("{:<4}", finding.status.as_str());
        let subject = finding
            .host
            .as_deref()
            .or(finding.endpoint_id.as_deref())
            .unwrap_or("-");
        out.push_str(&format!(
            "  {}  {:<11}  {subject}: {}\n",
            ui.paint(&status, finding.status.sgr()),
            finding.check,
            finding.detail
        ));
    }
    let count = |s| findings.iter().filter(|f| f.status == s).count();
    let verdict = if healthy {
        ui.paint("healthy", Status::Ok.sgr())
    } else {
        ui.paint("unhealthy", Status::Fail.sgr())
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{verdict} ({region}): {}, {} failed, {}\n",
        plural(findings.len(), "check"),
        count(Status::Fail),
        plural(count(Status::Warn), "warning")
    ));
    out
}

fn json_report(findings: &[Finding], healthy: bool, region: &str) -> String {
    // Keys in sorted order: the same bytes whether or not serde_json preserves order.
    let items: Vec<Value> = findings
        .iter()
        .map(|f| {
            json!({
                "check": f.check,
                "detail": f.detail,
                "endpointId": f.endpoint_id,
                "host": f.host,
                "service": f.service,
                "status": f.status.as_str(),
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({
        "findings": items,
        "healthy": healthy,
        "region": region,
    }))
    .expect("JSON values serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_outside_the_internet_are_not_public() {
        #[rustfmt::skip]
        let rows = [
            ("10.0.1.5", false), ("172.31.255.1", false), ("192.168.0.1", false),
            ("100.64.0.1", false), ("100.127.255.255", false), ("127.0.0.10", false),
            ("169.254.169.254", false), ("fd00::1", false), ("fe80::1", false), ("::1", false),
            ("100.128.0.1", true), ("172.32.0.1", true), ("52.94.0.1", true),
            ("2600:1f18::1", true),
        ];
        for (ip, public) in rows {
            assert_eq!(is_public(ip.parse().unwrap()), public, "{ip}");
        }
    }
}
