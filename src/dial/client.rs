//! Feature `dial`: dial mode's HTTPS client — rustls with aws-lc, the configured trust store,
//! dial mode's resolver, and a guard that decides the requests no resolver is asked about.
//!
//! hyper-util's connector connects to an IP-literal host (`https://52.94.0.1/`) as it is,
//! without asking the resolver, so the resolver alone would let a strict process reach a public
//! address. The guard asks the same router before every request whose host is a literal.
//!
//! A proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as the SDK's default client
//! reads them, or [`ProxyConfig`] set in code) is asked for a name by the proxy, not by the
//! resolver, so with one the guard decides every name first: a host with an endpoint connects to
//! the endpoint directly (a proxy never carries it: the endpoint is in the VPC), a host the
//! policy refuses fails before any connection, and every other host goes as the proxy settings
//! say, as with the SDK's own client.

use std::fmt;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;

use super::{ClientSettings, DialResolver, Pending};

/// The proxy variables the SDK's default client reads (either case).
const PROXY_VARIABLES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Dial mode's HTTPS client: rustls with the settings' crypto (aws-lc unless set), trusting
/// their trust store, resolving with `resolver`, IP-literal hosts decided by `resolver`'s router
/// before any connection; with a proxy (the settings', else the environment's), every name
/// decided first too.
pub(crate) fn http_client(resolver: DialResolver, settings: &ClientSettings) -> SharedHttpClient {
    let context = tls::TlsContext::builder()
        .with_trust_store(settings.trust_store.clone())
        .build()
        .expect("a trust store without extra server names always builds");
    let crypto = settings
        .crypto_mode
        .clone()
        .unwrap_or(tls::rustls_provider::CryptoMode::AwsLc);
    let direct = Builder::new()
        .tls_provider(tls::Provider::Rustls(crypto.clone()))
        .tls_context(context.clone())
        .build_with_resolver(resolver.clone());
    let proxy = match settings.proxy.clone() {
        Some(proxy) => Some(proxy).filter(|p| !p.is_disabled()),
        None => PROXY_VARIABLES
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
            .then(ProxyConfig::from_env),
    };
    let proxied = proxy.map(|proxy| proxied(resolver.as_named(), context, crypto, proxy));
    Guarded {
        direct,
        proxied,
        resolver,
    }
    .into_shared()
}

/// The client for hosts without an endpoint when a proxy is configured: the SDK's own connector
/// with `proxy`; `resolver` (one that decides nothing: the guard decided each request) looks up
/// the proxy's own name, and a host `NO_PROXY` sends directly, each as itself.
fn proxied(
    resolver: super::lookup::Limited,
    context: TlsContext,
    crypto: tls::rustls_provider::CryptoMode,
    proxy: ProxyConfig,
) -> SharedHttpClient {
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(crypto.clone()))
            .tls_context(context.clone());
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(proxy.clone()));
        builder.build_with_resolver(resolver.clone())
    })
}

/// An HTTP client whose connectors check IP-literal hosts first, and with a proxy every host.
struct Guarded {
    direct: SharedHttpClient,
    proxied: Option<SharedHttpClient>,
    resolver: DialResolver,
}

impl fmt::Debug for Guarded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DialHttpClient")
            .field("resolver", &self.resolver)
            .field("proxy", &self.proxied.is_some())
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
            direct: self.direct.http_connector(settings, components),
            proxied: self
                .proxied
                .as_ref()
                .map(|proxied| proxied.http_connector(settings, components)),
            resolver: self.resolver.clone(),
        }
        .into_shared()
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.direct.connector_metadata()
    }
}

#[derive(Debug)]
struct GuardedConnector {
    direct: SharedHttpConnector,
    proxied: Option<SharedHttpConnector>,
    resolver: DialResolver,
}

impl HttpConnector for GuardedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        // A refusal is a user error: the SDK does not retry it.
        let refused = |error: privatelink_core::RewriteError| {
            HttpConnectorFuture::ready(Err(ConnectorError::user(error.into())))
        };
        if let Err(error) = self.resolver.check_address(request.uri()) {
            return refused(error);
        }
        let Some(proxied) = &self.proxied else {
            return self.direct.call(request);
        };
        match self.resolver.check_host(request.uri()) {
            Err(error) => refused(error),
            // To the endpoint, in the VPC: never through the proxy.
            Ok(true) => self.direct.call(request),
            Ok(false) => proxied.call(request),
        }
    }
}

impl Pending {
    /// The client for every SDK client: dial mode's resolver.
    pub(crate) fn http_client(&self) -> SharedHttpClient {
        http_client(self.resolver.clone(), &self.client)
    }

    /// Discovery's client: its own (never strict) resolver when it has one.
    #[cfg(feature = "ec2")]
    pub(crate) fn discovery_http_client(&self) -> SharedHttpClient {
        let resolver = self.discovery_resolver.as_ref().unwrap_or(&self.resolver);
        http_client(resolver.clone(), &self.client)
    }
}
