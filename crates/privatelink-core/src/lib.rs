//! The pure model and mapping rules of privatelink.
//!
//! - [`parse_describe_vpc_endpoints`] reads the JSON that `aws ec2 describe-vpc-endpoints` prints
//!   into [`VpcEndpoint`]s (discovery code builds the same model with [`VpcEndpoint::builder`]).
//! - [`EndpointIndex`] classifies every `DnsEntries` name by shape (regional, zonal, S3 wildcard,
//!   private name) and keys interface endpoint names by (service label, region, partition).
//! - [`RewriteConfig::rewrite_url`] maps a request URL to its endpoint URL under a [`Policy`],
//!   saying why when it stays; [`RewriteConfig::route`] is the same decision for the request path
//!   (no explanation, no allocation but the new URL), and [`RewriteConfig::route_host`] the same
//!   for a bare host (dial mode).
//! - [`ServiceEndpoints`] gives the `AWS_ENDPOINT_URL_<SERVICE>` settings for tools that are
//!   not Rust (the AWS CLI, other SDKs), from a table of the AWS service models' ids.
//! - [`SnapshotCell`] publishes the current index lock-free to synchronous readers.
//! - [`Router`] is the request path's form of the decision: [`RewriteConfig::route`] against a
//!   cell's current snapshot, remembered per host for that snapshot.
//!
//! No I/O happens in this crate.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | `model` | [`VpcEndpoint`] and its parts, as EC2 describes them |
//! | `describe_json` | reading and writing describe-vpc-endpoints JSON |
//! | `names` | partition suffixes and label rules; `names::entry`: names in `DnsEntries`; `names::host`: request hosts and the hosts built from endpoint names |
//! | `index` | [`EndpointIndex`]: endpoint names by (label, region, partition) |
//! | `config` | [`Policy`], [`RewriteConfig`] and its builder |
//! | `rewrite` | the decision for a URL or host, and its outcome |
//! | `error` | [`RewriteError`], [`RefusedError`], [`RefusalReason`], [`InvalidConfigError`] |
//! | `url` | finding the host of a URL ([`InvalidUrlError`]) |
//! | `services` | `AWS_ENDPOINT_URL_<SERVICE>` settings |
//! | `snapshot` | [`SnapshotCell`] |
//! | `router` | [`Router`]: the decision per host, remembered per snapshot |

mod config;
mod describe_json;
mod error;
mod index;
pub mod metrics;
mod model;
mod names;
mod rewrite;
mod router;
mod services;
mod snapshot;
mod url;

pub use config::{Policy, RewriteConfig, RewriteConfigBuilder};
pub use describe_json::{
    EXPORT_VERSION, InvalidEndpoint, InvalidJson, MissingVpcEndpoints, ParseError,
    UnsupportedExportVersion, export_json, parse_describe_vpc_endpoints,
};
pub use error::{InvalidConfigError, RefusalReason, RefusedError, RewriteError};
pub use index::{EndpointIndex, IndexWarning, IndexedEndpoint, WarningKind};
pub use model::{
    DnsEntry, DnsOptions, EndpointState, EndpointType, IpAddressType, MissingFieldError,
    VpcEndpoint, VpcEndpointBuilder,
};
pub use names::DnsSuffix;
pub use names::entry::IgnoredNameReason;
pub use names::host::{UnsupportedForm, is_public_address};
pub use rewrite::{API_ID_HEADER, Outcome, Rewritten, Route, Unchanged, UnchangedReason};
pub use router::{REMEMBERED_HOSTS, Routed, Router};
pub use services::{
    ServiceEndpoint, ServiceEndpoints, endpoint_config_key, endpoint_env_var, sdk_service_ids,
    sdk_services,
};
pub use snapshot::SnapshotCell;
pub use url::InvalidUrlError;

/// Reads describe-vpc-endpoints JSON and indexes it: the usual way to get an index from a file.
pub fn index_from_describe_json(json: &str) -> Result<EndpointIndex, ParseError> {
    parse_describe_vpc_endpoints(json).map(EndpointIndex::new)
}
