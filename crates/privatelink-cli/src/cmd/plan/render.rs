//! How a plan is printed: a shell script of `aws ec2 create-vpc-endpoint` commands or Terraform
//! resources, with everything else as `#` comments.

use super::price::ZoneHourPrice;
use super::{Plan, ToCreate};

/// How the plan is printed.
pub(super) struct Render<'a> {
    pub(super) vpc_id: &'a str,
    pub(super) region: &'a str,
    pub(super) subnets: &'a [String],
    pub(super) security_groups: &'a [String],
    pub(super) private_dns: bool,
    pub(super) price: Option<&'a ZoneHourPrice>,
    pub(super) hub: bool,
}

impl Render<'_> {
    /// The `#` lines every format starts with: what is created, what it costs, what stays.
    fn summary(&self, plan: &Plan) -> String {
        let mut out = String::new();
        let zones = self.subnets.len();
        out += &format!(
            "# privatelink plan for {} ({}): {} interface endpoint(s) to create, {} host(s) strict mode would still refuse, {} already served.\n",
            self.vpc_id,
            self.region,
            plan.create.len(),
            plan.cannot.len(),
            plan.served.len()
        );
        if self.hub {
            out += "# A hub VPC: run this with the hub account's credentials.\n";
        }
        if !plan.create.is_empty() {
            out += &format!(
                "# Each in {zones} zone(s), subnets {}.\n",
                self.subnets.join(" ")
            );
            out += &match self.price {
                Some(price) => {
                    let each = price.value * zones as f64;
                    format!(
                        "# Cost: {} {} an hour per endpoint and zone (AWS Price List AmazonVPC {}, {}): {:.4} {} an hour per endpoint, {:.4} {} an hour for all {}, plus each GB processed.\n",
                        price.amount,
                        price.currency,
                        price.published.as_deref().unwrap_or("(no publication date)"),
                        price.usage_type,
                        each,
                        price.currency,
                        each * plan.create.len() as f64,
                        price.currency,
                        plan.create.len()
                    )
                }
                None => "# Cost: an hourly price per endpoint and zone; pass --prices with the AmazonVPC offer file of the region (see --help) to have it here.\n".to_owned(),
            };
        }
        for (host, why) in &plan.cannot {
            out += &format!("# Strict mode would still refuse {host}: {why}.\n");
        }
        out
    }

    pub(super) fn shell(&self, plan: &Plan) -> String {
        let mut out = self.summary(plan);
        for create in &plan.create {
            out += &format!("\n# {}\n", served_hosts(create));
            out += &format!(
                "aws ec2 create-vpc-endpoint --region {} --vpc-id {} --vpc-endpoint-type Interface --service-name {}",
                self.region, self.vpc_id, create.service.service_name
            );
            if let Some(service_region) = &create.service_region {
                out += &format!(" --service-region {service_region}");
            }
            out += &format!(" --subnet-ids {}", self.subnets.join(" "));
            if !self.security_groups.is_empty() {
                out += &format!(" --security-group-ids {}", self.security_groups.join(" "));
            }
            out += match self.private_dns {
                true => " --private-dns-enabled\n",
                false => " --no-private-dns-enabled\n",
            };
        }
        out
    }

    pub(super) fn terraform(&self, plan: &Plan) -> String {
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
            format!("[{}]", quoted.join(", "))
        };
        let mut out = self.summary(plan);
        for create in &plan.create {
            out += &format!("\n# {}\n", served_hosts(create));
            let name: String = create
                .label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let name = match &create.service_region {
                Some(region) => format!("{name}_{}", region.replace('-', "_")),
                None => name,
            };
            out += &format!("resource \"aws_vpc_endpoint\" \"{name}\" {{\n");
            out += &format!("  vpc_id              = \"{}\"\n", self.vpc_id);
            out += &format!(
                "  service_name        = \"{}\"\n",
                create.service.service_name
            );
            if let Some(service_region) = &create.service_region {
                out += &format!("  service_region      = \"{service_region}\"\n");
            }
            out += "  vpc_endpoint_type   = \"Interface\"\n";
            out += &format!("  subnet_ids          = {}\n", list(self.subnets));
            if !self.security_groups.is_empty() {
                out += &format!("  security_group_ids  = {}\n", list(self.security_groups));
            }
            out += &format!("  private_dns_enabled = {}\n}}\n", self.private_dns);
        }
        out
    }
}

/// `sts (com.amazonaws.us-east-1.sts) serves sts.us-east-1.amazonaws.com (3 requests)`.
fn served_hosts(create: &ToCreate) -> String {
    let hosts: Vec<String> = create
        .hosts
        .iter()
        .map(|(host, requests)| match requests {
            0 => host.clone(),
            n => format!("{host} ({n} requests)"),
        })
        .collect();
    format!(
        "{} ({}) serves {}",
        create.label,
        create.service.service_name,
        hosts.join(", ")
    )
}
