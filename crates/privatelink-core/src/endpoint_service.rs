//! The endpoint services a region offers, as `DescribeVpcEndpointServices` lists them: which
//! service name (`com.amazonaws.us-east-1.sts`, never built from a pattern: China's and the
//! isolated partitions' differ) serves a host's label, and in which zones.

use std::error::Error;
use std::fmt;

use serde::Deserialize;

use crate::describe_json::InvalidJson;
use crate::names::DnsSuffix;

/// One endpoint service (`ServiceDetails` item of `DescribeVpcEndpointServices`).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointService {
    /// The service name, e.g. `com.amazonaws.us-east-1.sts`.
    pub service_name: String,
    /// Who offers it: `amazon` for AWS services.
    pub owner: Option<String>,
    /// The region the service is in, for a cross-region service (`ServiceRegion`).
    pub service_region: Option<String>,
    /// The zones an endpoint of it can have subnets in.
    pub availability_zones: Vec<String>,
    /// `BaseEndpointDnsNames`, e.g. `sts.us-east-1.vpce.amazonaws.com`: the service label and
    /// region of the endpoint names it gives.
    pub base_endpoint_dns_names: Vec<String>,
}

impl EndpointService {
    /// A service named `service_name` with no other details.
    pub fn new(service_name: impl Into<String>) -> Self {
        EndpointService {
            service_name: service_name.into(),
            owner: None,
            service_region: None,
            availability_zones: Vec::new(),
            base_endpoint_dns_names: Vec::new(),
        }
    }

    /// Whether an AWS service (owner `amazon`) whose endpoint names are
    /// `….<label>.<region>.vpce.<partition suffix>`: the one to create for requests to `label`
    /// in `region`. Names are compared without case and a trailing dot.
    pub fn serves(&self, label: &str, region: &str) -> bool {
        self.owner.as_deref() == Some("amazon")
            && self.base_endpoint_dns_names.iter().any(|name| {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                DnsSuffix::ALL.iter().any(|suffix| {
                    suffix
                        .strip_endpoint_domain(&name)
                        .and_then(|rest| rest.strip_suffix(region))
                        .and_then(|rest| rest.strip_suffix('.'))
                        .is_some_and(|found| found.eq_ignore_ascii_case(label))
                })
            })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    service_details: Option<Vec<RawService>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawService {
    service_name: Option<String>,
    owner: Option<String>,
    service_region: Option<String>,
    availability_zones: Option<Vec<String>>,
    base_endpoint_dns_names: Option<Vec<String>>,
}

/// Reads the JSON `aws ec2 describe-vpc-endpoint-services` prints: its `ServiceDetails`. Each
/// needs a `ServiceName`; the lists default to empty. Nothing is half-parsed.
pub fn parse_describe_vpc_endpoint_services(
    json: &str,
) -> Result<Vec<EndpointService>, ServicesParseError> {
    let output: Output = serde_json::from_str(json)
        .map_err(|e| ServicesParseError::InvalidJson(InvalidJson::new(e)))?;
    let details = output
        .service_details
        .ok_or(ServicesParseError::MissingServiceDetails)?;
    details
        .into_iter()
        .enumerate()
        .map(|(position, raw)| {
            Ok(EndpointService {
                service_name: raw
                    .service_name
                    .ok_or(ServicesParseError::MissingServiceName { position })?,
                owner: raw.owner,
                service_region: raw.service_region,
                availability_zones: raw.availability_zones.unwrap_or_default(),
                base_endpoint_dns_names: raw.base_endpoint_dns_names.unwrap_or_default(),
            })
        })
        .collect()
}

/// The describe-vpc-endpoint-services JSON could not be used.
#[non_exhaustive]
#[derive(Debug)]
pub enum ServicesParseError {
    /// The text is not JSON of the expected shape.
    InvalidJson(InvalidJson),
    /// The top-level `ServiceDetails` array is missing.
    MissingServiceDetails,
    /// A `ServiceDetails` item has no `ServiceName`.
    MissingServiceName {
        /// Its 0-based position.
        position: usize,
    },
}

impl fmt::Display for ServicesParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServicesParseError::InvalidJson(_) => {
                f.write_str("not valid describe-vpc-endpoint-services JSON")
            }
            ServicesParseError::MissingServiceDetails => f.write_str(
                "no `ServiceDetails` array at the top level (expected the output of `aws ec2 describe-vpc-endpoint-services`)",
            ),
            ServicesParseError::MissingServiceName { position } => {
                write!(f, "`ServiceDetails[{position}]` has no `ServiceName`")
            }
        }
    }
}

impl Error for ServicesParseError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ServicesParseError::InvalidJson(e) => Some(e.json_error()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(owner: &str, names: &[&str]) -> EndpointService {
        let mut service = EndpointService::new("com.amazonaws.us-east-1.sts");
        service.owner = Some(owner.into());
        service.base_endpoint_dns_names = names.iter().map(|n| (*n).to_owned()).collect();
        service
    }

    #[test]
    fn a_service_serves_the_label_and_region_of_its_base_names() {
        let cases: &[(&[&str], &str, &str, bool)] = &[
            (
                &["sts.us-east-1.vpce.amazonaws.com"],
                "sts",
                "us-east-1",
                true,
            ),
            (
                &["STS.us-east-1.vpce.amazonaws.com."],
                "sts",
                "us-east-1",
                true,
            ),
            (
                &["api.ecr.us-east-1.vpce.amazonaws.com"],
                "api.ecr",
                "us-east-1",
                true,
            ),
            (
                &["api.ecr.us-east-1.vpce.amazonaws.com"],
                "ecr",
                "us-east-1",
                false,
            ),
            (
                &["sts.us-east-1.vpce.amazonaws.com"],
                "sts",
                "us-west-2",
                false,
            ),
            (
                &["kms.us-west-2.vpce.amazonaws.com"],
                "kms",
                "us-west-2",
                true,
            ),
            (
                &["sts.cn-north-1.vpce.amazonaws.com.cn"],
                "sts",
                "cn-north-1",
                true,
            ),
            // Not an endpoint domain of a partition.
            (
                &["sts.us-east-1.vpce.example.com"],
                "sts",
                "us-east-1",
                false,
            ),
            (
                &["xsts.us-east-1.vpce.amazonaws.com"],
                "sts",
                "us-east-1",
                false,
            ),
            (&[], "sts", "us-east-1", false),
        ];
        for (names, label, region, serves) in cases {
            assert_eq!(
                service("amazon", names).serves(label, region),
                *serves,
                "{names:?} {label} {region}"
            );
        }
        // A partner's or customer's service never counts as the AWS service.
        let partner = service("123456789012", &["sts.us-east-1.vpce.amazonaws.com"]);
        assert!(!partner.serves("sts", "us-east-1"));
    }

    #[test]
    fn the_aws_cli_output_is_read_and_bad_input_is_named() {
        let json = r#"{"ServiceDetails": [{"ServiceName": "com.amazonaws.us-east-1.sts",
            "Owner": "amazon", "AvailabilityZones": ["us-east-1a", "us-east-1b"],
            "BaseEndpointDnsNames": ["sts.us-east-1.vpce.amazonaws.com"]},
            {"ServiceName": "com.amazonaws.us-west-2.kms", "Owner": "amazon", "ServiceRegion": "us-west-2"}],
            "ServiceNames": []}"#;
        let services = parse_describe_vpc_endpoint_services(json).unwrap();
        assert_eq!(services.len(), 2);
        assert_eq!(services[0].availability_zones, ["us-east-1a", "us-east-1b"]);
        assert!(services[0].serves("sts", "us-east-1"));
        assert_eq!(services[1].service_region.as_deref(), Some("us-west-2"));
        assert!(services[1].base_endpoint_dns_names.is_empty());

        let err = |json: &str| {
            parse_describe_vpc_endpoint_services(json)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(r#"{"VpcEndpoints": []}"#),
            "no `ServiceDetails` array at the top level (expected the output of `aws ec2 describe-vpc-endpoint-services`)"
        );
        assert_eq!(
            err(r#"{"ServiceDetails": [{"ServiceName": "a"}, {"Owner": "amazon"}]}"#),
            "`ServiceDetails[1]` has no `ServiceName`"
        );
        assert_eq!(err("{"), "not valid describe-vpc-endpoint-services JSON");
    }
}
