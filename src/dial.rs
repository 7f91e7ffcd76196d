//! Dial mode: requests keep the SDK's default host, TLS name (SNI) and signature; only the TCP
//! connection goes to the endpoint, because the HTTP client's resolver answers a default AWS
//! host with the addresses of the endpoint name that rewrite mode would use.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_http_client::tls::{self, TrustStore};
use aws_smithy_runtime_api::client::dns::{
    DnsFuture, ResolveDns, ResolveDnsError, SharedDnsResolver,
};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use privatelink_core::{RewriteConfig, RewriteError, SnapshotCell};
use privatelink_discovery::KeepAlive;

/// How long resolved endpoint addresses are reused, unless configured: 30 seconds.
pub const DEFAULT_DIAL_DNS_TTL: Duration = Duration::from_secs(30);

/// A [`ResolveDns`] for the SDK's HTTP client that implements dial mode.
///
/// For a name that rewrite mode would send to an endpoint (`ec2.us-east-1.amazonaws.com`,
/// `mybucket.s3.us-east-1.amazonaws.com`, an S3 access point or control host, …) it returns the
/// addresses of that endpoint's name — zonal for the configured zone, else regional — resolved
/// with the underlying resolver (the system's by default) and reused for a short TTL. Other
/// names resolve normally, except that under [`Policy::Strict`](privatelink_core::Policy::Strict)
/// a public AWS host with no usable endpoint fails with the [`RewriteError`] (find it in an
/// `SdkError` with [`find_rewrite_error`](crate::find_rewrite_error)): the connection is never
/// opened.
///
/// The endpoint's certificate must name the default host (AWS endpoints' certificates do; see
/// `privatelink doctor`). Get one from [`PrivateLink::dns_resolver`](crate::PrivateLink::dns_resolver),
/// or an HTTP client using it from [`PrivateLink::http_client`](crate::PrivateLink::http_client).
#[derive(Clone)]
pub struct DialResolver {
    inner: Arc<Inner>,
}

struct Inner {
    cell: SnapshotCell,
    config: RewriteConfig,
    resolver: SharedDnsResolver,
    ttl: Duration,
    time: SharedTimeSource,
    /// Endpoint name → (addresses, when resolved).
    cache: Mutex<HashMap<String, (Vec<IpAddr>, SystemTime)>>,
    _keep_alive: Option<KeepAlive>,
}

impl fmt::Debug for DialResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DialResolver")
            .field("cell", &self.inner.cell)
            .field("config", &self.inner.config)
            .field("ttl", &self.inner.ttl)
            .finish()
    }
}

impl DialResolver {
    /// A resolver reading `cell`'s snapshot, mapping with `config`, resolving endpoint names with
    /// `resolver` and reusing answers for `ttl` measured by `time`.
    pub fn new(
        cell: SnapshotCell,
        config: RewriteConfig,
        resolver: SharedDnsResolver,
        ttl: Duration,
        time: SharedTimeSource,
    ) -> Self {
        Self::with_keep_alive(cell, config, resolver, ttl, time, None)
    }

    pub(crate) fn with_keep_alive(
        cell: SnapshotCell,
        config: RewriteConfig,
        resolver: SharedDnsResolver,
        ttl: Duration,
        time: SharedTimeSource,
        keep_alive: Option<KeepAlive>,
    ) -> Self {
        DialResolver {
            inner: Arc::new(Inner {
                cell,
                config,
                resolver,
                ttl,
                time,
                cache: Mutex::new(HashMap::new()),
                _keep_alive: keep_alive,
            }),
        }
    }

    /// The endpoint name whose addresses `name` gets, `None` when `name` resolves as itself.
    pub fn endpoint_name(&self, name: &str) -> Result<Option<String>, RewriteError> {
        let now = self.inner.time.now();
        self.inner
            .cell
            .with_current_at(now, |index| self.inner.config.route_host(index, name))
    }

    fn cached(&self, name: &str, now: SystemTime) -> Option<Vec<IpAddr>> {
        let cache = self.inner.cache.lock().unwrap_or_else(|e| e.into_inner());
        let (addresses, at) = cache.get(name)?;
        let age = now.duration_since(*at).unwrap_or_default();
        (age < self.inner.ttl).then(|| addresses.clone())
    }
}

impl ResolveDns for DialResolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        let endpoint_name = match self.endpoint_name(name) {
            Ok(Some(endpoint_name)) => endpoint_name,
            Ok(None) => return self.inner.resolver.resolve_dns(name),
            Err(error) => return DnsFuture::ready(Err(ResolveDnsError::new(error))),
        };
        DnsFuture::new(async move {
            let now = self.inner.time.now();
            if let Some(addresses) = self.cached(&endpoint_name, now) {
                return Ok(addresses);
            }
            let addresses = self.inner.resolver.resolve_dns(&endpoint_name).await?;
            tracing::debug!(%name, %endpoint_name, ?addresses, "privatelink dial mode");
            let mut cache = self.inner.cache.lock().unwrap_or_else(|e| e.into_inner());
            // S3 names carry the bucket, so the map would grow with every bucket: expired
            // answers go when a new one comes in.
            let ttl = self.inner.ttl;
            cache.retain(|_, (_, at)| now.duration_since(*at).unwrap_or_default() < ttl);
            cache.insert(endpoint_name, (addresses.clone(), now));
            Ok(addresses)
        })
    }
}

/// The system resolver (`getaddrinfo`, through Tokio).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl ResolveDns for SystemResolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        DnsFuture::new(async move {
            let addresses = tokio::net::lookup_host((name, 0))
                .await
                .map_err(ResolveDnsError::new)?;
            Ok(addresses.map(|address| address.ip()).collect())
        })
    }
}

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
