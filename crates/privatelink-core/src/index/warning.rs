//! [`IndexWarning`]: what the index did not use from its input, and why.

use std::fmt;

use crate::names::entry::IgnoredNameReason;

/// Something in the input that the index did not use, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexWarning {
    pub(super) endpoint_id: String,
    pub(super) kind: WarningKind,
}

/// What an [`IndexWarning`] is about.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// A `DnsEntries` name was ignored.
    IgnoredDnsName {
        /// The name as given.
        name: String,
        /// Why it was ignored.
        reason: IgnoredNameReason,
    },
    /// An interface endpoint has no usable DNS name, so nothing can be rewritten to it.
    NoEndpointNames,
    /// An endpoint of a type privatelink does not use (`Resource`, `ServiceNetwork`,
    /// `GatewayLoadBalancer`, or one this version does not know) was skipped.
    SkippedEndpointType {
        /// The type, as EC2 sends it.
        endpoint_type: String,
    },
    /// Several interface endpoints serve the same service and region; `chosen` is used.
    DuplicateService {
        /// The service label.
        label: String,
        /// The region.
        region: String,
        /// The endpoint used (the first usable one by id).
        chosen: String,
    },
}

impl IndexWarning {
    /// The endpoint the warning is about.
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// What the warning is about.
    pub fn kind(&self) -> &WarningKind {
        &self.kind
    }
}

impl fmt::Display for IndexWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            WarningKind::IgnoredDnsName { name, reason } => write!(
                f,
                "endpoint {}: ignoring DNS entry `{name}`: {reason}",
                self.endpoint_id
            ),
            WarningKind::SkippedEndpointType { endpoint_type } => write!(
                f,
                "endpoint {}: skipped: privatelink does not use {endpoint_type} endpoints",
                self.endpoint_id
            ),
            WarningKind::NoEndpointNames => write!(
                f,
                "endpoint {}: interface endpoint has no vpce DNS names; nothing will be rewritten to it",
                self.endpoint_id
            ),
            WarningKind::DuplicateService {
                label,
                region,
                chosen,
            } => write!(
                f,
                "endpoint {}: several interface endpoints serve `{label}` in {region}; using {chosen}",
                self.endpoint_id
            ),
        }
    }
}
