//! Make AWS SDK for Rust clients reach AWS services through PrivateLink interface VPC endpoints,
//! with no per-service URL configuration.
//!
//! This crate is the facade: it re-exports the model and rules ([`privatelink_core`]) and the
//! SDK interceptor ([`privatelink_interceptor`]), loads endpoint data from files, and wires
//! discovery, cache and both modes together in [`PrivateLink`]: rewrite mode
//! ([`PrivateLink::interceptor`], per client) and dial mode ([`PrivateLink::http_client`] /
//! [`PrivateLink::dial_config`], per `SdkConfig`, credential providers included; see [`dial`]).
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

#![warn(missing_docs)]
#![forbid(unsafe_code)]

use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};

pub use privatelink_core::{
    DnsEntry, DnsSuffix, EndpointIndex, EndpointState, EndpointType, IndexWarning, IndexedEndpoint,
    Outcome, ParseError, Policy, RefusalReason, RefusedError, RewriteConfig, RewriteConfigBuilder,
    RewriteError, Rewritten, SnapshotCell, Unchanged, UnsupportedForm, VpcEndpoint,
    index_from_describe_json, parse_describe_vpc_endpoints,
};
pub use privatelink_discovery::{
    DescribeEndpoints, DiscoveryError, Ec2Source, EndpointsFuture, Environment, FileSource,
    Location,
};
pub use privatelink_interceptor::{PrivateLinkInterceptor, find_rewrite_error};

pub mod dial;
mod handle;
pub use dial::DialResolver;
pub use handle::{BuildError, PrivateLink, PrivateLinkBuilder};

/// Discovery: sources, location, the endpoint cache.
pub use privatelink_discovery as discovery;

/// The model and mapping rules, in full.
pub use privatelink_core as core;

/// Reads a file holding the output of `aws ec2 describe-vpc-endpoints` and indexes it.
///
/// What the index ignores (DNS names outside the endpoint domain, …) is in
/// [`EndpointIndex::warnings`], and is logged when the index is published to a [`SnapshotCell`].
pub fn index_from_file(path: impl AsRef<Path>) -> Result<EndpointIndex, FileError> {
    let path = path.as_ref();
    let error = |kind| FileError {
        path: path.to_owned(),
        kind,
    };
    let json = std::fs::read_to_string(path).map_err(|e| error(FileErrorKind::Read(e)))?;
    index_from_describe_json(&json).map_err(|e| error(FileErrorKind::Parse(e)))
}

/// An endpoint file could not be read or parsed. The cause is the `source()`.
#[derive(Debug)]
pub struct FileError {
    path: PathBuf,
    kind: FileErrorKind,
}

#[derive(Debug)]
enum FileErrorKind {
    Read(std::io::Error),
    Parse(ParseError),
}

impl FileError {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parse error, when the file was read but its contents are not valid.
    pub fn parse_error(&self) -> Option<&ParseError> {
        match &self.kind {
            FileErrorKind::Parse(e) => Some(e),
            FileErrorKind::Read(_) => None,
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FileErrorKind::Read(_) => {
                write!(f, "cannot read endpoint file {}", self.path.display())
            }
            FileErrorKind::Parse(_) => write!(f, "invalid endpoint file {}", self.path.display()),
        }
    }
}

impl Error for FileError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match &self.kind {
            FileErrorKind::Read(e) => Some(e),
            FileErrorKind::Parse(e) => Some(e),
        }
    }
}
