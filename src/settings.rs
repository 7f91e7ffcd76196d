//! What [`PrivateLinkBuilder`](crate::PrivateLinkBuilder) collects: plain data, checked once
//! ([`Settings::check`]) before anything is built. The builder only sets it; the build steps
//! (`build`) only read it.

use std::path::PathBuf;
use std::time::Duration;

#[cfg(feature = "dial")]
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::SharedDnsResolver;
use aws_types::SdkConfig;
use privatelink_core::{Policy, RewriteConfigBuilder};
#[cfg(feature = "ec2")]
use privatelink_discovery::HubVpc;
use privatelink_discovery::{CacheConfig, DiscoveryError, Environment, SharedSource};

use crate::error::BuildError;
use crate::gateway::GatewayEndpoints;

/// Environment variable: the policy (`off`, `prefer` or `strict`, any case), when none is set in
/// code ([`PrivateLinkBuilder::policy`](crate::PrivateLinkBuilder::policy) wins).
pub const POLICY_ENV: &str = "PRIVATELINK_POLICY";

/// The environment variable naming a PEM file of the certificates dial mode's HTTPS client
/// trusts instead of the platform's, when no trust store or CA bundle is set in code:
/// privatelink's own, because the AWS SDK for Rust does not read `AWS_CA_BUNDLE`.
#[cfg(feature = "dial")]
pub const CA_BUNDLE_ENV: &str = "PRIVATELINK_CA_BUNDLE";

/// Every setting of the builder; `None` where the default (or the environment) applies.
#[derive(Default)]
pub(crate) struct Settings {
    pub(crate) sdk_config: Option<SdkConfig>,
    pub(crate) vpc_id: Option<String>,
    pub(crate) zone: Option<String>,
    /// The mapping settings the handle does not fill itself (services, private APIs, private
    /// DNS); the policy, zone, home region and gateway setting are set at build.
    pub(crate) mapping: RewriteConfigBuilder,
    pub(crate) policy: Option<Policy>,
    pub(crate) gateway_endpoints: GatewayEndpoints,
    pub(crate) cache: CacheConfig,
    pub(crate) source: Option<SharedSource>,
    pub(crate) endpoints_file: Option<PathBuf>,
    #[cfg(feature = "s3")]
    pub(crate) endpoints_url: Option<String>,
    pub(crate) start_empty: bool,
    pub(crate) env: Option<Environment>,
    pub(crate) dns_resolver: Option<SharedDnsResolver>,
    pub(crate) dial_dns_ttl: Option<Duration>,
    pub(crate) dial_dns_timeout: Option<Duration>,
    #[cfg(feature = "dial")]
    pub(crate) trust_store: Option<TrustStore>,
    /// A PEM file to trust instead (`ca_bundle`); turned into `trust_store` at build.
    #[cfg(feature = "dial")]
    pub(crate) ca_bundle: Option<PathBuf>,
    #[cfg(feature = "dial")]
    pub(crate) proxy: Option<aws_smithy_http_client::proxy::ProxyConfig>,
    #[cfg(feature = "dial")]
    pub(crate) crypto_mode: Option<aws_smithy_http_client::tls::rustls_provider::CryptoMode>,
    #[cfg(feature = "ec2")]
    pub(crate) ec2: Ec2Settings,
}

/// The settings of EC2 discovery (feature `ec2`).
#[cfg(feature = "ec2")]
#[derive(Default)]
pub(crate) struct Ec2Settings {
    pub(crate) hub: Option<HubVpc>,
    pub(crate) zone_id: Option<String>,
    pub(crate) own_address: Option<std::net::IpAddr>,
    pub(crate) describe_timeout: Option<Duration>,
    pub(crate) metadata_timeout: Option<Duration>,
}

impl Settings {
    /// What needs no I/O to check: a Tokio runtime, and the settings without a type of their own
    /// that checks them (the timeouts: 1 second to 1 hour). Mapping and cache settings are
    /// checked by their own builders.
    pub(crate) fn check(&self) -> Result<(), BuildError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BuildError::Discovery(DiscoveryError::NoRuntime));
        }
        if let Some(value) = self.dial_dns_timeout {
            privatelink_discovery::check_timeout("dial_dns_timeout", value)
                .map_err(BuildError::InvalidTimeout)?;
        }
        #[cfg(feature = "ec2")]
        {
            use privatelink_discovery::{check_timeout, check_timeout_within};
            if let Some(value) = self.ec2.describe_timeout {
                let call_timeout = self.cache.call_timeout();
                check_timeout_within("describe_timeout", value, "call_timeout", call_timeout)
                    .map_err(BuildError::InvalidTimeout)?;
            }
            if let Some(value) = self.ec2.metadata_timeout {
                check_timeout("metadata_timeout", value).map_err(BuildError::InvalidTimeout)?;
            }
        }
        Ok(())
    }

    /// Whether the endpoints are a hub VPC's (feature `ec2`).
    pub(crate) fn uses_hub(&self) -> bool {
        #[cfg(feature = "ec2")]
        return self.ec2.hub.is_some();
        #[cfg(not(feature = "ec2"))]
        false
    }
}
