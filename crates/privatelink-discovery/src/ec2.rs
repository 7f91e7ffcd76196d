//! EC2 `DescribeVpcEndpoints` ([`Ec2Source`]), and how EC2's errors are classified.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::types::Filter;
use aws_types::SdkConfig;
use privatelink_core::{
    DnsEntry, DnsOptions, EndpointState, EndpointType, IpAddressType, VpcEndpoint,
};

use crate::error::{DiscoveryError, InvalidResponseError, classify};
use crate::limit::{InvalidTimeoutError, check_timeout, within};
use crate::source::{DEFAULT_DESCRIBE_TIMEOUT, DescribeEndpoints, EndpointsFuture};

/// The most pages one DescribeVpcEndpoints walk reads: 100, at up to 1,000 endpoints a page (a
/// VPC has far fewer). A walk past it, or whose `NextToken` comes back, is an invalid response.
pub const MAX_DESCRIBE_PAGES: usize = 100;

/// `DescribeVpcEndpoints` through `aws-sdk-ec2`, built from an `SdkConfig`, so its region,
/// credentials, retries, timeouts, HTTP client and `AWS_ENDPOINT_URL_EC2` apply.
///
/// Lists the VPC's `Interface` and `Gateway` endpoints (filters `vpc-id` and
/// `vpc-endpoint-type`), following every page, at most [`MAX_DESCRIBE_PAGES`]. Needs the IAM permission `ec2:DescribeVpcEndpoints`.
/// The whole walk has a time limit of its own ([`DEFAULT_DESCRIBE_TIMEOUT`], see
/// [`Ec2Source::timeout`]) on Tokio's timer, whatever timeouts the `SdkConfig` sets (its tighter
/// ones still apply); past it, [`DiscoveryError::TimedOut`].
#[derive(Clone, Debug)]
pub struct Ec2Source {
    client: aws_sdk_ec2::Client,
    timeout: Duration,
}

impl Ec2Source {
    /// A source using an EC2 client built from `sdk_config`.
    pub fn new(sdk_config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_ec2::Client::new(sdk_config),
            timeout: DEFAULT_DESCRIBE_TIMEOUT,
        }
    }

    /// Sets the time limit of one walk. Defaults to [`DEFAULT_DESCRIBE_TIMEOUT`] (20 s); a
    /// limit outside [`TIMEOUT_RANGE`](crate::TIMEOUT_RANGE) (1 s to 1 h) is an error.
    pub fn timeout(mut self, timeout: Duration) -> Result<Self, InvalidTimeoutError> {
        self.timeout = check_timeout("Ec2Source::timeout", timeout)?;
        Ok(self)
    }

    async fn fetch(&self, vpc_id: &str, once: bool) -> Result<Vec<VpcEndpoint>, DiscoveryError> {
        within(
            self.walk(vpc_id, once),
            self.timeout,
            "DescribeVpcEndpoints",
        )
        .await
    }

    /// Every page of the VPC's endpoints, following `NextToken` for at most
    /// [`MAX_DESCRIBE_PAGES`] pages; a token that comes back (the pages cycle) or more pages are
    /// an invalid response, whatever the walk's time limit. With `once`, each page is one attempt
    /// (the SDK's retries off).
    async fn walk(&self, vpc_id: &str, once: bool) -> Result<Vec<VpcEndpoint>, DiscoveryError> {
        let filter = |name: &str, values: &[&str]| {
            values
                .iter()
                .fold(Filter::builder().name(name), |f, v| f.values(*v))
                .build()
        };
        let request = self
            .client
            .describe_vpc_endpoints()
            .filters(filter("vpc-id", &[vpc_id]))
            .filters(filter("vpc-endpoint-type", &["Interface", "Gateway"]))
            .max_results(1000);
        let invalid = |detail: String| {
            DiscoveryError::InvalidResponse(InvalidResponseError {
                detail,
                source: None,
            })
        };
        let mut endpoints = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = HashSet::new();
        for _ in 0..MAX_DESCRIBE_PAGES {
            let page = request.clone().set_next_token(token.take());
            let page = match once {
                false => page.send().await,
                true => {
                    let one_attempt = aws_sdk_ec2::config::Builder::default()
                        .retry_config(RetryConfig::standard().with_max_attempts(1));
                    page.customize().config_override(one_attempt).send().await
                }
            }
            .map_err(|e| classify(e, "DescribeVpcEndpoints"))?;
            for endpoint in page.vpc_endpoints() {
                endpoints.push(convert(endpoint)?);
            }
            match page.next_token().filter(|t| !t.is_empty()) {
                None => return Ok(endpoints),
                Some(next) if !seen.insert(next.to_owned()) => {
                    return Err(invalid(format!(
                        "NextToken `{next}` came back: the pages cycle"
                    )));
                }
                Some(next) => token = Some(next.to_owned()),
            }
        }
        Err(invalid(format!(
            "more than {MAX_DESCRIBE_PAGES} pages (at up to 1,000 endpoints a page)"
        )))
    }
}

impl DescribeEndpoints for Ec2Source {
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(self.fetch(vpc_id, false))
    }

    /// One attempt per page: the SDK's retries (three attempts on throttling) are off.
    fn describe_once<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(self.fetch(vpc_id, true))
    }
}

/// An SDK endpoint to our model. The state and type are taken as strings: `aws-sdk-ec2` maps the
/// camelCase wire values (`available`) to `Unknown` (awslabs/aws-sdk-rust#619).
fn convert(endpoint: &aws_sdk_ec2::types::VpcEndpoint) -> Result<VpcEndpoint, DiscoveryError> {
    let owned = |value: Option<&str>| value.map(str::to_owned);
    let mut builder = VpcEndpoint::builder();
    builder
        .set_id(owned(endpoint.vpc_endpoint_id()))
        .set_endpoint_type(
            endpoint
                .vpc_endpoint_type()
                .map(|t| EndpointType::parse(t.as_str())),
        )
        .set_vpc_id(owned(endpoint.vpc_id()))
        .set_service_name(owned(endpoint.service_name()))
        .set_service_region(owned(endpoint.service_region()))
        .set_state(endpoint.state().map(|s| EndpointState::parse(s.as_str())))
        .set_private_dns_enabled(endpoint.private_dns_enabled())
        .set_dns_entries(
            endpoint
                .dns_entries()
                .iter()
                .filter_map(|entry| {
                    let name = entry.dns_name()?;
                    Some(DnsEntry::new(name, owned(entry.hosted_zone_id())))
                })
                .collect(),
        )
        .set_subnet_ids(endpoint.subnet_ids().to_vec())
        .set_ip_address_type(
            endpoint
                .ip_address_type()
                .map(|t| IpAddressType::parse(t.as_str())),
        )
        .set_dns_options(
            endpoint
                .dns_options()
                .map(|o| DnsOptions {
                    dns_record_ip_type: o
                        .dns_record_ip_type()
                        .map(|t| IpAddressType::parse(t.as_str())),
                    private_dns_only_for_inbound_resolver_endpoint: o
                        .private_dns_only_for_inbound_resolver_endpoint()
                        .unwrap_or(false),
                })
                .unwrap_or_default(),
        );
    builder.build().map_err(|missing| {
        DiscoveryError::InvalidResponse(InvalidResponseError {
            detail: format!(
                "endpoint {} has no {}",
                endpoint.vpc_endpoint_id().unwrap_or("(no id)"),
                missing.field()
            ),
            source: None,
        })
    })
}
