//! `privatelink`: see and apply what privatelink does to AWS request URLs.
//!
//! `main.rs` parses and dispatches; each subcommand lives in `cmd/`, the endpoint data they share
//! in `source.rs`, failures and exit statuses in `failure.rs`, terminal output in `ui.rs`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod failure;
mod source;
mod ui;

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
    Rewrite(cmd::rewrite::RewriteArgs),
    Endpoints(cmd::endpoints::EndpointsArgs),
    Doctor(cmd::doctor::DoctorArgs),
    Env(cmd::env::EnvArgs),
    Exec(cmd::exec::ExecArgs),
    Export(cmd::export::ExportArgs),
    Publish(cmd::publish::PublishArgs),
    Plan(cmd::plan::PlanArgs),
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = ui::Ui::new(cli.color);
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    let result = match cli.command {
        Command::Rewrite(args) => cmd::rewrite::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Endpoints(args) => cmd::endpoints::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Doctor(args) => cmd::doctor::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Env(args) => cmd::env::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Exec(args) => cmd::exec::run(args, ui, &mut stderr).await,
        Command::Export(args) => cmd::export::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Publish(args) => cmd::publish::run(args, ui, &mut stdout, &mut stderr).await,
        Command::Plan(args) => cmd::plan::run(args, ui, &mut stdout, &mut stderr).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(&mut stderr),
    }
}
