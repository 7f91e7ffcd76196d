//! Where am I: the VPC id and availability zone of this process, from settings, the environment,
//! or instance and task metadata.

use std::time::Duration;

use aws_config::imds;
use aws_config::provider_config::ProviderConfig;
use aws_smithy_async::rt::sleep::{AsyncSleep, SharedAsyncSleep};
use aws_types::SdkConfig;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{DiscoveryError, MetadataError, NoVpcError, within};
use crate::location::{
    DEFAULT_METADATA_TIMEOUT, ECS_METADATA_ENV, Environment, FoundBy, Location, VPC_ID_ENV,
    ZONE_ENV,
};
use crate::lookup::interface_by_mac;

/// How long one ECS task metadata request may take.
const ECS_TIMEOUT: Duration = Duration::from_secs(2);

/// Finds the [`Location`], in order: explicit settings → environment variables
/// ([`VPC_ID_ENV`], [`ZONE_ENV`]) → EC2 instance metadata (IMDSv2: `mac` →
/// `network/interfaces/macs/<mac>/vpc-id`, `placement/availability-zone`,
/// `placement/availability-zone-id`) → ECS task metadata v4 (`AvailabilityZone`, `VPCID`).
///
/// Metadata is only consulted when no VPC id is configured; configure the zone too in that case.
#[derive(Clone, Debug)]
pub struct Locator {
    vpc_id: Option<String>,
    zone: Option<String>,
    env: Environment,
    provider_config: ProviderConfig,
    sleep: Option<SharedAsyncSleep>,
    timeout: Duration,
    imds_endpoint: Option<String>,
    /// For `DescribeNetworkInterfaces` (Fargate).
    sdk_config: Option<SdkConfig>,
}

impl Default for Locator {
    fn default() -> Self {
        Self {
            vpc_id: None,
            zone: None,
            env: Environment::process(),
            provider_config: ProviderConfig::empty(),
            sleep: None,
            imds_endpoint: None,
            timeout: DEFAULT_METADATA_TIMEOUT,
            sdk_config: None,
        }
    }
}

impl Locator {
    /// A locator using the process environment and default metadata clients.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses the HTTP client, clock and sleep of `sdk_config` for metadata requests, and its
    /// credentials to find a Fargate task's VPC (`DescribeNetworkInterfaces`).
    pub fn configure(mut self, sdk_config: &SdkConfig) -> Self {
        self.sdk_config = Some(sdk_config.clone());
        let mut provider = ProviderConfig::empty();
        if let Some(http) = sdk_config.http_client() {
            provider = provider.with_http_client(http);
        }
        if let Some(sleep) = sdk_config.sleep_impl() {
            provider = provider.with_sleep_impl(sleep.clone());
            self.sleep = Some(sleep);
        }
        if let Some(time) = sdk_config.time_source() {
            provider = provider.with_time_source(time);
        }
        self.provider_config = provider;
        self
    }

    /// Sets the VPC id; metadata is then not consulted.
    pub fn vpc_id(mut self, vpc_id: Option<String>) -> Self {
        self.vpc_id = vpc_id;
        self
    }

    /// Sets the availability zone name.
    pub fn zone(mut self, zone: Option<String>) -> Self {
        self.zone = zone;
        self
    }

    /// Replaces the environment the locator reads. Defaults to the process environment.
    pub fn environment(mut self, env: Environment) -> Self {
        self.env = env;
        self
    }

    /// Sets the instance metadata endpoint. Defaults to the IMDS client's (`http://169.254.169.254`,
    /// or `AWS_EC2_METADATA_SERVICE_ENDPOINT`).
    pub fn imds_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.imds_endpoint = Some(endpoint.into());
        self
    }

    /// The VPC id and zone from settings or the environment only (no metadata), for sources that
    /// do not need a location (static files).
    pub fn configured(&self) -> (Option<String>, Option<String>) {
        self.env.configured(self.vpc_id.clone(), self.zone.clone())
    }

    /// Sets the time limit of one metadata lookup (every request and retry of it). Defaults to
    /// [`DEFAULT_METADATA_TIMEOUT`] (10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Finds the location, or says what to set. Metadata lookups are bounded in all by
    /// [`Locator::timeout`] (on Tokio's timer), past which [`DiscoveryError::TimedOut`].
    pub async fn locate(&self) -> Result<Location, DiscoveryError> {
        within(self.locate_unbounded(), self.timeout, "instance metadata").await
    }

    async fn locate_unbounded(&self) -> Result<Location, DiscoveryError> {
        let zone = self.zone.clone().or_else(|| self.env.var(ZONE_ENV));
        if let Some(vpc_id) = &self.vpc_id {
            return Ok(Location {
                vpc_id: vpc_id.clone(),
                zone,
                zone_id: None,
                found_by: FoundBy::Configuration,
            });
        }
        if let Some(vpc_id) = self.env.var(VPC_ID_ENV) {
            return Ok(Location {
                vpc_id,
                zone,
                zone_id: None,
                found_by: FoundBy::Environment,
            });
        }
        let mut tried = vec![
            "builder setting vpc_id: not set".to_owned(),
            format!("environment variable {VPC_ID_ENV}: not set"),
        ];
        if self.env.var("AWS_LAMBDA_FUNCTION_NAME").is_some() {
            tried.push(format!(
                "Lambda exposes no VPC metadata: set {VPC_ID_ENV} in the function's configuration"
            ));
            return Err(DiscoveryError::NoVpc(NoVpcError { tried }));
        }
        if let Some(uri) = self.env.var(ECS_METADATA_ENV) {
            let task = self.ecs_task(&uri).await?;
            let zone = zone.or_else(|| task.availability_zone.clone());
            if let Some(vpc_id) = task.vpc_id {
                return Ok(Location {
                    vpc_id,
                    zone,
                    zone_id: None,
                    found_by: FoundBy::EcsTaskMetadata,
                });
            }
            // Fargate: no VPCID; the task's network interface, found by its MAC address, has one.
            let mac = task
                .containers
                .iter()
                .flat_map(|c| &c.networks)
                .find_map(|n| n.mac_address.clone());
            let (mac, sdk_config) = match (mac, &self.sdk_config) {
                (Some(mac), Some(sdk_config)) => (mac, sdk_config),
                (None, _) => {
                    tried.push(
                        "ECS task metadata: no VPCID (Fargate tasks have none) and no network \
                         interface MAC address to look up"
                            .to_owned(),
                    );
                    return Err(DiscoveryError::NoVpc(NoVpcError { tried }));
                }
                (Some(mac), None) => {
                    tried.push(format!(
                        "ECS task metadata: no VPCID (Fargate); looking up network interface {mac} \
                         needs credentials (Locator::configure)"
                    ));
                    return Err(DiscoveryError::NoVpc(NoVpcError { tried }));
                }
            };
            return match interface_by_mac(sdk_config, &mac).await? {
                Some(eni) => Ok(Location {
                    vpc_id: eni.vpc_id,
                    zone: zone.or(eni.zone),
                    zone_id: eni.zone_id,
                    found_by: FoundBy::TaskNetworkInterface,
                }),
                None => {
                    tried.push(format!(
                        "ECS task metadata: no VPCID; DescribeNetworkInterfaces knows no interface \
                         with MAC address {mac} (another account or region?)"
                    ));
                    Err(DiscoveryError::NoVpc(NoVpcError { tried }))
                }
            };
        }
        if self
            .env
            .var("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            tried.push("EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED".to_owned());
            return Err(DiscoveryError::NoVpc(NoVpcError { tried }));
        }
        match self.instance_metadata(zone).await {
            Ok(location) => Ok(location),
            Err(error) => {
                tried.push(format!("EC2 instance metadata: {error}"));
                Err(DiscoveryError::NoVpc(NoVpcError { tried }))
            }
        }
    }

    async fn instance_metadata(&self, zone: Option<String>) -> Result<Location, String> {
        let mut builder = imds::Client::builder().configure(&self.provider_config);
        if let Some(endpoint) = &self.imds_endpoint {
            builder = builder.endpoint(endpoint).map_err(|e| e.to_string())?;
        }
        let client = builder.build();
        let get = |path: String| {
            let client = client.clone();
            async move {
                client
                    .get(format!("/latest/meta-data/{path}"))
                    .await
                    .map(|v| v.as_ref().trim().to_owned())
                    .map_err(|e| {
                        format!(
                            "{path}: {}",
                            aws_smithy_types::error::display::DisplayErrorContext(e)
                        )
                    })
            }
        };
        let mac = get("mac".into()).await?;
        let vpc_id = get(format!("network/interfaces/macs/{mac}/vpc-id")).await?;
        let zone = match zone {
            Some(zone) => Some(zone),
            None => Some(get("placement/availability-zone".into()).await?),
        };
        let zone_id = get("placement/availability-zone-id".into()).await.ok();
        Ok(Location {
            vpc_id,
            zone,
            zone_id,
            found_by: FoundBy::InstanceMetadata,
        })
    }

    async fn ecs_task(&self, base: &str) -> Result<EcsTask, DiscoveryError> {
        let url = format!("{}/task", base.trim_end_matches('/'));
        let unavailable = |detail: String| {
            DiscoveryError::MetadataUnavailable(MetadataError {
                what: format!("ECS task metadata at {url}: {detail}"),
                source: None,
            })
        };
        let request = http_get(&url);
        let body = match &self.sleep {
            Some(sleep) => tokio::select! {
                body = request => body,
                _ = sleep.sleep(ECS_TIMEOUT) => Err(format!("no answer within {ECS_TIMEOUT:?}")),
            },
            None => request.await,
        }
        .map_err(unavailable)?;
        serde_json::from_str::<EcsTask>(&body)
            .map_err(|e| unavailable(format!("malformed JSON: {e}")))
    }
}

/// The fields of the ECS task metadata v4 `/task` document privatelink uses.
#[derive(Debug, Deserialize)]
struct EcsTask {
    #[serde(rename = "AvailabilityZone")]
    availability_zone: Option<String>,
    #[serde(rename = "VPCID")]
    vpc_id: Option<String>,
    #[serde(rename = "Containers", default)]
    containers: Vec<EcsContainer>,
}

#[derive(Debug, Deserialize)]
struct EcsContainer {
    #[serde(rename = "Networks", default)]
    networks: Vec<EcsNetwork>,
}

#[derive(Debug, Deserialize)]
struct EcsNetwork {
    #[serde(rename = "MACAddress")]
    mac_address: Option<String>,
}

/// A minimal HTTP/1.0 GET (the ECS agent serves plain HTTP on a link-local address); returns the
/// body of a 200 answer.
async fn http_get(url: &str) -> Result<String, String> {
    let rest = url.strip_prefix("http://").ok_or("not an http:// URL")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let address = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .map_err(|e| e.to_string())?;
    let path = if path.is_empty() { "/" } else { path };
    let request =
        format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\nAccept: application/json\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .take(1 << 20)
        .read_to_end(&mut response)
        .await
        .map_err(|e| e.to_string())?;
    let response = String::from_utf8(response).map_err(|_| "response is not UTF-8".to_owned())?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or("malformed HTTP response")?;
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if status != "200" {
        return Err(format!("HTTP status {status}"));
    }
    Ok(body.to_owned())
}
