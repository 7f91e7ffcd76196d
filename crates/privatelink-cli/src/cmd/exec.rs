//! `privatelink exec`: run a command with the `AWS_ENDPOINT_URL_<SERVICE>` settings.

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::Command;

use clap::Args;

use crate::failure::{EXIT_CANNOT_EXECUTE, EXIT_NOT_FOUND, Failure};
use crate::source::SourceArgs;
use crate::ui::Ui;

/// Run a command with `AWS_ENDPOINT_URL_<SERVICE>` set for every service the VPC's interface
/// endpoints serve (the settings `privatelink env` prints), so the AWS CLI and the AWS SDKs it
/// starts go through the endpoints.
///
/// The settings replace variables of the same name in the environment; everything else is passed
/// on unchanged. The command's exit status is privatelink's (on Unix the command replaces the
/// privatelink process, so signals reach it directly).
#[derive(Debug, Args)]
#[command(after_long_help = "\
Exit status:
  the command's own, once it runs
  1    no usable interface endpoint serves an AWS SDK service in the region
  2    invalid input (FILE, arguments)
  3    the endpoints could not be discovered (credentials, region, VPC, EC2 access)
  126  the command cannot be run; 127  the command was not found

Examples:
  privatelink exec --vpc vpc-0abc --region us-east-1 -- aws s3 ls s3://my-bucket/
  privatelink exec --from-file endpoints.json --az us-east-1a -- python3 job.py --verbose")]
pub(crate) struct ExecArgs {
    #[command(flatten)]
    source: SourceArgs,

    /// The command and its arguments (put `--` before them when they start with `-`).
    #[arg(value_name = "CMD", required = true, num_args = 1.., trailing_var_arg = true)]
    command: Vec<OsString>,
}

pub(crate) async fn run(args: ExecArgs, ui: Ui, stderr: &mut dyn Write) -> Result<(), Failure> {
    let loaded = args.source.load(ui, stderr).await?;
    let endpoints = loaded.service_endpoints(loaded.zone.as_deref(), stderr)?;
    if std::env::var_os("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        let _ = writeln!(
            stderr,
            "warning: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: the AWS SDKs and CLI ignore the endpoint settings"
        );
    }
    let (program, arguments) = args
        .command
        .split_first()
        .expect("clap requires at least one value");
    let mut command = Command::new(program);
    command
        .args(arguments)
        .envs(endpoints.services().iter().map(|s| (s.env_var(), s.url())));
    let mut cannot_run = |error: io::Error| {
        let _ = writeln!(
            stderr,
            "error: cannot run {}: {error}",
            program.to_string_lossy()
        );
        Failure::Reported(match error.kind() {
            io::ErrorKind::NotFound => EXIT_NOT_FOUND,
            _ => EXIT_CANNOT_EXECUTE,
        })
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Returns only when the command could not be started.
        Err(cannot_run(command.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(cannot_run)?;
        match status.code() {
            Some(0) => Ok(()),
            Some(code) => Err(Failure::Reported(u8::try_from(code).unwrap_or(1))),
            None => Err(Failure::Reported(1)),
        }
    }
}
