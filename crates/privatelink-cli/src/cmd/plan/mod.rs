//! `privatelink plan`: the interface endpoints a VPC still needs before strict mode refuses
//! nothing, as `aws ec2 create-vpc-endpoint` commands or Terraform, with their hourly cost.

mod price;
mod render;

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use privatelink::core::{
    EndpointService, Outcome, Policy, RefusalReason, RewriteConfig, RewriteError, Unchanged,
    parse_describe_vpc_endpoint_services, read_public_hosts, url_host,
};
use privatelink::discovery::Ec2Source;

use crate::failure::{Failure, chain};
use crate::source::{Loaded, SourceArgs};
use crate::ui::Ui;

use price::{MAX_OFFER_BYTES, zone_hour_price};
use render::Render;

/// The most hosts one plan takes (a record holds at most 256).
const MAX_HOSTS: usize = 10_000;
/// The most bytes read of a record or services file.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Print the interface endpoints to create so that strict mode refuses none of these hosts.
///
/// The hosts come from a record a prefer-mode process kept (`PrivateLink::public_hosts()`,
/// written with `to_json()`), from files of hosts or URLs, or from --host. Each is decided
/// again against the VPC's endpoints now: served already, served once an interface endpoint of
/// its service exists (which endpoint service, from EC2's DescribeVpcEndpointServices, never
/// built from a pattern), or not servable by any endpoint (and why).
///
/// The output is a shell script of `aws ec2 create-vpc-endpoint` commands (or Terraform
/// `aws_vpc_endpoint` resources with --format terraform); everything else in it is a `#`
/// comment: the hosts each endpoint serves, the hourly cost, the hosts no endpoint can serve.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  the plan was printed (it may create nothing)
  2  invalid input: an unreadable or malformed record, services or price file, a bad host
  3  the endpoints or endpoint services could not be discovered

Examples:
  privatelink plan --vpc vpc-0abc --record public-hosts.json > create-endpoints.sh
  privatelink plan --host sts.us-east-1.amazonaws.com --host https://sqs.us-east-1.amazonaws.com/ \\
      --subnet-id subnet-0a --subnet-id subnet-0b --prices us-east-1-vpc-offer.json
  privatelink plan --record public-hosts.json --format terraform > endpoints.tf

AWS's published price (the AmazonVPC offer file of a region): its URL is the region's
`currentVersionUrl` in https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/region_index.json")]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// A record of public hosts (the JSON of `PublicHostsReport::to_json`), or a text file of
    /// hosts or URLs, one per line (`#` starts a comment); `-` reads standard input. Repeatable.
    #[arg(long, value_name = "FILE")]
    record: Vec<PathBuf>,

    /// A host or URL to plan for. Repeatable.
    #[arg(long, value_name = "HOST")]
    host: Vec<String>,

    /// A subnet for the new endpoints, one per zone. Repeatable. Default: the subnets every
    /// interface endpoint of the VPC has, when they all have the same.
    #[arg(long = "subnet-id", value_name = "SUBNET_ID")]
    subnet_ids: Vec<String>,

    /// A security group for the new endpoints. Repeatable. Default: none given, so EC2 uses the
    /// VPC's default security group.
    #[arg(long = "security-group-id", value_name = "GROUP_ID")]
    security_group_ids: Vec<String>,

    /// Create the endpoints with private DNS on (the VPC needs DNS hostnames and DNS support),
    /// so tools without privatelink reach them by the default names too. Default: off;
    /// privatelink does not need it.
    #[arg(long)]
    private_dns: bool,

    /// Read the endpoint services from this file (the output of `aws ec2
    /// describe-vpc-endpoint-services`) instead of calling EC2. Repeatable: one per service
    /// region for cross-region hosts.
    #[arg(long, value_name = "FILE")]
    services_from_file: Vec<PathBuf>,

    /// AWS's published price: the AmazonVPC offer file of the VPC's region (AWS Price List),
    /// for the hourly cost. Default: none, and the plan says how to get it.
    #[arg(long, value_name = "FILE")]
    prices: Option<PathBuf>,

    /// What to print: `shell` (aws ec2 create-vpc-endpoint commands) or `terraform`
    /// (aws_vpc_endpoint resources).
    #[arg(long, value_enum, default_value = "shell")]
    format: Format,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Shell,
    Terraform,
}

/// One host to plan for, with the requests the records counted.
#[derive(Debug)]
struct Wanted {
    host: String,
    url: String,
    requests: u64,
}

/// An endpoint to create.
#[derive(Debug)]
struct ToCreate {
    label: String,
    service: EndpointService,
    /// The service's region when it is not the VPC's (a cross-region endpoint).
    service_region: Option<String>,
    hosts: Vec<(String, u64)>,
}

/// What the plan found.
#[derive(Debug, Default)]
struct Plan {
    create: Vec<ToCreate>,
    /// Hosts no endpoint to create serves, and why.
    cannot: Vec<(String, String)>,
    served: Vec<String>,
}

pub(crate) async fn run(
    args: PlanArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let invalid = |e: Box<dyn std::error::Error>| Failure::InvalidInput(e);
    let wanted = wanted_hosts(&args.record, &args.host)?;
    if wanted.is_empty() {
        return Err(invalid(
            "no hosts to plan for: pass --record FILE or --host HOST".into(),
        ));
    }
    let price = match &args.prices {
        Some(path) => Some(read_limited(path, MAX_OFFER_BYTES)?),
        None => None,
    };
    let loaded = args.source.load(ui, stderr).await?;
    let region = loaded.region()?;
    // The VPC: --vpc, the discovered one, or the one every endpoint of the file names.
    let mut named = loaded.index.endpoints().iter().map(|e| e.vpc_id());
    let only = named
        .next()
        .flatten()
        .filter(|first| named.all(|v| v == Some(*first)));
    let Some(vpc_id) = loaded.vpc_id.clone().or(only.map(str::to_owned)) else {
        return Err(invalid(
            "the endpoints name no single VPC: pass --vpc".into(),
        ));
    };
    let price = price
        .map(|offer| zone_hour_price(&offer, &region))
        .transpose()
        .map_err(|e| invalid(e.into()))?;
    let decided = decide(&loaded, &region, &wanted)?;
    let services = services(&args, &loaded, &region, &decided).await?;
    let plan = plan(decided, &services, &region);
    let subnets = match plan.create.is_empty() {
        true => Vec::new(),
        false => subnets(&args.subnet_ids, &loaded)?,
    };
    // Every word the script carries that came from input or a peer is one plain token: a
    // printed script runs no command it was not meant to.
    let words = [("VPC id", vpc_id.as_str()), ("region", region.as_str())]
        .into_iter()
        .chain(subnets.iter().map(|s| ("subnet id", s.as_str())))
        .chain(
            args.security_group_ids
                .iter()
                .map(|s| ("security group id", s.as_str())),
        )
        .chain(plan.create.iter().flat_map(|c| {
            [("service name", c.service.service_name.as_str())]
                .into_iter()
                .chain(c.service_region.as_deref().map(|r| ("service region", r)))
        }));
    for (what, word) in words {
        if word.is_empty()
            || !word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-_:".contains(&b))
        {
            return Err(invalid(
                format!("{what} `{word}` is not a plain AWS identifier").into(),
            ));
        }
    }

    let out = Render {
        vpc_id: &vpc_id,
        region: &region,
        subnets: &subnets,
        security_groups: &args.security_group_ids,
        private_dns: args.private_dns,
        price: price.as_ref(),
        hub: loaded.hub,
    };
    let text = match args.format {
        Format::Shell => out.shell(&plan),
        Format::Terraform => out.terraform(&plan),
    };
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| invalid(e.into()))
}

/// The hosts of the records and --host, once each (requests summed), in order of first mention.
fn wanted_hosts(records: &[PathBuf], hosts: &[String]) -> Result<Vec<Wanted>, Failure> {
    let mut wanted: Vec<Wanted> = Vec::new();
    // Where each host is in `wanted`: a host named again adds its requests.
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut add = |text: &str, requests: u64, whence: &dyn Fn() -> String| {
        let text = text.trim();
        // A bare host is decided as `https://<host>/`; a URL as given.
        let url = match text.contains("://") {
            true => text.to_owned(),
            false => format!("https://{text}/"),
        };
        let host = url_host(&url)
            .map_err(|e| {
                Failure::InvalidInput(
                    format!(
                        "{}: `{text}` is not a host or URL ({})",
                        whence(),
                        chain(&e)
                    )
                    .into(),
                )
            })?
            .to_ascii_lowercase();
        match position.get(&host) {
            Some(&known) => {
                let known = &mut wanted[known];
                known.requests = known.requests.saturating_add(requests);
            }
            None if wanted.len() >= MAX_HOSTS => {
                return Err(Failure::InvalidInput(
                    format!("more than {MAX_HOSTS} hosts").into(),
                ));
            }
            None => {
                position.insert(host.clone(), wanted.len());
                wanted.push(Wanted {
                    host,
                    url,
                    requests,
                });
            }
        }
        Ok(())
    };
    for path in records {
        let text = read_limited(path, MAX_INPUT_BYTES)?;
        if text.trim_start().starts_with('{') {
            let (recorded, _) = read_public_hosts(&text).map_err(|e| {
                Failure::InvalidInput(format!("{}: {}", path.display(), chain(&e)).into())
            })?;
            for host in recorded {
                add(&host.host, host.requests, &|| path.display().to_string())?;
            }
            continue;
        }
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if !line.is_empty() {
                add(line, 0, &|| {
                    format!("{} line {}", path.display(), number + 1)
                })?;
            }
        }
    }
    for host in hosts {
        add(host, 0, &|| "--host".to_owned())?;
    }
    Ok(wanted)
}

/// Reads `path` (`-`: standard input), at most `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> Result<String, Failure> {
    let failed = |why: String| Failure::InvalidInput(format!("{}: {why}", path.display()).into());
    let mut text = String::new();
    let read = match path.as_os_str() == "-" {
        true => std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_string(&mut text),
        false => std::fs::File::open(path)
            .and_then(|file| file.take(limit + 1).read_to_string(&mut text)),
    };
    read.map_err(|e| failed(e.to_string()))?;
    if text.len() as u64 > limit {
        return Err(failed(format!("larger than {limit} bytes")));
    }
    Ok(text)
}

/// The subnets for new endpoints: the given ones, or those every interface endpoint of the VPC
/// has (when they all have the same set).
fn subnets(given: &[String], loaded: &Loaded) -> Result<Vec<String>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let mut sets = loaded
        .index
        .endpoints()
        .iter()
        .filter(|e| e.is_usable() && !e.subnet_ids().is_empty())
        .map(|e| {
            let mut set = e.subnet_ids().to_vec();
            set.sort();
            set
        });
    let first = sets.next();
    match first {
        Some(first) if sets.all(|set| set == first) && !loaded.hub => Ok(first),
        _ => Err(Failure::InvalidInput(
            "pass --subnet-id (one per zone): the VPC's interface endpoints do not share one set of subnets to reuse"
                .into(),
        )),
    }
}

/// A host decided against the VPC's endpoints now.
#[derive(Debug)]
enum Decided {
    Served,
    /// No endpoint of `label` in `region`: one can be created.
    Missing {
        label: String,
        region: String,
    },
    Cannot(String),
}

fn decide(
    loaded: &Loaded,
    region: &str,
    wanted: &[Wanted],
) -> Result<Vec<(String, u64, Decided)>, Failure> {
    let config = |policy: Policy| {
        let mut builder = RewriteConfig::builder().policy(policy);
        builder.set_region(Some(region.to_owned()));
        builder.set_zone(loaded.zone.clone());
        builder
            .gateway_endpoints(loaded.uses_gateways(policy))
            .build()
            .map_err(|e| Failure::InvalidInput(e.into()))
    };
    let (prefer, strict) = (config(Policy::Prefer)?, config(Policy::Strict)?);
    let index = Some(&loaded.index);
    let mut decided = Vec::with_capacity(wanted.len());
    for want in wanted {
        let invalid = |e: &dyn std::error::Error| {
            Failure::InvalidInput(format!("{}: {}", want.host, e).into())
        };
        let verdict = match prefer.rewrite_url(index, &want.url) {
            // Prefer refuses nothing: an error is the URL's.
            Err(e) => return Err(invalid(&e)),
            Ok(Outcome::Unchanged(Unchanged::NotMapped {
                service,
                reason: RefusalReason::NoEndpoint { region },
            })) => Decided::Missing {
                label: service,
                region,
            },
            Ok(Outcome::Unchanged(Unchanged::NotMapped { reason, .. })) => {
                Decided::Cannot(reason.to_string())
            }
            Ok(_) => match strict.rewrite_url(index, &want.url) {
                Err(RewriteError::Refused(refused)) => {
                    Decided::Cannot(refused.reason().to_string())
                }
                Err(e) => return Err(invalid(&e)),
                Ok(_) => Decided::Served,
            },
        };
        decided.push((want.host.clone(), want.requests, verdict));
    }
    Ok(decided)
}

/// The endpoint services of the regions missing endpoints: from --services-from-file, or from
/// EC2 (the VPC's region, and each other region through `ServiceRegions`).
async fn services(
    args: &PlanArgs,
    loaded: &Loaded,
    region: &str,
    decided: &[(String, u64, Decided)],
) -> Result<Vec<EndpointService>, Failure> {
    let mut regions: Vec<&str> = decided
        .iter()
        .filter_map(|(_, _, d)| match d {
            Decided::Missing { region, .. } => Some(region.as_str()),
            _ => None,
        })
        .collect();
    regions.sort_unstable();
    regions.dedup();
    if regions.is_empty() {
        return Ok(Vec::new());
    }
    if !args.services_from_file.is_empty() {
        let mut services = Vec::new();
        for path in &args.services_from_file {
            let text = read_limited(path, MAX_INPUT_BYTES)?;
            services.extend(parse_describe_vpc_endpoint_services(&text).map_err(|e| {
                Failure::InvalidInput(format!("{}: {}", path.display(), chain(&e)).into())
            })?);
        }
        return Ok(services);
    }
    if loaded.hub {
        return Err(Failure::InvalidInput(
            "a hub VPC's endpoint services are its account's: pass --services-from-file (aws ec2 describe-vpc-endpoint-services, run in the hub account)".into(),
        ));
    }
    let sdk_config = args.source.sdk_config().await;
    let ec2 = Ec2Source::new(&sdk_config);
    let mut services = Vec::new();
    for service_region in regions {
        let other = (service_region != region).then_some(service_region);
        let found = ec2.describe_endpoint_services(other).await.map_err(|e| {
            Failure::Environment(format!(
                "{} (or pass --services-from-file: the output of `aws ec2 describe-vpc-endpoint-services`)",
                chain(&e)
            ))
        })?;
        services.extend(found);
    }
    Ok(services)
}

fn plan(decided: Vec<(String, u64, Decided)>, services: &[EndpointService], region: &str) -> Plan {
    let mut plan = Plan::default();
    let mut missing: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for (host, requests, verdict) in decided {
        match verdict {
            Decided::Served => plan.served.push(host),
            Decided::Cannot(why) => plan.cannot.push((host, why)),
            Decided::Missing { label, region } => {
                missing
                    .entry((label, region))
                    .or_default()
                    .push((host, requests));
            }
        }
    }
    for ((label, service_region), hosts) in missing {
        let mut serving: Vec<&EndpointService> = services
            .iter()
            .filter(|s| s.serves(&label, &service_region))
            .collect();
        serving.sort_by(|a, b| a.service_name.cmp(&b.service_name));
        match serving.first() {
            Some(service) => plan.create.push(ToCreate {
                label,
                service: (*service).clone(),
                service_region: (service_region != region).then_some(service_region),
                hosts,
            }),
            None => {
                for (host, _) in hosts {
                    plan.cannot.push((
                        host,
                        format!(
                            "no interface endpoint service of AWS serves `{label}` in {service_region} (DescribeVpcEndpointServices lists none)"
                        ),
                    ));
                }
            }
        }
    }
    plan
}
