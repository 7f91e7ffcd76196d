//! [`IndexedEndpoint`]: one interface endpoint's names for one service label and region, and which
//! name a request uses.

use crate::model::EndpointState;
use crate::names::shape::{S3Kind, Shape};

/// The names of one interface endpoint for one service label and region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedEndpoint {
    pub(super) endpoint_id: String,
    pub(super) label: String,
    pub(super) region: String,
    pub(super) state: EndpointState,
    pub(super) private_dns_enabled: bool,
    pub(super) private_dns_in_vpc: bool,
    pub(super) regional: Option<String>,
    /// (availability zone, zonal name), sorted by zone.
    pub(super) zonal: Vec<(String, String)>,
    pub(super) wildcard: bool,
    /// The names the endpoint's private DNS covers (lowercase; `*.` kept), from its `DnsEntries`.
    pub(super) private_names: Vec<String>,
    /// Whether its zonal names carry zones of another region than its names' region.
    pub(super) cross_region: bool,
    /// Whether its IP address type serves IPv6 (`dualstack` or `ipv6`).
    pub(super) serves_ipv6: bool,
}

impl IndexedEndpoint {
    /// The endpoint id (`vpce-…`).
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// The service label the names carry (`ec2`, `api.ecr`, `s3`, …).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The region the names carry.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint's state. Only `available` endpoints are rewrite targets.
    pub fn state(&self) -> &EndpointState {
        &self.state
    }

    /// Whether requests may go to this endpoint (state `available`).
    pub fn is_usable(&self) -> bool {
        self.state.is_available()
    }

    /// Whether private DNS is enabled on the endpoint.
    pub fn private_dns_enabled(&self) -> bool {
        self.private_dns_enabled
    }

    /// The regional name (without any `*.`), if the endpoint has one.
    pub fn regional_name(&self) -> Option<&str> {
        self.regional.as_deref()
    }

    /// The zonal names as (availability zone, name), sorted by zone.
    pub fn zonal_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.zonal.iter().map(|(z, n)| (z.as_str(), n.as_str()))
    }

    /// Whether the names came as `*.` wildcards (S3).
    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// Whether private DNS answers queries from inside the VPC: enabled, and not only for
    /// inbound resolver endpoints (`DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`).
    pub fn private_dns_in_vpc(&self) -> bool {
        self.private_dns_in_vpc
    }

    /// The default names the endpoint's private DNS covers, as its `DnsEntries` list them
    /// (lowercase; wildcards keep their `*.`).
    pub fn private_names(&self) -> impl Iterator<Item = &str> {
        self.private_names.iter().map(String::as_str)
    }

    /// Whether private DNS is enabled for queries from inside the VPC (not only for inbound
    /// resolver endpoints) and covers `host` (lowercase, no trailing dot): one of
    /// [`IndexedEndpoint::private_names`] is `host`, or is `*.<domain>` with `host` under
    /// `<domain>`. Only such a host reaches the endpoint on its default name from the VPC.
    pub fn private_dns_covers(&self, host: &str) -> bool {
        self.private_dns_in_vpc
            && self
                .private_names
                .iter()
                .any(|name| match name.strip_prefix("*.") {
                    Some(domain) => host
                        .strip_suffix(domain)
                        .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
                    None => host == name,
                })
    }

    /// The host a request with no bucket, access point or account in it uses at endpoint name
    /// `name` (one of this endpoint's names): `bucket.<name>` for an S3 endpoint, whose names
    /// are `*.` wildcards (S3 path style; what `AWS_ENDPOINT_URL_S3` is set to), else `name`.
    pub fn base_host(&self, name: &str) -> String {
        let shape = match self.wildcard {
            true => Shape::S3 {
                prefix: None,
                kind: S3Kind::Bucket,
            },
            false => Shape::Whole,
        };
        shape.host(name)
    }

    /// S3 Control's host at endpoint name `name` (`control.<name>`, to which the SDKs prepend the
    /// account id), for an S3 endpoint; `None` for other endpoints.
    pub fn control_host(&self, name: &str) -> Option<String> {
        (self.label == "s3" && self.wildcard).then(|| {
            Shape::S3 {
                prefix: None,
                kind: S3Kind::Control,
            }
            .host(name)
        })
    }

    /// Whether the endpoint serves IPv6 (`IpAddressType` `dualstack` or `ipv6`): what a dual-stack
    /// host (the SDK's `use_dual_stack`) needs of it.
    pub fn serves_ipv6(&self) -> bool {
        self.serves_ipv6
    }

    /// Whether this is a cross-region endpoint: its VPC is in another region than the service it
    /// serves (its names carry the service's region, its zonal names the VPC's zones). AWS
    /// supports only the regional name of such an endpoint ("Zonal DNS is not supported when
    /// accessing AWS services in another Region"), so [`IndexedEndpoint::name_for`] never picks a
    /// zonal name for it.
    pub fn is_cross_region(&self) -> bool {
        self.cross_region
    }

    /// The name to use: the zonal name for `zone` when there is one, else the regional name, else
    /// (no regional entry at all) the first zonal name by zone. For a cross-region endpoint, only
    /// the regional name (`None` without one).
    pub fn name_for(&self, zone: Option<&str>) -> Option<&str> {
        if self.cross_region {
            return self.regional.as_deref();
        }
        zone.and_then(|zone| {
            self.zonal
                .iter()
                .find(|(z, _)| z == zone)
                .map(|(_, name)| name.as_str())
        })
        .or(self.regional.as_deref())
        .or_else(|| self.zonal.first().map(|(_, name)| name.as_str()))
    }
}
