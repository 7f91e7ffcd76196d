//! The fleet simulation, shared by the test that asserts its bounds (`tests/fleet.rs`, run by
//! every `cargo test`) and the bench that prints its figures (`benches/fleet.rs`).
//!
//! N processes, each with its own real [`EndpointCache`] (TTL with jitter, a wider first
//! lifetime, refresh ahead, failure backoff by class, the cold spread, stale on error,
//! `start_empty`: a failed first load leaves the refresher retrying), all calling one account's
//! DescribeVpcEndpoints, which EC2 throttles with a token bucket (burst 100, refill 20/s, as EC2's
//! non-mutating actions). Every SDK attempt is counted: a process's first call runs the SDK's
//! standard retry mode (up to 3 attempts on throttling, 1 on access denied); every later call is
//! one attempt (`describe_once`, as `Ec2Source` does). The whole fleet is deployed within the first
//! minute (a cold deploy: the worst case for what follows). Simulated hours run in seconds on
//! Tokio's paused clock, which jumps to the next timer.

use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use privatelink_core::{DnsEntry, EndpointState, EndpointType, SnapshotCell, VpcEndpoint};
use privatelink_discovery::{
    CacheConfig, DescribeEndpoints, DiscoveryError, EndpointCache, EndpointsFuture, ServiceError,
};

/// EC2's token bucket for non-mutating actions: burst.
pub(crate) const BURST: f64 = 100.0;
/// EC2's token bucket for non-mutating actions: refill per second.
pub(crate) const REFILL_PER_SECOND: f64 = 20.0;
/// Every process starts within this, from the start of the run.
pub(crate) const DEPLOY_WINDOW: Duration = Duration::from_secs(60);
/// The length of a window judged against the bound.
pub(crate) const WINDOW: Duration = Duration::from_secs(10 * 60);
/// Storms and the restart start here, once the fleet is in steady state.
const EVENT_AT: Duration = Duration::from_secs(2 * 60 * 60);
const STORM: Duration = Duration::from_secs(60 * 60);
const RESTART_WINDOW: Duration = Duration::from_secs(10 * 60);
/// The SDK's standard retry mode: attempts per call on a retryable (throttling) error.
const SDK_ATTEMPTS: usize = 3;

/// What happens to the fleet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// Nothing: the deploy, then refreshes.
    Steady,
    /// Deployed without `ec2:DescribeVpcEndpoints`, granted an hour later.
    ColdAccessDenied,
    /// Deployed while another client keeps the account's bucket empty, for an hour.
    ColdThrottled,
    /// The permission is removed for an hour, from hour 2.
    AccessDeniedStorm,
    /// Another client keeps the bucket empty for an hour, from hour 2.
    ThrottlingStorm,
    /// Every process restarts (a new cache, a cold load) over 10 minutes, from hour 2.
    RollingRestart,
}

impl Scenario {
    /// Every scenario.
    pub(crate) const ALL: [Scenario; 6] = [
        Scenario::Steady,
        Scenario::ColdAccessDenied,
        Scenario::ColdThrottled,
        Scenario::AccessDeniedStorm,
        Scenario::ThrottlingStorm,
        Scenario::RollingRestart,
    ];

    /// Its name in reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scenario::Steady => "steady state",
            Scenario::ColdAccessDenied => "cold deploy without the permission (1 h)",
            Scenario::ColdThrottled => "cold deploy into a drained bucket (1 h)",
            Scenario::AccessDeniedStorm => "AccessDenied storm (1 h)",
            Scenario::ThrottlingStorm => "throttling storm (1 h)",
            Scenario::RollingRestart => "rolling restart (10 min)",
        }
    }

    /// How long it runs.
    fn simulated(self) -> Duration {
        match self {
            Scenario::Steady => Duration::from_secs(6 * 60 * 60),
            Scenario::ColdAccessDenied | Scenario::ColdThrottled => {
                Duration::from_secs(3 * 60 * 60)
            }
            _ => Duration::from_secs(4 * 60 * 60),
        }
    }

    /// When the fault (if any) holds, in seconds since the start.
    fn fault(self) -> Option<(f64, f64)> {
        let event = EVENT_AT.as_secs_f64();
        match self {
            Scenario::ColdAccessDenied | Scenario::ColdThrottled => {
                Some((0.0, STORM.as_secs_f64()))
            }
            Scenario::AccessDeniedStorm | Scenario::ThrottlingStorm => {
                Some((event, event + STORM.as_secs_f64()))
            }
            _ => None,
        }
    }

    fn denies(self, at: f64) -> bool {
        matches!(
            self,
            Scenario::ColdAccessDenied | Scenario::AccessDeniedStorm
        ) && self
            .fault()
            .is_some_and(|(from, to)| (from..to).contains(&at))
    }

    fn drains(self, at: f64) -> bool {
        matches!(self, Scenario::ColdThrottled | Scenario::ThrottlingStorm)
            && self
                .fault()
                .is_some_and(|(from, to)| (from..to).contains(&at))
    }
}

#[derive(Debug)]
struct Account {
    tokens: f64,
    last: SystemTime,
    /// Every SDK attempt: (seconds since start, accepted).
    calls: Vec<(f64, bool)>,
}

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

/// One process's view of EC2.
#[derive(Clone, Debug)]
struct FleetSource {
    account: Arc<Mutex<Account>>,
    clock: PausedClock,
    endpoints: Arc<Vec<VpcEndpoint>>,
    scenario: Scenario,
}

#[derive(Debug)]
struct Refused(&'static str);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Error for Refused {}

impl DescribeEndpoints for FleetSource {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(std::future::ready(self.call(SDK_ATTEMPTS)))
    }

    /// As `Ec2Source`: one attempt, the SDK's retries off.
    fn describe_once<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(std::future::ready(self.call(1)))
    }
}

impl FleetSource {
    /// One call of up to `attempts` attempts (a throttled attempt is retried).
    fn call(&self, attempts: usize) -> Result<Vec<VpcEndpoint>, DiscoveryError> {
        let now = self.clock.now();
        let at = now.duration_since(EPOCH).unwrap().as_secs_f64();
        let mut account = self.account.lock().unwrap();
        let elapsed = now.duration_since(account.last).unwrap_or_default();
        account.tokens = (account.tokens + elapsed.as_secs_f64() * REFILL_PER_SECOND).min(BURST);
        account.last = now;
        if self.scenario.drains(at) {
            // Another client holds the bucket empty.
            account.tokens = 0.0;
        }
        // The SDK's attempts happen within a few seconds; counted at the call's instant.
        let mut result = None;
        for _ in 0..attempts {
            let accepted = account.tokens >= 1.0;
            if accepted {
                account.tokens -= 1.0;
            }
            account.calls.push((at, accepted));
            if accepted && self.scenario.denies(at) {
                // Not retried by the SDK.
                result = Some(Err(DiscoveryError::AccessDenied(ServiceError::new(
                    Some("UnauthorizedOperation".into()),
                    Refused("You are not authorized to perform this operation"),
                ))));
                break;
            }
            if accepted {
                result = Some(Ok(self.endpoints.as_ref().clone()));
                break;
            }
        }
        result.unwrap_or_else(|| {
            Err(DiscoveryError::Throttled(ServiceError::new(
                Some("RequestLimitExceeded".into()),
                Refused("Rate exceeded"),
            )))
        })
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

/// What a run cost EC2.
#[derive(Debug)]
pub(crate) struct Report {
    /// The scenario.
    pub(crate) scenario: Scenario,
    /// Processes in the fleet.
    pub(crate) processes: usize,
    /// The busiest 10-minute window that starts after the first minute, as a share of the
    /// refill over those 10 minutes, and its start (seconds).
    pub(crate) busiest_window: (f64, f64),
    /// Attempts per second from the end of the first hour to the end of the run, as a share of
    /// the refill (steady state, when nothing happens).
    pub(crate) late_share: f64,
    /// Attempts per process over the whole run.
    pub(crate) per_process: f64,
    /// The share of all attempts that were throttled.
    pub(crate) throttled: f64,
    /// When the last process had loaded a snapshot (seconds), if all did.
    pub(crate) all_loaded_at: Option<f64>,
}

const VPC: &str = "vpc-0fleet";

/// Runs `scenario` with `processes` processes on `config`.
pub(crate) fn simulate(processes: usize, config: &CacheConfig, scenario: Scenario) -> Report {
    fastrand::seed(7);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let config = config.clone();
    let simulated = scenario.simulated();
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
            move || {
                EndpointCache::builder()
                    .source(FleetSource {
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
        let fleet = deploy(processes, scenario == Scenario::RollingRestart, new_cache);
        // Sample, every 10 simulated seconds, whether every process has a snapshot.
        let mut all_loaded_at = None;
        let step = Duration::from_secs(10);
        let mut at = Duration::ZERO;
        while at < simulated {
            tokio::time::sleep(step).await;
            at += step;
            if all_loaded_at.is_none() {
                let fleet = fleet.lock().unwrap();
                let loaded = fleet.iter().all(|process| {
                    process
                        .as_ref()
                        .is_some_and(|p| p.cache.status(VPC).snapshot_age().is_some())
                });
                if loaded {
                    all_loaded_at = Some(at.as_secs_f64());
                }
            }
        }
        fleet.lock().unwrap().clear();
        let account = account.lock().unwrap();
        report(
            &account.calls,
            processes,
            scenario,
            simulated,
            all_loaded_at,
        )
    })
}

fn report(
    calls: &[(f64, bool)],
    processes: usize,
    scenario: Scenario,
    simulated: Duration,
    all_loaded_at: Option<f64>,
) -> Report {
    let seconds = simulated.as_secs() as usize;
    let busiest = busiest_window(calls.iter().map(|c| c.0), simulated);
    let refill_per_window = REFILL_PER_SECOND * WINDOW.as_secs_f64();
    let late_from = 3600.0;
    let late = calls.iter().filter(|c| c.0 >= late_from).count();
    Report {
        scenario,
        processes,
        busiest_window: (busiest.0 as f64 / refill_per_window, busiest.1 as f64),
        late_share: late as f64 / ((seconds as f64 - late_from) * REFILL_PER_SECOND),
        per_process: calls.len() as f64 / processes as f64,
        throttled: calls.iter().filter(|c| !c.1).count() as f64 / calls.len().max(1) as f64,
        all_loaded_at,
    }
}

/// One process of the fleet: its cache, and the cache's cell for [`VPC`] (what its requests
/// read), kept so that a sample of the whole fleet reads each cell without looking it up.
struct Process {
    cache: EndpointCache,
    cell: SnapshotCell,
}

/// The fleet's processes, `None` before a process starts.
type Fleet = Arc<Mutex<Vec<Option<Process>>>>;

/// The fleet: `processes` caches made by `new_cache`, each first loaded at a random moment of
/// the deploy window, and with `restart`, replaced by a new one (a cold load) at a random moment
/// of the restart window. The live cache of each process: replacing one drops the old cache and
/// its refresher.
fn deploy(
    processes: usize,
    restart: bool,
    new_cache: impl Fn() -> EndpointCache + Clone + Send + Sync + 'static,
) -> Fleet {
    let fleet: Fleet = Arc::new(Mutex::new((0..processes).map(|_| None).collect()));
    let begin = tokio::time::Instant::now();
    for process in 0..processes {
        let start = DEPLOY_WINDOW.mul_f64(fastrand::f64());
        let restart_at = EVENT_AT + RESTART_WINDOW.mul_f64(fastrand::f64());
        let (fleet, new_cache) = (fleet.clone(), new_cache.clone());
        tokio::spawn(async move {
            let run = |fleet: &Mutex<Vec<Option<Process>>>| {
                let cache = new_cache();
                let cell = cache.cell(VPC);
                fleet.lock().unwrap()[process] = Some(Process {
                    cache: cache.clone(),
                    cell,
                });
                cache
            };
            tokio::time::sleep_until(begin + start).await;
            // A failed first load leaves the refresher retrying (start_empty).
            let _ = run(&fleet).load(VPC).await;
            if restart {
                tokio::time::sleep_until(begin + restart_at).await;
                let _ = run(&fleet).load(VPC).await;
            }
        });
    }
    fleet
}

/// The busiest [`WINDOW`] that starts after the first minute: (events in it, its start in
/// seconds), of events at `times` (seconds since the start) within `simulated`.
fn busiest_window(times: impl Iterator<Item = f64>, simulated: Duration) -> (usize, usize) {
    let seconds = simulated.as_secs() as usize;
    let mut per_second = vec![0usize; seconds + 1];
    for at in times {
        per_second[(at as usize).min(seconds)] += 1;
    }
    let (window, first) = (WINDOW.as_secs() as usize, DEPLOY_WINDOW.as_secs() as usize);
    let mut sum: usize = per_second[first..first + window].iter().sum();
    let mut busiest = (sum, first);
    for start in first + 1..=seconds - window {
        sum = sum + per_second[start + window - 1] - per_second[start - 1];
        if sum > busiest.0 {
            busiest = (sum, start);
        }
    }
    busiest
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} processes: busiest 10 min after the first minute {:.1} % of the refill \
             (from {:.0} s), after the first hour {:.1} %, {:.2} attempts per process, \
             throttled {:.1} %, all loaded {}",
            self.scenario.name(),
            self.processes,
            100.0 * self.busiest_window.0,
            self.busiest_window.1,
            100.0 * self.late_share,
            self.per_process,
            100.0 * self.throttled,
            match self.all_loaded_at {
                Some(at) => format!("at {:.0} min", at / 60.0),
                None => "never".to_owned(),
            }
        )
    }
}

// ----- Fleet mode: one publisher per VPC, every process reading its document from S3 -----

/// S3's documented request rate per partitioned prefix for GET/HEAD: 5,500 a second.
pub(crate) const S3_GETS_PER_PREFIX: f64 = 5_500.0;
/// How often the publisher runs (`privatelink publish --every`), and its `--renew` age.
const PUBLISH_EVERY: Duration = Duration::from_secs(5 * 60);
const RENEW: Duration = Duration::from_secs(5 * 60);
/// How long S3 fails in the outage scenario: shorter than `max_stale` (1 h) by more than the
/// readers' longest retry wait (7.5 min), so every reader still holds its stale document when S3
/// is back. A longer outage ends readers' snapshots at their deadlines: bounded staleness.
const S3_OUTAGE: Duration = Duration::from_secs(45 * 60);

/// What happens to a fleet reading one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SharedScenario {
    /// The deploy, then refreshes.
    Steady,
    /// Every process restarts over 10 minutes, from hour 2.
    RollingRestart,
    /// S3 fails every request for 45 minutes (less than `max_stale`), from hour 2.
    S3Outage,
}

impl SharedScenario {
    /// Every scenario.
    #[allow(
        dead_code,
        reason = "the bench runs every scenario; the test has one test per scenario"
    )]
    pub(crate) const ALL: [SharedScenario; 3] = [
        SharedScenario::Steady,
        SharedScenario::RollingRestart,
        SharedScenario::S3Outage,
    ];

    /// Its name in reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            SharedScenario::Steady => "shared document: steady state",
            SharedScenario::RollingRestart => "shared document: rolling restart (10 min)",
            SharedScenario::S3Outage => "shared document: S3 outage (45 min)",
        }
    }
}

/// What a fleet reading one document cost EC2 and S3.
#[derive(Debug)]
pub(crate) struct SharedReport {
    pub(crate) scenario: SharedScenario,
    pub(crate) processes: usize,
    /// DescribeVpcEndpoints calls an hour (the publisher's), as a share of EC2's refill.
    pub(crate) ec2_share: f64,
    /// S3 GETs a second over the busiest 10 minutes after the first minute.
    pub(crate) s3_busiest: f64,
    /// S3 GETs a second over the whole run.
    pub(crate) s3_mean: f64,
    /// The share of GETs answered 304.
    pub(crate) not_modified: f64,
    /// The most processes without a usable snapshot at any sample after the first hour.
    pub(crate) worst_unserved: usize,
}

impl fmt::Display for SharedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} processes: EC2 {:.4} % of the refill; S3 {:.1} GET/s at the busiest 10 min \
             ({:.2} % of one prefix's 5,500/s), {:.1} GET/s on average, {:.0} % answered 304; \
             at worst {} processes without a usable snapshot after the first hour",
            self.scenario.name(),
            self.processes,
            100.0 * self.ec2_share,
            self.s3_busiest,
            100.0 * self.s3_busiest / S3_GETS_PER_PREFIX,
            self.s3_mean,
            100.0 * self.not_modified,
            self.worst_unserved,
        )
    }
}

/// The object in S3 and who asked for it.
#[derive(Debug)]
struct Bucket {
    /// (version, discovered at) of the document; `None` before the first publish.
    document: Option<(u64, SystemTime)>,
    /// Every GET: (seconds since start, answered 304).
    gets: Vec<(f64, bool)>,
    /// Every DescribeVpcEndpoints the publisher made.
    ec2_calls: usize,
}

/// One reader's view of S3: a conditional GET, remembering the version it read last.
#[derive(Clone, Debug)]
struct Reader {
    bucket: Arc<Mutex<Bucket>>,
    clock: PausedClock,
    endpoints: Arc<Vec<VpcEndpoint>>,
    scenario: SharedScenario,
    last: Arc<Mutex<Option<u64>>>,
}

impl DescribeEndpoints for Reader {
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        let document = self.describe_document(vpc_id, false);
        Box::pin(async move { document.await.map(|d| d.endpoints) })
    }

    /// A conditional GET; the SDK's retries are off after the first call, as `S3Source` does
    /// (one attempt either way here: S3 does not throttle these rates).
    fn describe_document<'a>(
        &'a self,
        _vpc_id: &'a str,
        _once: bool,
    ) -> privatelink_discovery::DocumentFuture<'a> {
        let at = self
            .clock
            .now()
            .duration_since(EPOCH)
            .unwrap()
            .as_secs_f64();
        let mut bucket = self.bucket.lock().unwrap();
        let outage = self.scenario == SharedScenario::S3Outage
            && (EVENT_AT.as_secs_f64()..(EVENT_AT + S3_OUTAGE).as_secs_f64()).contains(&at);
        let result = match (outage, bucket.document) {
            (true, _) => {
                bucket.gets.push((at, false));
                Err(DiscoveryError::Service(ServiceError::new(
                    Some("ServiceUnavailable".into()),
                    Refused("S3 is unavailable"),
                )))
            }
            (false, None) => {
                bucket.gets.push((at, false));
                Err(DiscoveryError::Service(ServiceError::new(
                    Some("NoSuchKey".into()),
                    Refused("no document yet"),
                )))
            }
            (false, Some((version, discovered_at))) => {
                let mut last = self.last.lock().unwrap();
                bucket.gets.push((at, *last == Some(version)));
                *last = Some(version);
                Ok(privatelink_core::Document {
                    endpoints: self.endpoints.as_ref().clone(),
                    vpc_id: Some(VPC.to_owned()),
                    discovered_at: Some(discovered_at),
                })
            }
        };
        Box::pin(std::future::ready(result))
    }
}

/// Runs `scenario` with `processes` readers and one publisher, on `config`.
pub(crate) fn simulate_shared(
    processes: usize,
    config: &CacheConfig,
    scenario: SharedScenario,
) -> SharedReport {
    fastrand::seed(11);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let config = config.clone();
    let simulated = Duration::from_secs(4 * 60 * 60);
    runtime.block_on(async move {
        let clock = PausedClock {
            start: tokio::time::Instant::now(),
        };
        let bucket = Arc::new(Mutex::new(Bucket {
            document: None,
            gets: Vec::new(),
            ec2_calls: 0,
        }));
        let endpoints = Arc::new(endpoints());
        // The publisher (`privatelink publish --every 5m`, its default `--renew 5m`): discovers
        // and writes at once, then every 5 minutes, writing when the stamp is due (the endpoints
        // do not change here).
        {
            let (bucket, clock) = (bucket.clone(), clock.clone());
            tokio::spawn(async move {
                let mut version = 0;
                loop {
                    let now = clock.now();
                    {
                        let mut bucket = bucket.lock().unwrap();
                        bucket.ec2_calls += 1;
                        let due = bucket.document.is_none_or(|(_, at)| {
                            now.duration_since(at).unwrap_or_default() >= RENEW
                        });
                        if due {
                            version += 1;
                            bucket.document = Some((version, now));
                        }
                    }
                    tokio::time::sleep(PUBLISH_EVERY).await;
                }
            });
        }
        let new_cache = {
            let (bucket, clock, endpoints, config) = (
                bucket.clone(),
                clock.clone(),
                endpoints.clone(),
                config.clone(),
            );
            move || {
                EndpointCache::builder()
                    .source(Reader {
                        bucket: bucket.clone(),
                        clock: clock.clone(),
                        endpoints: endpoints.clone(),
                        scenario,
                        last: Arc::default(),
                    })
                    .config(config.clone())
                    .time_source(SharedTimeSource::new(clock.clone()))
                    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
                    .build()
                    .unwrap()
            }
        };
        let fleet = deploy(
            processes,
            scenario == SharedScenario::RollingRestart,
            new_cache,
        );
        // Every minute after the first hour: how many processes have no usable snapshot.
        let mut worst_unserved = 0;
        let mut at = Duration::ZERO;
        let step = Duration::from_secs(60);
        while at < simulated {
            tokio::time::sleep(step).await;
            at += step;
            if at > Duration::from_secs(3600) {
                let now = clock.now();
                let fleet = fleet.lock().unwrap();
                let unserved = fleet
                    .iter()
                    .filter(|process| {
                        process
                            .as_ref()
                            .is_none_or(|p| p.cell.with_current_at(now, |index| index.is_none()))
                    })
                    .count();
                worst_unserved = worst_unserved.max(unserved);
            }
        }
        fleet.lock().unwrap().clear();
        let bucket = bucket.lock().unwrap();
        let (busiest, _) = busiest_window(bucket.gets.iter().map(|g| g.0), simulated);
        let hours = simulated.as_secs_f64() / 3600.0;
        SharedReport {
            scenario,
            processes,
            ec2_share: bucket.ec2_calls as f64 / hours / (REFILL_PER_SECOND * 3600.0),
            s3_busiest: busiest as f64 / WINDOW.as_secs_f64(),
            s3_mean: bucket.gets.len() as f64 / simulated.as_secs_f64(),
            not_modified: bucket.gets.iter().filter(|g| g.1).count() as f64
                / bucket.gets.len().max(1) as f64,
            worst_unserved,
        }
    })
}
