//! Feature `dial`: dial mode's HTTPS client — rustls with aws-lc, the configured trust store,
//! dial mode's resolver, and a guard that decides the requests no resolver is asked about.
//!
//! hyper-util's connector connects to an IP-literal host (`https://52.94.0.1/`) as it is,
//! without asking the resolver, so the resolver alone would let a strict process reach a public
//! address. The guard asks the same router before every request whose host is a literal; names
//! still go through the resolver. The client uses no proxy (`HTTPS_PROXY` is not read), so every
//! connection goes to the request's own host: a name the resolver decided or a literal the guard
//! decided.

use std::fmt;

use aws_smithy_http_client::tls::{self, TrustStore};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;

use super::{DialResolver, Pending};

/// Dial mode's HTTPS client: rustls with aws-lc, trusting `trust_store`, resolving with
/// `resolver`, IP-literal hosts decided by `resolver`'s router before any connection.
pub(crate) fn http_client(resolver: DialResolver, trust_store: TrustStore) -> SharedHttpClient {
    let context = tls::TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("a trust store without extra server names always builds");
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_with_resolver(resolver.clone());
    Guarded { inner, resolver }.into_shared()
}

/// An HTTP client whose connectors check IP-literal hosts first.
struct Guarded {
    inner: SharedHttpClient,
    resolver: DialResolver,
}

impl fmt::Debug for Guarded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DialHttpClient")
            .field("resolver", &self.resolver)
            .finish_non_exhaustive()
    }
}

impl HttpClient for Guarded {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        GuardedConnector {
            inner: self.inner.http_connector(settings, components),
            resolver: self.resolver.clone(),
        }
        .into_shared()
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct GuardedConnector {
    inner: SharedHttpConnector,
    resolver: DialResolver,
}

impl HttpConnector for GuardedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        match self.resolver.check_address(request.uri()) {
            // A user error: the SDK does not retry it.
            Err(refused) => HttpConnectorFuture::ready(Err(ConnectorError::user(refused.into()))),
            Ok(()) => self.inner.call(request),
        }
    }
}

impl Pending {
    /// The client for every SDK client: dial mode's resolver.
    pub(crate) fn http_client(&self) -> SharedHttpClient {
        http_client(self.resolver.clone(), self.trust_store.clone())
    }

    /// Discovery's client: its own (never strict) resolver when it has one.
    #[cfg(feature = "ec2")]
    pub(crate) fn discovery_http_client(&self) -> SharedHttpClient {
        let resolver = self.discovery_resolver.as_ref().unwrap_or(&self.resolver);
        http_client(resolver.clone(), self.trust_store.clone())
    }
}
