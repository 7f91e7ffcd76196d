//! `privatelink env`: `AWS_ENDPOINT_URL_<SERVICE>` settings for tools that are not Rust.

use std::io::Write;

use clap::{Args, ValueEnum};
use privatelink::core::ServiceEndpoint;

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
  privatelink env --from-file endpoints.json --shell aws-config >> ~/.aws/config   # then `services = privatelink` in a profile")]
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
}

/// The name of the `[services …]` section `--shell aws-config` prints.
const SERVICES_SECTION: &str = "privatelink";

impl Shell {
    /// Every setting, in this syntax.
    fn render(self, services: &[ServiceEndpoint]) -> String {
        let mut text = String::new();
        if self == Shell::AwsConfig {
            text.push_str(&format!(
                "# Add `services = {SERVICES_SECTION}` to a profile to use these endpoints.\n[services {SERVICES_SECTION}]\n"
            ));
        }
        for service in services {
            text.push_str(&self.line(service));
            text.push('\n');
        }
        text
    }

    fn line(self, service: &ServiceEndpoint) -> String {
        let (name, value) = (service.env_var(), service.url());
        match self {
            Shell::Sh => format!("export {name}='{}'", value.replace('\'', r"'\''")),
            Shell::Fish => format!(
                "set -gx {name} '{}'",
                value.replace('\\', r"\\").replace('\'', r"\'")
            ),
            Shell::Powershell => format!("$env:{name} = '{}'", value.replace('\'', "''")),
            Shell::Dotenv => format!("{name}={value}"),
            Shell::AwsConfig => format!("{} =\n  endpoint_url = {value}", service.config_key()),
        }
    }
}

pub(crate) async fn run(
    args: EnvArgs,
    ui: Ui,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let endpoints = loaded.service_endpoints(loaded.zone.as_deref(), stderr)?;
    let text = args.shell.render(endpoints.services());
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Failure::InvalidInput(e.into()))
}
