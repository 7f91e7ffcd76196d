//! `privatelink env`: `AWS_ENDPOINT_URL_<SERVICE>` settings for tools that are not Rust.

use std::io::Write;

use clap::{Args, ValueEnum};
use privatelink::core::{ServiceEndpoint, terraform_provider_version};

use crate::failure::Failure;
use crate::source::SourceArgs;
use crate::ui::Ui;

/// Print `AWS_ENDPOINT_URL_<SERVICE>` settings that send the AWS CLI and the AWS SDKs through
/// the VPC's interface endpoints.
///
/// One line per AWS SDK service that a usable endpoint serves, sorted by variable, named as the
/// SDKs name them (the service id upper-cased, spaces to underscores). S3 gets
/// `https://bucket.<endpoint>` (the SDKs put the bucket in front) and S3 Control
/// `https://control.<endpoint>`. With --az, zonal names of that zone are used. Endpoint labels
/// that no SDK service uses (e.g. `dkr.ecr`, the Docker registry) are noted on stderr.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  0  the settings were printed
  1  no usable interface endpoint serves an AWS SDK service in the region
  2  invalid input (FILE, arguments); endpoints in several regions and no --region
  3  the endpoints could not be discovered (credentials, region, VPC, EC2 access)

Examples:
  eval \"$(privatelink env --vpc vpc-0abc --region us-east-1)\"
  privatelink env --from-file endpoints.json --shell fish | source
  privatelink env --from-file endpoints.json --shell powershell | Invoke-Expression
  privatelink env --from-file endpoints.json --shell dotenv > aws.env   # docker run --env-file aws.env
  privatelink env --from-file endpoints.json --shell aws-config >> ~/.aws/config   # then `services = privatelink` in a profile
  privatelink env --shell terraform > privatelink_override.tf   # the AWS provider's endpoints
  privatelink exec -- terraform init   # the S3 backend reads AWS_ENDPOINT_URL_S3/_DYNAMODB/_STS/_IAM")]
pub(crate) struct EnvArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// The syntax of the lines.
    #[arg(long, value_enum, default_value_t = Shell::Sh)]
    shell: Shell,
}

/// A syntax for setting environment variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Shell {
    /// POSIX sh, bash, zsh: `export NAME='value'`.
    Sh,
    /// fish: `set -gx NAME 'value'`.
    Fish,
    /// PowerShell: `$env:NAME = 'value'`.
    Powershell,
    /// `NAME=value`, unquoted: `docker run --env-file`, systemd `EnvironmentFile=`.
    Dotenv,
    /// A `[services privatelink]` section for `~/.aws/config`; a profile uses it with
    /// `services = privatelink`.
    AwsConfig,
    /// The Terraform AWS provider's `endpoints` block, in a `provider "aws"` block to save as an
    /// override file (`privatelink_override.tf`), which Terraform merges into the configuration's
    /// own provider block. The provider reads no `AWS_ENDPOINT_URL_<SERVICE>`.
    Terraform,
}

/// The name of the `[services …]` section `--shell aws-config` prints.
const SERVICES_SECTION: &str = "privatelink";

impl Shell {
    /// Every setting, in this syntax; services without a setting in it are noted on `stderr`.
    fn render(self, services: &[ServiceEndpoint], stderr: &mut dyn Write) -> String {
        if self == Shell::Terraform {
            return terraform(services, stderr);
        }
        let mut text = String::new();
        if self == Shell::AwsConfig {
            text.push_str(&format!(
                "# Add `services = {SERVICES_SECTION}` to a profile to use these endpoints.\n[services {SERVICES_SECTION}]\n"
            ));
        }
        for line in services.iter().filter_map(|service| self.line(service)) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// One service's line; `None` in Terraform's syntax, which is rendered as a whole.
    fn line(self, service: &ServiceEndpoint) -> Option<String> {
        let (name, value) = (service.env_var(), service.url());
        Some(match self {
            Shell::Sh => format!("export {name}='{}'", value.replace('\'', r"'\''")),
            Shell::Fish => format!(
                "set -gx {name} '{}'",
                value.replace('\\', r"\\").replace('\'', r"\'")
            ),
            Shell::Powershell => format!("$env:{name} = '{}'", value.replace('\'', "''")),
            Shell::Dotenv => format!("{name}={value}"),
            Shell::AwsConfig => format!("{} =\n  endpoint_url = {value}", service.config_key()),
            Shell::Terraform => return None,
        })
    }
}

/// The `provider "aws" { endpoints { … } }` override: one line per service the provider has a
/// key for (its schema's keys, `terraform_endpoint_key`), aligned as `terraform fmt` aligns.
fn terraform(services: &[ServiceEndpoint], stderr: &mut dyn Write) -> String {
    let mut lines: Vec<(&str, &str)> = Vec::new();
    for service in services {
        match service.terraform_key() {
            Some(key) if !lines.iter().any(|(k, _)| *k == key) => lines.push((key, service.url())),
            Some(_) => {}
            None => {
                let _ = writeln!(
                    stderr,
                    "note: the Terraform AWS provider has no endpoint setting for `{}` (it does not manage that service); none for {}",
                    service.service_id(),
                    service.endpoint_id()
                );
            }
        }
    }
    lines.sort_unstable();
    let width = lines.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    let mut text = format!(
        "# The VPC's interface endpoints for the Terraform AWS provider (endpoints keys of\n# hashicorp/aws {}). Save as privatelink_override.tf: Terraform merges it into the\n# configuration's provider \"aws\" block.\nprovider \"aws\" {{\n  endpoints {{\n",
        terraform_provider_version()
    );
    for (key, url) in lines {
        // Endpoint URLs are plain `https://name` (DNS names): nothing to escape in HCL.
        text.push_str(&format!("    {key:<width$} = \"{url}\"\n"));
    }
    text.push_str("  }\n}\n");
    text
}

pub(crate) async fn run(
    args: EnvArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let endpoints = loaded.service_endpoints(loaded.zone.as_deref(), stderr)?;
    let text = args.shell.render(endpoints.services(), stderr);
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Failure::InvalidInput(e.into()))
}
