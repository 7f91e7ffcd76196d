//! What the build steps hand each other: the chosen [`Source`] and where the endpoints are
//! ([`Located`]).

use privatelink_discovery::{Location, SharedSource};

/// Where the endpoints come from.
pub(crate) enum Source {
    /// EC2 `DescribeVpcEndpoints` (with the configuration it uses): needs this process's VPC,
    /// or a hub VPC.
    #[cfg(feature = "ec2")]
    Ec2(privatelink_discovery::Ec2Source, Box<aws_types::SdkConfig>),
    /// A file or a source set in code: uses only a configured VPC id.
    Static(SharedSource),
}

impl Source {
    pub(crate) fn into_shared(self) -> SharedSource {
        match self {
            #[cfg(feature = "ec2")]
            Source::Ec2(ec2, _) => SharedSource::new(ec2),
            Source::Static(shared) => shared,
        }
    }
}

/// Where this process's endpoints are: the cache key (the VPC id; empty for every endpoint of a
/// static source), the location when one was needed, and the zone whose zonal names to use.
pub(crate) struct Located {
    pub(crate) key: String,
    pub(crate) location: Option<Location>,
    pub(crate) zone: Option<String>,
}
