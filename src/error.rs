//! [`BuildError`] and its contexts: what stops [`PrivateLinkBuilder::build`]
//! (crate::PrivateLinkBuilder::build).

use std::error::Error;
use std::fmt;

use privatelink_core::InvalidConfigError;
use privatelink_discovery::{CacheConfigError, DiscoveryError, InvalidTimeoutError};

/// [`PrivateLinkBuilder::build`](crate::PrivateLinkBuilder::build) (or `load_config`) failed.
#[non_exhaustive]
#[derive(Debug)]
pub enum BuildError {
    /// Neither `configure(&sdk_config)` nor a static source was given.
    NoSdkConfig,
    /// No endpoint file or custom source was given, and EC2 discovery is not compiled in
    /// (privatelink's `ec2` feature is off).
    NoSource,
    /// `start_empty(true)` was set with a policy other than `Prefer`.
    StartEmptyNeedsPrefer,
    /// `hub_vpc(..)` was set with an endpoint file or a custom source: a hub is discovered
    /// from EC2 with its own credentials.
    HubNeedsEc2,
    /// A mapping setting is invalid.
    Config(InvalidConfigError),
    /// A cache setting is invalid.
    Cache(CacheConfigError),
    /// `describe_timeout`, `metadata_timeout` or `dial_dns_timeout` is outside 1 second to 1
    /// hour, or
    /// `describe_timeout` is not shorter than the cache's `call_timeout`.
    InvalidTimeout(InvalidTimeoutError),
    /// An environment variable privatelink reads has a value it does not accept.
    Environment(EnvironmentError),
    /// Location or the first load failed.
    Discovery(DiscoveryError),
    /// `endpoints_url` or `PRIVATELINK_ENDPOINTS_URL` is not an `s3://bucket/key` URL, or
    /// privatelink's `s3` feature, which reads it, is off.
    EndpointsUrl(EndpointsUrlError),
    /// The CA bundle (`ca_bundle(..)` or `PRIVATELINK_CA_BUNDLE`) cannot be read, or is not PEM
    /// certificates.
    #[cfg(feature = "dial")]
    CaBundle(crate::dial::CaBundleError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::NoSdkConfig => f.write_str(
                "no SdkConfig: call `configure(&sdk_config)`, or use `endpoints_file(..)` / PRIVATELINK_ENDPOINTS_FILE",
            ),
            BuildError::NoSource => f.write_str(
                "no endpoint source: set `endpoints_file(..)` / PRIVATELINK_ENDPOINTS_FILE or `source(..)` (EC2 discovery needs privatelink's `ec2` feature)",
            ),
            BuildError::StartEmptyNeedsPrefer => f.write_str("`start_empty(true)` requires Policy::Prefer"),
            BuildError::HubNeedsEc2 => f.write_str(
                "`hub_vpc(..)` discovers from EC2: it cannot be combined with an endpoint file (`endpoints_file`, PRIVATELINK_ENDPOINTS_FILE) or a custom source",
            ),
            BuildError::Config(_) => f.write_str("invalid privatelink settings"),
            BuildError::Cache(_) => f.write_str("invalid privatelink cache settings"),
            BuildError::InvalidTimeout(_) => f.write_str("invalid privatelink time limit"),
            BuildError::Environment(e) => write!(f, "invalid environment variable {}", e.variable),
            BuildError::Discovery(_) => f.write_str("privatelink could not load the VPC's endpoints"),
            BuildError::EndpointsUrl(e) => match &e.problem {
                UrlProblem::Invalid(_) => write!(f, "invalid endpoints URL `{}`", e.url),
                UrlProblem::FeatureOff => write!(
                    f,
                    "the endpoints URL `{}` (endpoints_url, PRIVATELINK_ENDPOINTS_URL) needs privatelink's `s3` feature",
                    e.url
                ),
            },
            #[cfg(feature = "dial")]
            BuildError::CaBundle(_) => f.write_str("dial mode's CA bundle cannot be used"),
        }
    }
}

impl Error for BuildError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            BuildError::NoSdkConfig
            | BuildError::NoSource
            | BuildError::StartEmptyNeedsPrefer
            | BuildError::HubNeedsEc2 => None,
            BuildError::InvalidTimeout(e) => Some(e),
            BuildError::Config(e) => Some(e),
            BuildError::Cache(e) => Some(e),
            BuildError::Environment(e) => Some(&e.source),
            BuildError::Discovery(e) => Some(e),
            BuildError::EndpointsUrl(e) => match &e.problem {
                UrlProblem::Invalid(source) => Some(source.as_ref()),
                UrlProblem::FeatureOff => None,
            },
            #[cfg(feature = "dial")]
            BuildError::CaBundle(e) => Some(e),
        }
    }
}

/// Context of [`BuildError::EndpointsUrl`].
#[derive(Debug)]
pub struct EndpointsUrlError {
    url: String,
    problem: UrlProblem,
}

#[derive(Debug)]
enum UrlProblem {
    /// Not `s3://bucket/key`; the source says why.
    #[cfg_attr(not(feature = "s3"), allow(dead_code))]
    Invalid(Box<dyn Error + Send + Sync>),
    /// The `s3` feature is off.
    #[cfg_attr(feature = "s3", allow(dead_code))]
    FeatureOff,
}

impl EndpointsUrlError {
    #[cfg(feature = "s3")]
    pub(crate) fn invalid(url: &str, source: impl Error + Send + Sync + 'static) -> Self {
        Self {
            url: url.to_owned(),
            problem: UrlProblem::Invalid(Box::new(source)),
        }
    }

    #[cfg(not(feature = "s3"))]
    pub(crate) fn feature_off(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            problem: UrlProblem::FeatureOff,
        }
    }

    /// The URL given.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Context of [`BuildError::Environment`]; its source names the value and what was expected.
#[derive(Debug)]
pub struct EnvironmentError {
    pub(crate) variable: &'static str,
    pub(crate) source: InvalidConfigError,
}

impl EnvironmentError {
    /// The variable, e.g. `PRIVATELINK_POLICY`.
    pub fn variable(&self) -> &'static str {
        self.variable
    }
}
