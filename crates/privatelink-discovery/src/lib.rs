//! Finds a VPC's endpoints and keeps them fresh: EC2 `DescribeVpcEndpoints` (or an endpoint
//! file), this process's VPC and availability zone (configuration, environment, EC2 instance
//! metadata, ECS task metadata), and a per-VPC cache that publishes snapshots lock-free.
//!
//! This is the only privatelink crate that depends on `aws-sdk-ec2`, and only with its `ec2`
//! feature; no `aws-sdk-*` type appears in its public API.
//!
//! # Features
//!
//! - `ec2` (default): EC2 discovery ([`Ec2Source`]), this process's location from instance and
//!   task metadata ([`Locator`]), hub VPCs ([`HubVpc`]). Brings `aws-sdk-ec2` and `aws-config`
//!   (with its HTTPS client). Without it: the cache, endpoint files and custom sources, with the
//!   VPC id and zone from settings or the environment ([`Environment::configured`]).
//! - `s3` (off): endpoints from an export document in S3 (`S3Source`, `s3://bucket/key`), which
//!   one publisher per VPC writes. Brings `aws-sdk-s3`.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | `file` | the one endpoint-file reader ([`read_document`], [`read_document_file`], [`read_endpoints`], [`read_endpoint_file`], [`index_from_file`]) and its [`EndpointFileError`] |
//! | `error` | [`DiscoveryError`] and its contexts |
//! | `limit` | time limits: [`TIMEOUT_RANGE`], [`InvalidTimeoutError`], and bounding a call on Tokio's timer or the cache's sleep |
//! | `source` | the [`DescribeEndpoints`] trait, [`SharedSource`], [`FileSource`] |
//! | `location` | where this process runs ([`Location`]) and the environment it reads ([`Environment`]) |
//! | `cache` | [`EndpointCache`]: per-VPC snapshots, refresh, single flight; `cache::timing` ([`CacheConfig`]: settings and the rules computed from them), `state`, `slot`, `refresher`, `status`, `builder` |
//! | `ec2` | feature `ec2`: [`Ec2Source`] and how EC2's errors are classified |
//! | `locate` | feature `ec2`: [`Locator`], the chain of providers; `locate::ecs` (task metadata, a Fargate task's VPC through `lookup`), `locate::imds` (instance metadata) |
//! | `lookup` | feature `ec2`: EC2 lookups for location: a network interface by MAC address, zone names and ids |
//! | `hub` | feature `ec2`: [`HubVpc`]: endpoints in another account's shared VPC, its credentials and zone names |
//! | `s3` | feature `s3`: `S3Source`: an export document in S3 (one publisher per VPC), read with a conditional `GetObject`; `publish`, which writes it |

mod cache;
#[cfg(feature = "ec2")]
mod ec2;
mod error;
mod file;
#[cfg(feature = "ec2")]
mod hub;
mod limit;
#[cfg(feature = "ec2")]
mod locate;
mod location;
#[cfg(feature = "ec2")]
mod lookup;
#[cfg(feature = "s3")]
mod s3;
mod source;

pub use cache::{
    COLD_SPREAD, CacheConfig, CacheConfigBuilder, CacheConfigError, CacheStatus,
    DEFAULT_CALL_TIMEOUT, DEFAULT_FAILURE_BACKOFF, DEFAULT_JITTER, DEFAULT_MAX_STALE,
    DEFAULT_REFRESH_AHEAD, DEFAULT_TTL, EndpointCache, EndpointCacheBuilder, KeepAlive,
    MAX_SETTING, PERMANENT_BACKOFF_CAP, THROTTLED_BACKOFF_CAP, TRANSIENT_BACKOFF_CAP,
};
#[cfg(feature = "ec2")]
pub use ec2::{Ec2Source, MAX_DESCRIBE_PAGES};
pub use error::{
    AmbiguousAddressError, DiscoveryError, FailureClass, InvalidResponseError, MetadataError,
    NoVpcError, ServiceError, SourcePanickedError, StaleDocumentError, TimedOutError,
};
pub use file::{
    ENDPOINTS_FILE_ENV, EndpointFileError, MAX_ENDPOINT_FILE_BYTES, index_from_file, read_document,
    read_document_file, read_endpoint_file, read_endpoints,
};
#[cfg(feature = "ec2")]
pub use hub::HubVpc;
pub use limit::{InvalidTimeoutError, TIMEOUT_RANGE, check_timeout, check_timeout_within};
#[cfg(feature = "ec2")]
pub use locate::Locator;
pub use location::{
    DEFAULT_METADATA_TIMEOUT, ECS_METADATA_ENV, Environment, FoundBy, Location, VPC_ID_ENV,
    ZONE_ENV,
};
#[cfg(feature = "s3")]
pub use s3::{InvalidS3UrlError, PublishError, Published, S3Source, S3Url, publish};
pub use source::{
    DEFAULT_DESCRIBE_TIMEOUT, DescribeEndpoints, DocumentFuture, ENDPOINTS_URL_ENV,
    EndpointsFuture, FileSource, SharedSource,
};
