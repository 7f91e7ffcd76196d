//! EC2 lookups that locate this process: a Fargate task's network interface by MAC address, the
//! network interfaces holding an address, and availability zone names and ids (which differ per
//! account).

use std::net::IpAddr;

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
    Ok(output
        .network_interfaces()
        .iter()
        .find_map(NetworkInterface::of))
}

impl NetworkInterface {
    /// What locating needs of an EC2 network interface; `None` without a VPC id.
    fn of(eni: &aws_sdk_ec2::types::NetworkInterface) -> Option<Self> {
        Some(NetworkInterface {
            vpc_id: eni.vpc_id()?.to_owned(),
            zone: eni.availability_zone().map(str::to_owned),
            zone_id: eni.availability_zone_id().map(str::to_owned),
        })
    }
}

/// The most pages one [`interfaces_by_address`] walk reads (at up to 1,000 interfaces a page):
/// an address is on one interface per VPC, so a walk past it is refused, not cut short.
pub(crate) const MAX_ADDRESS_PAGES: usize = 10;

/// Every network interface holding `address` (filter `addresses.private-ip-address`, which
/// covers secondary addresses, or `ipv6-addresses.ipv6-address`), made with `sdk_config`'s
/// credentials; needs `ec2:DescribeNetworkInterfaces`. At most [`MAX_ADDRESS_PAGES`] pages; more,
/// or a page token that comes back, is an error naming it.
pub(crate) async fn interfaces_by_address(
    sdk_config: &SdkConfig,
    address: IpAddr,
) -> Result<Vec<NetworkInterface>, String> {
    let filter = match address {
        IpAddr::V4(_) => "addresses.private-ip-address",
        IpAddr::V6(_) => "ipv6-addresses.ipv6-address",
    };
    let request = aws_sdk_ec2::Client::new(sdk_config)
        .describe_network_interfaces()
        .filters(
            Filter::builder()
                .name(filter)
                .values(address.to_string())
                .build(),
        )
        .max_results(1000);
    let operation = "DescribeNetworkInterfaces";
    crate::ec2::pages(operation, MAX_ADDRESS_PAGES, "1,000 interfaces", |token| {
        let page = request.clone().set_next_token(token);
        async move {
            let page = page.send().await.map_err(|e| classify(e, operation))?;
            let found = page
                .network_interfaces()
                .iter()
                .filter_map(NetworkInterface::of)
                .collect();
            Ok((found, page.next_token().map(str::to_owned)))
        }
    })
    .await
    .map_err(|e| privatelink_core::ErrorChain(&e).to_string())
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
