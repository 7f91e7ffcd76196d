//! Finds a VPC's endpoints and keeps them fresh: EC2 `DescribeVpcEndpoints` (or an endpoint
//! file), this process's VPC and availability zone (configuration, environment, EC2 instance
//! metadata, ECS task metadata), and a per-VPC cache that publishes snapshots lock-free.
//!
//! This is the only privatelink crate that depends on `aws-sdk-ec2`; no `aws-sdk-*` type appears
//! in its public API.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | `source` | the [`DescribeEndpoints`] trait and [`Ec2Source`] |
//! | `file` | the one endpoint-file reader ([`read_endpoints`], [`read_endpoint_file`], [`index_from_file`]) and [`FileSource`] |
//! | `locate` | where this process runs: [`Locator`], [`Location`] (metadata; a Fargate task's VPC through `lookup`) |
//! | `lookup` | EC2 lookups for location: a network interface by MAC address, zone names and ids |
//! | `hub` | [`HubVpc`]: endpoints in another account's shared VPC, its credentials and zone names |
//! | `cache` | [`EndpointCache`]: per-VPC snapshots, refresh, single flight |
//! | `error` | [`DiscoveryError`] and its contexts |

mod cache;
mod error;
mod file;
mod hub;
mod locate;
mod lookup;
mod source;

pub use cache::{
    CacheConfig, CacheConfigError, CacheStatus, DEFAULT_FAILURE_BACKOFF, DEFAULT_JITTER,
    DEFAULT_MAX_STALE, DEFAULT_REFRESH_AHEAD, DEFAULT_TTL, EndpointCache, EndpointCacheBuilder,
    KeepAlive, MAX_SETTING, PERMANENT_BACKOFF_CAP, THROTTLED_BACKOFF_CAP, TRANSIENT_BACKOFF_CAP,
};
pub use error::{
    DiscoveryError, Ec2Error, FailureClass, InvalidResponseError, MetadataError, NoVpcError,
    SourcePanickedError, TimedOutError,
};
pub use file::{
    ENDPOINTS_FILE_ENV, EndpointFileError, FileSource, MAX_ENDPOINT_FILE_BYTES, index_from_file,
    read_endpoint_file, read_endpoints,
};
pub use hub::HubVpc;
pub use locate::{
    DEFAULT_METADATA_TIMEOUT, ECS_METADATA_ENV, Environment, FoundBy, Location, Locator,
    VPC_ID_ENV, ZONE_ENV,
};
pub use source::{
    DEFAULT_DESCRIBE_TIMEOUT, DescribeEndpoints, Ec2Source, EndpointsFuture, SharedSource,
};
