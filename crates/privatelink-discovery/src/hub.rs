//! Endpoints in a shared (hub) VPC of another account: discovery with that account's
//! credentials (an assumed role), and the caller's zone translated to the hub account's zone name.

use std::sync::Arc;
use std::time::Duration;

use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_async::rt::sleep::default_async_sleep;
use aws_smithy_async::time::SharedTimeSource;
use aws_types::SdkConfig;

use crate::error::{DiscoveryError, ServiceError};
use crate::limit::{InvalidTimeoutError, check_timeout, within};
use crate::lookup::{self, ZoneKey};
use crate::source::DEFAULT_DESCRIBE_TIMEOUT;

/// A hub VPC: the shared-services VPC of another account whose interface endpoints this process
/// uses (reached over peering, Transit Gateway or Cloud WAN), and the role to assume in that
/// account to discover them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubVpc {
    role_arn: String,
    vpc_id: String,
    external_id: Option<String>,
    timeout: Duration,
}

impl HubVpc {
    /// The hub VPC `vpc_id`, discovered with credentials of `role_arn` (assumed with the
    /// caller's credentials; the role needs `ec2:DescribeVpcEndpoints` and
    /// `ec2:DescribeAvailabilityZones`).
    pub fn new(role_arn: impl Into<String>, vpc_id: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            vpc_id: vpc_id.into(),
            external_id: None,
            timeout: DEFAULT_DESCRIBE_TIMEOUT,
        }
    }

    /// Sets the time limit of each call made to set the hub up: the first `AssumeRole` (every
    /// attempt and retry of it) and each `DescribeAvailabilityZones`. Defaults to
    /// [`DEFAULT_DESCRIBE_TIMEOUT`] (20 s), like a `DescribeVpcEndpoints` walk; a limit outside
    /// [`TIMEOUT_RANGE`](crate::TIMEOUT_RANGE) (1 s to 1 h) is an error. Later refreshes of the
    /// role's credentials are the SDK's, bounded by its identity cache's load timeout.
    pub fn timeout(mut self, timeout: Duration) -> Result<Self, InvalidTimeoutError> {
        self.timeout = check_timeout("HubVpc::timeout", timeout)?;
        Ok(self)
    }

    /// Sets the external id the role's trust policy requires. Defaults to none.
    pub fn external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// The role assumed in the hub account.
    pub fn role_arn(&self) -> &str {
        &self.role_arn
    }

    /// The hub VPC's id.
    pub fn vpc_id(&self) -> &str {
        &self.vpc_id
    }

    /// `caller` with the hub role's credentials (AssumeRole through `caller`'s STS settings and
    /// HTTP client, refreshed before they expire). Assumes the role once now, within
    /// [`HubVpc::timeout`], so that a role that cannot be assumed fails here, naming it.
    pub async fn sdk_config(&self, caller: &SdkConfig) -> Result<SdkConfig, DiscoveryError> {
        // aws-config's AssumeRole provider panics without a time source; an `SdkConfig` built by
        // hand may have none (or no sleep, for its retries): the system's, and Tokio's.
        let mut filled = caller.to_builder();
        if caller.time_source().is_none() {
            filled.set_time_source(Some(SharedTimeSource::default()));
        }
        if caller.sleep_impl().is_none() {
            filled.set_sleep_impl(default_async_sleep());
        }
        let caller = &filled.build();
        let mut provider = AssumeRoleProvider::builder(&self.role_arn)
            .session_name("privatelink-discovery")
            .configure(caller);
        if let Some(external_id) = &self.external_id {
            provider = provider.external_id(external_id);
        }
        let provider = provider.build().await;
        let assumed = async {
            provider.provide_credentials().await.map_err(|error| {
                DiscoveryError::Service(ServiceError {
                    operation: "AssumeRole",
                    code: None,
                    message: Some(format!("cannot assume {}", self.role_arn)),
                    source: Arc::new(error),
                })
            })
        };
        within(assumed, self.timeout, "AssumeRole").await?;
        Ok(caller
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build())
    }

    /// The hub account's name for the physical zone `caller_zone_id` (`use1-az1`): zone names
    /// map to different physical zones in each account, zone ids do not. Made with the hub
    /// account's credentials (`hub`, from [`HubVpc::sdk_config`]), within [`HubVpc::timeout`];
    /// `None` when the hub account has no such zone in the region.
    pub async fn zone_name(
        &self,
        hub: &SdkConfig,
        caller_zone_id: &str,
    ) -> Result<Option<String>, DiscoveryError> {
        let zone = lookup::zone(hub, ZoneKey::Id(caller_zone_id));
        Ok(within(zone, self.timeout, "DescribeAvailabilityZones")
            .await?
            .map(|(name, _)| name))
    }

    /// The zone id of the caller's zone `zone_name`, as the caller's account (`caller`'s
    /// credentials) maps it, within [`HubVpc::timeout`].
    pub async fn zone_id(
        &self,
        caller: &SdkConfig,
        zone_name: &str,
    ) -> Result<Option<String>, DiscoveryError> {
        let zone = lookup::zone(caller, ZoneKey::Name(zone_name));
        Ok(within(zone, self.timeout, "DescribeAvailabilityZones")
            .await?
            .map(|(_, id)| id))
    }
}
