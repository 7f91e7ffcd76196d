//! Fleet simulation under controlled time: N processes, each with its own [`EndpointCache`] (the
//! real one: TTL with jitter, refresh ahead, failure backoff by class, stale on error), all
//! calling one account's DescribeVpcEndpoints, which EC2 throttles with a token bucket (burst 100,
//! refill 20/s, as EC2's non-mutating actions). Every SDK attempt is counted: the SDK's standard
//! retry mode makes up to 3 attempts on throttling, 1 on access denied. Processes start uniformly
//! over a 5-minute deploy; six simulated hours run in well under a minute per scenario (Tokio's
//! paused clock jumps to the next timer).
//!
//! Scenarios, each over the hour it concerns, as a share of EC2's refill rate:
//! - steady state (from one TTL after the deploy to the end);
//! - an AccessDenied storm: the fleet's permission is removed for one hour (hour 2 to 3);
//! - a throttling storm: another client drains the account's bucket for one hour, so every
//!   attempt of the fleet is throttled;
//! - a rolling restart: every process restarts (a new cache, a cold load) over 10 minutes.
//!
//! Targets (10,000 processes): ≤ 25 % in steady state and in the AccessDenied storm, ≤ 50 %
//! while throttled. Prints one line per scenario and fleet size, then `value:` lines.
//!
//! `cargo bench --workspace --bench fleet --profile dev` (a debug build gives the same counts)

use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use privatelink_core::{DnsEntry, EndpointState, EndpointType, VpcEndpoint};
use privatelink_discovery::{
    CacheConfig, DescribeEndpoints, DiscoveryError, Ec2Error, EndpointCache, EndpointsFuture,
};

const BURST: f64 = 100.0;
const REFILL_PER_SECOND: f64 = 20.0;
const DEPLOY_WINDOW: Duration = Duration::from_secs(5 * 60);
const SIMULATED: Duration = Duration::from_secs(6 * 60 * 60);
/// Storms and the restart start here, once the fleet is in steady state.
const EVENT_AT: Duration = Duration::from_secs(2 * 60 * 60);
const STORM: Duration = Duration::from_secs(60 * 60);
const RESTART_WINDOW: Duration = Duration::from_secs(10 * 60);
/// The SDK's standard retry mode: attempts per call on a retryable (throttling) error.
const SDK_ATTEMPTS: usize = 3;

/// Simulated wall time: a fixed epoch plus Tokio's (paused) clock.
#[derive(Debug, Clone)]
struct PausedClock {
    start: tokio::time::Instant,
}

const EPOCH: SystemTime = UNIX_EPOCH;

impl TimeSource for PausedClock {
    fn now(&self) -> SystemTime {
        EPOCH + self.start.elapsed()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    Steady,
    AccessDeniedStorm,
    ThrottlingStorm,
    RollingRestart,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Steady => "steady state",
            Scenario::AccessDeniedStorm => "AccessDenied storm (1 h)",
            Scenario::ThrottlingStorm => "throttling storm (1 h)",
            Scenario::RollingRestart => "rolling restart (10 min)",
        }
    }

    /// The window the scenario is judged over, in seconds since the start.
    fn window(self, ttl: Duration) -> (f64, f64) {
        let event = EVENT_AT.as_secs_f64();
        match self {
            Scenario::Steady => ((DEPLOY_WINDOW + ttl).as_secs_f64(), SIMULATED.as_secs_f64()),
            Scenario::AccessDeniedStorm | Scenario::ThrottlingStorm => {
                (event, event + STORM.as_secs_f64())
            }
            Scenario::RollingRestart => (event, event + RESTART_WINDOW.as_secs_f64()),
        }
    }

    fn in_storm(self, at: f64) -> bool {
        let event = EVENT_AT.as_secs_f64();
        matches!(
            self,
            Scenario::AccessDeniedStorm | Scenario::ThrottlingStorm
        ) && (event..event + STORM.as_secs_f64()).contains(&at)
    }
}

#[derive(Debug)]
struct Account {
    tokens: f64,
    last: SystemTime,
    /// Every SDK attempt: (seconds since start, process, accepted).
    calls: Vec<(f64, usize, bool)>,
}

#[derive(Debug)]
struct Throttled;

impl fmt::Display for Throttled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rate exceeded")
    }
}

impl Error for Throttled {}

/// One process's view of EC2.
#[derive(Clone, Debug)]
struct FleetSource {
    process: usize,
    account: Arc<Mutex<Account>>,
    clock: PausedClock,
    endpoints: Arc<Vec<VpcEndpoint>>,
    scenario: Scenario,
}

impl DescribeEndpoints for FleetSource {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        let now = self.clock.now();
        let at = now.duration_since(EPOCH).unwrap().as_secs_f64();
        let storm = self.scenario.in_storm(at);
        let mut account = self.account.lock().unwrap();
        let elapsed = now.duration_since(account.last).unwrap_or_default();
        account.tokens = (account.tokens + elapsed.as_secs_f64() * REFILL_PER_SECOND).min(BURST);
        account.last = now;
        if storm && self.scenario == Scenario::ThrottlingStorm {
            // Another client holds the bucket empty.
            account.tokens = 0.0;
        }
        // The SDK's attempts happen within a few seconds; counted at the call's instant.
        let mut result = None;
        for _ in 0..SDK_ATTEMPTS {
            let accepted = account.tokens >= 1.0;
            if accepted {
                account.tokens -= 1.0;
            }
            account.calls.push((at, self.process, accepted));
            if accepted && storm && self.scenario == Scenario::AccessDeniedStorm {
                // Not retried by the SDK.
                result = Some(Err(DiscoveryError::AccessDenied(Ec2Error::new(
                    Some("UnauthorizedOperation".into()),
                    Denied,
                ))));
                break;
            }
            if accepted {
                result = Some(Ok(self.endpoints.as_ref().clone()));
                break;
            }
        }
        let result = result.unwrap_or_else(|| {
            Err(DiscoveryError::Throttled(Ec2Error::new(
                Some("RequestLimitExceeded".into()),
                Throttled,
            )))
        });
        Box::pin(async move { result })
    }
}

#[derive(Debug)]
struct Denied;

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("You are not authorized to perform this operation")
    }
}

impl Error for Denied {}

fn endpoints() -> Vec<VpcEndpoint> {
    ["ec2", "sts", "logs", "ssm", "kms"]
        .iter()
        .enumerate()
        .map(|(n, label)| {
            let id = format!("vpce-0{n:016x}");
            VpcEndpoint::builder()
                .id(&id)
                .endpoint_type(EndpointType::Interface)
                .service_name(format!("com.amazonaws.us-east-1.{label}"))
                .state(EndpointState::Available)
                .dns_entry(DnsEntry::new(
                    format!("{id}-abcdefgh.{label}.us-east-1.vpce.amazonaws.com"),
                    None,
                ))
                .build()
                .unwrap()
        })
        .collect()
}

struct Report {
    /// Mean attempts per second over the scenario's window.
    mean_rate: f64,
    /// The busiest second of the window.
    peak: usize,
    /// The share of the window's attempts that were throttled.
    throttled_share: f64,
    /// Attempts per process over the window.
    per_process: f64,
}

const VPC: &str = "vpc-0fleet";

fn simulate(processes: usize, config: &CacheConfig, scenario: Scenario) -> Report {
    fastrand::seed(7);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let config = config.clone();
    runtime.block_on(async move {
        let clock = PausedClock {
            start: tokio::time::Instant::now(),
        };
        let account = Arc::new(Mutex::new(Account {
            tokens: BURST,
            last: EPOCH,
            calls: Vec::new(),
        }));
        let endpoints = Arc::new(endpoints());
        let new_cache = {
            let (account, clock, endpoints, config) = (
                account.clone(),
                clock.clone(),
                endpoints.clone(),
                config.clone(),
            );
            move |process: usize| {
                EndpointCache::builder()
                    .source(FleetSource {
                        process,
                        account: account.clone(),
                        clock: clock.clone(),
                        endpoints: endpoints.clone(),
                        scenario,
                    })
                    .config(config.clone())
                    .time_source(SharedTimeSource::new(clock.clone()))
                    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
                    .build()
                    .unwrap()
            }
        };
        // The live process of each slot; replacing one drops the old cache and its refresher.
        let fleet: Arc<Mutex<Vec<Option<EndpointCache>>>> =
            Arc::new(Mutex::new((0..processes).map(|_| None).collect()));
        let begin = tokio::time::Instant::now();
        for process in 0..processes {
            let start = DEPLOY_WINDOW.mul_f64(fastrand::f64());
            let restart = EVENT_AT + RESTART_WINDOW.mul_f64(fastrand::f64());
            let (fleet, new_cache) = (fleet.clone(), new_cache.clone());
            tokio::spawn(async move {
                let run = |fleet: &Mutex<Vec<Option<EndpointCache>>>| {
                    let cache = new_cache(process);
                    fleet.lock().unwrap()[process] = Some(cache.clone());
                    cache
                };
                tokio::time::sleep_until(begin + start).await;
                // A failed first load leaves the refresher retrying (start_empty).
                let _ = run(&fleet).load(VPC).await;
                if scenario == Scenario::RollingRestart {
                    tokio::time::sleep_until(begin + restart).await;
                    let _ = run(&fleet).load(VPC).await;
                }
            });
        }
        tokio::time::sleep(SIMULATED).await;
        fleet.lock().unwrap().clear();
        let account = account.lock().unwrap();
        report(&account.calls, processes, scenario.window(config.ttl()))
    })
}

fn report(calls: &[(f64, usize, bool)], processes: usize, (from, to): (f64, f64)) -> Report {
    let window: Vec<_> = calls.iter().filter(|c| (from..to).contains(&c.0)).collect();
    let mut per_second = vec![0usize; (to - from) as usize + 1];
    for (at, _, _) in &window {
        per_second[(*at - from) as usize] += 1;
    }
    Report {
        mean_rate: window.len() as f64 / (to - from),
        peak: per_second.iter().copied().max().unwrap_or(0),
        throttled_share: window.iter().filter(|c| !c.2).count() as f64 / window.len().max(1) as f64,
        per_process: window.len() as f64 / processes as f64,
    }
}

fn main() {
    let defaults = CacheConfig::default();
    let scenarios = [
        Scenario::Steady,
        Scenario::AccessDeniedStorm,
        Scenario::ThrottlingStorm,
        Scenario::RollingRestart,
    ];
    let mut values = Vec::new();
    for scenario in scenarios {
        for processes in [1_000, 10_000] {
            let r = simulate(processes, &defaults, scenario);
            let share = 100.0 * r.mean_rate / REFILL_PER_SECOND;
            println!(
                "{} (defaults), {processes} processes: {:.2} attempts/s = {share:.1} % of the \
                 refill, peak {}/s, throttled {:.1} %, {:.2} attempts per process",
                scenario.name(),
                r.mean_rate,
                r.peak,
                100.0 * r.throttled_share,
                r.per_process,
            );
            if processes == 10_000 {
                values.push((scenario.name(), share));
            }
        }
    }
    for (name, share) in values {
        println!(
            "value: {share:.1} % ({name}, 10,000 processes, default settings: attempts / refill rate)"
        );
    }
}
