//! `privatelink`: see and apply what privatelink does to AWS request URLs.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod doctor;
mod endpoints;
mod env;
mod exec;
mod export;
mod rewrite;
mod source;
mod ui;

/// Exit status when a command's input (file, URL, arguments) is invalid.
const EXIT_INVALID_INPUT: u8 = 2;
/// Exit status when the endpoints could not be discovered (credentials, region, VPC, EC2).
const EXIT_ENVIRONMENT: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "privatelink",
    version,
    about = "Route AWS requests through PrivateLink interface VPC endpoints",
    long_about = "Route AWS requests through PrivateLink interface VPC endpoints.\n\n\
        Every subcommand works from the VPC's endpoints as `aws ec2 describe-vpc-endpoints` \
        prints them."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Colour the output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ui::ColorChoice::Auto)]
    color: ui::ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    Rewrite(rewrite::RewriteArgs),
    Endpoints(endpoints::EndpointsArgs),
    Doctor(doctor::DoctorArgs),
    Env(env::EnvArgs),
    Exec(exec::ExecArgs),
    Export(export::ExportArgs),
}

/// The result of a command: an exit status, or an error to report (with its source chain).
pub(crate) enum Failure {
    /// A problem with the input: printed, exit status 2.
    InvalidInput(Box<dyn Error>),
    /// Discovery failed for a reason the operator fixes in the environment: printed, exit status 3.
    Environment(String),
    /// Not what was asked for (nothing to export, a check failed): printed, exit status 1.
    Unhealthy(String),
    /// Already reported on stderr; exit with this status.
    Reported(u8),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = ui::Ui::new(cli.color);
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    let result = match cli.command {
        Command::Rewrite(args) => rewrite::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Endpoints(args) => endpoints::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Doctor(args) => doctor::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Env(args) => env::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Exec(args) => exec::run(args, ui, &mut stderr).await,
        Command::Export(args) => export::run(args, ui, &mut stdout, &mut stderr).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Reported(code)) => ExitCode::from(code),
        Err(Failure::InvalidInput(error)) => {
            let _ = writeln!(std::io::stderr(), "error: {}", chain(error.as_ref()));
            ExitCode::from(EXIT_INVALID_INPUT)
        }
        Err(Failure::Unhealthy(message)) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Environment(message)) => {
            // One line, even when a source error's text has several.
            let message: Vec<&str> = message.lines().map(str::trim).collect();
            let _ = writeln!(std::io::stderr(), "error: {}", message.join(" "));
            ExitCode::from(EXIT_ENVIRONMENT)
        }
    }
}

/// An error and its sources, `: `-separated.
pub(crate) fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        text.push_str(": ");
        text.push_str(&next.to_string());
        source = next.source();
    }
    text
}
