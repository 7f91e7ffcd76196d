//! EC2 lookups that locate this process: a Fargate task's network interface by MAC address, and
//! availability zone names and ids (which differ per account).

use aws_sdk_ec2::types::Filter;
use aws_types::SdkConfig;

use crate::error::{DiscoveryError, classify};

/// What `DescribeNetworkInterfaces` says about the interface with a MAC address.
#[derive(Debug)]
pub(crate) struct NetworkInterface {
    pub(crate) vpc_id: String,
    pub(crate) zone: Option<String>,
    pub(crate) zone_id: Option<String>,
}

/// The network interface with `mac` (filter `mac-address`), made with `sdk_config`'s
/// credentials; needs `ec2:DescribeNetworkInterfaces` (named in the error when denied).
pub(crate) async fn interface_by_mac(
    sdk_config: &SdkConfig,
    mac: &str,
) -> Result<Option<NetworkInterface>, DiscoveryError> {
    let output = aws_sdk_ec2::Client::new(sdk_config)
        .describe_network_interfaces()
        .filters(Filter::builder().name("mac-address").values(mac).build())
        .send()
        .await
        .map_err(|e| classify(e, "DescribeNetworkInterfaces"))?;
    Ok(output.network_interfaces().iter().find_map(|eni| {
        Some(NetworkInterface {
            vpc_id: eni.vpc_id()?.to_owned(),
            zone: eni.availability_zone().map(str::to_owned),
            zone_id: eni.availability_zone_id().map(str::to_owned),
        })
    }))
}

/// Which side of a zone is known.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ZoneKey<'a> {
    /// A zone name (`us-east-1a`), which each account maps to its own physical zone.
    Name(&'a str),
    /// A zone id (`use1-az1`), the same physical zone in every account.
    Id(&'a str),
}

/// The (name, id) of the zone `key` names, as the account of `sdk_config`'s credentials sees
/// it (`DescribeAvailabilityZones`; needs `ec2:DescribeAvailabilityZones`); `None` when the
/// region has no such zone.
pub(crate) async fn zone(
    sdk_config: &SdkConfig,
    key: ZoneKey<'_>,
) -> Result<Option<(String, String)>, DiscoveryError> {
    let (filter, value) = match key {
        ZoneKey::Name(name) => ("zone-name", name),
        ZoneKey::Id(id) => ("zone-id", id),
    };
    let output = aws_sdk_ec2::Client::new(sdk_config)
        .describe_availability_zones()
        .filters(Filter::builder().name(filter).values(value).build())
        .send()
        .await
        .map_err(|e| classify(e, "DescribeAvailabilityZones"))?;
    Ok(output
        .availability_zones()
        .iter()
        .find_map(|zone| Some((zone.zone_name()?.to_owned(), zone.zone_id()?.to_owned()))))
}
