//! Fleet simulation under controlled time: N processes, each with its own [`EndpointCache`] (the
//! real one: TTL with jitter, refresh ahead, failure backoff, stale on error), all calling one
//! account's DescribeVpcEndpoints, which EC2 throttles with a token bucket (burst 100, refill
//! 20/s, as EC2's non-mutating actions). Processes start uniformly over a 5-minute deploy; six
//! simulated hours run in well under a minute (Tokio's paused clock jumps to the next timer).
//!
//! Prints, per configuration and fleet size, the mean and peak describe rate, the throttled
//! share and the staleness (longest time a process went between successful loads), then
//! `value: X %`: the 10,000-process mean rate under the default settings, as a share of the
//! refill rate (target ≤ 25 %).
//!
//! `cargo bench --workspace --bench fleet`

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

#[derive(Debug)]
struct Account {
    tokens: f64,
    last: SystemTime,
    /// (seconds since start, process, accepted)
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
}

impl DescribeEndpoints for FleetSource {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        let now = self.clock.now();
        let mut account = self.account.lock().unwrap();
        let elapsed = now.duration_since(account.last).unwrap_or_default();
        account.tokens = (account.tokens + elapsed.as_secs_f64() * REFILL_PER_SECOND).min(BURST);
        account.last = now;
        let accepted = account.tokens >= 1.0;
        if accepted {
            account.tokens -= 1.0;
        }
        let at = now.duration_since(EPOCH).unwrap().as_secs_f64();
        account.calls.push((at, self.process, accepted));
        let result = if accepted {
            Ok(self.endpoints.as_ref().clone())
        } else {
            Err(DiscoveryError::Throttled(Ec2Error::new(
                Some("RequestLimitExceeded".into()),
                Throttled,
            )))
        };
        Box::pin(async move { result })
    }
}

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
    mean_rate: f64,
    steady_peak: usize,
    peak: usize,
    throttled_share: f64,
    steady_throttled_share: f64,
    max_staleness: Duration,
    slowest_first_load: Duration,
}

fn simulate(processes: usize, ttl: Duration, jitter: f64) -> Report {
    fastrand::seed(7);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
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
        let mut caches = Vec::with_capacity(processes);
        for process in 0..processes {
            let cache = EndpointCache::builder()
                .source(FleetSource {
                    process,
                    account: account.clone(),
                    clock: clock.clone(),
                    endpoints: endpoints.clone(),
                })
                .ttl(ttl)
                .jitter(jitter)
                .time_source(SharedTimeSource::new(clock.clone()))
                .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
                .build()
                .unwrap();
            let start = DEPLOY_WINDOW.mul_f64(fastrand::f64());
            let starting = cache.clone();
            tokio::spawn(async move {
                tokio::time::sleep(start).await;
                // A throttled first load leaves the refresher retrying (start_empty).
                let _ = starting.load("vpc-0fleet").await;
            });
            caches.push(cache);
        }
        tokio::time::sleep(SIMULATED).await;
        drop(caches);
        let account = account.lock().unwrap();
        report(&account.calls, processes, ttl)
    })
}

fn report(calls: &[(f64, usize, bool)], processes: usize, ttl: Duration) -> Report {
    let seconds = SIMULATED.as_secs() as usize + 1;
    let mut per_second = vec![0usize; seconds];
    for (at, _, _) in calls {
        per_second[(*at as usize).min(seconds - 1)] += 1;
    }
    // Steady state: from one TTL after the deploy window to the end.
    let steady_from = (DEPLOY_WINDOW + ttl).as_secs_f64();
    let steady: Vec<_> = calls.iter().filter(|c| c.0 >= steady_from).collect();
    let steady_seconds = SIMULATED.as_secs_f64() - steady_from;
    let mut last_ok = vec![None::<f64>; processes];
    let mut first_ok = vec![None::<f64>; processes];
    let mut max_gap = 0.0f64;
    for (at, process, accepted) in calls {
        if !accepted {
            continue;
        }
        if let Some(previous) = last_ok[*process] {
            max_gap = max_gap.max(at - previous);
        }
        last_ok[*process] = Some(*at);
        first_ok[*process].get_or_insert(*at);
    }
    let slowest_first_load = first_ok
        .iter()
        .map(|t| t.unwrap_or(f64::INFINITY))
        .fold(0.0, f64::max);
    let throttled = |calls: &[&(f64, usize, bool)]| {
        calls.iter().filter(|c| !c.2).count() as f64 / calls.len().max(1) as f64
    };
    let all: Vec<_> = calls.iter().collect();
    Report {
        mean_rate: steady.len() as f64 / steady_seconds,
        steady_peak: per_second[steady_from as usize..]
            .iter()
            .copied()
            .max()
            .unwrap_or(0),
        peak: per_second.iter().copied().max().unwrap_or(0),
        throttled_share: throttled(&all),
        steady_throttled_share: throttled(&steady),
        max_staleness: Duration::from_secs_f64(max_gap),
        slowest_first_load: Duration::from_secs_f64(slowest_first_load),
    }
}

fn main() {
    let defaults = CacheConfig::default();
    let configurations = [
        (
            "15 min TTL, 10 % jitter (the first defaults)",
            Duration::from_secs(15 * 60),
            0.1,
        ),
        ("defaults", defaults.ttl(), defaults.jitter()),
    ];
    let mut value = None;
    for (name, ttl, jitter) in configurations {
        for processes in [1_000, 10_000] {
            let r = simulate(processes, ttl, jitter);
            let share = r.mean_rate / REFILL_PER_SECOND;
            println!(
                "{name} (ttl {} s, jitter {jitter}), {processes} processes: mean {:.2}/s \
                 ({:.1} % of the refill), peak {}/s (steady {}/s), throttled {:.2} % (steady \
                 {:.2} %), longest gap between loads {:.1} min, last first load at {:.0} s",
                ttl.as_secs(),
                r.mean_rate,
                100.0 * share,
                r.peak,
                r.steady_peak,
                100.0 * r.throttled_share,
                100.0 * r.steady_throttled_share,
                r.max_staleness.as_secs_f64() / 60.0,
                r.slowest_first_load.as_secs_f64(),
            );
            if name == "defaults" && processes == 10_000 {
                value = Some(100.0 * share);
            }
        }
    }
    println!(
        "value: {:.1} % (10,000 processes, default settings: mean describe rate / refill rate)",
        value.unwrap()
    );
}
