//! The model of a VPC endpoint, independent of where it was read from.
//!
//! [`VpcEndpoint`] is built either by the `describe-vpc-endpoints` JSON parser
//! ([`crate::parse_describe_vpc_endpoints`]) or, by discovery code, through [`VpcEndpoint::builder`]
//! (`builder.rs`).

mod builder;

use std::fmt;

pub use builder::{MissingFieldError, VpcEndpointBuilder};

/// Parsing and printing of an enum that EC2 sends as a string: `parse` ignores ASCII case and
/// keeps unknown values verbatim (the `Unknown` variant), `as_str` gives the wire spelling.
macro_rules! wire_enum {
    ($name:ident { $($wire:literal => $variant:ident),+ $(,)? }) => {
        impl $name {
            const KNOWN: [(&'static str, $name); [$($wire),+].len()] = [$(($wire, $name::$variant)),+];

            /// Parses a value as EC2 or the AWS CLI prints it, ignoring ASCII case.
            pub fn parse(value: &str) -> Self {
                Self::KNOWN
                    .iter()
                    .find(|(wire, _)| wire.eq_ignore_ascii_case(value))
                    .map(|(_, known)| known.clone())
                    .unwrap_or_else(|| $name::Unknown(value.to_owned()))
            }

            /// The value as EC2 sends it; unknown values verbatim.
            pub fn as_str(&self) -> &str {
                match self {
                    $name::Unknown(value) => value,
                    known => Self::KNOWN
                        .iter()
                        .find(|(_, k)| k == known)
                        .map_or("", |(wire, _)| *wire),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The lifecycle state of a VPC endpoint (`State` in `DescribeVpcEndpoints`).
///
/// Parsed **case-insensitively**: EC2 sends camelCase (`available`, `pendingAcceptance`) while the
/// Smithy model spells the values in PascalCase, which is why `aws-sdk-ec2` turns every real value
/// into `State::Unknown` (awslabs/aws-sdk-rust#619). Only [`EndpointState::Available`] is usable.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EndpointState {
    /// `pendingAcceptance`: waiting for the service provider to accept.
    PendingAcceptance,
    /// `pending`: being created.
    Pending,
    /// `available`: ready; the only usable state.
    Available,
    /// `deleting`.
    Deleting,
    /// `deleted`.
    Deleted,
    /// `rejected`: the service provider rejected the connection.
    Rejected,
    /// `failed`.
    Failed,
    /// `expired`.
    Expired,
    /// `partial`.
    Partial,
    /// A value this version does not know, kept verbatim.
    Unknown(String),
}

wire_enum!(EndpointState {
    "pendingAcceptance" => PendingAcceptance,
    "pending" => Pending,
    "available" => Available,
    "deleting" => Deleting,
    "deleted" => Deleted,
    "rejected" => Rejected,
    "failed" => Failed,
    "expired" => Expired,
    "partial" => Partial,
});

impl EndpointState {
    /// Whether requests may be sent to an endpoint in this state.
    pub fn is_available(&self) -> bool {
        *self == EndpointState::Available
    }
}

/// The type of a VPC endpoint (`VpcEndpointType`), parsed case-insensitively.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EndpointType {
    /// `Interface`: has ENIs and DNS names; the only type requests are rewritten to.
    Interface,
    /// `Gateway`: S3 and DynamoDB route-table endpoints; no DNS names.
    Gateway,
    /// `GatewayLoadBalancer`.
    GatewayLoadBalancer,
    /// `Resource` (VPC Lattice resource configurations).
    Resource,
    /// `ServiceNetwork` (VPC Lattice service networks).
    ServiceNetwork,
    /// A value this version does not know, kept verbatim.
    Unknown(String),
}

wire_enum!(EndpointType {
    "Interface" => Interface,
    "Gateway" => Gateway,
    "GatewayLoadBalancer" => GatewayLoadBalancer,
    "Resource" => Resource,
    "ServiceNetwork" => ServiceNetwork,
});

/// An address family setting of an endpoint: its `IpAddressType`, or the `DnsRecordIpType` of its
/// `DnsOptions`. Parsed case-insensitively; unknown values are kept verbatim.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IpAddressType {
    /// `ipv4`: IPv4 addresses (A records) only.
    Ipv4,
    /// `dualstack`: IPv4 and IPv6 (A and AAAA records).
    Dualstack,
    /// `ipv6`: IPv6 addresses (AAAA records) only.
    Ipv6,
    /// `service-defined` (`DnsRecordIpType` only): the records the service chooses.
    ServiceDefined,
    /// A value this version does not know, kept verbatim.
    Unknown(String),
}

wire_enum!(IpAddressType {
    "ipv4" => Ipv4,
    "dualstack" => Dualstack,
    "ipv6" => Ipv6,
    "service-defined" => ServiceDefined,
});

impl IpAddressType {
    /// Whether names with this record type have IPv4 (A) records: `false` only for `ipv6`.
    pub fn has_ipv4(&self) -> bool {
        *self != IpAddressType::Ipv6
    }
}

/// An endpoint's `DnsOptions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DnsOptions {
    /// `DnsRecordIpType`: which records the endpoint's names have. `None` when EC2 sent none.
    pub dns_record_ip_type: Option<IpAddressType>,
    /// `PrivateDnsOnlyForInboundResolverEndpoint`: private DNS answers only queries arriving
    /// through a Route 53 Resolver inbound endpoint (on-premises clients); inside the VPC the
    /// default names keep their public answers (and reach S3 through a gateway endpoint, when
    /// there is one). `false` when EC2 sent none.
    pub private_dns_only_for_inbound_resolver_endpoint: bool,
}

/// One `DnsEntries` item of an endpoint, as EC2 returned it (not yet classified).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsEntry {
    dns_name: String,
    hosted_zone_id: Option<String>,
}

impl DnsEntry {
    /// A DNS entry with its Route 53 hosted zone, when known.
    pub fn new(dns_name: impl Into<String>, hosted_zone_id: Option<String>) -> Self {
        Self {
            dns_name: dns_name.into(),
            hosted_zone_id,
        }
    }

    /// The DNS name, verbatim (`*.` prefix included for S3 wildcard entries).
    pub fn dns_name(&self) -> &str {
        &self.dns_name
    }

    /// The Route 53 hosted zone of the name, if EC2 sent one.
    pub fn hosted_zone_id(&self) -> Option<&str> {
        self.hosted_zone_id.as_deref()
    }
}

/// A VPC endpoint: what `DescribeVpcEndpoints` says about it, minus what privatelink never uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcEndpoint {
    id: String,
    endpoint_type: EndpointType,
    vpc_id: Option<String>,
    service_name: Option<String>,
    service_region: Option<String>,
    state: EndpointState,
    private_dns_enabled: bool,
    dns_entries: Vec<DnsEntry>,
    subnet_ids: Vec<String>,
    ip_address_type: Option<IpAddressType>,
    dns_options: DnsOptions,
}

impl VpcEndpoint {
    /// The endpoint id (`vpce-…`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The endpoint type.
    pub fn endpoint_type(&self) -> &EndpointType {
        &self.endpoint_type
    }

    /// The VPC the endpoint belongs to, when known.
    pub fn vpc_id(&self) -> Option<&str> {
        self.vpc_id.as_deref()
    }

    /// The endpoint service name, e.g. `com.amazonaws.us-east-1.ec2`. For diagnostics only: the
    /// service label used for matching comes from the DNS names, never from this. Always set
    /// for `Interface` and `Gateway` endpoints; `Resource` and `ServiceNetwork` endpoints may
    /// have none.
    pub fn service_name(&self) -> Option<&str> {
        self.service_name.as_deref()
    }

    /// The region of the service (cross-region endpoints), when EC2 sent one.
    pub fn service_region(&self) -> Option<&str> {
        self.service_region.as_deref()
    }

    /// The lifecycle state.
    pub fn state(&self) -> &EndpointState {
        &self.state
    }

    /// Whether private DNS is enabled (the service's default name resolves to this endpoint
    /// inside the VPC). Defaults to `false` when absent.
    pub fn private_dns_enabled(&self) -> bool {
        self.private_dns_enabled
    }

    /// The DNS entries, in the order EC2 returned them.
    pub fn dns_entries(&self) -> &[DnsEntry] {
        &self.dns_entries
    }

    /// The subnets of the endpoint's network interfaces.
    pub fn subnet_ids(&self) -> &[String] {
        &self.subnet_ids
    }

    /// The endpoint's `IpAddressType`, when EC2 sent one.
    pub fn ip_address_type(&self) -> Option<&IpAddressType> {
        self.ip_address_type.as_ref()
    }

    /// The endpoint's `DnsOptions` (defaults when EC2 sent none).
    pub fn dns_options(&self) -> &DnsOptions {
        &self.dns_options
    }

    /// Whether private DNS makes the service's default names reach this endpoint from inside
    /// the VPC: private DNS enabled, and not only for inbound resolver endpoints.
    pub fn private_dns_in_vpc(&self) -> bool {
        self.private_dns_enabled
            && !self
                .dns_options
                .private_dns_only_for_inbound_resolver_endpoint
    }

    /// Whether requests may be rewritten to this endpoint: type `Interface` and state `available`.
    pub fn is_usable(&self) -> bool {
        self.endpoint_type == EndpointType::Interface && self.state.is_available()
    }

    /// This endpoint without its zonal names (`vpce-…-<zone>.…`), for readers in other accounts:
    /// zone names map to other physical zones in each account, so only the regional names mean
    /// the same to them. Every other entry is kept.
    pub fn without_zonal_names(&self) -> VpcEndpoint {
        let mut endpoint = self.clone();
        endpoint.dns_entries.retain(|entry| {
            !matches!(
                crate::names::entry::classify_entry(entry.dns_name()),
                Ok(crate::names::entry::EntryShape::Endpoint(name)) if name.zone.is_some()
            )
        });
        endpoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_case_insensitively_and_keep_unknown_values() {
        let cases = [
            ("available", EndpointState::Available, true),
            ("Available", EndpointState::Available, true),
            ("AVAILABLE", EndpointState::Available, true),
            ("pendingAcceptance", EndpointState::PendingAcceptance, false),
            ("PendingAcceptance", EndpointState::PendingAcceptance, false),
            ("pending", EndpointState::Pending, false),
            ("deleting", EndpointState::Deleting, false),
            ("deleted", EndpointState::Deleted, false),
            ("rejected", EndpointState::Rejected, false),
            ("failed", EndpointState::Failed, false),
            ("expired", EndpointState::Expired, false),
            ("partial", EndpointState::Partial, false),
            (
                "Unavailable",
                EndpointState::Unknown("Unavailable".into()),
                false,
            ),
            ("", EndpointState::Unknown(String::new()), false),
        ];
        for (wire, expected, usable) in cases {
            let parsed = EndpointState::parse(wire);
            assert_eq!(parsed, expected, "{wire:?}");
            assert_eq!(parsed.is_available(), usable, "{wire:?}");
        }
        assert_eq!(
            EndpointState::parse("PENDINGACCEPTANCE").as_str(),
            "pendingAcceptance"
        );
        assert_eq!(EndpointState::parse("Weird").as_str(), "Weird");
    }

    #[test]
    fn without_zonal_names_keeps_regional_and_private_names_only() {
        let endpoint = VpcEndpoint::builder()
            .id("vpce-0abc")
            .endpoint_type(EndpointType::Interface)
            .service_name("com.amazonaws.us-east-1.s3")
            .state(EndpointState::Available)
            .dns_entry(DnsEntry::new(
                "*.vpce-0abc-12345678.s3.us-east-1.vpce.amazonaws.com",
                None,
            ))
            .dns_entry(DnsEntry::new(
                "*.vpce-0abc-12345678-us-east-1a.s3.us-east-1.vpce.amazonaws.com",
                None,
            ))
            .dns_entry(DnsEntry::new(
                "vpce-0abc-12345678-us-east-1b.s3.us-east-1.vpce.amazonaws.com",
                None,
            ))
            .dns_entry(DnsEntry::new("*.s3.us-east-1.amazonaws.com", None))
            .build()
            .unwrap();
        let names: Vec<&str> = endpoint
            .dns_entries()
            .iter()
            .map(DnsEntry::dns_name)
            .collect();
        let kept = endpoint.without_zonal_names();
        let kept: Vec<&str> = kept.dns_entries().iter().map(DnsEntry::dns_name).collect();
        assert_eq!(kept, [names[0], names[3]]);
    }

    #[test]
    fn types_parse_case_insensitively() {
        assert_eq!(EndpointType::parse("interface"), EndpointType::Interface);
        assert_eq!(EndpointType::parse("Gateway"), EndpointType::Gateway);
        assert_eq!(
            EndpointType::parse("gatewayloadbalancer").as_str(),
            "GatewayLoadBalancer"
        );
        assert_eq!(
            EndpointType::parse("Tunnel"),
            EndpointType::Unknown("Tunnel".into())
        );
    }
}
