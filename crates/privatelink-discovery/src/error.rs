//! Discovery errors. `Clone`, because one failed `DescribeVpcEndpoints` call's error is handed to
//! every caller that waited on it.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

#[cfg(any(feature = "ec2", feature = "s3"))]
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
#[cfg(any(feature = "ec2", feature = "s3"))]
use privatelink_core::redact;

use crate::file::EndpointFileError;

/// A shareable error source.
pub(crate) type Source = Arc<dyn Error + Send + Sync + 'static>;

/// Discovery could not produce the VPC's endpoints.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub enum DiscoveryError {
    /// No VPC id was configured and none could be detected.
    NoVpc(NoVpcError),
    /// This process's address is on network interfaces of more than one VPC (VPCs with the same
    /// CIDR block): which is this process's cannot be told from it.
    AmbiguousAddress(AmbiguousAddressError),
    /// The service denied the call to valid credentials (EC2's `ec2:DescribeVpcEndpoints`, or
    /// [`ServiceError::service`]'s: S3 for a shared document, STS for a hub role).
    AccessDenied(ServiceError),
    /// The service rejected the credentials themselves (`AuthFailure`, a bad signature, an
    /// expired or unknown key).
    InvalidCredentials(ServiceError),
    /// The service throttled the call (`RequestLimitExceeded`), after the SDK's own retries.
    Throttled(ServiceError),
    /// The service (EC2; S3 for a shared document, STS for a hub role: see
    /// [`ServiceError::service`]) could not be reached or failed (network, timeouts, 5xx, other
    /// error codes).
    Service(ServiceError),
    /// EC2 answered with something that is not a usable endpoint list.
    InvalidResponse(InvalidResponseError),
    /// Instance or task metadata could not be read.
    MetadataUnavailable(MetadataError),
    /// A static endpoint file could not be read or parsed.
    File(EndpointFileError),
    /// A DescribeVpcEndpoints walk or a metadata lookup did not finish within its time limit.
    TimedOut(TimedOutError),
    /// The endpoint source panicked (a custom [`DescribeEndpoints`](crate::DescribeEndpoints)
    /// implementation); the cache stays usable and the next load calls it again.
    SourcePanicked(SourcePanickedError),
    /// No Tokio runtime is running: discovery needs one (as the AWS SDK's `rt-tokio` does).
    NoRuntime,
    /// The endpoint document was discovered longer ago than a snapshot may be used (its TTL
    /// and `max_stale`): whoever writes it (an export on a schedule, a publisher) has stopped.
    StaleDocument(StaleDocumentError),
}

/// How a failure is retried: what the cache's backoff grows by.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureClass {
    /// Fixing it takes a person (a missing IAM permission, bad credentials, a VPC that does not
    /// exist, a bad file or source): backs off to tens of minutes.
    Permanent,
    /// EC2 throttled the account: backs off to minutes.
    Throttled,
    /// Network, timeouts, 5xx and the like: may pass on its own.
    Transient,
}

impl FailureClass {
    /// `permanent`, `throttled` or `transient` (the `class` label of
    /// `privatelink_discovery_failures_total`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureClass::Permanent => "permanent",
            FailureClass::Throttled => "throttled",
            FailureClass::Transient => "transient",
        }
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DiscoveryError {
    /// How this failure is retried.
    pub fn class(&self) -> FailureClass {
        match self {
            DiscoveryError::AccessDenied(_)
            | DiscoveryError::InvalidCredentials(_)
            | DiscoveryError::NoVpc(_)
            | DiscoveryError::AmbiguousAddress(_)
            | DiscoveryError::File(_)
            | DiscoveryError::InvalidResponse(_)
            | DiscoveryError::SourcePanicked(_)
            | DiscoveryError::NoRuntime => FailureClass::Permanent,
            DiscoveryError::Service(e)
                if e.code().is_some_and(|code| {
                    code.starts_with("InvalidVpcID") || code.starts_with("InvalidParameter")
                }) =>
            {
                FailureClass::Permanent
            }
            DiscoveryError::Throttled(_) => FailureClass::Throttled,
            DiscoveryError::Service(_)
            | DiscoveryError::TimedOut(_)
            | DiscoveryError::MetadataUnavailable(_)
            | DiscoveryError::StaleDocument(_) => FailureClass::Transient,
        }
    }

    /// Whether the failure came from the service a fleet shares (EC2 throttled, denied, or
    /// failed the call), rather than from this process (a file, a source, metadata): a fleet's
    /// processes then fail together, and their retries are spread.
    pub(crate) fn is_fleet_wide(&self) -> bool {
        matches!(
            self,
            DiscoveryError::AccessDenied(_)
                | DiscoveryError::InvalidCredentials(_)
                | DiscoveryError::Throttled(_)
                | DiscoveryError::Service(_)
        )
    }

    pub(crate) fn source_panicked(payload: &(dyn std::any::Any + Send)) -> Self {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-text panic payload".to_owned());
        DiscoveryError::SourcePanicked(SourcePanickedError { message })
    }
}

/// Context of [`DiscoveryError::SourcePanicked`].
#[derive(Clone, Debug)]
pub struct SourcePanickedError {
    message: String,
}

impl SourcePanickedError {
    /// The panic's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoveryError::NoVpc(e) => e.fmt(f),
            DiscoveryError::AmbiguousAddress(e) => e.fmt(f),
            DiscoveryError::AccessDenied(e) => write!(
                f,
                "{} denied {op} ({}): grant `{}:{op}` on `*` to these credentials{}",
                e.service(),
                e.code.as_deref().unwrap_or("access denied"),
                e.service().to_ascii_lowercase(),
                if e.operation == "DescribeVpcEndpoints" {
                    ", or use a static endpoint file"
                } else {
                    ""
                },
                op = e.operation,
            ),
            DiscoveryError::InvalidCredentials(e) => write!(
                f,
                "{} rejected the credentials ({}): check the access key, secret key or session token \
                 (AWS_PROFILE, AWS_ACCESS_KEY_ID, …) and the system clock",
                e.service(),
                e.code.as_deref().unwrap_or("invalid credentials")
            ),
            DiscoveryError::Throttled(e) => write!(
                f,
                "{} throttled {} ({})",
                e.service(),
                e.operation,
                e.code.as_deref().unwrap_or("throttled")
            ),
            DiscoveryError::Service(e) => match &e.code {
                Some(code) => write!(f, "{} failed with {code}", e.operation),
                None => write!(f, "{} failed", e.operation),
            },
            DiscoveryError::InvalidResponse(e) => {
                write!(f, "invalid {} response: {}", e.operation, e.detail)
            }
            DiscoveryError::MetadataUnavailable(e) => write!(f, "cannot read {}", e.what),
            DiscoveryError::File(e) => e.fmt(f),
            DiscoveryError::TimedOut(e) => write!(
                f,
                "{} did not finish within {:?} (the time limit privatelink sets on it)",
                e.what, e.after
            ),
            DiscoveryError::SourcePanicked(e) => {
                write!(f, "the endpoint source panicked: {}", e.message)
            }
            DiscoveryError::NoRuntime => f.write_str(
                "privatelink needs a Tokio runtime (as the AWS SDK's rt-tokio does); none is running",
            ),
            DiscoveryError::StaleDocument(e) => write!(
                f,
                "the endpoint document was discovered {:?} ago, longer than a snapshot may be used ({:?}: ttl and max_stale); is whatever writes it still running?",
                e.age, e.limit
            ),
        }
    }
}

impl Error for DiscoveryError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            DiscoveryError::NoVpc(_) | DiscoveryError::AmbiguousAddress(_) => None,
            DiscoveryError::AccessDenied(e)
            | DiscoveryError::InvalidCredentials(e)
            | DiscoveryError::Throttled(e)
            | DiscoveryError::Service(e) => Some(e.source.as_ref()),
            DiscoveryError::InvalidResponse(e) => {
                e.source.as_deref().map(|s| s as &(dyn Error + 'static))
            }
            DiscoveryError::MetadataUnavailable(e) => {
                e.source.as_deref().map(|s| s as &(dyn Error + 'static))
            }
            DiscoveryError::File(e) => e.source(),
            DiscoveryError::TimedOut(_)
            | DiscoveryError::SourcePanicked(_)
            | DiscoveryError::NoRuntime
            | DiscoveryError::StaleDocument(_) => None,
        }
    }
}

/// Context of [`DiscoveryError::StaleDocument`].
#[derive(Clone, Debug)]
pub struct StaleDocumentError {
    pub(crate) discovered_at: std::time::SystemTime,
    pub(crate) age: std::time::Duration,
    pub(crate) limit: std::time::Duration,
}

impl StaleDocumentError {
    /// When the document says its endpoints were discovered.
    pub fn discovered_at(&self) -> std::time::SystemTime {
        self.discovered_at
    }

    /// How long ago that was when it was read.
    pub fn age(&self) -> std::time::Duration {
        self.age
    }

    /// The longest a snapshot may be used after discovery: the TTL and `max_stale`.
    pub fn limit(&self) -> std::time::Duration {
        self.limit
    }
}

/// Context of [`DiscoveryError::TimedOut`].
#[derive(Clone, Debug)]
pub struct TimedOutError {
    pub(crate) what: &'static str,
    pub(crate) after: std::time::Duration,
}

impl TimedOutError {
    /// What timed out: `DescribeVpcEndpoints`, `instance metadata`, `AssumeRole`,
    /// `DescribeAvailabilityZones` or `the endpoint source` (the cache's limit on every call).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The limit that ran out.
    pub fn after(&self) -> std::time::Duration {
        self.after
    }
}

/// Maps an SDK error of `operation` to the discovery error a caller can act on. A 2xx answer
/// that failed (e.g. an HTML page from a proxy) is an invalid response, whatever the SDK called
/// it.
#[cfg(any(feature = "ec2", feature = "s3"))]
pub(crate) fn classify<E>(
    error: aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
    operation: &'static str,
) -> DiscoveryError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = error.code().map(str::to_owned);
    // A service may echo what it was sent (a signature, a session token): kept redacted.
    let message = error.message().map(|message| redact(message).into_owned());
    let invalid_response = match &error {
        aws_smithy_runtime_api::client::result::SdkError::ResponseError(_) => true,
        aws_smithy_runtime_api::client::result::SdkError::ServiceError(context) => {
            context.raw().status().is_success()
        }
        _ => false,
    };
    let context = |code| ServiceError {
        operation,
        code,
        message,
        source: Arc::new(error),
    };
    match code.as_deref() {
        Some("UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException") => {
            DiscoveryError::AccessDenied(context(code))
        }
        Some(
            "AuthFailure"
            | "SignatureDoesNotMatch"
            | "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "ExpiredToken"
            | "RequestExpired",
        ) => DiscoveryError::InvalidCredentials(context(code)),
        Some(
            "RequestLimitExceeded" | "Throttling" | "ThrottlingException" | "RequestThrottled",
        ) => DiscoveryError::Throttled(context(code)),
        _ if invalid_response => {
            let context = context(code);
            DiscoveryError::InvalidResponse(InvalidResponseError {
                operation,
                detail: "the response could not be parsed".into(),
                source: Some(context.source),
            })
        }
        _ => DiscoveryError::Service(context(code)),
    }
}

/// Context of [`DiscoveryError::NoVpc`]: names every place that was looked at.
#[derive(Clone, Debug)]
pub struct NoVpcError {
    pub(crate) tried: Vec<String>,
}

impl NoVpcError {
    /// Where the VPC id was looked for, in order, with why each gave nothing.
    pub fn tried(&self) -> &[String] {
        &self.tried
    }
}

impl fmt::Display for NoVpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no VPC id: set it with `PrivateLink::builder().vpc_id(\"vpc-…\")` or the `PRIVATELINK_VPC_ID` \
             environment variable (tried: {})",
            self.tried.join("; ")
        )
    }
}

impl Error for NoVpcError {}

/// Context of [`DiscoveryError::AmbiguousAddress`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmbiguousAddressError {
    pub(crate) address: std::net::IpAddr,
    pub(crate) vpc_ids: Vec<String>,
}

impl AmbiguousAddressError {
    /// This process's address.
    pub fn address(&self) -> std::net::IpAddr {
        self.address
    }

    /// The VPCs with a network interface holding it, sorted.
    pub fn vpc_ids(&self) -> &[String] {
        &self.vpc_ids
    }
}

impl fmt::Display for AmbiguousAddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "this process's address {} is on network interfaces of {} VPCs ({}): set the VPC id with \
             `PrivateLink::builder().vpc_id(\"vpc-…\")` or the `PRIVATELINK_VPC_ID` environment variable",
            self.address,
            self.vpc_ids.len(),
            self.vpc_ids.join(", ")
        )
    }
}

impl Error for AmbiguousAddressError {}

/// Context of a failed call to an AWS service — EC2's, or S3's for a shared document, STS's for
/// a hub role ([`ServiceError::service`]): the operation, the error code if the service sent
/// one; the SDK error is the `source()`.
#[derive(Clone, Debug)]
pub struct ServiceError {
    pub(crate) operation: &'static str,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) source: Source,
}

impl ServiceError {
    /// Context for a failed `DescribeVpcEndpoints` with an optional error code, for custom
    /// sources.
    pub fn new(code: Option<String>, source: impl Error + Send + Sync + 'static) -> Self {
        Self {
            operation: "DescribeVpcEndpoints",
            code,
            message: None,
            source: Arc::new(source),
        }
    }

    /// The same context with EC2's error message (for example which principal was denied),
    /// [`redact`](privatelink_core::redact)ed like every message from a peer.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        let message = message.into();
        self.message = Some(privatelink_core::redact(&message).into_owned());
        self
    }

    /// The operation that failed: `DescribeVpcEndpoints` (discovery), `DescribeNetworkInterfaces`
    /// (locating a Fargate task), `DescribeAvailabilityZones` (hub zone names) or `AssumeRole`
    /// (the hub role).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The service of [`ServiceError::operation`]: `STS` for `AssumeRole`, `S3` for `GetObject`
    /// and `PutObject` (a shared endpoint document), else `EC2`.
    pub fn service(&self) -> &'static str {
        match self.operation {
            "AssumeRole" => "STS",
            "GetObject" | "PutObject" => "S3",
            _ => "EC2",
        }
    }

    /// The service's error code (`UnauthorizedOperation`, `RequestLimitExceeded`, `NoSuchKey`,
    /// …), if any.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The service's error message, if it sent one, with every run that could be a secret
    /// replaced ([`redact`](privatelink_core::redact)): a service may echo what it was sent.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

/// Context of [`DiscoveryError::InvalidResponse`].
#[derive(Clone, Debug)]
pub struct InvalidResponseError {
    /// The EC2 operation that answered (`DescribeVpcEndpoints`, …).
    pub(crate) operation: &'static str,
    pub(crate) detail: String,
    pub(crate) source: Option<Source>,
}

/// Context of [`DiscoveryError::MetadataUnavailable`].
#[derive(Clone, Debug)]
pub struct MetadataError {
    pub(crate) what: String,
    pub(crate) source: Option<Source>,
}

impl MetadataError {
    /// What could not be read, e.g. `EC2 instance metadata (placement/availability-zone)`.
    pub fn what(&self) -> &str {
        &self.what
    }
}
