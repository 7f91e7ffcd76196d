//! Probing one endpoint name from this machine: its DNS answer, a TCP connection to 443, and a
//! TLS handshake whose certificate names are reported.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use rustls::client::verify_server_name;
use rustls::pki_types::ServerName;
use rustls::server::ParsedCertificate;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use privatelink::core::is_public_address as is_public;

use super::{Finding, Status, Target};

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

fn describe_ips(ips: &[IpAddr]) -> String {
    let list: Vec<String> = ips.iter().map(ToString::to_string).collect();
    list.join(", ")
}

/// DNS, TCP and TLS for one endpoint name.
pub(super) async fn check_name(
    target: Target,
    connector: TlsConnector,
    timeout: Duration,
) -> Vec<Finding> {
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
pub(super) async fn check_private_dns(
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
