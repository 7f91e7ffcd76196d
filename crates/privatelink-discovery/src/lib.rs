//! Finds a VPC's endpoints and keeps them fresh: EC2 `DescribeVpcEndpoints` (or a static file),
//! this process's VPC and availability zone (configuration, environment, EC2 instance metadata,
//! ECS task metadata), and a per-VPC cache that publishes snapshots lock-free.
//!
//! This is the only privatelink crate that depends on `aws-sdk-ec2`; no `aws-sdk-*` type appears
//! in its public API.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod cache;
mod error;
mod locate;
mod source;

pub use cache::{
    CacheConfig, CacheConfigError, DEFAULT_FAILURE_BACKOFF, DEFAULT_JITTER, DEFAULT_MAX_STALE,
    DEFAULT_REFRESH_AHEAD, DEFAULT_TTL, EndpointCache, EndpointCacheBuilder, KeepAlive,
};
pub use error::{
    DiscoveryError, Ec2Error, FileSourceError, InvalidResponseError, MetadataError, NoVpcError,
};
pub use locate::{ECS_METADATA_ENV, Environment, Location, Locator, VPC_ID_ENV, ZONE_ENV};
pub use source::{
    DescribeEndpoints, ENDPOINTS_FILE_ENV, Ec2Source, EndpointsFuture, FileSource, SharedSource,
};
