//! One module per subcommand: its arguments (with `--help` text) and its `run`.

pub(crate) mod doctor;
pub(crate) mod endpoints;
pub(crate) mod env;
pub(crate) mod exec;
pub(crate) mod export;
pub(crate) mod plan;
pub(crate) mod publish;
pub(crate) mod rewrite;
