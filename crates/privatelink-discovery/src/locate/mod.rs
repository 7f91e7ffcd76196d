//! Where am I: the VPC id and availability zone of this process, from settings, the environment,
//! task and instance metadata, or its own address. One provider per file (`ecs`, `imds`,
//! `address`); the chain is [`Locator::locate`]'s list of steps.

mod address;
mod ecs;
mod imds;

use std::net::IpAddr;
use std::time::Duration;

use aws_config::provider_config::ProviderConfig;
use aws_types::SdkConfig;

use crate::error::{DiscoveryError, NoVpcError};
use crate::limit::{InvalidTimeoutError, check_timeout, within};
use crate::location::{
    DEFAULT_METADATA_TIMEOUT, ECS_METADATA_ENV, Environment, FoundBy, Location, VPC_ID_ENV,
    ZONE_ENV,
};

/// Finds the [`Location`], in order: explicit settings → environment variables
/// ([`VPC_ID_ENV`], [`ZONE_ENV`]) → (on Lambda, which has no VPC metadata: an error saying what to
/// set) → ECS task metadata v4 (`AvailabilityZone`, `VPCID`; a Fargate task's network interface
/// through `DescribeNetworkInterfaces`; an agent that cannot be reached, answers an error status,
/// or describes a task with neither `VPCID` nor a MAC address passes on to the next) → EC2
/// instance metadata (IMDSv2: `mac` →
/// `network/interfaces/macs/<mac>/vpc-id`, `placement/availability-zone`,
/// `placement/availability-zone-id`) → this process's own address on a network interface of
/// one VPC (`DescribeNetworkInterfaces`, filter `addresses.private-ip-address` or
/// `ipv6-addresses.ipv6-address`; needs `ec2:DescribeNetworkInterfaces`; the address on
/// interfaces of several VPCs is [`DiscoveryError::AmbiguousAddress`]): the address set with
/// [`Locator::own_address`], else, in a Kubernetes pod (`KUBERNETES_SERVICE_HOST` set), the
/// address it sends from (with the VPC CNI, the pod's VPC address). A pod usually cannot reach
/// instance metadata, so there its own address is asked first.
///
/// Metadata is only consulted when no VPC id is configured; configure the zone too in that case.
/// Metadata requests use the `SdkConfig`'s HTTP client, clock and sleep ([`Locator::configure`]).
#[derive(Clone, Debug)]
pub struct Locator {
    vpc_id: Option<String>,
    zone: Option<String>,
    env: Environment,
    /// The HTTP client, clock and sleep of metadata requests.
    provider_config: ProviderConfig,
    timeout: Duration,
    imds_endpoint: Option<String>,
    /// For `DescribeNetworkInterfaces` (Fargate, own address).
    sdk_config: Option<SdkConfig>,
    own_address: Option<IpAddr>,
}

impl Default for Locator {
    fn default() -> Self {
        Self {
            vpc_id: None,
            zone: None,
            env: Environment::process(),
            provider_config: ProviderConfig::empty(),
            imds_endpoint: None,
            timeout: DEFAULT_METADATA_TIMEOUT,
            sdk_config: None,
            own_address: None,
        }
    }
}

/// The places asked, in order.
#[derive(Clone, Copy)]
enum Provider {
    /// [`Locator::vpc_id`].
    Settings,
    /// [`VPC_ID_ENV`].
    Environment,
    /// Lambda, which has no VPC metadata: ends the chain saying what to set.
    Lambda,
    /// ECS task metadata v4, and a Fargate task's network interface (`ecs`).
    EcsTask,
    /// EC2 instance metadata (`imds`).
    InstanceMetadata,
    /// This process's address on a VPC network interface (`address`).
    OwnAddress,
}

/// The chain.
const CHAIN: [Provider; 6] = [
    Provider::Settings,
    Provider::Environment,
    Provider::Lambda,
    Provider::EcsTask,
    Provider::InstanceMetadata,
    Provider::OwnAddress,
];

/// The chain in a Kubernetes pod: its own address before instance metadata, which a pod
/// usually cannot reach (IMDSv2's hop limit of 1 on EKS nodes).
const POD_CHAIN: [Provider; 6] = [
    Provider::Settings,
    Provider::Environment,
    Provider::Lambda,
    Provider::EcsTask,
    Provider::OwnAddress,
    Provider::InstanceMetadata,
];

/// What one provider found.
enum Step {
    /// The location.
    Found(Location),
    /// Nothing here (and, when it says so, why): the next step is asked.
    Next(Option<String>),
    /// Nothing, and no later step applies: the chain ends with this reason.
    Stop(String),
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
            provider = provider.with_sleep_impl(sleep);
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

    /// Sets this process's address in the VPC, to locate it by the network interface holding it
    /// (e.g. a pod's `status.podIP`). Defaults to none; in a Kubernetes pod, to the address it
    /// sends from (found by the system's routes, nothing sent).
    pub fn own_address(mut self, address: Option<IpAddr>) -> Self {
        self.own_address = address;
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
    /// [`DEFAULT_METADATA_TIMEOUT`] (10 s); a limit outside
    /// [`TIMEOUT_RANGE`](crate::TIMEOUT_RANGE) (1 s to 1 h) is an error.
    pub fn timeout(mut self, timeout: Duration) -> Result<Self, InvalidTimeoutError> {
        self.timeout = check_timeout("Locator::timeout", timeout)?;
        Ok(self)
    }

    /// Finds the location, or says what to set. Metadata lookups are bounded in all by
    /// [`Locator::timeout`] (on Tokio's timer), past which [`DiscoveryError::TimedOut`].
    pub async fn locate(&self) -> Result<Location, DiscoveryError> {
        within(self.chain(), self.timeout, "instance metadata").await
    }

    /// The [`CHAIN`]: each provider finds the location, or says why not and the next is asked,
    /// or ends it. The error lists every reason given.
    async fn chain(&self) -> Result<Location, DiscoveryError> {
        let zone = self.zone.clone().or_else(|| self.env.var(ZONE_ENV));
        let mut tried = Vec::new();
        let in_pod = self.env.var("KUBERNETES_SERVICE_HOST").is_some();
        let chain = if in_pod { POD_CHAIN } else { CHAIN };
        for provider in chain {
            let zone = zone.clone();
            let found = match provider {
                Provider::Settings => self.settings(zone),
                Provider::Environment => self.environment_variable(zone),
                Provider::Lambda => self.lambda(),
                Provider::EcsTask => self.ecs_task(zone).await?,
                Provider::InstanceMetadata => self.instance_metadata(zone).await,
                Provider::OwnAddress => address::locate(self, zone, in_pod).await?,
            };
            match found {
                Step::Found(location) => return Ok(location),
                Step::Next(why) => tried.extend(why),
                Step::Stop(why) => {
                    tried.push(why);
                    break;
                }
            }
        }
        Err(DiscoveryError::NoVpc(NoVpcError { tried }))
    }

    fn settings(&self, zone: Option<String>) -> Step {
        match &self.vpc_id {
            Some(vpc_id) => Step::Found(Location::found(
                vpc_id.clone(),
                zone,
                FoundBy::Configuration,
            )),
            None => Step::Next(Some("builder setting vpc_id: not set".to_owned())),
        }
    }

    fn environment_variable(&self, zone: Option<String>) -> Step {
        match self.env.var(VPC_ID_ENV) {
            Some(vpc_id) => Step::Found(Location::found(vpc_id, zone, FoundBy::Environment)),
            None => Step::Next(Some(format!("environment variable {VPC_ID_ENV}: not set"))),
        }
    }

    fn lambda(&self) -> Step {
        match self.env.var("AWS_LAMBDA_FUNCTION_NAME") {
            Some(_) => Step::Stop(format!(
                "Lambda exposes no VPC metadata: set {VPC_ID_ENV} in the function's configuration"
            )),
            None => Step::Next(None),
        }
    }

    async fn ecs_task(&self, zone: Option<String>) -> Result<Step, DiscoveryError> {
        match self.env.var(ECS_METADATA_ENV) {
            Some(uri) => ecs::locate(self, &uri, zone).await,
            None => Ok(Step::Next(None)),
        }
    }

    async fn instance_metadata(&self, zone: Option<String>) -> Step {
        if self
            .env
            .var("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Step::Next(Some(
                "EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED".to_owned(),
            ));
        }
        match imds::locate(self, zone).await {
            Ok(location) => Step::Found(location),
            Err(error) => Step::Next(Some(format!("EC2 instance metadata: {error}"))),
        }
    }
}
