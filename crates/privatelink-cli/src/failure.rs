//! How a command fails: [`Failure`], the error-chain printer, and every exit status the
//! `privatelink` command uses.

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;

use privatelink::core::ErrorChain;

/// Exit status when `rewrite --strict` refused a URL.
pub(crate) const EXIT_REFUSED: u8 = 1;
/// Exit status when a `doctor` check failed, or no usable endpoint gives a setting.
pub(crate) const EXIT_UNHEALTHY: u8 = 1;
/// Exit status when a command's input (file, URL, arguments) is invalid.
pub(crate) const EXIT_INVALID_INPUT: u8 = 2;
/// Exit status when the endpoints could not be discovered (credentials, region, VPC, EC2).
pub(crate) const EXIT_ENVIRONMENT: u8 = 3;
/// Exit status of `exec` when CMD exists but cannot be run (as shells do).
pub(crate) const EXIT_CANNOT_EXECUTE: u8 = 126;
/// Exit status of `exec` when CMD is not found (as shells do).
pub(crate) const EXIT_NOT_FOUND: u8 = 127;

/// The result of a command: an exit status, or an error to report (with its source chain).
#[derive(Debug)]
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

impl Failure {
    /// Prints the failure on `stderr` (one line) and gives the exit status.
    pub(crate) fn report(self, stderr: &mut dyn Write) -> ExitCode {
        let (code, message) = match self {
            Failure::Reported(code) => return ExitCode::from(code),
            Failure::InvalidInput(error) => (EXIT_INVALID_INPUT, chain(error.as_ref())),
            Failure::Unhealthy(message) => (EXIT_UNHEALTHY, message),
            Failure::Environment(message) => {
                // One line, even when a source error's text has several.
                let lines: Vec<&str> = message.lines().map(str::trim).collect();
                (EXIT_ENVIRONMENT, lines.join(" "))
            }
        };
        let _ = writeln!(stderr, "error: {message}");
        ExitCode::from(code)
    }
}

/// An error and its sources, `: `-separated on one line, with runs that could be secrets
/// redacted ([`ErrorChain`]).
pub(crate) fn chain(error: &(dyn Error + 'static)) -> String {
    ErrorChain(error).to_string()
}
