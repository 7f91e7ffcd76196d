//! The rewrite decision: given an index and a request URL, where the request goes.
//!
//! [`RewriteConfig::rewrite_url`] is the one implementation of the mapping rules; the SDK
//! interceptor and the `privatelink rewrite` command both call it.

use std::collections::BTreeSet;
use std::error::Error;
use std::fmt;
use std::ops::Range;

use crate::index::{EndpointIndex, IndexedEndpoint};
use crate::model::EndpointState;
use crate::names::{self, AwsHost, HostClass, Shape, UnsupportedForm, is_dns_label};
use crate::url::{InvalidUrlError, host_span};

/// The header API Gateway reads the API id from when a private API is called by endpoint name.
pub const API_ID_HEADER: &str = "x-apigw-api-id";

/// What to do with requests to public AWS hosts.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Never rewrite; every request goes where the SDK sends it.
    Off,
    /// Rewrite when a usable endpoint matches; leave every other request alone. The default.
    #[default]
    Prefer,
    /// Fail closed: rewrite when a usable endpoint matches, and refuse (with a [`RefusedError`])
    /// every in-scope request that would otherwise reach a public AWS host.
    Strict,
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Off => "off",
            Policy::Prefer => "prefer",
            Policy::Strict => "strict",
        })
    }
}

/// How requests are mapped to endpoints. Cheap to share; immutable once built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RewriteConfig {
    policy: Policy,
    zone: Option<String>,
    include: BTreeSet<String>,
    exclude: BTreeSet<String>,
    skip_private_dns: bool,
}

impl RewriteConfig {
    /// Starts a builder with the defaults: [`Policy::Prefer`], no preferred zone, every service in
    /// scope, endpoints with private DNS rewritten too.
    pub fn builder() -> RewriteConfigBuilder {
        RewriteConfigBuilder::default()
    }

    /// The policy.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The preferred availability zone (zonal endpoint names are used for it when they exist).
    pub fn zone(&self) -> Option<&str> {
        self.zone.as_deref()
    }

    /// Whether requests for `service` (an endpoint label such as `s3`, `ec2`, `api.ecr`) are in
    /// scope: included (or no include list) and not excluded.
    pub fn in_scope(&self, service: &str) -> bool {
        (self.include.is_empty() || self.include.contains(service))
            && !self.exclude.contains(service)
    }

    /// Decides where a request to `url` goes, given the current `index` (`None`: no snapshot
    /// loaded yet).
    ///
    /// Returns the rewritten URL (only the host changes; scheme, port, path and query are kept
    /// byte for byte), or the reason the URL stays as it is. Errors: `url` is not an absolute
    /// `http(s)` URL, or [`Policy::Strict`] refuses it.
    pub fn rewrite_url<'a>(
        &self,
        index: Option<&'a EndpointIndex>,
        url: &'a str,
    ) -> Result<Outcome<'a>, RewriteError> {
        Ok(match self.decide(index, url, true)? {
            Decision::Rewritten(rewritten) => Outcome::Rewritten(rewritten),
            Decision::Unchanged(why) => {
                Outcome::Unchanged(why.expect("explained when asked to explain"))
            }
        })
    }

    /// The same decision as [`RewriteConfig::rewrite_url`], without the explanation of a URL
    /// that stays as it is: `None` instead of an [`Unchanged`]. This is the request path's
    /// form: it allocates nothing but the new URL (a refusal under [`Policy::Strict`] still
    /// builds its error).
    pub fn route<'a>(
        &self,
        index: Option<&'a EndpointIndex>,
        url: &'a str,
    ) -> Result<Option<Rewritten<'a>>, RewriteError> {
        Ok(match self.decide(index, url, false)? {
            Decision::Rewritten(rewritten) => Some(rewritten),
            Decision::Unchanged(_) => None,
        })
    }

    /// The decision; `Unchanged` carries its explanation only when `explain` is set.
    fn decide<'a>(
        &self,
        index: Option<&'a EndpointIndex>,
        url: &'a str,
        explain: bool,
    ) -> Result<Decision<'a>, RewriteError> {
        let unchanged = |why: &dyn Fn() -> Unchanged| Ok(Decision::Unchanged(explain.then(why)));
        if self.policy == Policy::Off {
            return unchanged(&|| Unchanged::PolicyOff);
        }
        let span = host_span(url).map_err(RewriteError::InvalidUrl)?.range;
        let original_host = &url[span.clone()];
        let normalized = names::normalize(original_host);
        let aws = match names::classify_host(&normalized) {
            HostClass::NotAws => return unchanged(&|| Unchanged::NotAwsHost),
            HostClass::Endpoint | HostClass::ApiGatewayEndpointAlias => {
                return unchanged(&|| Unchanged::AlreadyEndpoint);
            }
            HostClass::Unsupported(form) => {
                let service = unsupported_service(&normalized);
                if !self.in_scope(service) {
                    return unchanged(&|| Unchanged::OutOfScope {
                        service: service.to_owned(),
                    });
                }
                return self.miss(explain, original_host, service, &|| {
                    RefusalReason::UnsupportedHostForm(form)
                });
            }
            HostClass::Aws(aws) => aws,
        };
        if !self.in_scope(aws.label) {
            return unchanged(&|| Unchanged::OutOfScope {
                service: aws.label.to_owned(),
            });
        }
        let no_endpoint = || RefusalReason::NoEndpoint {
            region: aws.region.to_owned(),
        };
        let Some(index) = index else {
            return self.miss(explain, original_host, aws.label, &|| {
                RefusalReason::NoSnapshot
            });
        };
        let Some(endpoint) = index.lookup(aws.label, aws.region, aws.suffix) else {
            return self.miss(explain, original_host, aws.label, &no_endpoint);
        };
        if !endpoint.is_usable() {
            return self.miss(explain, original_host, aws.label, &|| {
                RefusalReason::EndpointNotAvailable {
                    endpoint_id: endpoint.endpoint_id().to_owned(),
                    state: endpoint.state().clone(),
                }
            });
        }
        if self.skip_private_dns && endpoint.private_dns_enabled() {
            return unchanged(&|| Unchanged::PrivateDns {
                endpoint_id: endpoint.endpoint_id().to_owned(),
            });
        }
        let Some(name) = endpoint.name_for(self.zone.as_deref()) else {
            // The index never keeps an endpoint without names; treat it as absent if it did.
            return self.miss(explain, original_host, aws.label, &no_endpoint);
        };
        Ok(Decision::Rewritten(build(
            url,
            span,
            original_host,
            &aws,
            endpoint,
            name,
        )))
    }

    /// For an in-scope request with no usable endpoint. Prefer: leave the URL alone (explained
    /// if asked); Strict: refuse it.
    fn miss<'a>(
        &self,
        explain: bool,
        host: &str,
        service: &str,
        reason: &dyn Fn() -> RefusalReason,
    ) -> Result<Decision<'a>, RewriteError> {
        match self.policy {
            Policy::Strict => Err(RewriteError::Refused(RefusedError {
                host: host.to_owned(),
                service: service.to_owned(),
                reason: reason(),
            })),
            _ => Ok(Decision::Unchanged(explain.then(|| Unchanged::NotMapped {
                service: service.to_owned(),
                reason: reason(),
            }))),
        }
    }
}

/// What [`RewriteConfig::decide`] concluded.
enum Decision<'a> {
    Rewritten(Rewritten<'a>),
    /// Unchanged, with the reason when it was asked for.
    Unchanged(Option<Unchanged>),
}

/// The service an unsupported host belongs to, for scope checks and messages: `s3` for the S3
/// family, else the first label that is not a region.
fn unsupported_service(host: &str) -> &str {
    let mut labels = host.split('.');
    if labels
        .clone()
        .any(|l| l == "s3" || l.starts_with("s3-") || l.starts_with("s3express"))
    {
        return "s3";
    }
    labels.find(|l| !names::is_region(l)).unwrap_or(host)
}

fn build<'a>(
    url: &'a str,
    span: Range<usize>,
    original_host: &'a str,
    aws: &AwsHost<'_>,
    endpoint: &'a IndexedEndpoint,
    name: &'a str,
) -> Rewritten<'a> {
    let mut out = String::with_capacity(url.len() + name.len() + 16);
    out.push_str(&url[..span.start]);
    let host_start = out.len();
    let mut api_id = None;
    match aws.shape {
        Shape::Whole => {}
        Shape::ExecuteApi { api_id: id } => {
            // Same offsets as the lowercased form: take the id as the caller wrote it.
            api_id = Some(&original_host[..id.len()]);
        }
        Shape::S3Path => out.push_str("bucket."),
        Shape::S3Prefixed { prefix, kind } => {
            out.push_str(prefix);
            out.push('.');
            out.push_str(kind);
            out.push('.');
        }
    }
    out.push_str(name);
    let host = host_start..out.len();
    out.push_str(&url[span.end..]);
    Rewritten {
        url: out,
        host,
        original_host,
        endpoint,
        zonal: endpoint.regional_name() != Some(name),
        api_id,
    }
}

/// The result of [`RewriteConfig::rewrite_url`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The request goes to an endpoint.
    Rewritten(Rewritten<'a>),
    /// The request goes where it was going, for the reason given.
    Unchanged(Unchanged),
}

/// A URL rewritten to an endpoint name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten<'a> {
    url: String,
    host: Range<usize>,
    original_host: &'a str,
    endpoint: &'a IndexedEndpoint,
    zonal: bool,
    api_id: Option<&'a str>,
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
    /// [`Policy::Off`].
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
    /// No usable endpoint ([`Policy::Prefer`]; Strict refuses instead).
    NotMapped {
        /// The service label.
        service: String,
        /// Why.
        reason: RefusalReason,
    },
}

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
    /// [`Policy::Strict`] refused a request to a public AWS host.
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
    host: String,
    service: String,
    reason: RefusalReason,
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

/// Builder for [`RewriteConfig`].
#[derive(Clone, Debug, Default)]
pub struct RewriteConfigBuilder {
    policy: Policy,
    zone: Option<String>,
    include: Vec<String>,
    exclude: Vec<String>,
    skip_private_dns: bool,
}

impl RewriteConfigBuilder {
    /// Sets the policy. Defaults to [`Policy::Prefer`].
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Sets the availability zone whose zonal endpoint names are preferred (e.g. `us-east-1a`).
    /// Defaults to none: regional names are used.
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into());
        self
    }

    /// Sets or clears the preferred availability zone.
    pub fn set_zone(&mut self, zone: Option<String>) -> &mut Self {
        self.zone = zone;
        self
    }

    /// Adds a service label (`s3`, `ec2`, `api.ecr`, `dynamodb`, …) to the include list. When the
    /// list is not empty, only those services are in scope. Defaults to empty (all services).
    pub fn include_service(mut self, service: impl Into<String>) -> Self {
        self.include.push(service.into());
        self
    }

    /// Adds a service label to the exclude list: requests for it are never rewritten and, even
    /// under [`Policy::Strict`], never refused (for example S3 reached through a gateway
    /// endpoint). Exclusion wins over inclusion. Defaults to empty.
    pub fn exclude_service(mut self, service: impl Into<String>) -> Self {
        self.exclude.push(service.into());
        self
    }

    /// When `true`, endpoints with private DNS enabled are not rewritten to: inside the VPC, with
    /// the VPC resolver, the default host already reaches them. Defaults to `false`: they are
    /// rewritten too, because private DNS only works for processes that use the VPC's resolver
    /// (not over Client VPN, peering or custom DNS), and the explicit name keeps zonal affinity
    /// and lets strict mode prove where each request goes.
    pub fn skip_private_dns_endpoints(mut self, skip: bool) -> Self {
        self.skip_private_dns = skip;
        self
    }

    /// Builds the config, or names the first invalid service label or zone.
    pub fn build(self) -> Result<RewriteConfig, InvalidConfigError> {
        let services = |list: Vec<String>, field: &'static str| {
            list.into_iter()
                .map(|s| {
                    let s = s.trim().to_ascii_lowercase();
                    if !s.is_empty() && s.split('.').all(is_dns_label) {
                        Ok(s)
                    } else {
                        Err(InvalidConfigError {
                            field,
                            value: s,
                            expected: "a service label such as `s3`, `ec2` or `api.ecr`",
                        })
                    }
                })
                .collect::<Result<BTreeSet<_>, _>>()
        };
        let zone = match self.zone {
            Some(zone) if is_dns_label(&zone) && zone.contains('-') => Some(zone),
            Some(zone) => {
                return Err(InvalidConfigError {
                    field: "zone",
                    value: zone,
                    expected: "an availability zone name such as `us-east-1a`",
                });
            }
            None => None,
        };
        Ok(RewriteConfig {
            policy: self.policy,
            zone,
            include: services(self.include, "include")?,
            exclude: services(self.exclude, "exclude")?,
            skip_private_dns: self.skip_private_dns,
        })
    }
}

/// A [`RewriteConfigBuilder`] setting is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidConfigError {
    field: &'static str,
    value: String,
    expected: &'static str,
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
