//! Where this process runs ([`Location`]) and the settings that say so ([`Environment`]); the
//! providers that find it are in `locate` (feature `ec2`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Environment variable: the VPC id (e.g. `vpc-0abc…`); overrides metadata.
pub const VPC_ID_ENV: &str = "PRIVATELINK_VPC_ID";
/// Environment variable: the availability zone name (e.g. `us-east-1a`) whose zonal endpoint
/// names to prefer.
pub const ZONE_ENV: &str = "PRIVATELINK_AZ";
/// ECS task metadata v4 base URI, set by the ECS agent in every container.
pub const ECS_METADATA_ENV: &str = "ECS_CONTAINER_METADATA_URI_V4";

/// How long locating this process through metadata may take in all, unless configured: 10 s.
pub const DEFAULT_METADATA_TIMEOUT: Duration = Duration::from_secs(10);

/// Where this process runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub(crate) vpc_id: String,
    pub(crate) zone: Option<String>,
    pub(crate) zone_id: Option<String>,
    pub(crate) found_by: FoundBy,
}

/// Where a [`Location`]'s VPC id came from.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FoundBy {
    /// Set in code (`Locator::vpc_id`, `PrivateLinkBuilder::vpc_id`).
    Configuration,
    /// The `PRIVATELINK_VPC_ID` environment variable.
    Environment,
    /// ECS task metadata (v4).
    EcsTaskMetadata,
    /// EC2 instance metadata (IMDSv2).
    InstanceMetadata,
    /// The ECS task's network interface (Fargate: task metadata's MAC address, then
    /// `DescribeNetworkInterfaces`).
    TaskNetworkInterface,
    /// A hub VPC setting (`HubVpc`): the endpoints are another account's.
    Hub,
    /// This process's own address, found on a network interface of the VPC
    /// (`DescribeNetworkInterfaces`): pods on EKS with the VPC CNI, and elsewhere without
    /// metadata.
    OwnAddress,
}

impl FoundBy {
    /// `configuration`, `environment`, `ECS task metadata`, `EC2 instance metadata`, `the ECS
    /// task's network interface`, `hub VPC setting` or `this process's address`.
    pub fn as_str(self) -> &'static str {
        match self {
            FoundBy::Configuration => "configuration",
            FoundBy::Environment => "environment",
            FoundBy::EcsTaskMetadata => "ECS task metadata",
            FoundBy::InstanceMetadata => "EC2 instance metadata",
            FoundBy::TaskNetworkInterface => "the ECS task's network interface",
            FoundBy::Hub => "hub VPC setting",
            FoundBy::OwnAddress => "this process's address",
        }
    }
}

impl fmt::Display for FoundBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Location {
    /// A location found by `found_by`, with no zone id.
    #[cfg(feature = "ec2")]
    pub(crate) fn found(vpc_id: String, zone: Option<String>, found_by: FoundBy) -> Self {
        Location {
            vpc_id,
            zone,
            zone_id: None,
            found_by,
        }
    }

    /// The location of a process using the hub VPC `vpc_id`: `zone` is the hub account's name
    /// for the caller's zone `zone_id`.
    pub fn in_hub(vpc_id: String, zone: Option<String>, zone_id: Option<String>) -> Self {
        Location {
            vpc_id,
            zone,
            zone_id,
            found_by: FoundBy::Hub,
        }
    }

    /// The VPC id.
    pub fn vpc_id(&self) -> &str {
        &self.vpc_id
    }

    /// The availability zone name (`us-east-1a`), if known.
    pub fn zone(&self) -> Option<&str> {
        self.zone.as_deref()
    }

    /// The availability zone id (`use1-az1`), if known (EC2 instance metadata, a Fargate task's
    /// network interface, or a hub setting).
    pub fn zone_id(&self) -> Option<&str> {
        self.zone_id.as_deref()
    }

    /// Where the VPC id came from.
    pub fn found_by(&self) -> FoundBy {
        self.found_by
    }

    /// Whether this process runs inside the VPC, as far as it can tell: the VPC id came from
    /// instance or task metadata, or from its own address on one of the VPC's network interfaces
    /// (a configured VPC id may be reached from outside, over Client VPN or from on-premises).
    pub fn is_inside_vpc(&self) -> bool {
        matches!(
            self.found_by,
            FoundBy::EcsTaskMetadata
                | FoundBy::InstanceMetadata
                | FoundBy::TaskNetworkInterface
                | FoundBy::OwnAddress
        )
    }
}

/// Looks up one environment variable.
type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Reads environment variables; replaceable in tests.
#[derive(Clone)]
pub struct Environment(Arc<Lookup>);

impl Environment {
    /// The process environment.
    pub fn process() -> Self {
        Self(Arc::new(|name| std::env::var(name).ok()))
    }

    /// A fixed set of variables (for tests and embedding).
    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Self(Arc::new(move |name| vars.get(name).cloned()))
    }

    /// The value of `name`, if set and not blank.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    /// The VPC id and zone from settings, else [`VPC_ID_ENV`] and [`ZONE_ENV`] (no metadata):
    /// what sources that need no location (files) use.
    pub fn configured(
        &self,
        vpc_id: Option<String>,
        zone: Option<String>,
    ) -> (Option<String>, Option<String>) {
        (
            vpc_id.or_else(|| self.var(VPC_ID_ENV)),
            zone.or_else(|| self.var(ZONE_ENV)),
        )
    }
}

/// A fixed set of variables from `(name, value)` pairs (for tests and embedding):
/// `[("PRIVATELINK_VPC_ID", "vpc-0abc")].into_iter().collect::<Environment>()`.
impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Environment {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(vars: I) -> Self {
        Self::from_map(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Environment")
    }
}
