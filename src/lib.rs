//! Make AWS SDK for Rust clients reach AWS services through PrivateLink interface VPC endpoints,
//! with no per-service URL configuration.
//!
//! [`PrivateLink`] wires discovery, cache and both modes together from an `SdkConfig`: rewrite
//! mode ([`PrivateLink::interceptor`], per client) and dial mode ([`PrivateLink::http_client`] /
//! [`PrivateLink::dial_config`], per `SdkConfig`, credential providers included; see [`dial`]).
//! With an endpoint file instead of discovery, [`discovery::index_from_file`] and
//! [`PrivateLinkInterceptor::from_index`] are all it takes:
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use privatelink::PrivateLinkInterceptor;
//! use privatelink::core::RewriteConfig;
//!
//! // `aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=vpc-0abc > endpoints.json`
//! let index = privatelink::discovery::index_from_file("endpoints.json")?;
//! let interceptor = PrivateLinkInterceptor::from_index(index, RewriteConfig::default());
//! // let s3 = aws_sdk_s3::Client::from_conf(
//! //     aws_sdk_s3::config::Builder::from(&sdk_config).interceptor(interceptor.clone()).build());
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! `ec2` and `dial` are on by default; a user of endpoint files or of the interceptor alone turns them off
//! (`default-features = false`) and compiles neither `aws-sdk-ec2` nor a TLS stack:
//!
//! | feature | what it adds | what it brings |
//! |---|---|---|
//! | `ec2` | EC2 discovery (`DescribeVpcEndpoints`), this process's VPC and zone from instance and task metadata, hub VPCs ([`HubVpc`](discovery::HubVpc)) | `aws-sdk-ec2`, `aws-config` |
//! | `dial` | dial mode's HTTPS client: [`PrivateLink::http_client`], [`PrivateLink::dial_config`], [`PrivateLinkBuilder::load_config`], [`PrivateLinkBuilder::trust_store`], [`PrivateLinkBuilder::proxy`], [`PrivateLinkBuilder::crypto_mode`], [`PrivateLinkBuilder::ca_bundle`] | `aws-smithy-http-client` (rustls, aws-lc), `aws-config` |
//! | `fips` (off by default) | `dial`, with `CryptoMode::AwsLcFips` for [`PrivateLinkBuilder::crypto_mode`]: aws-lc's FIPS module (rustls's FIPS provider, for the whole build) | `aws-lc-fips-sys` (its build needs CMake and Go) |
//!
//! Without `ec2`, the endpoints come from a file ([`PrivateLinkBuilder::endpoints_file`],
//! `PRIVATELINK_ENDPOINTS_FILE`) or a custom source, and the VPC id and zone from settings or
//! `PRIVATELINK_VPC_ID` / `PRIVATELINK_AZ`. Without `dial`, dial mode's resolver
//! ([`dial::DialResolver`]) is still there, for an HTTP client of your own.
//!
//! # Layout
//!
//! Every public item has one path. The crate root holds what application code writes: the
//! handle, its builder and errors, and the SDK interceptor; the rest is reached through three
//! modules:
//!
//! | where | what |
//! |---|---|
//! | `privatelink::` | [`PrivateLink`], [`PrivateLinkBuilder`], [`BuildError`] (and its [`EnvironmentError`], [`EndpointsUrlError`]; its `InvalidTimeoutError` is discovery's), [`GatewayEndpoints`], [`POLICY_ENV`], [`PrivateLinkInterceptor`], [`find_rewrite_error`] |
//! | [`privatelink::core`](core) | the model and mapping rules: [`Policy`](core::Policy), [`RewriteConfig`](core::RewriteConfig), [`EndpointIndex`](core::EndpointIndex), the decision and its outcome, [`RewriteError`](core::RewriteError), [`SnapshotCell`](core::SnapshotCell), `AWS_ENDPOINT_URL_*` settings |
//! | [`privatelink::discovery`](discovery) | sources (EC2, [`HubVpc`](discovery::HubVpc), files: [`index_from_file`](discovery::index_from_file)), location, the cache ([`CacheConfig`](discovery::CacheConfig)), [`DiscoveryError`](discovery::DiscoveryError) |
//! | [`privatelink::dial`](dial) | dial mode: [`DialResolver`](dial::DialResolver), the system resolver |
//!
//! Inside this crate, one file per job: `handle.rs` ([`PrivateLink`]), `builder.rs` (the
//! settings setters and the two entry points), `settings.rs` (the settings as data, checked
//! once), `build/` (the steps: source, location, cache, first load, wiring; `build/ec2.rs` for
//! EC2 discovery), `dial/` (the resolver; `dial/client.rs` for the HTTPS client), `gateway.rs`
//! (the gateway rule), `error.rs` ([`BuildError`]). Features select files (`build/ec2.rs`,
//! `dial/client.rs`) and single items, never part of a type's impl in another file. The crates
//! underneath: `privatelink-core` (no I/O), `privatelink-interceptor` (the SDK hook),
//! `privatelink-discovery` (the only one that depends on `aws-sdk-ec2`); the `privatelink`
//! command is `privatelink-cli`.

mod build;
mod builder;
pub mod dial;
mod error;
mod gateway;
mod handle;
mod settings;

pub use builder::PrivateLinkBuilder;
pub use error::{BuildError, EndpointsUrlError, EnvironmentError};
pub use gateway::GatewayEndpoints;
pub use handle::PrivateLink;
pub use privatelink_interceptor::{PrivateLinkInterceptor, find_rewrite_error};
#[cfg(feature = "dial")]
pub use settings::CA_BUNDLE_ENV;
pub use settings::POLICY_ENV;

/// Discovery: sources, location, the endpoint cache.
pub use privatelink_discovery as discovery;

/// The model and mapping rules, in full.
pub use privatelink_core as core;

/// The README's code, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
