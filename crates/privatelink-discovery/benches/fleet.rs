//! Fleet simulation under controlled time (`tests/support/fleet.rs`, whose bounds
//! `tests/fleet.rs` asserts in every `cargo test`): prints each scenario's figures for 1,000 and
//! 10,000 processes on the default settings, then `value:` lines for BENCHMARKS.md.
//!
//! `cargo bench --workspace --bench fleet --profile dev` (a debug build gives the same counts)

#[path = "../tests/support/fleet.rs"]
mod fleet;

use fleet::{Scenario, simulate};
use privatelink_discovery::CacheConfig;

fn main() {
    let defaults = CacheConfig::default();
    let mut values = Vec::new();
    for scenario in Scenario::ALL {
        for processes in [1_000, 10_000] {
            let report = simulate(processes, &defaults, scenario);
            println!("{report}");
            if processes == 10_000 {
                values.push(report);
            }
        }
    }
    for scenario in fleet::SharedScenario::ALL {
        for processes in [10_000, 100_000] {
            println!("{}", fleet::simulate_shared(processes, &defaults, scenario));
        }
    }
    for report in values {
        println!(
            "value: {:.1} % ({}, 10,000 processes, default settings: the busiest 10 minutes after \
             the first minute / the refill)",
            100.0 * report.busiest_window.0,
            report.scenario.name()
        );
    }
}
