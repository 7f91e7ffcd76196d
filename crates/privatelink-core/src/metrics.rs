//! The request counter, through the [`metrics`] facade (no exporter is chosen here; without a
//! recorder installed, counting costs an atomic load): `privatelink_requests_total`, labelled
//! `mode` (`rewrite`, `dial`), `outcome` (`rewritten`, `unchanged`, `refused`, `invalid`) and,
//! for `unchanged`, `reason` ([`UnchangedReason::as_str`]). Every label is a literal: counting
//! allocates nothing. The [`Router`](crate::Router) counts each decision it makes.

use crate::error::RewriteError;
use crate::outcome::{Routed, UnchangedReason};

/// Which mode decided: the `mode` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The interceptor (a request's host was, or was not, rewritten).
    Rewrite,
    /// Dial mode's resolver (a connection's addresses were, or were not, the endpoint's).
    Dial,
}

/// One increment of `privatelink_requests_total` with literal labels (a static key).
macro_rules! requests {
    ($mode:literal $(, $label:literal => $value:literal)*) => {
        ::metrics::counter!(
            "privatelink_requests_total",
            "mode" => $mode $(, $label => $value)*
        )
        .increment(1)
    };
}

/// [`count`] for one literal mode.
macro_rules! count_in {
    ($mode:literal, $routed:expr) => {
        match $routed {
            Ok(Routed::Rewritten { .. }) => requests!($mode, "outcome" => "rewritten"),
            Err(RewriteError::Refused(_)) => requests!($mode, "outcome" => "refused"),
            Err(_) => requests!($mode, "outcome" => "invalid"),
            Ok(Routed::Unchanged(reason)) => match reason {
                UnchangedReason::PolicyOff => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "policy_off")
                }
                UnchangedReason::NotAwsHost => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "not_aws_host")
                }
                UnchangedReason::AlreadyEndpoint => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "already_endpoint")
                }
                UnchangedReason::OutOfScope => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "out_of_scope")
                }
                UnchangedReason::PrivateDns => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "private_dns")
                }
                UnchangedReason::Gateway => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "gateway")
                }
                UnchangedReason::NotMapped => {
                    requests!($mode, "outcome" => "unchanged", "reason" => "not_mapped")
                }
            },
        }
    };
}

/// Counts one decision in `privatelink_requests_total`.
pub(crate) fn count(mode: Mode, routed: &Result<Routed, RewriteError>) {
    match mode {
        Mode::Rewrite => count_in!("rewrite", routed),
        Mode::Dial => count_in!("dial", routed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_util::debugging::DebuggingRecorder;

    /// Every reason's `reason` label is its [`UnchangedReason::as_str`] (the documented name).
    #[test]
    fn each_reason_is_labelled_by_its_name() {
        use UnchangedReason as R;
        let all = [
            R::PolicyOff,
            R::NotAwsHost,
            R::AlreadyEndpoint,
            R::OutOfScope,
            R::PrivateDns,
            R::Gateway,
            R::NotMapped,
        ];
        // A new reason must join the list above: this match has no wildcard.
        for reason in all {
            match reason {
                R::PolicyOff
                | R::NotAwsHost
                | R::AlreadyEndpoint
                | R::OutOfScope
                | R::PrivateDns
                | R::Gateway
                | R::NotMapped => {}
            }
        }
        for mode in [Mode::Rewrite, Mode::Dial] {
            for reason in all {
                let recorder = DebuggingRecorder::new();
                let snapshotter = recorder.snapshotter();
                ::metrics::with_local_recorder(&recorder, || {
                    count(mode, &Ok(Routed::Unchanged(reason)))
                });
                let recorded = snapshotter.snapshot().into_vec();
                assert_eq!(recorded.len(), 1);
                let (key, ..) = &recorded[0];
                let labels: Vec<(String, String)> = key
                    .key()
                    .labels()
                    .map(|l| (l.key().to_owned(), l.value().to_owned()))
                    .collect();
                let mode = match mode {
                    Mode::Rewrite => "rewrite",
                    Mode::Dial => "dial",
                };
                assert_eq!(
                    labels,
                    [
                        ("mode".to_owned(), mode.to_owned()),
                        ("outcome".to_owned(), "unchanged".to_owned()),
                        ("reason".to_owned(), reason.as_str().to_owned()),
                    ]
                );
            }
        }
    }
}
