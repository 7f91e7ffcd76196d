//! The mapping settings: [`Policy`], [`RewriteConfig`] and its builder.

use std::collections::BTreeSet;
use std::fmt;

use crate::error::InvalidConfigError;
use crate::names::is_dns_label;

/// What to do with requests to public AWS hosts.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Never rewrite; every request goes where the SDK sends it.
    Off,
    /// Rewrite when a usable endpoint matches; leave every other request alone. The default.
    #[default]
    Prefer,
    /// Fail closed: rewrite when a usable endpoint matches, and refuse (with a
    /// [`RefusedError`](crate::RefusedError))
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
    pub(crate) policy: Policy,
    pub(crate) zone: Option<String>,
    include: BTreeSet<String>,
    exclude: BTreeSet<String>,
    pub(crate) skip_private_dns: bool,
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
}

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
