//! Where a subcommand's endpoint data comes from: a file, or live discovery.

use std::fmt;
use std::io::{self, Read};
use std::path::PathBuf;

use clap::Args;
use privatelink::{
    BuildError, DiscoveryError, EndpointIndex, PrivateLink, index_from_describe_json,
};

use crate::{Failure, chain};

/// The endpoint data options every subcommand shares.
#[derive(Debug, Args)]
pub(crate) struct SourceArgs {
    /// Read the endpoints from this file (the output of `aws ec2 describe-vpc-endpoints` or of
    /// `privatelink export`; `-` reads standard input) instead of calling EC2.
    #[arg(long, value_name = "FILE")]
    from_file: Option<PathBuf>,

    /// The VPC id. Default: PRIVATELINK_VPC_ID, then EC2 instance or ECS task metadata. With
    /// --from-file, keeps only that VPC's endpoints.
    #[arg(long, value_name = "VPC_ID")]
    vpc: Option<String>,

    /// The region. Default: the AWS configuration chain (AWS_REGION, AWS_PROFILE, …).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// Prefer the zonal endpoint names of this availability zone (e.g. us-east-1a). Default:
    /// PRIVATELINK_AZ, then metadata; else regional names.
    #[arg(long, value_name = "AZ")]
    pub(crate) az: Option<String>,
}

/// Endpoint data, and what it is about.
pub(crate) struct Loaded {
    pub(crate) index: EndpointIndex,
    pub(crate) vpc_id: Option<String>,
    pub(crate) region: Option<String>,
}

impl Loaded {
    /// Reports what the index ignored (DNS names outside the endpoint domain, …) on `stderr`.
    pub(crate) fn warn(&self, stderr: &mut dyn std::io::Write) {
        for warning in self.index.warnings() {
            let _ = writeln!(stderr, "warning: {warning}");
        }
    }
}

/// FILE could not be read.
#[derive(Debug)]
struct ReadFileError {
    path: PathBuf,
    error: io::Error,
}

impl fmt::Display for ReadFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for ReadFileError {}

impl SourceArgs {
    /// Reads the file, or discovers the endpoints with the standard AWS configuration.
    pub(crate) async fn load(&self) -> Result<Loaded, Failure> {
        match &self.from_file {
            Some(path) => self.read_file(path),
            None => self.discover().await,
        }
    }

    fn read_file(&self, path: &PathBuf) -> Result<Loaded, Failure> {
        let mut json = String::new();
        let read = if path.as_os_str() == "-" {
            io::stdin().read_to_string(&mut json).map(|_| ())
        } else {
            std::fs::read_to_string(path).map(|text| json = text)
        };
        read.map_err(|error| {
            Failure::InvalidInput(Box::new(ReadFileError {
                path: path.clone(),
                error,
            }))
        })?;
        let mut index = index_from_describe_json(&json).map_err(|e| {
            Failure::InvalidInput(format!("{}: {}", path.display(), chain(&e)).into())
        })?;
        if let Some(vpc) = &self.vpc {
            let kept: Vec<_> = index
                .endpoints()
                .iter()
                .filter(|e| e.vpc_id().is_none_or(|v| v == vpc))
                .cloned()
                .collect();
            index = EndpointIndex::new(kept);
        }
        Ok(Loaded {
            index,
            vpc_id: self.vpc.clone(),
            region: self.region.clone(),
        })
    }

    async fn discover(&self) -> Result<Loaded, Failure> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = &self.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        let sdk_config = loader.load().await;
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
        let mut builder = PrivateLink::builder().configure(&sdk_config);
        if let Some(vpc) = &self.vpc {
            builder = builder.vpc_id(vpc);
        }
        if let Some(zone) = &self.az {
            builder = builder.zone(zone);
        }
        let privatelink = builder
            .build()
            .await
            .map_err(|e| Failure::Environment(explain(&e)))?;
        let index = privatelink
            .snapshot()
            .ok_or_else(|| Failure::Environment("no endpoints were loaded".into()))?;
        Ok(Loaded {
            index: EndpointIndex::clone(&index),
            vpc_id: privatelink.location().map(|l| l.vpc_id().to_owned()),
            region: Some(region),
        })
    }
}

/// One line saying what failed and how to fix it.
fn explain(error: &BuildError) -> String {
    let BuildError::Discovery(discovery) = error else {
        return chain(error);
    };
    let detail = chain(discovery);
    match discovery {
        DiscoveryError::NoVpc(_) => format!("{detail} (or pass --vpc)"),
        DiscoveryError::AccessDenied(_) => detail,
        DiscoveryError::Ec2(_) if detail.to_ascii_lowercase().contains("credential") => {
            format!("{detail}; configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, …)")
        }
        DiscoveryError::Ec2(e) if e.code().is_none() => format!(
            "cannot reach EC2 ({detail}); from a VPC without internet access EC2 needs an interface endpoint with private DNS, or set AWS_ENDPOINT_URL_EC2; or use --from-file"
        ),
        _ => detail,
    }
}
