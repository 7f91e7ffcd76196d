//! The decision: given an index and a request URL (or a bare host, in dial mode), where the
//! request goes, and why when it stays.
//!
//! [`RewriteConfig::decide`] is the one implementation of the mapping rules; its results are in
//! `outcome`. Two forms reach it:
//! [`RewriteConfig::rewrite_url`] explains ([`Outcome`]: the CLI, the interceptor's trace) and
//! [`RewriteConfig::route`] does not ([`Routed`]: the request path, which goes through the
//! [`Router`](crate::Router) in both modes).

use std::ops::Range;

use crate::config::{Policy, RewriteConfig};
use crate::error::{RefusalReason, RefusedError, RewriteError};
use crate::index::{EndpointIndex, IndexedEndpoint};
use crate::names::form::{UnsupportedForm, is_multi_region_access_point};
use crate::names::host::{AwsHost, HostClass, classify_host};
use crate::names::normalize;
use crate::names::shape::Shape;
use crate::outcome::{Outcome, Rewritten, Routed, Unchanged, UnchangedReason};
use crate::url::{check_bare_host, host_span};

/// What is being decided: a request URL, or a bare host (dial mode).
#[derive(Clone, Copy)]
pub(crate) enum Target<'a> {
    Url(&'a str),
    Host(&'a str),
}

impl RewriteConfig {
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
        Ok(match self.decide(index, Target::Url(url), true)? {
            Decision::Rewritten(rewritten) => Outcome::Rewritten(rewritten),
            Decision::Unchanged(_, why) => {
                Outcome::Unchanged(why.expect("explained when asked to explain"))
            }
        })
    }

    /// The same decision as [`RewriteConfig::rewrite_url`], with the reason a URL stays as it is
    /// in short ([`UnchangedReason`]) instead of an [`Unchanged`]: the request path's form, which
    /// allocates nothing but the new URL (a refusal under [`Policy::Strict`] still builds its
    /// error). The [`Router`](crate::Router) gives the same, remembered per host.
    pub fn route(&self, index: Option<&EndpointIndex>, url: &str) -> Result<Routed, RewriteError> {
        self.decide(index, Target::Url(url), false)
            .map(Routed::from)
    }

    /// The decision, for every caller; `Unchanged` carries its explanation only when `explain`
    /// is set. [`Policy::Off`] is decided here and nowhere else.
    pub(crate) fn decide<'a>(
        &self,
        index: Option<&'a EndpointIndex>,
        target: Target<'a>,
        explain: bool,
    ) -> Result<Decision<'a>, RewriteError> {
        let unchanged = |reason: UnchangedReason, why: &dyn Fn() -> Unchanged| {
            Ok(Decision::Unchanged(reason, explain.then(why)))
        };
        if self.policy == Policy::Off {
            return unchanged(UnchangedReason::PolicyOff, &|| Unchanged::PolicyOff);
        }
        let (text, span) = match target {
            Target::Url(url) => (url, host_span(url).map_err(RewriteError::InvalidUrl)?.range),
            Target::Host(host) => {
                check_bare_host(host).map_err(RewriteError::InvalidUrl)?;
                (host, 0..host.len())
            }
        };
        let original_host = &text[span.clone()];
        let normalized = normalize(original_host);
        let strict = self.policy == Policy::Strict;
        let refuse = |service: &str, reason| Err(refused(original_host, service, reason));
        // Strict mode leaves an endpoint name alone only when the snapshot knows it.
        let known_endpoint = |known: &dyn Fn(&EndpointIndex) -> bool, service: &str| match index {
            _ if !strict || index.is_some_and(known) => {
                unchanged(UnchangedReason::AlreadyEndpoint, &|| {
                    Unchanged::AlreadyEndpoint
                })
            }
            Some(_) => refuse(service, RefusalReason::UnknownEndpointName),
            None => refuse(service, RefusalReason::NoSnapshot),
        };
        let aws = match classify_host(&normalized) {
            HostClass::NotAws => {
                return unchanged(UnchangedReason::NotAwsHost, &|| Unchanged::NotAwsHost);
            }
            HostClass::PublicAddress if strict => {
                return refuse("", RefusalReason::PublicIpAddress);
            }
            HostClass::PublicAddress => {
                return unchanged(UnchangedReason::NotAwsHost, &|| Unchanged::NotAwsHost);
            }
            HostClass::Endpoint => {
                return known_endpoint(&|index| index.knows_endpoint_host(&normalized), "");
            }
            HostClass::ApiGatewayEndpointAlias { endpoint_hex } => {
                return known_endpoint(
                    &|index| index.knows_endpoint_hex(endpoint_hex),
                    "execute-api",
                );
            }
            HostClass::Unsupported { form, service } => {
                if !strict && !self.in_scope(service) {
                    return unchanged(UnchangedReason::OutOfScope, &|| Unchanged::OutOfScope {
                        service: service.to_owned(),
                    });
                }
                // S3 Multi-Region Access Points: their own endpoint, reached on the default host
                // through its private DNS (AWS: "all Multi-Region Access Point requests in the VPC
                // route through this endpoint if you have private DNS enabled"); no vpce form.
                if form == UnsupportedForm::S3MultiRegionAccessPoint
                    && is_multi_region_access_point(&normalized)
                    && self.in_scope(service)
                    && let Some(endpoint_id) =
                        index.and_then(EndpointIndex::multi_region_access_point_endpoint)
                {
                    return unchanged(UnchangedReason::PrivateDns, &|| Unchanged::PrivateDns {
                        endpoint_id: endpoint_id.to_owned(),
                    });
                }
                return self.miss(explain, original_host, service, &|| {
                    RefusalReason::UnsupportedHostForm(form)
                });
            }
            HostClass::Aws(aws) => aws,
        };
        // S3 Express One Zone: only the region's `s3express` gateway endpoint carries it, when this
        // process may use gateways; no interface endpoint serves it.
        if aws.shape == Shape::S3Express {
            if !strict && !self.in_scope(aws.label) {
                return unchanged(UnchangedReason::OutOfScope, &|| Unchanged::OutOfScope {
                    service: aws.label.to_owned(),
                });
            }
            if self.gateway_endpoints
                && let Some(gateway) =
                    index.and_then(|index| index.gateway("s3express", aws.region))
            {
                return unchanged(UnchangedReason::Gateway, &|| Unchanged::Gateway {
                    endpoint_id: gateway.to_owned(),
                });
            }
            return self.miss(explain, original_host, aws.label, &|| {
                RefusalReason::UnsupportedHostForm(UnsupportedForm::S3Express)
            });
        }
        if !self.in_scope(aws.label) {
            // Under strict, only what a private path (a gateway endpoint) carries goes around.
            let carried = self.region.as_deref() == Some(aws.region) && aws.private_path_carries();
            if !strict || carried {
                return unchanged(UnchangedReason::OutOfScope, &|| Unchanged::OutOfScope {
                    service: aws.label.to_owned(),
                });
            }
            return refuse(
                aws.label,
                RefusalReason::NoPrivatePath {
                    home_region: self.region.clone(),
                },
            );
        }
        if let Shape::ExecuteApi { api_id } = aws.shape
            && !self.is_private_api(api_id)
        {
            return self.miss(explain, original_host, aws.label, &|| {
                RefusalReason::NotPrivateApi {
                    api_id: api_id.to_owned(),
                }
            });
        }
        // A gateway endpoint this process may use (see `gateway_endpoints`) comes first.
        if self.gateway_endpoints
            && aws.private_path_carries()
            && let Some(gateway) = index.and_then(|index| index.gateway(aws.label, aws.region))
        {
            return unchanged(UnchangedReason::Gateway, &|| Unchanged::Gateway {
                endpoint_id: gateway.to_owned(),
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
        let Some(endpoint) = endpoint_for(index, &aws) else {
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
        if aws.dual_stack && !endpoint.serves_ipv6() {
            return self.miss(explain, original_host, aws.label, &|| {
                RefusalReason::EndpointNotDualStack {
                    endpoint_id: endpoint.endpoint_id().to_owned(),
                }
            });
        }
        if self.skip_private_dns && endpoint.private_dns_covers(&normalized) {
            return unchanged(UnchangedReason::PrivateDns, &|| Unchanged::PrivateDns {
                endpoint_id: endpoint.endpoint_id().to_owned(),
            });
        }
        // A global service's endpoint: its regional name (AWS documents no zonal use of it).
        let zone = match aws.shape {
            Shape::Global => None,
            _ => self.zone.as_deref(),
        };
        let Some(name) = endpoint.name_for(zone) else {
            // The index never keeps an endpoint without names; treat it as absent if it did.
            return self.miss(explain, original_host, aws.label, &no_endpoint);
        };
        // S3's forms (`bucket.`, `accesspoint.`, `control.` before the name) resolve only under a
        // name that came as a `*.` wildcard, as AWS lists S3's; a plain name cannot carry them.
        if matches!(aws.shape, Shape::S3 { .. }) && !index.is_wildcard_name(name) {
            return self.miss(explain, original_host, aws.label, &no_endpoint);
        }
        Ok(Decision::Rewritten(build(
            text,
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
            Policy::Strict => Err(refused(host, service, reason())),
            _ => Ok(Decision::Unchanged(
                UnchangedReason::NotMapped,
                explain.then(|| Unchanged::NotMapped {
                    service: service.to_owned(),
                    reason: reason(),
                }),
            )),
        }
    }
}

/// The endpoint serving `aws`: by its label, or, for the `fips.<svc>` form some SDK rules build
/// (AWS Batch), the `<svc>-fips` endpoint — a FIPS host never goes to a non-FIPS endpoint (the
/// `<svc>-fips.<region>` form is a label of its own). Allocates only for the `fips.` form, which
/// the router then remembers.
/// A global service's host goes to the endpoint of that service found by its service name.
fn endpoint_for<'i>(index: &'i EndpointIndex, aws: &AwsHost<'_>) -> Option<&'i IndexedEndpoint> {
    if aws.shape == Shape::Global {
        return index.global(aws.label, aws.region, aws.suffix);
    }
    match aws.label.strip_prefix("fips.") {
        Some(service) => index.lookup(&format!("{service}-fips"), aws.region, aws.suffix),
        None => index.lookup(aws.label, aws.region, aws.suffix),
    }
}

/// Strict mode's refusal of a request to `host`.
fn refused(host: &str, service: &str, reason: RefusalReason) -> RewriteError {
    RewriteError::Refused(RefusedError {
        host: host.to_owned(),
        service: service.to_owned(),
        reason,
    })
}

/// What [`RewriteConfig::decide`] concluded: borrowed from the snapshot (the router remembers the
/// new host from it without parsing the URL again), the explanation only when asked for.
pub(crate) enum Decision<'a> {
    Rewritten(Rewritten<'a>),
    /// Unchanged: why in short, and in full when it was asked for.
    Unchanged(UnchangedReason, Option<Unchanged>),
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
    // Same offsets as the lowercased form: take the API id as the caller wrote it.
    let api_id = match aws.shape {
        Shape::ExecuteApi { api_id } => Some(&original_host[..api_id.len()]),
        _ => None,
    };
    aws.shape.push_host(&mut out, name);
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

impl From<Decision<'_>> for Routed {
    fn from(decision: Decision<'_>) -> Self {
        match decision {
            Decision::Rewritten(rewritten) => {
                let header = rewritten.header().map(|(name, id)| (name, id.to_owned()));
                Routed::Rewritten {
                    url: rewritten.into_url(),
                    header,
                }
            }
            Decision::Unchanged(reason, _) => Routed::Unchanged(reason),
        }
    }
}
