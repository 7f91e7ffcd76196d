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
    /// A shared document (S3, feature `s3`; with the configuration it is read with): this
    /// process's VPC, configured or (feature `ec2`) from metadata, must be the one it describes.
    #[cfg(feature = "s3")]
    Shared(
        SharedSource,
        #[cfg_attr(not(feature = "ec2"), allow(dead_code))] Box<aws_types::SdkConfig>,
    ),
}

impl Source {
    /// Whether it is EC2 discovery (what a hub VPC needs).
    pub(crate) fn is_ec2(&self) -> bool {
        #[cfg(feature = "ec2")]
        return matches!(self, Source::Ec2(..));
        #[cfg(not(feature = "ec2"))]
        false
    }

    pub(crate) fn into_shared(self) -> SharedSource {
        match self {
            #[cfg(feature = "ec2")]
            Source::Ec2(ec2, _) => SharedSource::new(ec2),
            Source::Static(shared) => shared,
            #[cfg(feature = "s3")]
            Source::Shared(shared, _) => shared,
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
