//! `PrivateLink`: discovery, cache and interceptor wired together from an `SdkConfig`.

use std::error::Error;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::{ResolveDns, SharedDnsResolver};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::SdkConfig;
use privatelink_core::{
    EndpointIndex, InvalidConfigError, Policy, RewriteConfig, RewriteConfigBuilder, SnapshotCell,
};
use privatelink_discovery::{
    CacheConfigError, DEFAULT_DESCRIBE_TIMEOUT, DEFAULT_METADATA_TIMEOUT, DescribeEndpoints,
    DiscoveryError, ENDPOINTS_FILE_ENV, Ec2Source, EndpointCache, EndpointCacheBuilder,
    Environment, FileSource, HubVpc, Location, Locator, SharedSource,
};
use privatelink_interceptor::PrivateLinkInterceptor;

use crate::dial::{self, DEFAULT_DIAL_DNS_TTL, DialResolver, SystemResolver};

/// A VPC's endpoints, discovered and kept fresh, and the interceptor that uses them.
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

struct Inner {
    cache: EndpointCache,
    key: String,
    location: Option<Location>,
    cell: SnapshotCell,
    interceptor: PrivateLinkInterceptor,
    resolver: DialResolver,
    /// Dial mode's client, built once: every config it is given to shares one connection pool.
    http_client: SharedHttpClient,
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
    /// Starts a builder.
    pub fn builder() -> PrivateLinkBuilder {
        PrivateLinkBuilder::default()
    }

    /// Discovery's health as of now: the snapshot's age, expiry and deadline, whether it is
    /// stale, the last error and its class, consecutive failures, the next call, calls made.
    pub fn status(&self) -> privatelink_discovery::CacheStatus {
        self.inner.cache.status(&self.inner.key)
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
}

/// Builder for [`PrivateLink`].
#[derive(Default)]
pub struct PrivateLinkBuilder {
    sdk_config: Option<SdkConfig>,
    vpc_id: Option<String>,
    zone: Option<String>,
    rewrite: RewriteConfigBuilder,
    policy: Option<Policy>,
    gateway_endpoints: GatewayEndpoints,
    cache: Option<EndpointCacheBuilder>,
    source: Option<SharedSource>,
    endpoints_file: Option<PathBuf>,
    start_empty: bool,
    env: Option<Environment>,
    dns_resolver: Option<SharedDnsResolver>,
    dial_dns_ttl: Option<Duration>,
    trust_store: Option<TrustStore>,
    describe_timeout: Option<Duration>,
    metadata_timeout: Option<Duration>,
    hub: Option<HubVpc>,
    zone_id: Option<String>,
}

impl fmt::Debug for PrivateLinkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateLinkBuilder")
            .field("vpc_id", &self.vpc_id)
            .field("zone", &self.zone)
            .field("hub", &self.hub)
            .field("policy", &self.policy)
            .field("gateway_endpoints", &self.gateway_endpoints)
            .field("endpoints_file", &self.endpoints_file)
            .field("start_empty", &self.start_empty)
            .finish()
    }
}

impl PrivateLinkBuilder {
    fn cache(&mut self) -> EndpointCacheBuilder {
        self.cache.take().unwrap_or_default()
    }

    /// Uses `sdk_config` for EC2 discovery (region, credentials, retries, timeouts, HTTP client,
    /// `AWS_ENDPOINT_URL_EC2`), instance metadata, and the cache's clock and sleep. Required
    /// unless a static source is used.
    pub fn configure(mut self, sdk_config: &SdkConfig) -> Self {
        self.sdk_config = Some(sdk_config.clone());
        self
    }

    /// Sets the VPC id. Defaults to `PRIVATELINK_VPC_ID`, then instance or task metadata.
    pub fn vpc_id(mut self, vpc_id: impl Into<String>) -> Self {
        self.vpc_id = Some(vpc_id.into());
        self
    }

    /// Sets the availability zone whose zonal endpoint names to use (e.g. `us-east-1a`).
    /// Defaults to `PRIVATELINK_AZ`, then metadata (when the VPC id comes from metadata).
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into());
        self
    }

    /// Uses the interface endpoints of a shared-services (hub) VPC in another account, reached
    /// from this (spoke) VPC over peering or Transit Gateway: discovery assumes the hub's role
    /// with this process's credentials and lists the hub VPC's endpoints. Zonal names then name
    /// the hub account's zones, which map to other physical zones than this account's: this
    /// process's zone id ([`PrivateLinkBuilder::zone_id`], else instance metadata's
    /// `placement/availability-zone-id`, else the zone name from [`PrivateLinkBuilder::zone`],
    /// `PRIVATELINK_AZ` or metadata looked up with this account's credentials) is translated to
    /// the hub account's zone name once, with the hub's credentials
    /// (`DescribeAvailabilityZones`); without a zone id, regional names are used. The hub's
    /// gateway endpoints are never used, whatever [`PrivateLinkBuilder::gateway_endpoints`]
    /// says: they do not carry traffic from other VPCs. Defaults to none: the VPC this process
    /// runs in.
    pub fn hub_vpc(mut self, hub: HubVpc) -> Self {
        self.hub = Some(hub);
        self
    }

    /// Sets this process's availability zone id (`use1-az1`), for a hub VPC's zone translation.
    /// Defaults to metadata, else none.
    pub fn zone_id(mut self, zone_id: impl Into<String>) -> Self {
        self.zone_id = Some(zone_id.into());
        self
    }

    /// Sets the policy; this wins over `PRIVATELINK_POLICY`. Defaults to `PRIVATELINK_POLICY`
    /// (`off`, `prefer` or `strict`, so an operator can change it without a rebuild), else
    /// [`Policy::Prefer`].
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Whether same-region S3 and DynamoDB requests that an available gateway endpoint of the
    /// VPC carries stay on their default host (free) instead of going to an interface endpoint
    /// (billed per GB). Defaults to [`GatewayEndpoints::Auto`].
    pub fn gateway_endpoints(mut self, gateway_endpoints: GatewayEndpoints) -> Self {
        self.gateway_endpoints = gateway_endpoints;
        self
    }

    /// Only rewrite these services (endpoint labels). Defaults to all.
    pub fn include_service(mut self, service: impl Into<String>) -> Self {
        self.rewrite = self.rewrite.include_service(service);
        self
    }

    /// Never rewrite these services. Under strict mode they may still only reach their
    /// standard hosts in the `SdkConfig`'s region, which a gateway endpoint carries; their other
    /// hosts are refused (see [`RewriteConfigBuilder::exclude_service`]). Defaults to none.
    pub fn exclude_service(mut self, service: impl Into<String>) -> Self {
        self.rewrite = self.rewrite.exclude_service(service);
        self
    }

    /// Rewrites requests to the private REST API `api_id` to the `execute-api` endpoint.
    /// Defaults to none: other `execute-api` hosts keep their host (see
    /// [`RewriteConfigBuilder::private_api`]).
    pub fn private_api(mut self, api_id: impl Into<String>) -> Self {
        self.rewrite = self.rewrite.private_api(api_id);
        self
    }

    /// Leave requests for endpoints with private DNS on their default host, where that private
    /// DNS covers the host. Defaults to `false` (see
    /// [`RewriteConfigBuilder::skip_private_dns_endpoints`]).
    pub fn skip_private_dns_endpoints(mut self, skip: bool) -> Self {
        self.rewrite = self.rewrite.skip_private_dns_endpoints(skip);
        self
    }

    /// Sets the snapshot lifetime. Defaults to 45 minutes (see
    /// [`privatelink_discovery::DEFAULT_TTL`]).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.cache = Some(self.cache().ttl(ttl));
        self
    }

    /// Sets the lifetime jitter fraction. Defaults to 0.2.
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.cache = Some(self.cache().jitter(jitter));
        self
    }

    /// Sets how long before expiry the background refresh starts. Defaults to 60 s.
    pub fn refresh_ahead(mut self, refresh_ahead: Duration) -> Self {
        self.cache = Some(self.cache().refresh_ahead(refresh_ahead));
        self
    }

    /// Sets how long after expiry a snapshot is still used while refreshes fail. Defaults to 1 hour.
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.cache = Some(self.cache().max_stale(max_stale));
        self
    }

    /// Sets the minimum interval after a failed call (stretched by a random 0–50 %). Defaults to 30 s.
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.cache = Some(self.cache().failure_backoff(backoff));
        self
    }

    /// Reads endpoints from a describe-vpc-endpoints JSON file instead of calling EC2 (re-read on
    /// every refresh). Defaults to `PRIVATELINK_ENDPOINTS_FILE` when set, else EC2.
    pub fn endpoints_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.endpoints_file = Some(path.into());
        self
    }

    /// Uses a custom endpoint source instead of EC2 or a file.
    pub fn source(mut self, source: impl DescribeEndpoints) -> Self {
        self.source = Some(SharedSource::new(source));
        self
    }

    /// With [`Policy::Prefer`] only: if the first load fails, build anyway with no snapshot
    /// (requests go to their default hosts) and keep retrying in the background. Defaults to
    /// `false`: `build()` fails.
    pub fn start_empty(mut self, start_empty: bool) -> Self {
        self.start_empty = start_empty;
        self
    }

    /// Replaces the environment variables read (`PRIVATELINK_*`, ECS, Lambda). Defaults to the
    /// process environment.
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = Some(env);
        self
    }

    /// The time limit of one DescribeVpcEndpoints walk (every page and retry), whatever the
    /// `SdkConfig`'s timeouts (its tighter ones still apply). Defaults to 20 seconds
    /// ([`DEFAULT_DESCRIBE_TIMEOUT`](privatelink_discovery::DEFAULT_DESCRIBE_TIMEOUT)); 1 second
    /// to 1 hour.
    pub fn describe_timeout(mut self, timeout: Duration) -> Self {
        self.describe_timeout = Some(timeout);
        self
    }

    /// The time limit of locating this process through instance or task metadata. Defaults to
    /// 10 seconds ([`DEFAULT_METADATA_TIMEOUT`](privatelink_discovery::DEFAULT_METADATA_TIMEOUT));
    /// 1 second to 1 hour.
    pub fn metadata_timeout(mut self, timeout: Duration) -> Self {
        self.metadata_timeout = Some(timeout);
        self
    }

    /// Dial mode: the resolver endpoint names are resolved with. Defaults to the system resolver.
    pub fn dns_resolver(mut self, resolver: impl ResolveDns + 'static) -> Self {
        self.dns_resolver = Some(SharedDnsResolver::new(resolver));
        self
    }

    /// Dial mode: how long an endpoint name's addresses are reused. Defaults to 30 seconds
    /// ([`DEFAULT_DIAL_DNS_TTL`](crate::dial::DEFAULT_DIAL_DNS_TTL)).
    pub fn dial_dns_ttl(mut self, ttl: Duration) -> Self {
        self.dial_dns_ttl = Some(ttl);
        self
    }

    /// Dial mode: the certificates [`PrivateLink::http_client`] trusts. Defaults to the
    /// platform's (`TrustStore::default()`: native roots, which honour `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR`), as the SDK's default client.
    pub fn trust_store(mut self, trust_store: TrustStore) -> Self {
        self.trust_store = Some(trust_store);
        self
    }

    /// Resolves the source and location, loads the endpoints once, and returns the handle.
    pub async fn build(self) -> Result<PrivateLink, BuildError> {
        self.build_with(None).await
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
        let dial = self.pending_dial(true);
        let sdk_config = loader.http_client(dial.http_client()).load().await;
        self.sdk_config = Some(sdk_config.clone());
        let privatelink = self.build_with(Some(dial)).await?;
        Ok((privatelink, sdk_config))
    }

    /// Settings that need no I/O to check, and a Tokio runtime.
    fn check(&self) -> Result<(), BuildError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BuildError::Discovery(DiscoveryError::NoRuntime));
        }
        for (setting, value) in [
            ("describe_timeout", self.describe_timeout),
            ("metadata_timeout", self.metadata_timeout),
        ] {
            if value.is_some_and(|v| !(MIN_TIMEOUT..=MAX_TIMEOUT).contains(&v)) {
                return Err(BuildError::InvalidTimeout(InvalidTimeoutError { setting }));
            }
        }
        Ok(())
    }

    /// The policy: set in code, else `PRIVATELINK_POLICY`, else `Prefer`.
    fn resolve_policy(&self, env: &Environment) -> Result<Policy, BuildError> {
        if let Some(policy) = self.policy {
            return Ok(policy);
        }
        match env.var(POLICY_ENV) {
            None => Ok(Policy::default()),
            Some(value) => value.parse().map_err(|source| {
                BuildError::Environment(EnvironmentError {
                    variable: POLICY_ENV,
                    source,
                })
            }),
        }
    }

    async fn build_with(mut self, dial: Option<PendingDial>) -> Result<PrivateLink, BuildError> {
        self.check()?;
        let env = self.env.clone().unwrap_or_else(Environment::process);
        let policy = self.resolve_policy(&env)?;
        if self.start_empty && policy != Policy::Prefer {
            return Err(BuildError::StartEmptyNeedsPrefer);
        }
        let source = self.choose_source(&env, dial.as_ref()).await?;
        if self.hub.is_some() && matches!(source, Source::Static(_)) {
            return Err(BuildError::HubNeedsEc2);
        }
        let (key, location, zone) = self.locate(&source, env).await?;
        let mut rewrite = std::mem::take(&mut self.rewrite).policy(policy);
        rewrite.set_zone(zone);
        // The home region: what an excluded service may reach under strict (a gateway endpoint).
        rewrite.set_region(
            self.sdk_config
                .as_ref()
                .and_then(SdkConfig::region)
                .map(ToString::to_string),
        );
        let inside_vpc = location.as_ref().is_some_and(Location::is_inside_vpc);
        let rewrite = rewrite
            // A hub's gateway endpoints carry the hub VPC's traffic, never this process's.
            .gateway_endpoints(
                self.hub.is_none() && self.gateway_endpoints.applies(policy, inside_vpc),
            )
            .build()
            .map_err(BuildError::Config)?;
        let cache = self.cache_for(source.into_shared())?;
        self.first_load(&cache, &key).await?;
        Ok(self.wire_modes(cache, key, location, rewrite, dial))
    }

    /// Step 1: a source set in code, else an endpoint file (setting, then
    /// `PRIVATELINK_ENDPOINTS_FILE`), else EC2 (which needs an `SdkConfig`).
    async fn choose_source(
        &mut self,
        env: &Environment,
        dial: Option<&PendingDial>,
    ) -> Result<Source, BuildError> {
        if let Some(source) = self.source.take() {
            return Ok(Source::Static(source));
        }
        let file = self
            .endpoints_file
            .take()
            .or_else(|| env.var(ENDPOINTS_FILE_ENV).map(PathBuf::from));
        Ok(match (file, &self.sdk_config) {
            (Some(path), _) => Source::Static(SharedSource::new(FileSource::new(path))),
            (None, Some(sdk)) => {
                // With `load_config`, discovery dials through its own (never strict) resolver.
                let mut sdk = match dial {
                    Some(dial) => sdk
                        .to_builder()
                        .http_client(dial.discovery_http_client())
                        .build(),
                    None => sdk.clone(),
                };
                // A hub VPC is discovered with the hub account's credentials.
                if let Some(hub) = &self.hub {
                    sdk = hub.sdk_config(&sdk).await.map_err(BuildError::Discovery)?;
                }
                let ec2 = Ec2Source::new(&sdk)
                    .timeout(self.describe_timeout.unwrap_or(DEFAULT_DESCRIBE_TIMEOUT));
                Source::Ec2(ec2, Box::new(sdk))
            }
            (None, None) => return Err(BuildError::NoSdkConfig),
        })
    }

    /// Step 2: the cache key (VPC id) and zone. EC2 needs a location, which metadata may supply;
    /// a static source only uses what is configured (and an empty key means all its endpoints).
    async fn locate(
        &self,
        source: &Source,
        env: Environment,
    ) -> Result<(String, Option<Location>, Option<String>), BuildError> {
        let mut locator = Locator::new()
            .timeout(self.metadata_timeout.unwrap_or(DEFAULT_METADATA_TIMEOUT))
            .environment(env)
            .vpc_id(self.vpc_id.clone())
            .zone(self.zone.clone());
        if let Some(sdk) = &self.sdk_config {
            locator = locator.configure(sdk);
        }
        Ok(match source {
            Source::Ec2(_, discovery) if let Some(hub) = &self.hub => {
                self.locate_in_hub(hub, discovery, locator).await?
            }
            Source::Ec2(..) => {
                let location = locator.locate().await.map_err(BuildError::Discovery)?;
                let key = location.vpc_id().to_owned();
                let zone = location.zone().map(str::to_owned);
                (key, Some(location), zone)
            }
            Source::Static(_) => {
                let (vpc_id, zone) = locator.configured();
                (vpc_id.unwrap_or_default(), None, zone)
            }
        })
    }

    /// With a hub VPC: the caller's zone id (setting, else metadata, else the caller's zone
    /// name through the caller's account), translated to the hub account's zone name with the
    /// hub's credentials, once. Without a zone id, no zone: regional names.
    async fn locate_in_hub(
        &self,
        hub: &HubVpc,
        hub_config: &SdkConfig,
        locator: Locator,
    ) -> Result<(String, Option<Location>, Option<String>), BuildError> {
        let caller = self.sdk_config.as_ref().ok_or(BuildError::NoSdkConfig)?;
        let mut zone_id = self.zone_id.clone();
        if zone_id.is_none() {
            let (zone, found_id) = match locator.configured() {
                (_, Some(zone)) => (Some(zone), None),
                // Metadata, when there is some; elsewhere (on-premises) no zone at all.
                _ => match locator.vpc_id(None).locate().await {
                    Ok(location) => (
                        location.zone().map(str::to_owned),
                        location.zone_id().map(str::to_owned),
                    ),
                    Err(_) => (None, None),
                },
            };
            zone_id = match (found_id, zone) {
                (Some(id), _) => Some(id),
                (None, Some(zone)) => HubVpc::zone_id(caller, &zone)
                    .await
                    .map_err(BuildError::Discovery)?,
                (None, None) => None,
            };
        }
        let hub_zone = match &zone_id {
            Some(id) => HubVpc::zone_name(hub_config, id)
                .await
                .map_err(BuildError::Discovery)?,
            None => None,
        };
        let location = Location::in_hub(hub.vpc_id().to_owned(), hub_zone.clone(), zone_id);
        Ok((hub.vpc_id().to_owned(), Some(location), hub_zone))
    }

    /// The cache over `source`, on the `SdkConfig`'s clock and sleep when it has them.
    fn cache_for(&mut self, source: SharedSource) -> Result<EndpointCache, BuildError> {
        let mut cache = self.cache().source(source);
        if let Some(sdk) = &self.sdk_config {
            if let Some(time) = sdk.time_source() {
                cache = cache.time_source(time);
            }
            if let Some(sleep) = sdk.sleep_impl() {
                cache = cache.sleep_impl(sleep);
            }
        }
        cache.build().map_err(BuildError::Cache)
    }

    /// Step 3: the first load. A failure fails the build, unless `start_empty` is set.
    async fn first_load(&self, cache: &EndpointCache, key: &str) -> Result<(), BuildError> {
        match cache.load(key).await {
            Ok(index) => tracing::debug!(
                vpc_id = %key,
                endpoints = index.endpoints().len(),
                usable_targets = index.usable_count(),
                "privatelink ready"
            ),
            Err(error) if self.start_empty => tracing::warn!(
                vpc_id = %key,
                error = %aws_smithy_types::error::display::DisplayErrorContext(&error),
                "privatelink starts without endpoints; retrying in the background"
            ),
            Err(error) => return Err(BuildError::Discovery(error)),
        }
        Ok(())
    }

    /// Dial mode's resolver, not bound yet, and its trust store, from the settings; with
    /// `for_discovery`, discovery's own resolver too (`load_config`).
    fn pending_dial(&mut self, for_discovery: bool) -> PendingDial {
        let underlying = self
            .dns_resolver
            .take()
            .unwrap_or_else(|| SharedDnsResolver::new(SystemResolver));
        let ttl = self.dial_dns_ttl.unwrap_or(DEFAULT_DIAL_DNS_TTL);
        PendingDial {
            resolver: DialResolver::unbound(underlying.clone(), ttl),
            discovery_resolver: for_discovery.then(|| DialResolver::unbound(underlying, ttl)),
            trust_store: self.trust_store.take().unwrap_or_default(),
        }
    }

    /// Step 4: both modes over the VPC's cell: the interceptor, and dial mode's resolver and
    /// HTTPS client (those `load_config` made, bound now). Each keeps the background refresh
    /// alive.
    fn wire_modes(
        mut self,
        cache: EndpointCache,
        key: String,
        location: Option<Location>,
        rewrite: RewriteConfig,
        dial: Option<PendingDial>,
    ) -> PrivateLink {
        let cell = cache.cell(&key);
        let time = self
            .sdk_config
            .as_ref()
            .and_then(SdkConfig::time_source)
            .unwrap_or_else(|| SharedTimeSource::new(SystemTimeSource::new()));
        let dial = match dial {
            Some(dial) => dial,
            None => self.pending_dial(false),
        };
        let bind = |resolver: &DialResolver, config: RewriteConfig| {
            resolver.bind(cell.clone(), config, time.clone(), Some(cache.keep_alive()))
        };
        // Discovery's own calls are never refused (as in rewrite mode, where its client has no
        // interceptor): they use the EC2 endpoint when there is one, else the default host.
        if let Some(discovery) = &dial.discovery_resolver {
            bind(discovery, rewrite.with_policy(Policy::Prefer));
        }
        bind(&dial.resolver, rewrite.clone());
        let interceptor =
            PrivateLinkInterceptor::new(cell.clone(), rewrite).with_keep_alive(cache.keep_alive());
        let http_client = dial.http_client();
        PrivateLink {
            inner: Arc::new(Inner {
                cache,
                key,
                location,
                cell,
                interceptor,
                http_client,
                resolver: dial.resolver,
            }),
        }
    }
}

/// Dial mode's resolvers before they are bound to the cell: `load_config` needs the HTTP client
/// before the configuration (and so the location and settings) exists.
struct PendingDial {
    resolver: DialResolver,
    /// Discovery's, with `load_config`: the same, never strict.
    discovery_resolver: Option<DialResolver>,
    trust_store: TrustStore,
}

impl PendingDial {
    fn http_client(&self) -> SharedHttpClient {
        dial::http_client(self.resolver.clone(), self.trust_store.clone())
    }

    /// Discovery's client: its own resolver when it has one.
    fn discovery_http_client(&self) -> SharedHttpClient {
        let resolver = self.discovery_resolver.as_ref().unwrap_or(&self.resolver);
        dial::http_client(resolver.clone(), self.trust_store.clone())
    }
}

/// Whether same-region requests a gateway endpoint carries stay on their default host; see
/// [`PrivateLinkBuilder::gateway_endpoints`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GatewayEndpoints {
    /// Decide by where the process runs: inside the VPC (its location came from instance or
    /// task metadata), S3 and DynamoDB requests in the VPC's region stay on their default host
    /// when the VPC has an available gateway endpoint for them; outside it (Client VPN,
    /// on-premises, a VPC id configured without metadata) they go to the interface endpoint.
    /// Under [`Policy::Strict`], always the interface endpoint: strict mode does not trust a
    /// route it cannot see (use [`GatewayEndpoints::Use`] to name the gateway as a private path).
    /// The default.
    #[default]
    Auto,
    /// Use gateway endpoints wherever the snapshot has one, under every policy: the operator
    /// names the gateway as a private path (this process's route tables reach it).
    Use,
    /// Never: requests go to interface endpoints.
    Ignore,
}

impl GatewayEndpoints {
    /// Whether gateway endpoints are used under `policy`, for a process inside the VPC or not
    /// (the one rule; the `privatelink` command uses it too).
    pub fn applies(self, policy: Policy, inside_vpc: bool) -> bool {
        match self {
            GatewayEndpoints::Auto => inside_vpc && policy != Policy::Strict,
            GatewayEndpoints::Use => true,
            GatewayEndpoints::Ignore => false,
        }
    }
}

/// Where the endpoints come from.
enum Source {
    /// EC2 `DescribeVpcEndpoints` (with the configuration it uses): needs this process's VPC,
    /// or a hub VPC.
    Ec2(Ec2Source, Box<SdkConfig>),
    /// A file or a source set in code: uses only a configured VPC id.
    Static(SharedSource),
}

impl Source {
    fn into_shared(self) -> SharedSource {
        match self {
            Source::Ec2(ec2, _) => SharedSource::new(ec2),
            Source::Static(shared) => shared,
        }
    }
}

/// [`PrivateLinkBuilder::build`] failed.
#[non_exhaustive]
#[derive(Debug)]
pub enum BuildError {
    /// Neither `configure(&sdk_config)` nor a static source was given.
    NoSdkConfig,
    /// `start_empty(true)` was set with a policy other than `Prefer`.
    StartEmptyNeedsPrefer,
    /// `hub_vpc(..)` was set with an endpoint file or a custom source: a hub is discovered
    /// from EC2 with its own credentials.
    HubNeedsEc2,
    /// A mapping setting is invalid.
    Config(InvalidConfigError),
    /// A cache setting is invalid.
    Cache(CacheConfigError),
    /// `describe_timeout` or `metadata_timeout` is outside 1 second to 1 hour.
    InvalidTimeout(InvalidTimeoutError),
    /// An environment variable privatelink reads has a value it does not accept.
    Environment(EnvironmentError),
    /// Location or the first load failed.
    Discovery(DiscoveryError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoSdkConfig => f.write_str(
                "no SdkConfig: call `configure(&sdk_config)`, or use `endpoints_file(..)` / PRIVATELINK_ENDPOINTS_FILE",
            ),
            BuildError::StartEmptyNeedsPrefer => f.write_str("`start_empty(true)` requires Policy::Prefer"),
            BuildError::HubNeedsEc2 => f.write_str(
                "`hub_vpc(..)` discovers from EC2: it cannot be combined with an endpoint file (`endpoints_file`, PRIVATELINK_ENDPOINTS_FILE) or a custom source",
            ),
            BuildError::Config(_) => f.write_str("invalid privatelink settings"),
            BuildError::Cache(_) => f.write_str("invalid privatelink cache settings"),
            BuildError::InvalidTimeout(e) => write!(
                f,
                "invalid privatelink setting {}: expected 1 second to 1 hour",
                e.setting
            ),
            BuildError::Environment(e) => write!(f, "invalid environment variable {}", e.variable),
            BuildError::Discovery(_) => f.write_str("privatelink could not load the VPC's endpoints"),
        }
    }
}

impl Error for BuildError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            BuildError::NoSdkConfig
            | BuildError::StartEmptyNeedsPrefer
            | BuildError::HubNeedsEc2
            | BuildError::InvalidTimeout(_) => None,
            BuildError::Config(e) => Some(e),
            BuildError::Cache(e) => Some(e),
            BuildError::Environment(e) => Some(&e.source),
            BuildError::Discovery(e) => Some(e),
        }
    }
}

/// The shortest and longest `describe_timeout` / `metadata_timeout` accepted.
const MIN_TIMEOUT: Duration = Duration::from_secs(1);
const MAX_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Context of [`BuildError::InvalidTimeout`].
#[derive(Debug)]
pub struct InvalidTimeoutError {
    setting: &'static str,
}

impl InvalidTimeoutError {
    /// The setting: `describe_timeout` or `metadata_timeout`.
    pub fn setting(&self) -> &'static str {
        self.setting
    }
}

/// Environment variable: the policy (`off`, `prefer` or `strict`, any case), when none is set in
/// code ([`PrivateLinkBuilder::policy`] wins).
pub const POLICY_ENV: &str = "PRIVATELINK_POLICY";

/// Context of [`BuildError::Environment`]; its source names the value and what was expected.
#[derive(Debug)]
pub struct EnvironmentError {
    variable: &'static str,
    source: InvalidConfigError,
}

impl EnvironmentError {
    /// The variable, e.g. `PRIVATELINK_POLICY`.
    pub fn variable(&self) -> &'static str {
        self.variable
    }
}
