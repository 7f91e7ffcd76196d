//! The pure model and mapping rules of privatelink.
//!
//! - [`parse_describe_vpc_endpoints`] reads the JSON that `aws ec2 describe-vpc-endpoints` prints
//!   into [`VpcEndpoint`]s (discovery code builds the same model with [`VpcEndpoint::builder`]).
//! - [`EndpointIndex`] classifies every `DnsEntries` name by shape (regional, zonal, S3 wildcard,
//!   private name) and keys interface endpoint names by (service label, region, partition).
//! - [`RewriteConfig`] holds the mapping settings and makes the decision: explained by
//!   [`RewriteConfig::rewrite_url`] ([`Outcome`]), in short by [`RewriteConfig::route`]
//!   ([`Routed`]).
//! - [`SnapshotCell`] publishes the current snapshot lock-free to synchronous readers.
//! - [`Router`] is what both modes ask on the request path: the decision against a cell's current
//!   snapshot, remembered per host for that snapshot, and counted.
//! - [`ServiceEndpoints`] gives the `AWS_ENDPOINT_URL_<SERVICE>` settings for tools that are
//!   not Rust (the AWS CLI, other SDKs), from a table of the AWS service models' ids.
//!
//! No I/O happens in this crate.
//!
//! # Glossary
//!
//! Each word names one thing, here and in the crates above.
//!
//! | word | what it names |
//! |---|---|
//! | endpoint | one VPC endpoint as EC2 describes it ([`VpcEndpoint`]) |
//! | endpoint name | a `vpce-…` DNS name from an endpoint's `DnsEntries` |
//! | index | a VPC's endpoints keyed for lookup ([`EndpointIndex`]) |
//! | snapshot | one index as published for the request path (`Arc<EndpointIndex>`), with its deadline: what a cell holds, a cache loads and `PrivateLink::snapshot()` returns |
//! | cell | where the current snapshot lives ([`SnapshotCell`]); readers never wait for it |
//! | decision | where one request (a URL, or a bare host in dial mode) goes, given a config and a snapshot: to an endpoint, unchanged with a reason, or an error. Made in one place (`RewriteConfig::decide`) |
//! | outcome | a decision explained ([`Outcome`], [`Unchanged`]): the CLI and the interceptor's trace |
//! | route | to ask for a decision on the request path ([`Router::route_url`], [`Router::route_host`]); the answer is [`Routed`], the reason in short ([`UnchangedReason`]) |
//! | refusal | strict mode's error for a request that would reach a public AWS host ([`RefusedError`]) |
//! | rewrite mode, dial mode | the request's host replaced by an endpoint name (the interceptor), or kept with the connection sent to the endpoint's addresses (the resolver) |
//!
//! The decision's result types, and why each stays: [`Outcome`] carries the explanation
//! (allocated; only the CLI and trace logs ask for it); [`Routed`] is the request path's, owned
//! and short (nothing borrowed, nothing allocated but the new URL); inside, `Decision` borrows from
//! the snapshot so the router can remember the new host without parsing the URL again, and the
//! router's remembered form shares its strings (`Arc<str>`) so a remembered host copies nothing.
//!
//! # Layout
//!
//! | module | what it holds |
//! |---|---|
//! | `model` | [`VpcEndpoint`] and its parts, as EC2 describes them; `model::builder`: [`VpcEndpointBuilder`] |
//! | `describe_json` | reading and writing describe-vpc-endpoints JSON |
//! | `endpoint_service` | [`EndpointService`]: which endpoint service serves a label, read from describe-vpc-endpoint-services JSON |
//! | `names` | partition suffixes and label rules; `names::entry`: names in `DnsEntries`; `names::host`: request hosts; `names::form`: the forms no endpoint serves; `names::shape`: the hosts built from endpoint names; `names::address`: IP literals |
//! | `index` | [`EndpointIndex`]: endpoint names by (label, region, partition); `index::endpoint`: [`IndexedEndpoint`]; `index::warning`: [`IndexWarning`] |
//! | `config` | [`Policy`], [`RewriteConfig`] and its builder |
//! | `rewrite` | the decision for a URL or host |
//! | `outcome` | its results: [`Outcome`] (explained), [`Routed`] (short), [`Rewritten`], [`Unchanged`], [`UnchangedReason`] |
//! | `redact` | peer text made safe to log: [`redact`] (runs that could be secrets), [`ErrorChain`] (an error and its sources on one redacted line) |
//! | `router` | [`Router`]: the decision per host, remembered per snapshot |
//! | `metrics` | the request counter the router increments (`privatelink_requests_total`) |
//! | `error` | [`RewriteError`], [`RefusedError`], [`RefusalReason`], [`InvalidConfigError`] |
//! | `url` | finding the host of a URL ([`InvalidUrlError`]) |
//! | `services` | `AWS_ENDPOINT_URL_<SERVICE>` settings |
//! | `snapshot` | [`SnapshotCell`] |

mod config;
mod describe_json;
mod endpoint_service;
mod error;
mod index;
mod metrics;
mod model;
mod names;
mod outcome;
mod public_hosts;
mod redact;
mod rewrite;
mod router;
mod services;
mod snapshot;
mod timestamp;
mod url;

pub use config::{Policy, RewriteConfig, RewriteConfigBuilder};
pub use describe_json::{
    Document, EXPORT_VERSION, InvalidDiscoveredAt, InvalidEndpoint, InvalidJson,
    MissingVpcEndpoints, ParseError, UnsupportedExportVersion, export_json,
    parse_describe_vpc_endpoints, parse_document,
};
pub use endpoint_service::{
    EndpointService, ServicesParseError, parse_describe_vpc_endpoint_services,
};
pub use error::{InvalidConfigError, RefusalReason, RefusedError, RewriteError};
pub use index::{EndpointIndex, IndexWarning, IndexedEndpoint, WarningKind};
pub use model::{
    DnsEntry, DnsOptions, EndpointState, EndpointType, IpAddressType, MissingFieldError,
    VpcEndpoint, VpcEndpointBuilder,
};
pub use names::DnsSuffix;
pub use names::address::is_public_address;
pub use names::entry::IgnoredNameReason;
pub use names::form::UnsupportedForm;
pub use outcome::{API_ID_HEADER, Outcome, Rewritten, Routed, Unchanged, UnchangedReason};
pub use public_hosts::{
    MAX_PUBLIC_HOSTS, PUBLIC_HOSTS_VERSION, PublicHost, PublicHosts, PublicHostsReport,
    RecordParseError, RecordedHost, read_public_hosts,
};
pub use redact::{ErrorChain, REDACTED, REDACTED_RUN, redact};
pub use router::{REMEMBERED_HOSTS, Router};
pub use services::{
    ServiceEndpoint, ServiceEndpoints, endpoint_config_key, endpoint_env_var, sdk_service_ids,
    sdk_services, terraform_endpoint_key, terraform_provider_version,
};
pub use snapshot::SnapshotCell;
pub use url::{InvalidUrlError, url_host};

/// Reads describe-vpc-endpoints JSON and indexes it: the usual way to get an index from a file.
pub fn index_from_describe_json(json: &str) -> Result<EndpointIndex, ParseError> {
    parse_describe_vpc_endpoints(json).map(EndpointIndex::new)
}
