//! The fleet's promise, asserted on simulated time (`support/fleet.rs`): 10,000 processes on the
//! default settings, each with its own cache, against one account's EC2 token bucket (burst 100,
//! refill 20/s), deployed within the first minute. Whatever happens — a deploy without the
//! permission, a deploy into a drained bucket, an AccessDenied or throttling storm — no 10-minute
//! window after the first minute costs more than half of EC2's refill, and steady state a quarter.
//! A rolling restart is one call per process, which privatelink cannot avoid: it is bounded by
//! how few attempts each process adds.

#[path = "support/fleet.rs"]
mod fleet;

use fleet::{Scenario, simulate};
use privatelink_discovery::CacheConfig;

const PROCESSES: usize = 10_000;

#[test]
fn ten_thousand_processes_stay_within_half_of_ec2s_refill_in_every_scenario() {
    let config = CacheConfig::default();
    let mut failures = Vec::new();
    for scenario in Scenario::ALL {
        let report = simulate(PROCESSES, &config, scenario);
        println!("{report}");
        let bound = match scenario {
            // 10,000 restarts in 10 minutes are 83 % of the refill before any retry.
            Scenario::RollingRestart => None,
            _ => Some(0.50),
        };
        if let Some(bound) = bound
            && report.busiest_window.0 > bound
        {
            failures.push(format!("{report}: over {:.0} %", 100.0 * bound));
        }
        if scenario == Scenario::Steady && report.late_share > 0.25 {
            failures.push(format!("{report}: steady state over 25 %"));
        }
        // The restart: one call per process is 83 % of the refill over its 10 minutes; what
        // privatelink adds on top stays under a fifth of a call per process.
        if scenario == Scenario::RollingRestart && report.busiest_window.0 > 1.0 {
            failures.push(format!("{report}: over 100 % (83 % is the restart itself)"));
        }
        if matches!(scenario, Scenario::Steady | Scenario::RollingRestart)
            && report.all_loaded_at.is_none()
        {
            failures.push(format!("{report}: not every process loaded"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
