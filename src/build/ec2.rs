//! Feature `ec2`: the build steps for EC2 discovery — the source (a hub VPC's credentials,
//! dial mode's discovery client) and the location (metadata, or a hub VPC with its zone
//! translated).

use aws_types::SdkConfig;
use privatelink_discovery::{
    DEFAULT_DESCRIBE_TIMEOUT, DEFAULT_METADATA_TIMEOUT, Ec2Source, Environment, HubVpc, Location,
    Locator,
};

use super::parts::{Located, Source};
use crate::dial::Pending;
use crate::error::BuildError;
use crate::settings::Settings;

/// EC2 `DescribeVpcEndpoints` with the `SdkConfig` (discovery's own dial client with
/// `load_config`; the hub account's credentials with a hub VPC).
pub(super) async fn source(
    settings: &Settings,
    dial: Option<&Pending>,
) -> Result<Source, BuildError> {
    let sdk = sdk_config(settings)?;
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
    if let Some(hub) = hub(settings)? {
        sdk = hub.sdk_config(&sdk).await.map_err(BuildError::Discovery)?;
    }
    let ec2 = Ec2Source::new(&sdk)
        .timeout(describe_timeout(settings))
        .map_err(BuildError::InvalidTimeout)?;
    Ok(Source::Ec2(ec2, Box::new(sdk)))
}

/// The cache key (VPC id), location and zone for EC2: this process's, from settings or
/// metadata, or a hub VPC's.
pub(super) async fn locate(
    settings: &Settings,
    discovery: &SdkConfig,
    env: Environment,
) -> Result<Located, BuildError> {
    let timeout = settings
        .ec2
        .metadata_timeout
        .unwrap_or(DEFAULT_METADATA_TIMEOUT);
    let mut locator = Locator::new()
        .timeout(timeout)
        .map_err(BuildError::InvalidTimeout)?
        .environment(env)
        .vpc_id(settings.vpc_id.clone())
        .zone(settings.zone.clone())
        .own_address(settings.ec2.own_address);
    if let Some(sdk) = &settings.sdk_config {
        locator = locator.configure(sdk);
    }
    if let Some(hub) = hub(settings)? {
        return locate_in_hub(settings, &hub, discovery, locator).await;
    }
    let location = locator.locate().await.map_err(BuildError::Discovery)?;
    Ok(Located {
        key: location.vpc_id().to_owned(),
        zone: location.zone().map(str::to_owned),
        location: Some(location),
    })
}

/// With a hub VPC: the caller's zone id (setting, else metadata, else the caller's zone name
/// through the caller's account), translated to the hub account's zone name with the hub's
/// credentials, once. Without a zone id, no zone: regional names.
async fn locate_in_hub(
    settings: &Settings,
    hub: &HubVpc,
    hub_config: &SdkConfig,
    locator: Locator,
) -> Result<Located, BuildError> {
    let caller = sdk_config(settings)?;
    let mut zone_id = settings.ec2.zone_id.clone();
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
            (None, Some(zone)) => hub
                .zone_id(caller, &zone)
                .await
                .map_err(BuildError::Discovery)?,
            (None, None) => None,
        };
    }
    let hub_zone = match &zone_id {
        Some(id) => hub
            .zone_name(hub_config, id)
            .await
            .map_err(BuildError::Discovery)?,
        None => None,
    };
    let location = Location::in_hub(hub.vpc_id().to_owned(), hub_zone.clone(), zone_id);
    Ok(Located {
        key: hub.vpc_id().to_owned(),
        location: Some(location),
        zone: hub_zone,
    })
}

/// The limit of one `DescribeVpcEndpoints` walk (checked by `Settings::check`).
fn describe_timeout(settings: &Settings) -> std::time::Duration {
    settings
        .ec2
        .describe_timeout
        .unwrap_or(DEFAULT_DESCRIBE_TIMEOUT)
}

/// The hub VPC, if any, with `describe_timeout` as the limit of its own calls (the first
/// AssumeRole, each DescribeAvailabilityZones).
fn hub(settings: &Settings) -> Result<Option<HubVpc>, BuildError> {
    settings
        .ec2
        .hub
        .clone()
        .map(|hub| hub.timeout(describe_timeout(settings)))
        .transpose()
        .map_err(BuildError::InvalidTimeout)
}

/// The configuration EC2 discovery needs.
fn sdk_config(settings: &Settings) -> Result<&SdkConfig, BuildError> {
    settings.sdk_config.as_ref().ok_or(BuildError::NoSdkConfig)
}
