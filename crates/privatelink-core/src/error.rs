//! What can go wrong: an invalid setting, an invalid URL, a request strict mode refuses.

use std::error::Error;
use std::fmt;

use crate::model::EndpointState;
use crate::names::form::UnsupportedForm;
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
    /// The host is dual-stack (the SDK's `use_dual_stack`), and the VPC's endpoint for it serves
    /// IPv4 only (`IpAddressType` `ipv4`, or not given).
    EndpointNotDualStack {
        /// The endpoint's id.
        endpoint_id: String,
    },
    /// The host has a form interface endpoints do not serve.
    UnsupportedHostForm(UnsupportedForm),
    /// The host is an IP address that may be AWS's (not private, loopback or link-local).
    PublicIpAddress,
    /// The host is an endpoint name (or an API Gateway endpoint alias) of no endpoint in the
    /// snapshot.
    UnknownEndpointName,
    /// The host is an API Gateway API that is not configured as a private API (see
    /// `RewriteConfigBuilder::private_api`); the `execute-api` endpoint serves private APIs only.
    NotPrivateApi {
        /// The API id.
        api_id: String,
    },
    /// The service is out of scope, and this host is not one a private path (a gateway endpoint)
    /// carries: only the service's standard hosts in the home region go around the endpoints.
    NoPrivatePath {
        /// The home region, if one is set.
        home_region: Option<String>,
    },
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
            RefusalReason::EndpointNotDualStack { endpoint_id } => write!(
                f,
                "the host is dual-stack and its interface endpoint {endpoint_id} serves IPv4 only"
            ),
            RefusalReason::UnsupportedHostForm(form) => {
                write!(
                    f,
                    "the host is {form}, which interface endpoints do not serve"
                )
            }
            RefusalReason::PublicIpAddress => {
                f.write_str("the host is a public IP address, which may be AWS's")
            }
            RefusalReason::UnknownEndpointName => {
                f.write_str("the host names no endpoint of the VPC's snapshot")
            }
            RefusalReason::NotPrivateApi { api_id } => write!(
                f,
                "API `{api_id}` is not configured as a private API (the execute-api endpoint serves private REST APIs only)"
            ),
            RefusalReason::NoPrivatePath { home_region } => match home_region {
                Some(region) => write!(
                    f,
                    "the service is out of privatelink's scope, and only its standard hosts in {region} may go around the endpoints (a gateway endpoint carries those)"
                ),
                None => f.write_str(
                    "the service is out of privatelink's scope, and no home region is set, so no host of it may go around the endpoints",
                ),
            },
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

    /// The service label (`ec2`, `s3`, …) the host belongs to; empty for an IP address.
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
        match self.service.as_str() {
            "" => write!(
                f,
                "strict mode refused a request to `{}`: {}",
                self.host, self.reason
            ),
            service => write!(
                f,
                "strict mode refused a request to the public AWS host `{}` (service `{service}`): {}",
                self.host, self.reason
            ),
        }
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
