//! This process's own address: the VPC of the network interface that holds it
//! (`DescribeNetworkInterfaces`). With the Amazon VPC CNI a pod on EKS has a VPC address of its
//! own, and pods usually cannot reach instance metadata (hop limit 1), so this is how a pod is
//! located without settings. Elsewhere only a configured address is looked up: a container's
//! address may be a bridge's or an overlay network's, which an interface of an unrelated VPC
//! could hold.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use privatelink_core::is_public_address;

use super::{Locator, Step};
use crate::error::{AmbiguousAddressError, DiscoveryError};
use crate::location::{FoundBy, Location};
use crate::lookup::interfaces_by_address;

/// The location from this process's address ([`Locator::own_address`], else — in a Kubernetes
/// pod only — the address it sends from towards instance metadata). Nothing found, an address no
/// interface could hold, or a failed call passes on with the reason; the address on interfaces
/// of several VPCs is [`DiscoveryError::AmbiguousAddress`].
pub(super) async fn locate(
    locator: &Locator,
    zone: Option<String>,
    in_pod: bool,
) -> Result<Step, DiscoveryError> {
    let address = match (locator.own_address, in_pod) {
        (Some(address), _) => address,
        (None, true) => match sending_address() {
            Ok(address) => address,
            Err(why) => return Ok(next(why)),
        },
        // Elsewhere a container's address may be a bridge's or an overlay's, which an unrelated
        // interface of another VPC could hold: only when set.
        (None, false) => return Ok(Step::Next(None)),
    };
    if !could_be_in_a_vpc(address) {
        return Ok(next(format!("{address} is not a VPC address")));
    }
    let Some(sdk_config) = &locator.sdk_config else {
        return Ok(next(format!(
            "{address}: no AWS configuration to call DescribeNetworkInterfaces with"
        )));
    };
    let interfaces = match interfaces_by_address(sdk_config, address).await {
        Ok(interfaces) => interfaces,
        Err(why) => return Ok(next(format!("{address}: {why}"))),
    };
    let mut vpc_ids: Vec<String> = interfaces.iter().map(|i| i.vpc_id.clone()).collect();
    vpc_ids.sort_unstable();
    vpc_ids.dedup();
    match (vpc_ids.len(), interfaces.into_iter().next()) {
        (1, Some(interface)) => Ok(Step::Found(Location {
            vpc_id: interface.vpc_id,
            zone: zone.or(interface.zone),
            zone_id: interface.zone_id,
            found_by: FoundBy::OwnAddress,
        })),
        (0, _) | (_, None) => Ok(next(format!(
            "{address}: no network interface of this account in this region holds it (with \
             prefix delegation a pod's address lies in an interface's prefix instead)"
        ))),
        _ => Err(DiscoveryError::AmbiguousAddress(AmbiguousAddressError {
            address,
            vpc_ids,
        })),
    }
}

/// The address this process sends from: towards instance metadata's IPv4 address, else its
/// IPv6 one (IPv6 pods on EKS have a link-local IPv4 address only). Found by the system's
/// routes: nothing is sent.
fn sending_address() -> Result<IpAddr, String> {
    let targets: [SocketAddr; 2] = [
        (Ipv4Addr::new(169, 254, 169, 254), 80).into(),
        (Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254), 80).into(),
    ];
    let mut why = Vec::new();
    for target in targets {
        match source_address(target) {
            Ok(address) if could_be_in_a_vpc(address) => return Ok(address),
            Ok(address) => why.push(format!(
                "{address} (towards {}) is not a VPC address",
                target.ip()
            )),
            Err(error) => why.push(format!("no route to {}: {error}", target.ip())),
        }
    }
    Err(why.join("; "))
}

/// Whether a VPC network interface could hold `address`: IPv4 private or shared addresses (a
/// public IPv4 address is never an interface's own: the internet gateway translates to it), any
/// IPv6 unicast address but loopback and link-local (a VPC's IPv6 addresses are global).
fn could_be_in_a_vpc(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            !(is_public_address(address)
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified())
        }
        IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unicast_link_local())
        }
    }
}

fn next(why: String) -> Step {
    Step::Next(Some(format!("this process's address: {why}")))
}

/// The local address the system would send from to `target`: a UDP socket connected to it (which
/// sends nothing) has the route's source address as its own.
pub(super) fn source_address(target: SocketAddr) -> std::io::Result<IpAddr> {
    let any: SocketAddr = match target {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any)?;
    socket.connect(target)?;
    Ok(socket.local_addr()?.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_address_is_the_routes() {
        // Loopback's route sends from loopback; whatever the machine's other addresses are.
        let target: SocketAddr = (Ipv4Addr::LOCALHOST, 9).into();
        assert_eq!(
            source_address(target).unwrap(),
            IpAddr::from(Ipv4Addr::LOCALHOST)
        );
        let other: SocketAddr = (Ipv4Addr::new(127, 0, 0, 7), 9).into();
        assert!(source_address(other).unwrap().is_loopback());
    }

    #[test]
    fn only_addresses_an_interface_could_hold_are_looked_up() {
        for (address, vpc) in [
            ("10.0.1.5", true),
            ("172.31.0.9", true),
            ("100.64.3.2", true),
            ("2600:1f18:1234:5600::7", true),
            ("52.94.0.1", false),
            ("127.0.0.1", false),
            ("169.254.170.2", false),
            ("0.0.0.0", false),
            ("::1", false),
            ("fe80::1", false),
        ] {
            assert_eq!(
                could_be_in_a_vpc(address.parse().unwrap()),
                vpc,
                "{address}"
            );
        }
    }
}
