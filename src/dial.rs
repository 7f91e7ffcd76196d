//! Dial mode: requests keep the SDK's default host, TLS name (SNI) and signature; only the TCP
//! connection goes to the endpoint, because the HTTP client's resolver answers a default AWS
//! host with the addresses of the endpoint name that rewrite mode would use.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use aws_smithy_async::time::SharedTimeSource;
#[cfg(feature = "dial")]
use aws_smithy_http_client::tls::{self, TrustStore};
use aws_smithy_runtime_api::client::dns::{
    DnsFuture, ResolveDns, ResolveDnsError, SharedDnsResolver,
};
#[cfg(feature = "dial")]
use aws_smithy_runtime_api::client::http::SharedHttpClient;
#[cfg(feature = "dial")]
use aws_types::SdkConfig;
use privatelink_core::metrics::{Counted, Mode, count_request};
use privatelink_core::{RewriteConfig, RewriteError, Route, SnapshotCell, UnchangedReason};
use privatelink_discovery::KeepAlive;

#[cfg(feature = "dial")]
use crate::handle::{BuildError, PendingDial};
#[cfg(feature = "dial")]
use crate::{PrivateLink, PrivateLinkBuilder};

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
    resolver: SharedDnsResolver,
    ttl: Duration,
    /// The snapshot and settings. Unset only while [`PrivateLinkBuilder::load_config`]
    /// (crate::PrivateLinkBuilder::load_config) makes its first load: names then resolve as
    /// themselves, for discovery's own calls (EC2, and STS for its credentials).
    bound: OnceLock<Bound>,
    /// Endpoint name → (addresses, when resolved).
    cache: Mutex<HashMap<String, (Vec<IpAddr>, SystemTime)>>,
}

struct Bound {
    cell: SnapshotCell,
    config: RewriteConfig,
    time: SharedTimeSource,
    _keep_alive: Option<KeepAlive>,
}

impl fmt::Debug for DialResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bound = self.inner.bound.get();
        f.debug_struct("DialResolver")
            .field("cell", &bound.map(|b| &b.cell))
            .field("config", &bound.map(|b| &b.config))
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
        let dial = Self::unbound(resolver, ttl);
        dial.bind(cell, config, time, None);
        dial
    }

    /// A resolver that resolves every name as itself until [`DialResolver::bind`].
    pub(crate) fn unbound(resolver: SharedDnsResolver, ttl: Duration) -> Self {
        DialResolver {
            inner: Arc::new(Inner {
                resolver,
                ttl,
                bound: OnceLock::new(),
                cache: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Binds the snapshot and settings, once; later calls change nothing.
    pub(crate) fn bind(
        &self,
        cell: SnapshotCell,
        config: RewriteConfig,
        time: SharedTimeSource,
        keep_alive: Option<KeepAlive>,
    ) {
        let _ = self.inner.bound.set(Bound {
            cell,
            config,
            time,
            _keep_alive: keep_alive,
        });
    }

    /// The endpoint name whose addresses `name` gets, `None` when `name` resolves as itself.
    pub fn endpoint_name(&self, name: &str) -> Result<Option<String>, RewriteError> {
        Ok(match self.decide(name)? {
            Dialed::Endpoint(endpoint_name, _) => Some(endpoint_name),
            Dialed::Itself(_) | Dialed::Unbound => None,
        })
    }

    /// Where a connection to `name` goes.
    fn decide(&self, name: &str) -> Result<Dialed, RewriteError> {
        let Some(bound) = self.inner.bound.get() else {
            return Ok(Dialed::Unbound);
        };
        let now = bound.time.now();
        bound.cell.with_current_at(now, |index| {
            Ok(match bound.config.route_host(index, name)? {
                Route::Rewritten(rewritten) => Dialed::Endpoint(rewritten.into_url(), now),
                Route::Unchanged(reason) => Dialed::Itself(reason),
            })
        })
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
        let decided = self.decide(name);
        let counted = match &decided {
            Ok(Dialed::Unbound) => None,
            Ok(Dialed::Endpoint(..)) => Some(Counted::Rewritten),
            Ok(Dialed::Itself(reason)) => Some(Counted::Unchanged(*reason)),
            Err(error) => Some(Counted::of_error(error)),
        };
        if let Some(counted) = counted {
            count_request(Mode::Dial, counted);
        }
        let (endpoint_name, now) = match decided {
            Ok(Dialed::Endpoint(endpoint_name, now)) => (endpoint_name, now),
            Ok(_) => return self.inner.resolver.resolve_dns(name),
            Err(error) => return DnsFuture::ready(Err(ResolveDnsError::new(error))),
        };
        DnsFuture::new(async move {
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

/// Where [`DialResolver::decide`] sends a connection.
enum Dialed {
    /// To the addresses of this endpoint name (decided at this time, on the bound clock).
    Endpoint(String, SystemTime),
    /// To the name's own addresses, for this reason.
    Itself(UnchangedReason),
    /// To the name's own addresses: not bound yet (`load_config`'s first load), not counted.
    Unbound,
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

// ===== Feature `dial`: the HTTPS client =====

#[cfg(feature = "dial")]
impl PrivateLink {
    /// Dial mode: an HTTPS client (rustls with aws-lc, the trust store of
    /// [`PrivateLinkBuilder::trust_store`]) whose connections to default AWS hosts that have an
    /// endpoint go to the endpoint's addresses, with the default host kept for TLS, `Host` and
    /// the signature. Give it to every client at once, credential providers included:
    /// `aws_config::defaults(..).http_client(privatelink.http_client())`, or use
    /// [`PrivateLink::dial_config`]. Built once with the handle: every clone shares one
    /// connection pool.
    pub fn http_client(&self) -> SharedHttpClient {
        self.inner.http_client.clone()
    }

    /// `sdk_config` with dial mode's HTTP client ([`PrivateLink::http_client`]) in place of its
    /// own, every other setting kept (credentials, region, retries, timeouts, app name, …): every
    /// client built from it the usual way (`aws_sdk_s3::Client::new(&config)`) connects through
    /// the endpoints.
    ///
    /// A credentials provider that `sdk_config` already holds keeps the HTTP client it was built
    /// with (aws-config builds AssumeRole, web identity and SSO providers with the loader's
    /// client). For those to go through the endpoints as well, give the HTTP client to the loader
    /// instead: `aws_config::defaults(..).http_client(privatelink.http_client()).load()`.
    pub fn dial_config(&self, sdk_config: &SdkConfig) -> SdkConfig {
        sdk_config
            .to_builder()
            .http_client(self.http_client())
            .build()
    }
}

#[cfg(feature = "dial")]
impl PrivateLinkBuilder {
    /// Dial mode: the certificates [`PrivateLink::http_client`] trusts. Defaults to the
    /// platform's (`TrustStore::default()`: native roots, which honour `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR`), as the SDK's default client.
    pub fn trust_store(mut self, trust_store: TrustStore) -> Self {
        self.trust_store = Some(trust_store);
        self
    }

    /// Loads `loader`'s configuration with dial mode's HTTPS client, so that every client and
    /// every credentials provider it builds (AssumeRole, web identity, SSO, ECS/IMDS) connects
    /// through the endpoints, then discovers the endpoints with that configuration. Returns the
    /// handle and the configuration; everything set on `loader` (region, profile, retries,
    /// timeouts, credentials) is kept, except its HTTP client, which this replaces (TLS trust:
    /// [`PrivateLinkBuilder::trust_store`]; name resolution: [`PrivateLinkBuilder::dns_resolver`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
    /// use aws_config::BehaviorVersion;
    /// let (privatelink, sdk_config) = privatelink::PrivateLink::builder()
    ///     .load_config(aws_config::defaults(BehaviorVersion::latest()))
    ///     .await?;
    /// // let s3 = aws_sdk_s3::Client::new(&sdk_config);  // through the S3 endpoint
    /// # let _ = (privatelink, sdk_config); Ok(()) }
    /// ```
    ///
    /// Until the first load has finished, names resolve as themselves: discovery's own calls
    /// (EC2 `DescribeVpcEndpoints`, and STS or the credentials endpoint when the credentials
    /// come from there) go where the default names lead — inside a VPC without internet, to
    /// endpoints with private DNS. Nothing else can send a request then: the configuration is
    /// not returned before. Afterwards discovery's EC2 calls use the EC2 endpoint when the VPC
    /// has one (never refused, as in rewrite mode); everything else follows the policy.
    /// Settings that need an `SdkConfig` take this one; [`PrivateLinkBuilder::configure`] is
    /// not needed.
    pub async fn load_config(
        mut self,
        loader: aws_config::ConfigLoader,
    ) -> Result<(PrivateLink, SdkConfig), BuildError> {
        self.check()?;
        // Discovery's own resolver only where discovery makes calls of its own (EC2).
        let dial = self.pending_dial(cfg!(feature = "ec2"));
        let sdk_config = loader.http_client(dial.http_client()).load().await;
        self.sdk_config = Some(sdk_config.clone());
        let privatelink = self.build_with(Some(dial)).await?;
        Ok((privatelink, sdk_config))
    }
}

#[cfg(feature = "dial")]
impl PendingDial {
    pub(crate) fn http_client(&self) -> SharedHttpClient {
        http_client(self.resolver.clone(), self.trust_store.clone())
    }

    /// Discovery's client: its own resolver when it has one.
    #[cfg(feature = "ec2")]
    pub(crate) fn discovery_http_client(&self) -> SharedHttpClient {
        let resolver = self.discovery_resolver.as_ref().unwrap_or(&self.resolver);
        http_client(resolver.clone(), self.trust_store.clone())
    }
}

#[cfg(feature = "dial")]
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
