//! What can go wrong: an invalid setting, an invalid URL, a request strict mode refuses.

use std::error::Error;
use std::fmt;

use crate::model::EndpointState;
use crate::names::host::UnsupportedForm;
use crate::url::InvalidUrlError;

/// Why a request to a public AWS host could not be mapped to an endpoint.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefusalReason {
    /// No endpoint snapshot has been loaded yet.
    NoSnapshot,
    /// The VPC has no interface endpoint for the service in that region.
    NoEndpoint {
        /// The region of the host.
        region: String,
    },
    /// The VPC has an interface endpoint for the service, but it is not `available`.
    EndpointNotAvailable {
        /// The endpoint's id.
        endpoint_id: String,
        /// Its state.
        state: EndpointState,
    },
    /// The host has a form interface endpoints do not serve.
    UnsupportedHostForm(UnsupportedForm),
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusalReason::NoSnapshot => f.write_str("no endpoint snapshot has been loaded yet"),
            RefusalReason::NoEndpoint { region } => {
                write!(f, "the VPC has no interface endpoint for it in {region}")
            }
            RefusalReason::EndpointNotAvailable { endpoint_id, state } => write!(
                f,
                "its interface endpoint {endpoint_id} is `{state}`, not `available`"
            ),
            RefusalReason::UnsupportedHostForm(form) => {
                write!(
                    f,
                    "the host is {form}, which interface endpoints do not serve"
                )
            }
        }
    }
}

/// The URL could not be rewritten.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RewriteError {
    /// The URL is not an absolute `http(s)` URL with a valid host.
    InvalidUrl(InvalidUrlError),
    /// [`Policy::Strict`](crate::Policy::Strict) refused a request to a public AWS host.
    Refused(RefusedError),
}

impl fmt::Display for RewriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RewriteError::InvalidUrl(e) => e.fmt(f),
            RewriteError::Refused(e) => e.fmt(f),
        }
    }
}

impl Error for RewriteError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            RewriteError::InvalidUrl(e) => e.source(),
            RewriteError::Refused(e) => e.source(),
        }
    }
}

/// Strict mode refused to let a request reach a public AWS host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedError {
    pub(crate) host: String,
    pub(crate) service: String,
    pub(crate) reason: RefusalReason,
}

impl RefusedError {
    /// The public host the request was going to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The service label (`ec2`, `s3`, …) the host belongs to.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Why no endpoint could be used.
    pub fn reason(&self) -> &RefusalReason {
        &self.reason
    }
}

impl fmt::Display for RefusedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "strict mode refused a request to the public AWS host `{}` (service `{}`): {}",
            self.host, self.service, self.reason
        )
    }
}

impl Error for RefusedError {}

/// A [`RewriteConfigBuilder`](crate::RewriteConfigBuilder) setting is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidConfigError {
    pub(crate) field: &'static str,
    pub(crate) value: String,
    pub(crate) expected: &'static str,
}

impl InvalidConfigError {
    /// The setting (`include`, `exclude`, `zone`).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The value given.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for InvalidConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} value `{}`: expected {}",
            self.field, self.value, self.expected
        )
    }
}

impl Error for InvalidConfigError {}
