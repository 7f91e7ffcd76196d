//! `PrivateLink`: discovery, cache and interceptor wired together from an `SdkConfig`.

use std::error::Error;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
#[cfg(feature = "dial")]
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::{ResolveDns, SharedDnsResolver};
#[cfg(feature = "dial")]
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::SdkConfig;
use privatelink_core::{
    EndpointIndex, InvalidConfigError, Policy, RewriteConfig, RewriteConfigBuilder, SnapshotCell,
};
use privatelink_discovery::{
    CacheConfigError, DescribeEndpoints, DiscoveryError, ENDPOINTS_FILE_ENV, EndpointCache,
    EndpointCacheBuilder, Environment, FileSource, Location, SharedSource,
};
use privatelink_interceptor::PrivateLinkInterceptor;

use crate::dial::{DEFAULT_DIAL_DNS_TTL, DialResolver, SystemResolver};

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
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    cache: EndpointCache,
    key: String,
    location: Option<Location>,
    cell: SnapshotCell,
    interceptor: PrivateLinkInterceptor,
    resolver: DialResolver,
    /// Dial mode's client, built once: every config it is given to shares one connection pool.
    #[cfg(feature = "dial")]
    pub(crate) http_client: SharedHttpClient,
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
    pub(crate) sdk_config: Option<SdkConfig>,
    pub(crate) vpc_id: Option<String>,
    pub(crate) zone: Option<String>,
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
    #[cfg(feature = "dial")]
    pub(crate) trust_store: Option<TrustStore>,
    #[cfg(feature = "ec2")]
    pub(crate) ec2: crate::ec2::Ec2Settings,
}

impl fmt::Debug for PrivateLinkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateLinkBuilder")
            .field("vpc_id", &self.vpc_id)
            .field("zone", &self.zone)
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

    /// Resolves the source and location, loads the endpoints once, and returns the handle.
    pub async fn build(self) -> Result<PrivateLink, BuildError> {
        self.check()?;
        self.build_with(None).await
    }

    /// Settings that need no I/O to check, and a Tokio runtime.
    pub(crate) fn check(&self) -> Result<(), BuildError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BuildError::Discovery(DiscoveryError::NoRuntime));
        }
        #[cfg(feature = "ec2")]
        self.ec2.check()?;
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

    /// [`PrivateLinkBuilder::check`] has passed.
    pub(crate) async fn build_with(
        mut self,
        dial: Option<PendingDial>,
    ) -> Result<PrivateLink, BuildError> {
        let env = self.env.clone().unwrap_or_else(Environment::process);
        let policy = self.resolve_policy(&env)?;
        if self.start_empty && policy != Policy::Prefer {
            return Err(BuildError::StartEmptyNeedsPrefer);
        }
        let source = self.choose_source(&env, dial.as_ref()).await?;
        if self.uses_hub() && matches!(source, Source::Static(_)) {
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
                !self.uses_hub() && self.gateway_endpoints.applies(policy, inside_vpc),
            )
            .build()
            .map_err(BuildError::Config)?;
        let cache = self.cache_for(source.into_shared())?;
        self.first_load(&cache, &key).await?;
        Ok(self.wire_modes(cache, key, location, rewrite, dial))
    }

    /// Whether the endpoints are a hub VPC's (feature `ec2`).
    fn uses_hub(&self) -> bool {
        #[cfg(feature = "ec2")]
        return self.ec2.hub.is_some();
        #[cfg(not(feature = "ec2"))]
        false
    }

    /// Step 1: a source set in code, else an endpoint file (setting, then
    /// `PRIVATELINK_ENDPOINTS_FILE`), else EC2 (feature `ec2`; needs an `SdkConfig`).
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
        if let Some(path) = file {
            return Ok(Source::Static(SharedSource::new(FileSource::new(path))));
        }
        #[cfg(feature = "ec2")]
        return self.ec2_source(dial).await;
        #[cfg(not(feature = "ec2"))]
        {
            let _ = dial;
            Err(BuildError::NoSource)
        }
    }

    /// Step 2: the cache key (VPC id) and zone. EC2 needs a location, which metadata may supply;
    /// a static source only uses what is configured (and an empty key means all its endpoints).
    async fn locate(
        &self,
        source: &Source,
        env: Environment,
    ) -> Result<(String, Option<Location>, Option<String>), BuildError> {
        Ok(match source {
            #[cfg(feature = "ec2")]
            Source::Ec2(_, discovery) => self.locate_for_ec2(discovery, env).await?,
            Source::Static(_) => {
                let (vpc_id, zone) = env.configured(self.vpc_id.clone(), self.zone.clone());
                (vpc_id.unwrap_or_default(), None, zone)
            }
        })
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
    pub(crate) fn pending_dial(&mut self, for_discovery: bool) -> PendingDial {
        let underlying = self
            .dns_resolver
            .take()
            .unwrap_or_else(|| SharedDnsResolver::new(SystemResolver));
        let ttl = self.dial_dns_ttl.unwrap_or(DEFAULT_DIAL_DNS_TTL);
        PendingDial {
            resolver: DialResolver::unbound(underlying.clone(), ttl),
            discovery_resolver: for_discovery.then(|| DialResolver::unbound(underlying, ttl)),
            #[cfg(feature = "dial")]
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
        PrivateLink {
            inner: Arc::new(Inner {
                cache,
                key,
                location,
                cell,
                interceptor,
                #[cfg(feature = "dial")]
                http_client: dial.http_client(),
                resolver: dial.resolver,
            }),
        }
    }
}

/// Dial mode's resolvers before they are bound to the cell: `load_config` needs the HTTP client
/// before the configuration (and so the location and settings) exists.
pub(crate) struct PendingDial {
    pub(crate) resolver: DialResolver,
    /// Discovery's, with `load_config`: the same, never strict.
    pub(crate) discovery_resolver: Option<DialResolver>,
    #[cfg(feature = "dial")]
    pub(crate) trust_store: TrustStore,
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
pub(crate) enum Source {
    /// EC2 `DescribeVpcEndpoints` (with the configuration it uses): needs this process's VPC,
    /// or a hub VPC.
    #[cfg(feature = "ec2")]
    Ec2(privatelink_discovery::Ec2Source, Box<SdkConfig>),
    /// A file or a source set in code: uses only a configured VPC id.
    Static(SharedSource),
}

impl Source {
    fn into_shared(self) -> SharedSource {
        match self {
            #[cfg(feature = "ec2")]
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
    /// No endpoint file or custom source was given, and EC2 discovery is not compiled in
    /// (privatelink's `ec2` feature is off).
    NoSource,
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
            BuildError::NoSource => f.write_str(
                "no endpoint source: set `endpoints_file(..)` / PRIVATELINK_ENDPOINTS_FILE or `source(..)` (EC2 discovery needs privatelink's `ec2` feature)",
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
            | BuildError::NoSource
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

/// Context of [`BuildError::InvalidTimeout`].
#[derive(Debug)]
pub struct InvalidTimeoutError {
    pub(crate) setting: &'static str,
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

#[cfg(test)]
mod tests {
    //! The facade without EC2 or dial mode's client as well: CI runs these with
    //! `--no-default-features` too (scripts/test.sh), where an endpoint file is the only source.

    use super::*;

    const FILE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/describe-vpc-endpoints.json"
    );

    fn env(vars: &[(&str, &str)]) -> Environment {
        vars.iter().copied().collect()
    }

    /// An endpoint file and `PRIVATELINK_VPC_ID`: no `SdkConfig`, no EC2, no metadata; both
    /// modes map with the file's endpoints of that VPC.
    #[tokio::test]
    async fn an_endpoint_file_and_the_environment_are_enough() {
        let privatelink = PrivateLink::builder()
            .endpoints_file(FILE)
            .environment(env(&[("PRIVATELINK_VPC_ID", "vpc-0example0000001")]))
            .build()
            .await
            .unwrap();
        assert_eq!(privatelink.location(), None);
        let index = privatelink.snapshot().unwrap();
        let host = "ec2.us-east-1.amazonaws.com";
        let expected = "vpce-0ec200000000000a1-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com";
        let url = format!("https://{host}/");
        let outcome = privatelink
            .rewrite_config()
            .rewrite_url(Some(&index), &url)
            .unwrap();
        let privatelink_core::Outcome::Rewritten(rewritten) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(rewritten.host(), expected);
        let dialed = privatelink.dns_resolver().endpoint_name(host).unwrap();
        assert_eq!(dialed.as_deref(), Some(expected));
    }

    /// No source at all: the error names what to set (and, without EC2 compiled in, why EC2 is
    /// not an option).
    #[tokio::test]
    async fn without_a_source_the_error_says_what_to_set() {
        let error = PrivateLink::builder()
            .environment(env(&[]))
            .build()
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("endpoints_file"), "{message}");
        if cfg!(feature = "ec2") {
            assert!(matches!(error, BuildError::NoSdkConfig), "{error:?}");
        } else {
            assert!(matches!(error, BuildError::NoSource), "{error:?}");
            assert!(message.contains("`ec2` feature"), "{message}");
        }
    }
}
