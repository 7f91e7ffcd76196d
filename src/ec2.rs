//! Feature `ec2`: discovery from EC2 for [`PrivateLink`](crate::PrivateLink): its settings, the
//! EC2 source (a hub VPC's credentials, dial mode's discovery client), and the location from
//! metadata.

use std::time::Duration;

use aws_types::SdkConfig;
use privatelink_discovery::{
    DEFAULT_DESCRIBE_TIMEOUT, DEFAULT_METADATA_TIMEOUT, Ec2Source, Environment, HubVpc, Location,
    Locator,
};

use crate::handle::{BuildError, InvalidTimeoutError, PendingDial, PrivateLinkBuilder, Source};

/// The shortest and longest `describe_timeout` / `metadata_timeout` accepted.
const MIN_TIMEOUT: Duration = Duration::from_secs(1);
const MAX_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// The builder's EC2 settings.
#[derive(Default)]
pub(crate) struct Ec2Settings {
    pub(crate) hub: Option<HubVpc>,
    zone_id: Option<String>,
    describe_timeout: Option<Duration>,
    metadata_timeout: Option<Duration>,
}

impl Ec2Settings {
    /// The timeouts are within 1 second to 1 hour.
    pub(crate) fn check(&self) -> Result<(), BuildError> {
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
}

impl PrivateLinkBuilder {
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
        self.ec2.hub = Some(hub);
        self
    }

    /// Sets this process's availability zone id (`use1-az1`), for a hub VPC's zone translation.
    /// Defaults to metadata, else none.
    pub fn zone_id(mut self, zone_id: impl Into<String>) -> Self {
        self.ec2.zone_id = Some(zone_id.into());
        self
    }

    /// The time limit of one DescribeVpcEndpoints walk (every page and retry), whatever the
    /// `SdkConfig`'s timeouts (its tighter ones still apply). Defaults to 20 seconds
    /// ([`DEFAULT_DESCRIBE_TIMEOUT`](privatelink_discovery::DEFAULT_DESCRIBE_TIMEOUT)); 1 second
    /// to 1 hour.
    pub fn describe_timeout(mut self, timeout: Duration) -> Self {
        self.ec2.describe_timeout = Some(timeout);
        self
    }

    /// The time limit of locating this process through instance or task metadata. Defaults to
    /// 10 seconds ([`DEFAULT_METADATA_TIMEOUT`](privatelink_discovery::DEFAULT_METADATA_TIMEOUT));
    /// 1 second to 1 hour.
    pub fn metadata_timeout(mut self, timeout: Duration) -> Self {
        self.ec2.metadata_timeout = Some(timeout);
        self
    }

    /// EC2 `DescribeVpcEndpoints` with the `SdkConfig` (discovery's own dial client with
    /// `load_config`; the hub account's credentials with a hub VPC).
    pub(crate) async fn ec2_source(
        &self,
        dial: Option<&PendingDial>,
    ) -> Result<Source, BuildError> {
        let sdk = self.sdk_config.as_ref().ok_or(BuildError::NoSdkConfig)?;
        // With `load_config`, discovery dials through its own (never strict) resolver.
        let mut sdk = match dial {
            #[cfg(feature = "dial")]
            Some(dial) => sdk
                .to_builder()
                .http_client(dial.discovery_http_client())
                .build(),
            _ => sdk.clone(),
        };
        // A hub VPC is discovered with the hub account's credentials.
        if let Some(hub) = &self.ec2.hub {
            sdk = hub.sdk_config(&sdk).await.map_err(BuildError::Discovery)?;
        }
        let ec2 = Ec2Source::new(&sdk).timeout(
            self.ec2
                .describe_timeout
                .unwrap_or(DEFAULT_DESCRIBE_TIMEOUT),
        );
        Ok(Source::Ec2(ec2, Box::new(sdk)))
    }

    /// The cache key (VPC id), location and zone for EC2: this process's, from settings or
    /// metadata, or a hub VPC's.
    pub(crate) async fn locate_for_ec2(
        &self,
        discovery: &SdkConfig,
        env: Environment,
    ) -> Result<(String, Option<Location>, Option<String>), BuildError> {
        let mut locator = Locator::new()
            .timeout(
                self.ec2
                    .metadata_timeout
                    .unwrap_or(DEFAULT_METADATA_TIMEOUT),
            )
            .environment(env)
            .vpc_id(self.vpc_id.clone())
            .zone(self.zone.clone());
        if let Some(sdk) = &self.sdk_config {
            locator = locator.configure(sdk);
        }
        if let Some(hub) = &self.ec2.hub {
            return self.locate_in_hub(hub, discovery, locator).await;
        }
        let location = locator.locate().await.map_err(BuildError::Discovery)?;
        let key = location.vpc_id().to_owned();
        let zone = location.zone().map(str::to_owned);
        Ok((key, Some(location), zone))
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
        let mut zone_id = self.ec2.zone_id.clone();
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
}
