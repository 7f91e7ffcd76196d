//! Terminal niceties: progress on stderr and colour on stdout, only for a terminal.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;

/// When to colour output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How output is decorated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ui {
    color: bool,
    progress: bool,
}

impl Ui {
    pub(crate) fn new(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        };
        Ui {
            color,
            progress: std::io::stderr().is_terminal(),
        }
    }

    /// `text` in the colour `sgr` (an ANSI SGR code such as `31` for red) when colour is on.
    pub(crate) fn paint(&self, text: &str, sgr: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Shows `message` on stderr's terminal line until the next call or [`Ui::done`]; nothing
    /// when stderr is not a terminal.
    pub(crate) fn progress(&self, message: &str) {
        if self.progress {
            let mut stderr = std::io::stderr();
            let _ = write!(stderr, "\r\x1b[2K{message}…");
            let _ = stderr.flush();
        }
    }

    /// Clears the progress line.
    pub(crate) fn done(&self) {
        if self.progress {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
