//! Feature `dial`: dial mode's HTTPS client — rustls with aws-lc, the configured trust store,
//! dial mode's resolver.

use aws_smithy_http_client::tls::{self, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use super::{DialResolver, Pending};

/// Dial mode's HTTPS client: rustls with aws-lc, trusting `trust_store`, resolving with
/// `resolver`.
pub(crate) fn http_client(resolver: DialResolver, trust_store: TrustStore) -> SharedHttpClient {
    let context = tls::TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("a trust store without extra server names always builds");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_with_resolver(resolver)
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
