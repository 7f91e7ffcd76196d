//! The pure model and mapping rules of privatelink.
//!
//! - [`parse_describe_vpc_endpoints`] reads the JSON that `aws ec2 describe-vpc-endpoints` prints
//!   into [`VpcEndpoint`]s (discovery code builds the same model with [`VpcEndpoint::builder`]).
//! - [`EndpointIndex`] classifies every `DnsEntries` name by shape (regional, zonal, S3 wildcard,
//!   private name) and keys interface endpoint names by (service label, region, partition).
//! - [`RewriteConfig::rewrite_url`] maps a request URL to its endpoint URL under a [`Policy`],
//!   saying why when it stays; [`RewriteConfig::route`] is the same decision for the request path
//!   (no explanation, no allocation but the new URL).
//! - [`ServiceEndpoints`] gives the `AWS_ENDPOINT_URL_<SERVICE>` settings for tools that are
//!   not Rust (the AWS CLI, other SDKs), from a table of the AWS service models' ids.
//! - [`SnapshotCell`] publishes the current index lock-free to synchronous readers.
//!
//! No I/O happens in this crate.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod describe_json;
mod index;
mod model;
mod names;
mod rewrite;
mod services;
mod snapshot;
mod url;

pub use describe_json::{
    EXPORT_VERSION, InvalidEndpoint, InvalidJson, MissingVpcEndpoints, ParseError,
    UnsupportedExportVersion, export_json, parse_describe_vpc_endpoints,
};
pub use index::{EndpointIndex, IndexWarning, IndexedEndpoint, WarningKind};
pub use model::{
    DnsEntry, EndpointState, EndpointType, MissingFieldError, VpcEndpoint, VpcEndpointBuilder,
};
pub use names::{DnsSuffix, IgnoredNameReason, UnsupportedForm};
pub use rewrite::{
    API_ID_HEADER, InvalidConfigError, Outcome, Policy, RefusalReason, RefusedError, RewriteConfig,
    RewriteConfigBuilder, RewriteError, Rewritten, Unchanged,
};
pub use services::{
    ServiceEndpoint, ServiceEndpoints, endpoint_env_var, sdk_service_ids, sdk_services,
};
pub use snapshot::SnapshotCell;
pub use url::InvalidUrlError;

/// Reads describe-vpc-endpoints JSON and indexes it: the usual way to get an index from a file.
pub fn index_from_describe_json(json: &str) -> Result<EndpointIndex, ParseError> {
    parse_describe_vpc_endpoints(json).map(EndpointIndex::new)
}
