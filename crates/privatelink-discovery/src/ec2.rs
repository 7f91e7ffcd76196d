//! EC2 `DescribeVpcEndpoints` ([`Ec2Source`]), and how EC2's errors are classified.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::types::Filter;
use aws_types::SdkConfig;
use privatelink_core::{
    DnsEntry, DnsOptions, EndpointService, EndpointState, EndpointType, IpAddressType, VpcEndpoint,
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

    /// Every page of the VPC's endpoints (see [`pages`]). With `once`, each page is one attempt
    /// (the SDK's retries off).
    async fn walk(&self, vpc_id: &str, once: bool) -> Result<Vec<VpcEndpoint>, DiscoveryError> {
        let request = self
            .client
            .describe_vpc_endpoints()
            .filters(filter("vpc-id", &[vpc_id]))
            .filters(filter("vpc-endpoint-type", &["Interface", "Gateway"]))
            .max_results(1000);
        pages(
            "DescribeVpcEndpoints",
            MAX_DESCRIBE_PAGES,
            "1,000 endpoints",
            |token| {
                let page = request.clone().set_next_token(token);
                async move {
                    let page = match once {
                        false => page.send().await,
                        true => {
                            let one_attempt = aws_sdk_ec2::config::Builder::default()
                                .retry_config(RetryConfig::standard().with_max_attempts(1));
                            page.customize().config_override(one_attempt).send().await
                        }
                    }
                    .map_err(|e| classify(e, "DescribeVpcEndpoints"))?;
                    let endpoints = page
                        .vpc_endpoints()
                        .iter()
                        .map(convert)
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((endpoints, page.next_token().map(str::to_owned)))
                }
            },
        )
        .await
    }

    /// The interface endpoint services an endpoint of this region's VPCs can reach
    /// (`DescribeVpcEndpointServices`, filter `service-type` `Interface`): this region's, or with
    /// `service_region` another region's offered cross-region (`ServiceRegions`). Every page, at
    /// most [`MAX_DESCRIBE_PAGES`], within the source's time limit. Needs
    /// `ec2:DescribeVpcEndpointServices`.
    pub async fn describe_endpoint_services(
        &self,
        service_region: Option<&str>,
    ) -> Result<Vec<EndpointService>, DiscoveryError> {
        let mut request = self
            .client
            .describe_vpc_endpoint_services()
            .filters(filter("service-type", &["Interface"]))
            .max_results(1000);
        if let Some(region) = service_region {
            request = request.service_regions(region);
        }
        let walk = pages(
            "DescribeVpcEndpointServices",
            MAX_DESCRIBE_PAGES,
            "1,000 services",
            |token| {
                let page = request.clone().set_next_token(token);
                async move {
                    let page = page
                        .send()
                        .await
                        .map_err(|e| classify(e, "DescribeVpcEndpointServices"))?;
                    let services = page
                        .service_details()
                        .iter()
                        .filter_map(convert_service)
                        .collect();
                    Ok((services, page.next_token().map(str::to_owned)))
                }
            },
        );
        within(walk, self.timeout, "DescribeVpcEndpointServices").await
    }
}

/// An EC2 filter `name` with `values`.
fn filter(name: &str, values: &[&str]) -> Filter {
    values
        .iter()
        .fold(Filter::builder().name(name), |f, v| f.values(*v))
        .build()
}

/// Every page of an EC2 `operation`'s `NextToken` walk, `page` asked for each with the token
/// (none at first), for at most `max_pages` pages; a token that comes back (the pages cycle) or
/// more pages are an invalid response, whatever the walk's time limit. `per_page` says how many
/// items a page holds at most, for the error.
pub(crate) async fn pages<T, F, Fut>(
    operation: &'static str,
    max_pages: usize,
    per_page: &str,
    mut page: F,
) -> Result<Vec<T>, DiscoveryError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), DiscoveryError>>,
{
    let invalid = |detail: String| {
        DiscoveryError::InvalidResponse(InvalidResponseError {
            operation,
            detail,
            source: None,
        })
    };
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    for _ in 0..max_pages {
        let (found, next) = page(token.take()).await?;
        items.extend(found);
        match next.filter(|t| !t.is_empty()) {
            None => return Ok(items),
            Some(next) if !seen.insert(next.clone()) => {
                return Err(invalid(format!(
                    "NextToken `{next}` came back: the pages cycle"
                )));
            }
            Some(next) => token = Some(next),
        }
    }
    Err(invalid(format!(
        "more than {max_pages} pages (at up to {per_page} a page)"
    )))
}

/// An SDK service detail to our model; one without a service name is left out (nothing could
/// be created from it).
fn convert_service(detail: &aws_sdk_ec2::types::ServiceDetail) -> Option<EndpointService> {
    let mut service = EndpointService::new(detail.service_name()?);
    service.owner = detail.owner().map(str::to_owned);
    service.service_region = detail.service_region().map(str::to_owned);
    service.availability_zones = detail.availability_zones().to_vec();
    service.base_endpoint_dns_names = detail.base_endpoint_dns_names().to_vec();
    Some(service)
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
            operation: "DescribeVpcEndpoints",
            detail: format!(
                "endpoint {} has no {}",
                endpoint.vpc_endpoint_id().unwrap_or("(no id)"),
                missing.field()
            ),
            source: None,
        })
    })
}
