//! An SDK HTTP client for loopback peers: trusts the test CA and dials each host name's local port.

use std::net::SocketAddr;

use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// A client that trusts the CAs in `ca_pems` only, and sends a request for a host ending in
/// `suffix` to `address`, for each `(suffix, address)` in `routes` (longest suffix wins);
/// other hosts fail to resolve. The host name stays the TLS server name, the `Host` header and the
/// signed host: only the TCP destination changes, as when the name resolves to an endpoint ENI.
pub fn loopback_http_client(
    ca_pems: &[&str],
    routes: Vec<(String, SocketAddr)>,
) -> SharedHttpClient {
    let inner = tls_client(ca_pems, Routes(routes.clone()));
    SharedHttpClient::new(PortMapping {
        inner,
        routes: Routes(routes),
    })
}

/// The SDK's HTTPS client (rustls with aws-lc) trusting the CAs in `ca_pems` only and resolving
/// names with `resolver`.
pub fn tls_client(
    ca_pems: &[&str],
    resolver: impl ResolveDns + Clone + 'static,
) -> SharedHttpClient {
    let trust = ca_pems.iter().fold(TrustStore::empty(), |store, pem| {
        store.with_pem_certificate(pem.as_bytes().to_vec())
    });
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("valid test CA");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_with_resolver(resolver)
}

#[derive(Clone, Debug)]
struct Routes(Vec<(String, SocketAddr)>);

impl Routes {
    fn address(&self, host: &str) -> Option<SocketAddr> {
        self.0
            .iter()
            .filter(|(suffix, _)| host == suffix || host.ends_with(&format!(".{suffix}")))
            .max_by_key(|(suffix, _)| suffix.len())
            .map(|(_, address)| *address)
    }
}

impl ResolveDns for Routes {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        DnsFuture::ready(match self.address(name) {
            Some(address) => Ok(vec![address.ip()]),
            None => Err(ResolveDnsError::new(std::io::Error::other(format!(
                "{name} does not resolve in the loopback test network"
            )))),
        })
    }
}

#[derive(Debug)]
struct PortMapping {
    inner: SharedHttpClient,
    routes: Routes,
}

impl HttpClient for PortMapping {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PortMappingConnector {
            inner: self.inner.http_connector(settings, components),
            routes: self.routes.clone(),
        })
    }
}

#[derive(Debug)]
struct PortMappingConnector {
    inner: SharedHttpConnector,
    routes: Routes,
}

impl HttpConnector for PortMappingConnector {
    fn call(&self, mut request: HttpRequest) -> HttpConnectorFuture {
        let uri = request.uri().to_owned();
        let rest = uri.split_once("://").map_or(uri.as_str(), |(_, rest)| rest);
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let host = authority.split(':').next().unwrap_or_default().to_owned();
        if let Some(address) = self.routes.address(&host) {
            let port = address.port();
            // Keep the signed host in the Host header; dial the peer's port.
            if request.headers().get("host").is_none() {
                request.headers_mut().insert("host", authority.to_owned());
            }
            let mapped = uri.replacen(authority, &format!("{host}:{port}"), 1);
            if let Err(error) = request.set_uri(mapped) {
                return HttpConnectorFuture::ready(Err(
                    aws_smithy_runtime_api::client::result::ConnectorError::other(
                        error.into(),
                        None,
                    ),
                ));
            }
        }
        self.inner.call(request)
    }
}
