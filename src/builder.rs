//! [`PrivateLinkBuilder`]: the settings, and the two entry points that build from them
//! ([`PrivateLinkBuilder::build`], and [`PrivateLinkBuilder::load_config`] with feature `dial`).
//! Setting a value does nothing else; the steps are in `build`.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

#[cfg(feature = "dial")]
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::{ResolveDns, SharedDnsResolver};
use aws_types::SdkConfig;
use privatelink_core::Policy;
#[cfg(feature = "ec2")]
use privatelink_discovery::HubVpc;
use privatelink_discovery::{CacheConfig, DescribeEndpoints, Environment, SharedSource};

use crate::error::BuildError;
use crate::gateway::GatewayEndpoints;
use crate::handle::PrivateLink;
use crate::settings::Settings;

impl PrivateLink {
    /// Starts a builder.
    pub fn builder() -> PrivateLinkBuilder {
        PrivateLinkBuilder::default()
    }
}

/// Builder for [`PrivateLink`].
#[derive(Default)]
pub struct PrivateLinkBuilder {
    settings: Settings,
}

impl fmt::Debug for PrivateLinkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("PrivateLinkBuilder")
            .field("vpc_id", &settings.vpc_id)
            .field("zone", &settings.zone)
            .field("policy", &settings.policy)
            .field("gateway_endpoints", &settings.gateway_endpoints)
            .field("cache", &settings.cache)
            .field("endpoints_file", &settings.endpoints_file)
            .field("start_empty", &settings.start_empty)
            .finish()
    }
}

impl PrivateLinkBuilder {
    /// Uses `sdk_config` for EC2 discovery (region, credentials, retries, timeouts, HTTP client,
    /// `AWS_ENDPOINT_URL_EC2`), instance metadata, and the cache's clock and sleep. Required
    /// unless a static source is used.
    pub fn configure(mut self, sdk_config: &SdkConfig) -> Self {
        self.settings.sdk_config = Some(sdk_config.clone());
        self
    }

    /// Sets the VPC id. Defaults to `PRIVATELINK_VPC_ID`, then instance or task metadata.
    pub fn vpc_id(mut self, vpc_id: impl Into<String>) -> Self {
        self.settings.vpc_id = Some(vpc_id.into());
        self
    }

    /// Sets the availability zone whose zonal endpoint names to use (e.g. `us-east-1a`).
    /// Defaults to `PRIVATELINK_AZ`, then metadata (when the VPC id comes from metadata).
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.settings.zone = Some(zone.into());
        self
    }

    /// Sets the policy; this wins over `PRIVATELINK_POLICY`. Defaults to `PRIVATELINK_POLICY`
    /// (`off`, `prefer` or `strict`, so an operator can change it without a rebuild), else
    /// [`Policy::Prefer`].
    pub fn policy(mut self, policy: Policy) -> Self {
        self.settings.policy = Some(policy);
        self
    }

    /// Whether same-region S3 and DynamoDB requests that an available gateway endpoint of the
    /// VPC carries stay on their default host (free) instead of going to an interface endpoint
    /// (billed per GB). Defaults to [`GatewayEndpoints::Auto`].
    pub fn gateway_endpoints(mut self, gateway_endpoints: GatewayEndpoints) -> Self {
        self.settings.gateway_endpoints = gateway_endpoints;
        self
    }

    /// [`RewriteConfigBuilder::include_service`](privatelink_core::RewriteConfigBuilder::include_service).
    /// Defaults to all services.
    pub fn include_service(mut self, service: impl Into<String>) -> Self {
        self.settings.mapping = self.settings.mapping.include_service(service);
        self
    }

    /// [`RewriteConfigBuilder::exclude_service`](privatelink_core::RewriteConfigBuilder::exclude_service),
    /// with the `SdkConfig`'s region as the home region. Defaults to none.
    pub fn exclude_service(mut self, service: impl Into<String>) -> Self {
        self.settings.mapping = self.settings.mapping.exclude_service(service);
        self
    }

    /// [`RewriteConfigBuilder::private_api`](privatelink_core::RewriteConfigBuilder::private_api).
    /// Defaults to none.
    pub fn private_api(mut self, api_id: impl Into<String>) -> Self {
        self.settings.mapping = self.settings.mapping.private_api(api_id);
        self
    }

    /// [`RewriteConfigBuilder::skip_private_dns_endpoints`](privatelink_core::RewriteConfigBuilder::skip_private_dns_endpoints).
    /// Defaults to `false`.
    pub fn skip_private_dns_endpoints(mut self, skip: bool) -> Self {
        self.settings.mapping = self.settings.mapping.skip_private_dns_endpoints(skip);
        self
    }

    /// Sets the cache's timing: snapshot lifetime and jitter, refresh ahead of expiry,
    /// `max_stale`, the wait after a failure (built and checked by [`CacheConfig::builder`]).
    /// Defaults to [`CacheConfig::default`]: 45 minutes, 0.2, 60 s, 1 hour, 30 s.
    pub fn cache_config(mut self, config: CacheConfig) -> Self {
        self.settings.cache = config;
        self
    }

    /// Reads endpoints from a describe-vpc-endpoints JSON file instead of calling EC2 (re-read on
    /// every refresh). Defaults to `PRIVATELINK_ENDPOINTS_FILE` when set, else EC2.
    pub fn endpoints_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.endpoints_file = Some(path.into());
        self
    }

    /// Feature `s3`: reads the endpoints from an export document in S3 (`s3://bucket/key`), which
    /// one publisher per VPC writes (`privatelink export` on a schedule), instead of calling EC2:
    /// a conditional `GetObject` with the `configure`d `SdkConfig` (`s3:GetObject`), an unchanged
    /// object costing one `304`. The document must describe this process's VPC (configured, else
    /// from metadata), and its snapshot's TTL and `max_stale` count from its `DiscoveredAt`.
    /// Defaults to `PRIVATELINK_ENDPOINTS_URL` when set (after an endpoint file), else EC2.
    #[cfg(feature = "s3")]
    pub fn endpoints_url(mut self, url: impl Into<String>) -> Self {
        self.settings.endpoints_url = Some(url.into());
        self
    }

    /// Uses a custom endpoint source instead of EC2 or a file. Defaults to none.
    pub fn source(mut self, source: impl DescribeEndpoints) -> Self {
        self.settings.source = Some(SharedSource::new(source));
        self
    }

    /// With [`Policy::Prefer`] only: if the first load fails, build anyway with no snapshot
    /// (requests go to their default hosts) and keep retrying in the background. Defaults to
    /// `false`: `build()` fails.
    pub fn start_empty(mut self, start_empty: bool) -> Self {
        self.settings.start_empty = start_empty;
        self
    }

    /// Replaces the environment variables read (`PRIVATELINK_*`, ECS, Lambda). Defaults to the
    /// process environment.
    pub fn environment(mut self, env: Environment) -> Self {
        self.settings.env = Some(env);
        self
    }

    /// Dial mode: the resolver endpoint names are resolved with. Defaults to the system resolver.
    pub fn dns_resolver(mut self, resolver: impl ResolveDns + 'static) -> Self {
        self.settings.dns_resolver = Some(SharedDnsResolver::new(resolver));
        self
    }

    /// Dial mode: how long an endpoint name's addresses are reused. Defaults to 30 seconds
    /// ([`DEFAULT_DIAL_DNS_TTL`](crate::dial::DEFAULT_DIAL_DNS_TTL)).
    pub fn dial_dns_ttl(mut self, ttl: Duration) -> Self {
        self.settings.dial_dns_ttl = Some(ttl);
        self
    }

    /// Dial mode: how long one name lookup may take (an endpoint name's, or any other name the
    /// HTTPS client resolves) before its connection fails with
    /// [`LookupError::TimedOut`](crate::dial::LookupError::TimedOut), whatever the resolver's
    /// own timeouts. Defaults to 10 seconds
    /// ([`DEFAULT_DIAL_DNS_TIMEOUT`](crate::dial::DEFAULT_DIAL_DNS_TIMEOUT)); 1 second to 1 hour.
    pub fn dial_dns_timeout(mut self, timeout: Duration) -> Self {
        self.settings.dial_dns_timeout = Some(timeout);
        self
    }

    /// Dial mode: the certificates [`PrivateLink::http_client`] trusts. Defaults to the
    /// platform's (`TrustStore::default()`: native roots, which honour `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR`), as the SDK's default client.
    ///
    /// Replaces a [`PrivateLinkBuilder::ca_bundle`] set before (the last of the two wins).
    #[cfg(feature = "dial")]
    pub fn trust_store(mut self, trust_store: TrustStore) -> Self {
        self.settings.trust_store = Some(trust_store);
        self.settings.ca_bundle = None;
        self
    }

    /// Dial mode: trust the certificates in this PEM file (a corporate CA bundle, say) instead
    /// of the platform's, as `AWS_CA_BUNDLE` does for the AWS CLI. Read and checked at build: a
    /// file that cannot be read, holds no certificate or a block that is not a valid certificate
    /// is [`BuildError::CaBundle`](crate::BuildError::CaBundle), naming the file. Defaults to
    /// the file `PRIVATELINK_CA_BUNDLE` names ([`CA_BUNDLE_ENV`](crate::CA_BUNDLE_ENV)), else
    /// the platform's roots; replaces a [`PrivateLinkBuilder::trust_store`] set before.
    #[cfg(feature = "dial")]
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.ca_bundle = Some(path.into());
        self.settings.trust_store = None;
        self
    }

    /// Dial mode: the proxy settings of [`PrivateLink::http_client`]. Defaults to the
    /// environment's (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, either case), as the
    /// SDK's default client reads them; `ProxyConfig::disabled()` for none. A host with an
    /// endpoint always connects to the endpoint directly, never through the proxy; a host the
    /// policy refuses is refused before the proxy is asked; every other host goes as the proxy
    /// settings say.
    #[cfg(feature = "dial")]
    pub fn proxy(mut self, proxy: aws_smithy_http_client::proxy::ProxyConfig) -> Self {
        self.settings.proxy = Some(proxy);
        self
    }

    /// Dial mode: the TLS crypto of [`PrivateLink::http_client`], as the SDK's own client
    /// builder takes it. Defaults to `CryptoMode::AwsLc`; with this crate's `fips` feature,
    /// `CryptoMode::AwsLcFips`: aws-lc's FIPS module, FIPS-approved cipher suites only (building
    /// it needs CMake and Go, as aws-lc-fips-sys does).
    #[cfg(feature = "dial")]
    pub fn crypto_mode(
        mut self,
        mode: aws_smithy_http_client::tls::rustls_provider::CryptoMode,
    ) -> Self {
        self.settings.crypto_mode = Some(mode);
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
    #[cfg(feature = "ec2")]
    pub fn hub_vpc(mut self, hub: HubVpc) -> Self {
        self.settings.ec2.hub = Some(hub);
        self
    }

    /// Sets this process's availability zone id (`use1-az1`), for a hub VPC's zone translation.
    /// Defaults to metadata, else none.
    #[cfg(feature = "ec2")]
    pub fn zone_id(mut self, zone_id: impl Into<String>) -> Self {
        self.settings.ec2.zone_id = Some(zone_id.into());
        self
    }

    /// Sets this process's address in the VPC (e.g. a pod's `status.podIP` from the downward
    /// API), located by the network interface holding it when no VPC id is configured
    /// ([`Locator::own_address`](privatelink_discovery::Locator::own_address)). Defaults to none; in a
    /// Kubernetes pod, the address the process sends from.
    #[cfg(feature = "ec2")]
    pub fn own_address(mut self, address: std::net::IpAddr) -> Self {
        self.settings.ec2.own_address = Some(address);
        self
    }

    /// The time limit of one DescribeVpcEndpoints walk (every page and retry), whatever the
    /// `SdkConfig`'s timeouts (its tighter ones still apply). Defaults to 20 seconds
    /// ([`DEFAULT_DESCRIBE_TIMEOUT`](privatelink_discovery::DEFAULT_DESCRIBE_TIMEOUT)); 1 second
    /// to 1 hour.
    #[cfg(feature = "ec2")]
    pub fn describe_timeout(mut self, timeout: Duration) -> Self {
        self.settings.ec2.describe_timeout = Some(timeout);
        self
    }

    /// The time limit of locating this process through instance or task metadata. Defaults to
    /// 10 seconds ([`DEFAULT_METADATA_TIMEOUT`](privatelink_discovery::DEFAULT_METADATA_TIMEOUT));
    /// 1 second to 1 hour.
    #[cfg(feature = "ec2")]
    pub fn metadata_timeout(mut self, timeout: Duration) -> Self {
        self.settings.ec2.metadata_timeout = Some(timeout);
        self
    }

    /// Resolves the source and location, loads the endpoints once, and returns the handle.
    pub async fn build(self) -> Result<PrivateLink, BuildError> {
        self.settings.check()?;
        crate::build::build(self.settings, None).await
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
    #[cfg(feature = "dial")]
    pub async fn load_config(
        self,
        loader: aws_config::ConfigLoader,
    ) -> Result<(PrivateLink, SdkConfig), BuildError> {
        self.settings.check()?;
        crate::build::load_config(self.settings, loader).await
    }
}

#[cfg(test)]
mod tests {
    //! The facade without EC2 or dial mode's client as well: CI runs these with
    //! `--no-default-features` too (scripts/test.sh), where an endpoint file is the only source.

    use super::*;
    use crate::error::BuildError;

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

    /// `PRIVATELINK_ENDPOINTS_URL` without the `s3` feature is an error saying so, not ignored
    /// (EC2 would be called instead of reading the fleet's document).
    #[cfg(not(feature = "s3"))]
    #[tokio::test]
    async fn an_endpoints_url_without_the_s3_feature_is_an_error() {
        let url = "s3://my-bucket/privatelink/vpc.json";
        let error = PrivateLink::builder()
            .environment(env(&[("PRIVATELINK_ENDPOINTS_URL", url)]))
            .build()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, BuildError::EndpointsUrl(e) if e.url() == url),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .ends_with("needs privatelink's `s3` feature"),
            "{error}"
        );
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
