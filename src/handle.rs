//! [`PrivateLink`]: the handle over one VPC's discovery — its snapshot, status and refresh — and
//! both modes wired to it (the interceptor; dial mode's resolver and HTTPS client).

use std::fmt;
use std::sync::Arc;

#[cfg(feature = "dial")]
use aws_smithy_runtime_api::client::http::SharedHttpClient;
#[cfg(feature = "dial")]
use aws_types::SdkConfig;
use privatelink_core::{
    EndpointIndex, PublicHosts, PublicHostsReport, RewriteConfig, SnapshotCell,
};
use privatelink_discovery::{CacheStatus, DiscoveryError, EndpointCache, Location};
use privatelink_interceptor::PrivateLinkInterceptor;

use crate::dial::DialResolver;

/// A VPC's endpoints, discovered and kept fresh, and the interceptor that uses them. Built by
/// [`PrivateLink::builder`] (in `builder.rs`, beside the builder).
///
/// Cheap to clone. The background refresh runs while any clone, or any interceptor from
/// [`PrivateLink::interceptor`], is alive.
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
/// let privatelink = privatelink::PrivateLink::builder().configure(&sdk_config).build().await?;
/// // aws_sdk_s3::config::Builder::from(&sdk_config).interceptor(privatelink.interceptor()).build()
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PrivateLink {
    inner: Arc<Inner>,
}

/// What the build steps hand over.
pub(crate) struct Inner {
    pub(crate) cache: EndpointCache,
    pub(crate) key: String,
    pub(crate) location: Option<Location>,
    pub(crate) cell: SnapshotCell,
    pub(crate) interceptor: PrivateLinkInterceptor,
    pub(crate) public_hosts: Arc<PublicHosts>,
    pub(crate) resolver: DialResolver,
    /// Dial mode's client, built once: every config it is given to shares one connection pool.
    #[cfg(feature = "dial")]
    pub(crate) http_client: SharedHttpClient,
}

impl From<Inner> for PrivateLink {
    fn from(inner: Inner) -> Self {
        PrivateLink {
            inner: Arc::new(inner),
        }
    }
}

impl fmt::Debug for PrivateLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateLink")
            .field("location", &self.inner.location)
            .field("cell", &self.inner.cell)
            .field("config", self.inner.interceptor.config())
            .finish()
    }
}

impl PrivateLink {
    /// Discovery's health as of now: the snapshot's age, expiry and deadline, whether it is
    /// stale, the last error and its class, consecutive failures, the next call, calls made.
    pub fn status(&self) -> CacheStatus {
        self.inner.cache.status(&self.inner.key)
    }

    /// The public AWS hosts this handle's interceptor and dial mode left requests on because no
    /// usable endpoint serves them — under [`Policy::Prefer`](privatelink_core::Policy::Prefer),
    /// what [`Policy::Strict`](privatelink_core::Policy::Strict) would refuse — by service,
    /// region and host, with counts (at most
    /// [`MAX_PUBLIC_HOSTS`](privatelink_core::MAX_PUBLIC_HOSTS) hosts; each new one is logged
    /// once at `INFO`). Empty under strict, which refuses them instead. Discovery's own calls are
    /// not counted.
    pub fn public_hosts(&self) -> PublicHostsReport {
        self.inner.public_hosts.report()
    }

    /// The interceptor for SDK clients, bound to the live snapshot:
    /// `aws_sdk_x::config::Builder::from(&sdk_config).interceptor(privatelink.interceptor())`.
    pub fn interceptor(&self) -> PrivateLinkInterceptor {
        self.inner.interceptor.clone()
    }

    /// The current snapshot (for inspection and health checks); `None` before the first
    /// successful load, or after the snapshot went past `max_stale`.
    pub fn snapshot(&self) -> Option<Arc<EndpointIndex>> {
        self.inner.cell.current()
    }

    /// The live cell holding the snapshot, which the interceptor and dial mode read.
    pub fn cell(&self) -> &SnapshotCell {
        &self.inner.cell
    }

    /// Where this process runs, when the source needed it (EC2 discovery always does; a static
    /// file only when a VPC id is configured).
    pub fn location(&self) -> Option<&Location> {
        self.inner.location.as_ref()
    }

    /// The mapping settings.
    pub fn rewrite_config(&self) -> &RewriteConfig {
        self.inner.interceptor.config()
    }

    /// Dial mode's DNS resolver, bound to the live snapshot (see [`DialResolver`]).
    pub fn dns_resolver(&self) -> DialResolver {
        self.inner.resolver.clone()
    }

    /// Returns the snapshot in use, loading the endpoints first only if it is not fresh (sharing
    /// any call in flight; within a failure backoff, the last error or the stale snapshot at
    /// once). Cheap when fresh: no call.
    pub async fn ensure_fresh(&self) -> Result<Arc<EndpointIndex>, DiscoveryError> {
        self.inner.cache.load(&self.inner.key).await
    }

    /// Loads the endpoints now, whatever the snapshot's age (after an endpoint was created,
    /// say), joining a call already in flight rather than starting a second one. Returns that
    /// call's result; on success the new snapshot is in use.
    pub async fn refresh(&self) -> Result<Arc<EndpointIndex>, DiscoveryError> {
        self.inner.cache.reload(&self.inner.key).await
    }

    /// Dial mode: an HTTPS client (rustls with aws-lc, the trust store of
    /// [`PrivateLinkBuilder::trust_store`](crate::PrivateLinkBuilder::trust_store)) whose connections to default AWS hosts that have an
    /// endpoint go to the endpoint's addresses, with the default host kept for TLS, `Host` and
    /// the signature. Give it to every client at once, credential providers included:
    /// `aws_config::defaults(..).http_client(privatelink.http_client())`, or use
    /// [`PrivateLink::dial_config`]. Built once with the handle: every clone shares one
    /// connection pool.
    #[cfg(feature = "dial")]
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
    #[cfg(feature = "dial")]
    pub fn dial_config(&self, sdk_config: &SdkConfig) -> SdkConfig {
        sdk_config
            .to_builder()
            .http_client(self.http_client())
            .build()
    }
}
