//! The decision's results: [`Outcome`] (explained), [`Routed`] (the request path's, in short),
//! and their parts ([`Rewritten`], [`Unchanged`], [`UnchangedReason`]). The decision itself is in
//! `rewrite`.

use std::ops::Range;

use crate::error::RefusalReason;
use crate::index::IndexedEndpoint;

/// The header API Gateway reads the API id from when a private API is called by endpoint name.
pub const API_ID_HEADER: &str = "x-apigw-api-id";

/// The result of [`RewriteConfig::rewrite_url`](crate::RewriteConfig::rewrite_url).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The request goes to an endpoint.
    Rewritten(Rewritten<'a>),
    /// The request goes where it was going, for the reason given.
    Unchanged(Unchanged),
}

/// Where a request goes, in short and owned (nothing borrowed from the snapshot): the result of
/// [`RewriteConfig::route`](crate::RewriteConfig::route) and of the [`Router`](crate::Router), which both modes ask.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Routed {
    /// The request goes to an endpoint.
    Rewritten {
        /// The rewritten URL (see [`Rewritten::url`]); for a bare host (dial mode), the endpoint
        /// host whose addresses a connection uses.
        url: String,
        /// A header the request must carry there (see [`Rewritten::header`]).
        header: Option<(&'static str, String)>,
    },
    /// The request goes where it was going, for this reason.
    Unchanged(UnchangedReason),
}

/// Why a URL stays as it is, in short (no details, nothing allocated): the kind of an
/// [`Unchanged`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnchangedReason {
    /// [`Unchanged::PolicyOff`].
    PolicyOff,
    /// [`Unchanged::NotAwsHost`].
    NotAwsHost,
    /// [`Unchanged::AlreadyEndpoint`].
    AlreadyEndpoint,
    /// [`Unchanged::OutOfScope`].
    OutOfScope,
    /// [`Unchanged::PrivateDns`].
    PrivateDns,
    /// [`Unchanged::Gateway`].
    Gateway,
    /// [`Unchanged::NotMapped`].
    NotMapped,
}

impl UnchangedReason {
    /// A short name: `policy_off`, `not_aws_host`, `already_endpoint`, `out_of_scope`,
    /// `private_dns`, `gateway` or `not_mapped` (the `reason` label of the request metric).
    pub fn as_str(self) -> &'static str {
        match self {
            UnchangedReason::PolicyOff => "policy_off",
            UnchangedReason::NotAwsHost => "not_aws_host",
            UnchangedReason::AlreadyEndpoint => "already_endpoint",
            UnchangedReason::OutOfScope => "out_of_scope",
            UnchangedReason::PrivateDns => "private_dns",
            UnchangedReason::Gateway => "gateway",
            UnchangedReason::NotMapped => "not_mapped",
        }
    }
}

impl Unchanged {
    /// The kind of this reason.
    pub fn reason(&self) -> UnchangedReason {
        match self {
            Unchanged::PolicyOff => UnchangedReason::PolicyOff,
            Unchanged::NotAwsHost => UnchangedReason::NotAwsHost,
            Unchanged::AlreadyEndpoint => UnchangedReason::AlreadyEndpoint,
            Unchanged::OutOfScope { .. } => UnchangedReason::OutOfScope,
            Unchanged::PrivateDns { .. } => UnchangedReason::PrivateDns,
            Unchanged::Gateway { .. } => UnchangedReason::Gateway,
            Unchanged::NotMapped { .. } => UnchangedReason::NotMapped,
        }
    }
}

/// A URL rewritten to an endpoint name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten<'a> {
    pub(crate) url: String,
    pub(crate) host: Range<usize>,
    pub(crate) original_host: &'a str,
    pub(crate) endpoint: &'a IndexedEndpoint,
    pub(crate) zonal: bool,
    pub(crate) api_id: Option<&'a str>,
}

impl<'a> Rewritten<'a> {
    /// The rewritten URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The rewritten URL, owned.
    pub fn into_url(self) -> String {
        self.url
    }

    /// The new host (an endpoint name, with the S3 `bucket.`/`accesspoint.`/`control.` forms).
    pub fn host(&self) -> &str {
        &self.url[self.host.clone()]
    }

    /// The host the URL had.
    pub fn original_host(&self) -> &'a str {
        self.original_host
    }

    /// The endpoint the request now goes to.
    pub fn endpoint(&self) -> &'a IndexedEndpoint {
        self.endpoint
    }

    /// Whether a zonal name was used.
    pub fn is_zonal(&self) -> bool {
        self.zonal
    }

    /// A header the request must carry at the new host: `x-apigw-api-id: <api-id>` for API
    /// Gateway private APIs, else `None`.
    pub fn header(&self) -> Option<(&'static str, &'a str)> {
        self.api_id.map(|id| (API_ID_HEADER, id))
    }
}

/// Why a URL was left unchanged.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unchanged {
    /// [`Policy::Off`](crate::Policy::Off).
    PolicyOff,
    /// Not an AWS host (custom endpoint URL, IP address, localhost).
    NotAwsHost,
    /// Already an endpoint name under `vpce.amazonaws.com[.cn]` (or an API Gateway endpoint alias).
    AlreadyEndpoint,
    /// The service is excluded, or not in the include list.
    OutOfScope {
        /// The service label.
        service: String,
    },
    /// The endpoint has private DNS and the config skips such endpoints: the default host
    /// already resolves to it inside the VPC.
    PrivateDns {
        /// The endpoint's id.
        endpoint_id: String,
    },
    /// A gateway endpoint of the VPC carries the request (see
    /// [`RewriteConfigBuilder::gateway_endpoints`](crate::RewriteConfigBuilder::gateway_endpoints)).
    Gateway {
        /// The gateway endpoint's id.
        endpoint_id: String,
    },
    /// No usable endpoint ([`Policy::Prefer`](crate::Policy::Prefer); Strict refuses instead).
    NotMapped {
        /// The service label.
        service: String,
        /// Why.
        reason: RefusalReason,
    },
}

impl std::fmt::Display for Unchanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unchanged::PolicyOff => f.write_str("policy is off"),
            Unchanged::NotAwsHost => f.write_str("not an AWS host"),
            Unchanged::AlreadyEndpoint => f.write_str("already an endpoint name"),
            Unchanged::OutOfScope { service } => write!(f, "service `{service}` is out of scope"),
            Unchanged::PrivateDns { endpoint_id } => write!(
                f,
                "private DNS of {endpoint_id} already resolves the default host to it"
            ),
            Unchanged::Gateway { endpoint_id } => write!(
                f,
                "gateway endpoint {endpoint_id} carries it from inside the VPC (no charge)"
            ),
            Unchanged::NotMapped { service, reason } => write!(f, "{service}: {reason}"),
        }
    }
}
