//! Which AWS SDK services send requests to an endpoint label, and the endpoint URL each of them
//! is given through `AWS_ENDPOINT_URL_<SERVICE>` (the AWS SDKs' service-specific endpoint
//! setting), for tools privatelink cannot hook into: the AWS CLI, other SDKs.

use std::fmt;

use crate::index::EndpointIndex;

/// Endpoint label → SDK service id, one pair per line, from the AWS service models (see
/// `scripts/gen-sdk-services.py`, which CI runs against the pinned botocore to check this file).
const SDK_SERVICES: &str = include_str!("../data/sdk-services.tsv");

/// The prefix of the AWS SDKs' service-specific endpoint variables.
const ENV_PREFIX: &str = "AWS_ENDPOINT_URL_";

/// Every (endpoint label, SDK service id) pair the table knows, sorted by label then service id.
pub fn sdk_services() -> impl Iterator<Item = (&'static str, &'static str)> {
    SDK_SERVICES
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| line.split_once('\t'))
}

/// The SDK service ids whose requests go to hosts with this endpoint label (`api.ecr` → `ECR`;
/// `elasticloadbalancing` → `Elastic Load Balancing` and `Elastic Load Balancing v2`).
pub fn sdk_service_ids(label: &str) -> impl Iterator<Item = &'static str> + '_ {
    sdk_services()
        .filter(move |(l, _)| *l == label)
        .map(|(_, id)| id)
}

/// The environment variable the AWS SDKs read a service's endpoint URL from: the service id
/// upper-cased with spaces turned into underscores (`CloudWatch Logs` →
/// `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`).
pub fn endpoint_env_var(service_id: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        service_id.to_uppercase().replace(' ', "_")
    )
}

/// The key of a service in a `[services …]` section of `~/.aws/config`: the service id
/// lower-cased with spaces turned into underscores (`CloudWatch Logs` → `cloudwatch_logs`), the
/// same spelling as [`endpoint_env_var`]'s.
pub fn endpoint_config_key(service_id: &str) -> String {
    service_id.to_lowercase().replace(' ', "_")
}

/// The keys of the Terraform AWS provider's `endpoints` block, one per line, from the provider's
/// schema (see `scripts/gen-terraform-keys.py`, which CI runs against the pinned bindings).
const TERRAFORM_KEYS: &str = include_str!("../data/terraform-endpoint-keys.txt");

/// The provider version [`terraform_endpoint_key`]'s keys are of (`hashicorp/aws 6.25.0`).
pub fn terraform_provider_version() -> &'static str {
    TERRAFORM_KEYS
        .lines()
        .find_map(|line| line.strip_prefix("# hashicorp/aws "))
        .unwrap_or_default()
}

/// The key of a service in the Terraform AWS provider's `endpoints` block: the service id
/// lower-cased without spaces and hyphens (`CloudWatch Logs` → `cloudwatchlogs`: the provider
/// names services after the AWS SDK for Go v2's packages, which are spelled so), when the
/// provider's schema has that key; `None` for a service the provider does not manage
/// (`Bedrock Runtime`).
pub fn terraform_endpoint_key(service_id: &str) -> Option<&'static str> {
    let wanted: String = service_id
        .chars()
        .filter(|c| *c != ' ' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    TERRAFORM_KEYS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find(|key| *key == wanted)
}

/// One SDK service and the endpoint URL that sends its requests through an interface endpoint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServiceEndpoint {
    env_var: String,
    service_id: &'static str,
    url: String,
    endpoint_id: String,
    label: String,
}

impl ServiceEndpoint {
    /// The service's key in the Terraform AWS provider's `endpoints` block, if the provider has
    /// one ([`terraform_endpoint_key`]).
    pub fn terraform_key(&self) -> Option<&'static str> {
        terraform_endpoint_key(self.service_id)
    }

    /// The SDK service id (`S3`, `CloudWatch Logs`, …).
    pub fn service_id(&self) -> &str {
        self.service_id
    }

    /// The variable to set: `AWS_ENDPOINT_URL_<SERVICE>`.
    pub fn env_var(&self) -> &str {
        &self.env_var
    }

    /// The key in a `[services …]` section of `~/.aws/config` (see [`endpoint_config_key`]).
    pub fn config_key(&self) -> String {
        endpoint_config_key(self.service_id)
    }

    /// The endpoint URL (`https://<endpoint name>`; S3 `https://bucket.<name>`, S3 Control
    /// `https://control.<name>`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The endpoint id (`vpce-…`).
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// The endpoint label the URL's host carries.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl fmt::Display for ServiceEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.env_var, self.url)
    }
}

/// The endpoint URLs for one region's usable interface endpoints, per SDK service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceEndpoints {
    services: Vec<ServiceEndpoint>,
    unmapped: Vec<(String, String)>,
}

impl ServiceEndpoints {
    /// Builds the URLs for the usable endpoints of `region`, using the zonal names of `zone` when
    /// there are some (default: regional names).
    ///
    /// S3 interface endpoints give two services: `S3` (`https://bucket.<name>`, to which the SDKs
    /// prepend the bucket) and `S3 Control` (`https://control.<name>`, to which they prepend the
    /// account id).
    pub fn new(index: &EndpointIndex, region: &str, zone: Option<&str>) -> Self {
        let mut out = ServiceEndpoints::default();
        for (label, _, endpoint) in index.in_region(region) {
            if !endpoint.is_usable() {
                continue;
            }
            let Some(name) = endpoint.name_for(zone) else {
                continue;
            };
            let mut push = |service_id: &'static str, url: String| {
                out.services.push(ServiceEndpoint {
                    env_var: endpoint_env_var(service_id),
                    service_id,
                    url,
                    endpoint_id: endpoint.endpoint_id().to_owned(),
                    label: label.to_owned(),
                })
            };
            if let Some(control) = endpoint.control_host(name) {
                push("S3", format!("https://{}", endpoint.base_host(name)));
                push("S3 Control", format!("https://{control}"));
                continue;
            }
            // The execute-api endpoint serves private REST APIs, called by their own URLs; the
            // one SDK service with that label (the API Gateway Management API of WebSocket
            // APIs) cannot be private, so it gets no variable.
            let mut ids = sdk_service_ids(label)
                .filter(|_| label != "execute-api")
                .peekable();
            if ids.peek().is_none() {
                out.unmapped
                    .push((label.to_owned(), endpoint.endpoint_id().to_owned()));
            }
            for id in ids {
                push(id, format!("https://{name}"));
            }
        }
        out.services.sort();
        out
    }

    /// The services, sorted by variable name.
    pub fn services(&self) -> &[ServiceEndpoint] {
        &self.services
    }

    /// Usable endpoints whose label no SDK service uses (`dkr.ecr`, the Docker registry), or
    /// whose only SDK service cannot use them (`execute-api`: the API Gateway Management API),
    /// as (label, endpoint id): no variable reaches them.
    pub fn unmapped(&self) -> &[(String, String)] {
        &self.unmapped
    }
}
