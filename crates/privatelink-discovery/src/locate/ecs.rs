//! ECS task metadata v4 (`$ECS_CONTAINER_METADATA_URI_V4/task`), read with the `SdkConfig`'s HTTP
//! client, clock and sleep: the task's `VPCID` and `AvailabilityZone`; a Fargate task, which has
//! no `VPCID`, through its network interface's MAC address (`DescribeNetworkInterfaces`).

use std::error::Error;
use std::fmt;
use std::time::Duration;

use aws_smithy_runtime::client::orchestrator::operation::Operation;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SdkConfig;
use privatelink_core::ErrorChain;
use serde::Deserialize;

use super::{Locator, Step};
use crate::error::{DiscoveryError, MetadataError};
use crate::location::{FoundBy, Location};
use crate::lookup::interface_by_mac;

/// How long one ECS task metadata request may take.
const ECS_TIMEOUT: Duration = Duration::from_secs(2);

/// The largest task metadata document read: 1 MiB.
const MAX_TASK_BYTES: usize = 1 << 20;

/// The location from the task metadata at `base`. A task without `VPCID` is located by its
/// network interface (with the `SdkConfig`'s credentials). Instance metadata is asked next (the
/// reason kept for the error) when the agent cannot be reached or does not answer 200, and when
/// the task has neither `VPCID` nor a MAC address (bridge or host network mode, older agents) or
/// there are no credentials to look the MAC address up with: a task on an EC2 container instance
/// shares that instance's VPC. An answer that is not a task document is an error.
pub(super) async fn locate(
    locator: &Locator,
    base: &str,
    zone: Option<String>,
) -> Result<Step, DiscoveryError> {
    let task = match task(locator.sdk_config.as_ref(), base).await? {
        Ok(task) => task,
        Err(unreachable) => return Ok(Step::Next(Some(unreachable))),
    };
    let zone = zone.or_else(|| task.availability_zone.clone());
    if let Some(vpc_id) = task.vpc_id {
        return Ok(Step::Found(Location::found(
            vpc_id,
            zone,
            FoundBy::EcsTaskMetadata,
        )));
    }
    // Fargate: no VPCID; the task's network interface, found by its MAC address, has one.
    let mac = task
        .containers
        .iter()
        .flat_map(|c| &c.networks)
        .find_map(|n| n.mac_address.clone());
    let (mac, sdk_config) = match (mac, &locator.sdk_config) {
        (Some(mac), Some(sdk_config)) => (mac, sdk_config),
        (None, _) => {
            return Ok(Step::Next(Some(
                "ECS task metadata: no VPCID and no network interface MAC address (bridge or \
                 host network mode, or an older agent)"
                    .to_owned(),
            )));
        }
        (Some(mac), None) => {
            return Ok(Step::Next(Some(format!(
                "ECS task metadata: no VPCID; looking up network interface {mac} needs \
                 credentials (Locator::configure)"
            ))));
        }
    };
    Ok(match interface_by_mac(sdk_config, &mac).await? {
        Some(eni) => Step::Found(Location {
            vpc_id: eni.vpc_id,
            zone: zone.or(eni.zone),
            zone_id: eni.zone_id,
            found_by: FoundBy::TaskNetworkInterface,
        }),
        None => Step::Stop(format!(
            "ECS task metadata: no VPCID; DescribeNetworkInterfaces knows no interface \
             with MAC address {mac} (another account or region?)"
        )),
    })
}

/// The task document at `base`, with `sdk_config`'s HTTP client, clock and sleep when given
/// (else the SDK's defaults): one request, no retry, [`ECS_TIMEOUT`]. `Ok(Err(why))` when the
/// agent could not be reached or answered with another status than 200; an error when its 200
/// answer is not a task document.
async fn task(
    sdk_config: Option<&SdkConfig>,
    base: &str,
) -> Result<Result<EcsTask, String>, DiscoveryError> {
    let url = format!("{}/task", base.trim_end_matches('/'));
    let unavailable = |detail: String| {
        DiscoveryError::MetadataUnavailable(MetadataError {
            what: format!("ECS task metadata at {url}: {detail}"),
            source: None,
        })
    };
    let mut operation = Operation::builder()
        .service_name("EcsTaskMetadata")
        .operation_name("GetTask")
        .endpoint_url(base.trim_end_matches('/'))
        .no_auth()
        .no_retry()
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(ECS_TIMEOUT)
                .build(),
        );
    if let Some(sdk_config) = sdk_config {
        if let Some(http) = sdk_config.http_client() {
            operation = operation.http_client(http);
        }
        if let Some(sleep) = sdk_config.sleep_impl() {
            operation = operation.sleep_impl(sleep);
        }
        if let Some(time) = sdk_config.time_source() {
            operation = operation.time_source(time);
        }
    }
    let operation = operation
        .serializer(|()| {
            let mut request = HttpRequest::new(SdkBody::empty());
            request.set_uri("/task")?;
            request.headers_mut().insert("accept", "application/json");
            Ok(request)
        })
        .deserializer(answer)
        .build();
    let body = match operation.invoke(()).await {
        Ok(body) => body,
        Err(SdkError::ServiceError(context)) => match context.into_err() {
            BadAnswer::Status(status) => {
                return Ok(Err(format!(
                    "ECS task metadata at {url}: HTTP status {status}"
                )));
            }
            BadAnswer::Body(detail) => return Err(unavailable(detail)),
        },
        Err(SdkError::TimeoutError(_)) => {
            return Ok(Err(format!(
                "ECS task metadata at {url}: no answer within {ECS_TIMEOUT:?}"
            )));
        }
        Err(other) => {
            return Ok(Err(format!(
                "ECS task metadata at {url}: {}",
                ErrorChain(&other)
            )));
        }
    };
    serde_json::from_str::<EcsTask>(&body)
        .map(Ok)
        .map_err(|e| unavailable(format!("malformed JSON: {e}")))
}

/// The body of a 200 answer, as text.
fn answer(response: &HttpResponse) -> Result<String, OrchestratorError<BadAnswer>> {
    let bad = |detail: String| Err(OrchestratorError::operation(BadAnswer::Body(detail)));
    let status = response.status().as_u16();
    if status != 200 {
        return Err(OrchestratorError::operation(BadAnswer::Status(status)));
    }
    let Some(bytes) = response.body().bytes() else {
        return bad("the answer has no body".to_owned());
    };
    if bytes.len() > MAX_TASK_BYTES {
        return bad(format!("larger than {MAX_TASK_BYTES} bytes"));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => bad("response is not UTF-8".to_owned()),
    }
}

/// What was wrong with the agent's answer.
#[derive(Debug)]
enum BadAnswer {
    /// Another status than 200.
    Status(u16),
    /// A 200 answer that is not a task document.
    Body(String),
}

impl fmt::Display for BadAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadAnswer::Status(status) => write!(f, "HTTP status {status}"),
            BadAnswer::Body(detail) => f.write_str(detail),
        }
    }
}

impl Error for BadAnswer {}

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
