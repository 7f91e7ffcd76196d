//! Dial mode: requests keep the SDK's default host, TLS name (SNI) and signature; only the TCP
//! connection goes to the endpoint, because the HTTP client's resolver answers a default AWS
//! host with the addresses of the endpoint name that rewrite mode would use — the same decision,
//! asked of the same [`Router`] type the interceptor asks.
//!
//! | module | what it holds |
//! |---|---|
//! | `mod.rs` | [`DialResolver`], and dial mode's resolvers before they are bound (`Pending`) |
//! | `system` | [`SystemResolver`], the default for endpoint names |
//! | `lookup` | the limit on one name lookup ([`DEFAULT_DIAL_DNS_TIMEOUT`], [`LookupError`]) |
//! | `client` | feature `dial`: the HTTPS client over the resolver |
//! | `ca_bundle` | feature `dial`: a CA bundle file read and checked into a trust store |

#[cfg(feature = "dial")]
pub(crate) mod ca_bundle;
#[cfg(feature = "dial")]
mod client;
mod lookup;
mod system;

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use aws_smithy_async::time::SharedTimeSource;
#[cfg(feature = "dial")]
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::{
    DnsFuture, ResolveDns, ResolveDnsError, SharedDnsResolver,
};
use privatelink_core::{PublicHosts, RewriteConfig, RewriteError, Routed, Router, SnapshotCell};
use privatelink_discovery::KeepAlive;

#[cfg(feature = "dial")]
pub use ca_bundle::CaBundleError;
pub use lookup::{DEFAULT_DIAL_DNS_TIMEOUT, LookupError, LookupTimedOut};
pub use system::SystemResolver;

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
/// opened. Every lookup of the underlying resolver is bounded ([`DEFAULT_DIAL_DNS_TIMEOUT`]
/// unless the builder's `dial_dns_timeout` says otherwise): past it, the connection fails with
/// [`LookupError::TimedOut`]. Each lookup is decided by a [`Router`] (remembered per host for
/// the snapshot, and counted as dial mode's in `privatelink_requests_total`).
///
/// The endpoint's certificate must name the default host (AWS endpoints' certificates do; see
/// `privatelink doctor`). Get one from [`PrivateLink::dns_resolver`](crate::PrivateLink::dns_resolver),
/// or an HTTP client using it from [`PrivateLink::http_client`](crate::PrivateLink::http_client).
#[derive(Clone)]
pub struct DialResolver {
    inner: Arc<Inner>,
}

struct Inner {
    /// The underlying resolver, each lookup within the limit.
    lookup: lookup::Limited,
    ttl: Duration,
    /// The router and its clock. Unset only while
    /// [`PrivateLinkBuilder::load_config`](crate::PrivateLinkBuilder::load_config) makes its
    /// first load: names then resolve as themselves, for discovery's own calls (EC2, and STS
    /// for its credentials).
    bound: OnceLock<Bound>,
    /// Endpoint name → (addresses, when resolved).
    cache: Mutex<HashMap<String, (Vec<IpAddr>, SystemTime)>>,
}

struct Bound {
    router: Router,
    time: SharedTimeSource,
    _keep_alive: Option<KeepAlive>,
}

impl fmt::Debug for DialResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = self.inner.bound.get();
        f.debug_struct("DialResolver")
            .field("router", &bound.map(|b| &b.router))
            .field("ttl", &self.inner.ttl)
            .field("lookup_timeout", &self.inner.lookup.limit())
            .finish()
    }
}

impl DialResolver {
    /// A resolver reading `cell`'s snapshot, mapping with `config`, resolving endpoint names with
    /// `resolver` (each lookup within [`DEFAULT_DIAL_DNS_TIMEOUT`]) and reusing answers for `ttl`
    /// measured by `time`.
    pub fn new(
        cell: SnapshotCell,
        config: RewriteConfig,
        resolver: SharedDnsResolver,
        ttl: Duration,
        time: SharedTimeSource,
    ) -> Self {
        let dial = Self::unbound(resolver, ttl, DEFAULT_DIAL_DNS_TIMEOUT);
        dial.bind(cell, config, time, None, None);
        dial
    }

    /// A resolver that resolves every name as itself until [`DialResolver::bind`].
    pub(crate) fn unbound(
        resolver: SharedDnsResolver,
        ttl: Duration,
        lookup_timeout: Duration,
    ) -> Self {
        DialResolver {
            inner: Arc::new(Inner {
                lookup: lookup::Limited::new(resolver, lookup_timeout),
                ttl,
                bound: OnceLock::new(),
                cache: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The underlying resolver, within the same limit, for connections already decided (dial
    /// mode's connector with a proxy): every name looked up as itself, not decided, counted or
    /// recorded again.
    #[cfg(feature = "dial")]
    pub(crate) fn as_named(&self) -> lookup::Limited {
        self.inner.lookup.clone()
    }

    /// Binds the snapshot and settings, once; later calls change nothing.
    pub(crate) fn bind(
        &self,
        cell: SnapshotCell,
        config: RewriteConfig,
        time: SharedTimeSource,
        keep_alive: Option<KeepAlive>,
        public_hosts: Option<Arc<PublicHosts>>,
    ) {
        let router = Router::new(cell, config);
        let _ = self.inner.bound.set(Bound {
            router: match public_hosts {
                Some(record) => router.record_public_hosts(record),
                None => router,
            },
            time,
            _keep_alive: keep_alive,
        });
    }

    /// The endpoint name whose addresses `name` gets, `None` when `name` resolves as itself (a
    /// decision like any lookup's, counted as one).
    pub fn endpoint_name(&self, name: &str) -> Result<Option<String>, RewriteError> {
        Ok(self.route(name)?.map(|(endpoint_name, _)| endpoint_name))
    }

    /// The endpoint name a connection to `name` goes to, with the bound clock's reading; `None`
    /// when `name` resolves as itself (not bound yet, or the decision leaves it).
    fn route(&self, name: &str) -> Result<Option<(String, SystemTime)>, RewriteError> {
        let Some(bound) = self.inner.bound.get() else {
            return Ok(None);
        };
        let now = bound.time.now();
        Ok(match bound.router.route_host(name, now)? {
            Routed::Rewritten { url, .. } => Some((url, now)),
            _ => None,
        })
    }

    /// The check dial mode's connector makes before a request to `url` whose host is an IP
    /// literal: a connector connects to a literal without asking the resolver, so this is where
    /// [`Policy::Strict`](privatelink_core::Policy::Strict) refuses a public address
    /// ([`Router::route_address`]). `Ok` for a name (the resolver decides it) and before binding.
    #[cfg(feature = "dial")]
    pub(crate) fn check_address(&self, url: &str) -> Result<(), RewriteError> {
        let Some(bound) = self.inner.bound.get() else {
            return Ok(());
        };
        bound.router.route_address(url, bound.time.now()).map(drop)
    }

    /// Whether a connection to `url`'s host goes to an endpoint (`true`) or as the host itself
    /// (`false`: no endpoint, or not bound yet), or is refused: what dial mode's connector asks
    /// when a proxy would otherwise be asked for the name ([`Router::route_url_host`]).
    #[cfg(feature = "dial")]
    pub(crate) fn check_host(&self, url: &str) -> Result<bool, RewriteError> {
        let Some(bound) = self.inner.bound.get() else {
            return Ok(false);
        };
        let routed = bound.router.route_url_host(url, bound.time.now())?;
        Ok(matches!(routed, Routed::Rewritten { .. }))
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
        let (endpoint_name, now) = match self.route(name) {
            Ok(Some(routed)) => routed,
            Ok(None) => return self.inner.lookup.resolve_dns(name),
            Err(error) => return DnsFuture::ready(Err(ResolveDnsError::new(error))),
        };
        DnsFuture::new(async move {
            if let Some(addresses) = self.cached(&endpoint_name, now) {
                return Ok(addresses);
            }
            let addresses = self.inner.lookup.resolve_dns(&endpoint_name).await?;
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

/// Dial mode's resolvers before they are bound to the cell (`load_config` needs the HTTP client
/// before the configuration, and so the location and settings, exists), and the trust store of
/// its HTTPS client.
pub(crate) struct Pending {
    pub(crate) resolver: DialResolver,
    /// Discovery's, with `load_config`: the same, never strict.
    pub(crate) discovery_resolver: Option<DialResolver>,
    #[cfg(feature = "dial")]
    pub(crate) client: ClientSettings,
}

/// How dial mode's HTTPS client is built: what it trusts, its proxy, its crypto.
#[cfg(feature = "dial")]
#[derive(Debug, Default)]
pub(crate) struct ClientSettings {
    pub(crate) trust_store: TrustStore,
    /// The proxy settings; `None`: the environment's, as the SDK's default client reads them.
    pub(crate) proxy: Option<aws_smithy_http_client::proxy::ProxyConfig>,
    /// The crypto; `None`: aws-lc.
    pub(crate) crypto_mode: Option<aws_smithy_http_client::tls::rustls_provider::CryptoMode>,
}

impl Pending {
    /// Unbound resolvers over `resolver` (the system's when `None`) with `ttl` and
    /// `lookup_timeout`; with `for_discovery`, discovery's own too.
    pub(crate) fn new(
        resolver: Option<SharedDnsResolver>,
        ttl: Option<Duration>,
        lookup_timeout: Option<Duration>,
        for_discovery: bool,
        #[cfg(feature = "dial")] client: ClientSettings,
    ) -> Self {
        let underlying = resolver.unwrap_or_else(|| SharedDnsResolver::new(SystemResolver));
        let ttl = ttl.unwrap_or(DEFAULT_DIAL_DNS_TTL);
        let limit = lookup_timeout.unwrap_or(DEFAULT_DIAL_DNS_TIMEOUT);
        Pending {
            resolver: DialResolver::unbound(underlying.clone(), ttl, limit),
            discovery_resolver: for_discovery
                .then(|| DialResolver::unbound(underlying, ttl, limit)),
            #[cfg(feature = "dial")]
            client,
        }
    }
}
