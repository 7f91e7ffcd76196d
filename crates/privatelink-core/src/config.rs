//! The mapping settings: [`Policy`], [`RewriteConfig`] and its builder.

use std::collections::BTreeSet;
use std::fmt;

use crate::error::InvalidConfigError;
use crate::names::host::is_api_id;
use crate::names::{is_any_region, is_dns_label};

/// What a service setting must look like.
const SERVICE: &str = "a service label such as `s3`, `ec2` or `api.ecr`";

/// `value` when `valid`, else the error naming `field`, the value and what was `expected`.
fn checked(
    field: &'static str,
    expected: &'static str,
    value: String,
    valid: bool,
) -> Result<String, InvalidConfigError> {
    match valid {
        true => Ok(value),
        false => Err(InvalidConfigError {
            field,
            value,
            expected,
        }),
    }
}

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

impl std::str::FromStr for Policy {
    type Err = InvalidConfigError;

    /// `off`, `prefer` or `strict`, ignoring ASCII case and surrounding spaces.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        [Policy::Off, Policy::Prefer, Policy::Strict]
            .into_iter()
            .find(|p| p.to_string().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| InvalidConfigError {
                field: "policy",
                value: value.to_owned(),
                expected: "`off`, `prefer` or `strict`",
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
    pub(crate) region: Option<String>,
    private_apis: BTreeSet<String>,
    pub(crate) gateway_endpoints: bool,
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

    /// The home region: the VPC's (default: none).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Whether requests for `service` (an endpoint label such as `s3`, `ec2`, `api.ecr`) are in
    /// scope: included (or no include list) and not excluded.
    pub fn in_scope(&self, service: &str) -> bool {
        (self.include.is_empty() || self.include.contains(service))
            && !self.exclude.contains(service)
    }

    /// Whether same-region requests a gateway endpoint carries stay on their default host (see
    /// [`RewriteConfigBuilder::gateway_endpoints`]).
    pub fn gateway_endpoints(&self) -> bool {
        self.gateway_endpoints
    }

    /// The same settings under `policy`.
    pub fn with_policy(&self, policy: Policy) -> RewriteConfig {
        RewriteConfig {
            policy,
            ..self.clone()
        }
    }

    /// Whether requests to the API Gateway API `api_id` are rewritten to the `execute-api`
    /// endpoint (see [`RewriteConfigBuilder::private_api`]).
    pub fn is_private_api(&self, api_id: &str) -> bool {
        self.private_apis.contains(api_id)
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
    region: Option<String>,
    private_apis: Vec<String>,
    gateway_endpoints: bool,
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

    /// Adds a service label to the exclude list: requests for it are never rewritten. Exclusion
    /// wins over inclusion. Defaults to empty.
    ///
    /// Under [`Policy::Strict`], an out-of-scope service (excluded, or not in a non-empty include
    /// list) goes around the endpoints only on the hosts a private path such as an S3 or
    /// DynamoDB gateway endpoint carries: its standard hosts in the home region
    /// ([`RewriteConfigBuilder::region`]; buckets, access points, `dynamodb.<region>`, …).
    /// Cross-region, accelerate, dual-stack, global, FIPS and S3 Express hosts, and every host
    /// when no home region is set, are still refused.
    pub fn exclude_service(mut self, service: impl Into<String>) -> Self {
        self.exclude.push(service.into());
        self
    }

    /// When `true`, a request is left on its default host when its endpoint has private DNS
    /// enabled and that private DNS covers the host (one of the endpoint's private names in
    /// `DnsEntries`, such as `ec2.us-east-1.amazonaws.com` or `*.s3.us-east-1.amazonaws.com`):
    /// inside the VPC, with the VPC resolver, that host already reaches the endpoint. Hosts the
    /// private DNS does not cover (an S3 access point host under an S3 endpoint that lists only
    /// bucket names, say) are rewritten as usual. Defaults to `false`: every request is rewritten,
    /// because private DNS only works for processes that use the VPC's resolver (not over Client
    /// VPN, peering or custom DNS), and the explicit name keeps zonal affinity and lets strict
    /// mode prove where each request goes.
    pub fn skip_private_dns_endpoints(mut self, skip: bool) -> Self {
        self.skip_private_dns = skip;
        self
    }

    /// Sets the home region: the VPC's region, whose standard hosts an out-of-scope service may
    /// use under [`Policy::Strict`] (a gateway endpoint carries them). Defaults to none.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets or clears the home region.
    pub fn set_region(&mut self, region: Option<String>) -> &mut Self {
        self.region = region;
        self
    }

    /// Rewrites requests to the private REST API `api_id` (`<api_id>.execute-api.<region>…`) to
    /// the VPC's `execute-api` endpoint, with the `x-apigw-api-id` header. Defaults to none: the
    /// endpoint serves private REST APIs only, and SDK calls to other API hosts (the API Gateway
    /// Management API of WebSocket APIs, which cannot be private) must keep their host, so
    /// `execute-api` hosts are left alone (and refused under [`Policy::Strict`]) unless named
    /// here.
    pub fn private_api(mut self, api_id: impl Into<String>) -> Self {
        self.private_apis.push(api_id.into());
        self
    }

    /// When `true`, a request to a standard host in the region of an available gateway
    /// endpoint of the snapshot (S3 buckets and access points, `s3.<region>`,
    /// `dynamodb.<region>`; not S3 Control, cross-region, FIPS, dual-stack or accelerate hosts)
    /// stays on its default host, reported as [`Unchanged::Gateway`](crate::Unchanged::Gateway):
    /// inside the VPC, the gateway carries it at no charge, where an interface endpoint bills
    /// per GB. This trusts the gateway as a private path, under [`Policy::Strict`] too — set it
    /// only for processes that run inside the VPC (its route tables are not visible here).
    /// Defaults to `false`: such requests go to the interface endpoint.
    pub fn gateway_endpoints(mut self, enabled: bool) -> Self {
        self.gateway_endpoints = enabled;
        self
    }

    /// Builds the config, or names the first invalid service label, zone, region or API id.
    pub fn build(self) -> Result<RewriteConfig, InvalidConfigError> {
        let services = |list: Vec<String>, field| {
            list.into_iter()
                .map(|s| {
                    let s = s.trim().to_ascii_lowercase();
                    let valid = !s.is_empty() && s.split('.').all(is_dns_label);
                    checked(field, SERVICE, s, valid)
                })
                .collect::<Result<BTreeSet<_>, _>>()
        };
        let zone = self
            .zone
            .map(|z| {
                let valid = is_dns_label(&z) && z.contains('-');
                checked(
                    "zone",
                    "an availability zone name such as `us-east-1a`",
                    z,
                    valid,
                )
            })
            .transpose()?;
        let region = self
            .region
            .map(|r| {
                let valid = is_any_region(&r);
                checked(
                    "region",
                    "a region of an AWS partition such as `us-east-1`",
                    r,
                    valid,
                )
            })
            .transpose()?;
        let private_apis = self
            .private_apis
            .into_iter()
            .map(|id| {
                let valid = is_api_id(&id);
                checked(
                    "private_api",
                    "an API Gateway API id: 10 lowercase letters and digits",
                    id,
                    valid,
                )
            })
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(RewriteConfig {
            policy: self.policy,
            zone,
            include: services(self.include, "include")?,
            exclude: services(self.exclude, "exclude")?,
            skip_private_dns: self.skip_private_dns,
            region,
            private_apis,
            gateway_endpoints: self.gateway_endpoints,
        })
    }
}
