//! Where a subcommand's endpoint data comes from: a file, or live discovery.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use aws_credential_types::provider::error::CredentialsError;
use clap::Args;
use privatelink::core::{EndpointIndex, EndpointType, Policy, ServiceEndpoints, VpcEndpoint};
use privatelink::discovery::DiscoveryError;
use privatelink::discovery::HubVpc;
use privatelink::discovery::{
    DescribeEndpoints, ENDPOINTS_FILE_ENV, Ec2Source, Locator, ZONE_ENV, read_document,
    read_document_file,
};
use privatelink::{BuildError, GatewayEndpoints, PrivateLink};

use crate::failure::{Failure, chain};
use crate::ui::Ui;

/// The endpoint data options every subcommand shares.
#[derive(Debug, Args)]
pub(crate) struct SourceArgs {
    /// Read the endpoints from this file (the output of `aws ec2 describe-vpc-endpoints` or of
    /// `privatelink export`; `-` reads standard input) instead of calling EC2.
    #[arg(long, value_name = "FILE")]
    from_file: Option<PathBuf>,

    /// The VPC id. Default: PRIVATELINK_VPC_ID, then EC2 instance or ECS task metadata. With
    /// --from-file, keeps only that VPC's endpoints (endpoints naming no VPC are dropped);
    /// without it, a file holding several VPCs' endpoints is refused.
    #[arg(long, value_name = "VPC_ID")]
    vpc: Option<String>,

    /// The region. Default: the AWS configuration chain (AWS_REGION, the profile's, …).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// The profile of ~/.aws/config and ~/.aws/credentials to discover with (credentials,
    /// region, role). Default: AWS_PROFILE, then `default`.
    #[arg(long, value_name = "PROFILE")]
    profile: Option<String>,

    /// Prefer the zonal endpoint names of this availability zone (e.g. us-east-1a). Default:
    /// PRIVATELINK_AZ, then metadata; else regional names.
    #[arg(long, value_name = "AZ")]
    az: Option<String>,

    /// Use the interface endpoints of this hub VPC, a shared-services VPC of another account
    /// reached over peering or Transit Gateway, discovered with the role of --hub-role; zonal
    /// names are translated to the hub account's zone names (by zone id). Default: none.
    #[arg(
        long,
        value_name = "VPC_ID",
        requires = "hub_role",
        conflicts_with = "from_file"
    )]
    hub_vpc: Option<String>,

    /// The role in the hub account to discover the hub VPC with (it needs
    /// ec2:DescribeVpcEndpoints and ec2:DescribeAvailabilityZones; these credentials need
    /// sts:AssumeRole on it).
    #[arg(long, value_name = "ROLE_ARN", requires = "hub_vpc")]
    hub_role: Option<String>,

    /// The external id the hub role's trust policy requires. Default: none.
    #[arg(long, value_name = "ID", requires = "hub_role")]
    hub_external_id: Option<String>,

    /// Whether same-region S3 and DynamoDB requests that a gateway endpoint carries stay on
    /// their default host: `auto` when this process runs inside the VPC (located by instance or
    /// task metadata) and not under --strict; `use` always; `ignore` never.
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    gateway_endpoints: GatewayChoice,
}

/// `--gateway-endpoints`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum GatewayChoice {
    Auto,
    Use,
    Ignore,
}

impl From<GatewayChoice> for GatewayEndpoints {
    fn from(choice: GatewayChoice) -> Self {
        match choice {
            GatewayChoice::Auto => GatewayEndpoints::Auto,
            GatewayChoice::Use => GatewayEndpoints::Use,
            GatewayChoice::Ignore => GatewayEndpoints::Ignore,
        }
    }
}

/// Endpoint data, and what it is about.
pub(crate) struct Loaded {
    pub(crate) index: EndpointIndex,
    pub(crate) vpc_id: Option<String>,
    pub(crate) region: Option<String>,
    /// Located inside the VPC by metadata (endpoint files: no).
    pub(crate) inside_vpc: bool,
    /// When the endpoints were discovered: now for a live discovery, an export file's
    /// `DiscoveredAt` (if it has one) for a file.
    pub(crate) discovered_at: Option<std::time::SystemTime>,
    /// The zone whose zonal names to use: `--az`, or for a hub VPC the hub account's name for
    /// this process's zone.
    pub(crate) zone: Option<String>,
    /// The endpoints are a hub VPC's (another account's).
    pub(crate) hub: bool,
    gateways: GatewayEndpoints,
}

impl Loaded {
    /// Whether requests a gateway endpoint carries stay on their default host under `policy`.
    pub(crate) fn uses_gateways(&self, policy: Policy) -> bool {
        // A hub's gateway endpoints carry the hub VPC's traffic, never this process's.
        !self.hub && self.gateways.applies(policy, self.inside_vpc)
    }

    /// The endpoints a document (`export`, `publish`) carries: all of them; for a hub VPC its
    /// interface endpoints without their zonal names — the hub account's zone names, which map
    /// to other physical zones in a reader's account — and without its gateways, which serve only
    /// the hub VPC.
    pub(crate) fn document_endpoints(&self) -> Vec<VpcEndpoint> {
        let endpoints = self.index.endpoints().iter();
        match self.hub {
            false => endpoints.cloned().collect(),
            true => endpoints
                .filter(|e| *e.endpoint_type() == EndpointType::Interface)
                .map(VpcEndpoint::without_zonal_names)
                .collect(),
        }
    }

    /// The region to work on: `--region`, the AWS configuration's, or the only region the
    /// endpoints serve — not counting cross-region endpoints, which serve other regions than
    /// their VPC's (the VPC's region is then the one its other endpoints serve).
    pub(crate) fn region(&self) -> Result<String, Failure> {
        if let Some(region) = &self.region {
            return Ok(region.clone());
        }
        let entries = self.index.entries();
        let mut regions: Vec<&str> = entries
            .iter()
            .filter(|(_, _, _, e)| !e.is_cross_region())
            .map(|(_, r, _, _)| *r)
            .collect();
        if regions.is_empty() {
            regions = entries.iter().map(|(_, r, _, _)| *r).collect();
        }
        regions.sort_unstable();
        regions.dedup();
        match regions.as_slice() {
            [region] => Ok((*region).to_owned()),
            [] => Err(Failure::Unhealthy("no interface endpoints".into())),
            several => Err(Failure::InvalidInput(
                format!(
                    "the endpoints serve several regions ({}): pass --region",
                    several.join(", ")
                )
                .into(),
            )),
        }
    }

    /// The `AWS_ENDPOINT_URL_<SERVICE>` settings for the region (`--region`, the AWS
    /// configuration, or the only region the endpoints serve), with zonal names of `zone`.
    /// Labels no SDK service uses are noted on `stderr`. No usable endpoint is an error: a tool
    /// run with none of the settings would reach the public endpoints.
    pub(crate) fn service_endpoints(
        &self,
        zone: Option<&str>,
        stderr: &mut dyn Write,
    ) -> Result<ServiceEndpoints, Failure> {
        let region = self.region()?;
        let endpoints = ServiceEndpoints::new(&self.index, &region, zone);
        // `AWS_ENDPOINT_URL_<SERVICE>` is one URL for every region: an endpoint that serves
        // another region would take that service's requests for every region.
        for (label, other, _, endpoint) in self.index.entries() {
            if other != region && endpoint.is_usable() {
                let _ = writeln!(
                    stderr,
                    "note: {} serves `{label}` in {other}, not {region}; no variable (one URL would take every region's `{label}` requests; in code, privatelink routes by region)",
                    endpoint.endpoint_id()
                );
            }
        }
        for (label, endpoint_id) in endpoints.unmapped() {
            let _ = match label.as_str() {
                "execute-api" => writeln!(
                    stderr,
                    "note: {endpoint_id} serves private REST APIs, called by their own URLs; no variable (the API Gateway Management API cannot use it)"
                ),
                _ => writeln!(
                    stderr,
                    "note: no AWS SDK service has `{label}` as its endpoint prefix; no variable for {endpoint_id}"
                ),
            };
        }
        if endpoints.services().is_empty() {
            return Err(Failure::Unhealthy(format!(
                "no usable interface endpoint serves an AWS SDK service in {region}"
            )));
        }
        Ok(endpoints)
    }
}

impl SourceArgs {
    /// Reads the file (`--from-file`, else `PRIVATELINK_ENDPOINTS_FILE`), or discovers the
    /// endpoints with the standard AWS configuration; reports what the index ignored on `stderr`.
    pub(crate) async fn load(&self, ui: Ui, stderr: &mut dyn Write) -> Result<Loaded, Failure> {
        let file = self
            .from_file
            .clone()
            .or_else(|| std::env::var_os(ENDPOINTS_FILE_ENV).map(PathBuf::from));
        let loaded = match &file {
            Some(path) => self.read_file(path),
            None => {
                ui.progress("discovering the VPC's interface endpoints");
                let loaded = self.discover().await;
                ui.done();
                loaded
            }
        }?;
        for warning in loaded.index.warnings() {
            let _ = writeln!(stderr, "warning: {warning}");
        }
        Ok(loaded)
    }

    fn read_file(&self, path: &Path) -> Result<Loaded, Failure> {
        let vpc = self.vpc.as_deref();
        let document = if path.as_os_str() == "-" {
            read_document(io::stdin().lock(), path, vpc)
        } else {
            read_document_file(path, vpc)
        }
        .map_err(|e| Failure::InvalidInput(Box::new(e)))?;
        Ok(Loaded {
            index: EndpointIndex::new(document.endpoints),
            vpc_id: self.vpc.clone().or(document.vpc_id),
            region: self.region.clone(),
            inside_vpc: false,
            discovered_at: document.discovered_at,
            zone: self.az.clone().or_else(|| std::env::var(ZONE_ENV).ok()),
            hub: false,
            gateways: self.gateway_endpoints.into(),
        })
    }

    /// The standard AWS configuration with `--profile` and `--region`.
    pub(crate) async fn sdk_config(&self) -> aws_config::SdkConfig {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &self.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        loader.load().await
    }

    /// Locates the VPC and calls DescribeVpcEndpoints once: no cache, no background refresh.
    async fn discover(&self) -> Result<Loaded, Failure> {
        let sdk_config = self.sdk_config().await;
        let Some(region) = sdk_config.region().map(ToString::to_string) else {
            return Err(Failure::Environment(
                "no AWS region: set AWS_REGION, a profile region, or --region".into(),
            ));
        };
        if sdk_config.credentials_provider().is_none() {
            return Err(Failure::Environment(
                "no AWS credentials provider is configured".into(),
            ));
        }
        if let (Some(vpc), Some(role)) = (&self.hub_vpc, &self.hub_role) {
            // Boxed: the library's build future is deep, and every subcommand's awaits this one.
            return Box::pin(self.discover_hub(&sdk_config, region, vpc, role)).await;
        }
        let location = Locator::new()
            .configure(&sdk_config)
            .vpc_id(self.vpc.clone())
            .zone(self.az.clone())
            .locate()
            .await
            .map_err(|e| Failure::Environment(explain(&e)))?;
        let endpoints = Ec2Source::new(&sdk_config)
            .describe(location.vpc_id())
            .await
            .map_err(|e| Failure::Environment(explain(&e)))?;
        Ok(Loaded {
            index: EndpointIndex::new(endpoints),
            vpc_id: Some(location.vpc_id().to_owned()),
            region: Some(region),
            inside_vpc: location.is_inside_vpc(),
            // The SDK's clock (the system's, unless configured otherwise), as the answer came.
            discovered_at: sdk_config.time_source().map(|time| time.now()),
            zone: location.zone().map(str::to_owned),
            hub: false,
            gateways: self.gateway_endpoints.into(),
        })
    }

    /// A hub VPC's endpoints, as the library discovers them (`PrivateLinkBuilder::hub_vpc`): the
    /// role assumed with these credentials, this process's zone (`--az`, else metadata) turned
    /// into the hub account's zone name by its zone id.
    async fn discover_hub(
        &self,
        sdk_config: &aws_config::SdkConfig,
        region: String,
        vpc: &str,
        role: &str,
    ) -> Result<Loaded, Failure> {
        let mut hub = HubVpc::new(role, vpc);
        if let Some(external_id) = &self.hub_external_id {
            hub = hub.external_id(external_id);
        }
        let mut builder = PrivateLink::builder()
            .configure(sdk_config)
            .hub_vpc(hub)
            .policy(Policy::Prefer);
        if let Some(zone) = &self.az {
            builder = builder.zone(zone);
        }
        let handle = builder.build().await.map_err(|e| match &e {
            BuildError::Discovery(discovery) => Failure::Environment(explain(discovery)),
            _ => Failure::Environment(chain(&e)),
        })?;
        let endpoints = handle
            .snapshot()
            .map(|index| index.endpoints().to_vec())
            .unwrap_or_default();
        Ok(Loaded {
            index: EndpointIndex::new(endpoints),
            vpc_id: Some(vpc.to_owned()),
            region: Some(region),
            inside_vpc: false,
            discovered_at: sdk_config.time_source().map(|time| time.now()),
            zone: handle
                .location()
                .and_then(|location| location.zone())
                .map(str::to_owned),
            hub: true,
            gateways: GatewayEndpoints::Ignore,
        })
    }
}

/// One line saying what failed and how to fix it.
fn explain(discovery: &DiscoveryError) -> String {
    match discovery {
        DiscoveryError::NoVpc(_) | DiscoveryError::AmbiguousAddress(_) => {
            format!("{} (or pass --vpc)", chain(discovery))
        }
        // What EC2 said, without the SDK's debug dump of the response.
        DiscoveryError::AccessDenied(e)
        | DiscoveryError::InvalidCredentials(e)
        | DiscoveryError::Throttled(e) => match e.message() {
            Some(message) => format!("{discovery} (EC2 said: {message})"),
            None => discovery.to_string(),
        },
        DiscoveryError::Service(_) => match credentials_error(discovery) {
            Some(CredentialsError::CredentialsNotLoaded(_)) => "no AWS credentials found \
                (tried the environment, profiles, web identity, ECS and instance metadata): \
                configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, …)"
                .into(),
            Some(other) => format!("AWS credentials could not be loaded: {}", chain(other)),
            None if ec2_code(discovery).is_none() => format!(
                "cannot reach EC2 ({}); from a VPC without internet access EC2 needs an interface endpoint with private DNS, or set AWS_ENDPOINT_URL_EC2; or use --from-file",
                chain(discovery)
            ),
            None => chain(discovery),
        },
        _ => chain(discovery),
    }
}

fn ec2_code(error: &DiscoveryError) -> Option<&str> {
    match error {
        DiscoveryError::Service(e) => e.code(),
        _ => None,
    }
}

/// The credentials error somewhere in `error`'s sources (the SDK reports one as a dispatch
/// failure of the EC2 call).
fn credentials_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a CredentialsError> {
    let mut source = error.source();
    while let Some(next) = source {
        if let Some(found) = next.downcast_ref::<CredentialsError>() {
            return Some(found);
        }
        source = next.source();
    }
    None
}
