//! Make AWS SDK for Rust clients reach AWS services through PrivateLink interface VPC endpoints,
//! with no per-service URL configuration.
//!
//! [`PrivateLink`] wires discovery, cache and both modes together from an `SdkConfig`: rewrite
//! mode ([`PrivateLink::interceptor`], per client) and dial mode ([`PrivateLink::http_client`] /
//! [`PrivateLink::dial_config`], per `SdkConfig`, credential providers included; see [`dial`]).
//! With an endpoint file instead of discovery, [`index_from_file`] and
//! [`PrivateLinkInterceptor::from_index`] are all it takes:
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use privatelink::{PrivateLinkInterceptor, RewriteConfig};
//!
//! // `aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0abc > endpoints.json`
//! let index = privatelink::index_from_file("endpoints.json")?;
//! let interceptor = PrivateLinkInterceptor::from_index(index, RewriteConfig::default());
//! // let s3 = aws_sdk_s3::Client::from_conf(
//! //     aws_sdk_s3::config::Builder::from(&sdk_config).interceptor(interceptor.clone()).build());
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! Both on by default; a user of endpoint files or of the interceptor alone turns them off
//! (`default-features = false`) and compiles neither `aws-sdk-ec2` nor a TLS stack:
//!
//! | feature | what it adds | what it brings |
//! |---|---|---|
//! | `ec2` | EC2 discovery (`DescribeVpcEndpoints`), this process's VPC and zone from instance and task metadata, hub VPCs ([`HubVpc`]) | `aws-sdk-ec2`, `aws-config` |
//! | `dial` | dial mode's HTTPS client: [`PrivateLink::http_client`], [`PrivateLink::dial_config`], [`PrivateLinkBuilder::load_config`], [`PrivateLinkBuilder::trust_store`] | `aws-smithy-http-client` (rustls, aws-lc), `aws-config` |
//!
//! Without `ec2`, the endpoints come from a file ([`PrivateLinkBuilder::endpoints_file`],
//! `PRIVATELINK_ENDPOINTS_FILE`) or a custom source, and the VPC id and zone from settings or
//! `PRIVATELINK_VPC_ID` / `PRIVATELINK_AZ`. Without `dial`, dial mode's resolver
//! ([`dial::DialResolver`]) is still there, for an HTTP client of your own.
//!
//! # Layout
//!
//! The crate root holds what application code writes; the rest is reached through two modules,
//! each once:
//!
//! | where | what |
//! |---|---|
//! | `privatelink::` | [`PrivateLink`], [`PrivateLinkBuilder`], [`BuildError`], [`PrivateLinkInterceptor`], [`find_rewrite_error`] and its [`RewriteError`], [`Policy`], [`RewriteConfig`], [`EndpointIndex`], [`DiscoveryError`], the file reader ([`index_from_file`], [`EndpointFileError`]) |
//! | [`privatelink::dial`](dial) | dial mode: [`DialResolver`](dial::DialResolver), the system resolver, the dial HTTPS client |
//! | [`privatelink::core`](core) | the model and mapping rules: endpoints, names, the decision and its outcome, errors, [`SnapshotCell`](core::SnapshotCell), `AWS_ENDPOINT_URL_*` settings |
//! | [`privatelink::discovery`](discovery) | sources (EC2, files, your own), location, the cache |
//!
//! Inside this crate, `handle.rs` builds [`PrivateLink`] (choose the source, locate, first load,
//! wire the modes), `ec2.rs` adds EC2 discovery to it and `dial.rs` holds dial mode. The crates underneath: `privatelink-core` (no
//! I/O), `privatelink-interceptor` (the SDK hook), `privatelink-discovery` (the only one that
//! depends on `aws-sdk-ec2`); the `privatelink` command is `privatelink-cli`.

pub mod dial;
#[cfg(feature = "ec2")]
mod ec2;
mod handle;

pub use handle::{
    BuildError, EnvironmentError, GatewayEndpoints, InvalidTimeoutError, POLICY_ENV, PrivateLink,
    PrivateLinkBuilder,
};
pub use privatelink_core::{EndpointIndex, Policy, RewriteConfig, RewriteError};
#[cfg(feature = "ec2")]
pub use privatelink_discovery::HubVpc;
pub use privatelink_discovery::{DiscoveryError, EndpointFileError, index_from_file};
pub use privatelink_interceptor::{PrivateLinkInterceptor, find_rewrite_error};

/// Discovery: sources, location, the endpoint cache.
pub use privatelink_discovery as discovery;

/// The model and mapping rules, in full.
pub use privatelink_core as core;

/// The README's code, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
