//! The per-VPC endpoint cache: TTL with jitter, refresh ahead of expiry in the background,
//! single flight with shared results (errors included), stale on error up to `max_stale`, and a
//! jittered minimum interval after a failure.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, SystemTime};

use aws_smithy_async::rt::sleep::{AsyncSleep, SharedAsyncSleep, default_async_sleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_smithy_types::error::display::DisplayErrorContext;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use privatelink_core::{EndpointIndex, SnapshotCell};
use tokio::sync::watch;
use tracing::Instrument;

use crate::error::{DiscoveryError, FailureClass};
use crate::source::{DescribeEndpoints, SharedSource};

/// After failures a person must fix (access denied, bad credentials, no such VPC), the wait
/// doubles up to this: 30 minutes (before jitter).
pub const PERMANENT_BACKOFF_CAP: Duration = Duration::from_secs(30 * 60);
/// After throttling, the wait doubles up to this: 5 minutes (before jitter).
pub const THROTTLED_BACKOFF_CAP: Duration = Duration::from_secs(5 * 60);
/// After transient failures (network, timeouts, 5xx), the wait doubles up to this: 5 minutes
/// (before jitter).
pub const TRANSIENT_BACKOFF_CAP: Duration = Duration::from_secs(5 * 60);

/// The longest `ttl`, `max_stale` or `failure_backoff` accepted: 7 days. Longer settings are
/// errors, so that no deadline computed from them can overflow the clock.
pub const MAX_SETTING: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Default time a snapshot is fresh: 45 minutes. Chosen with the fleet simulation
/// (`benches/fleet.rs`, BENCHMARKS.md): 10,000 processes of one account then make about 4
/// DescribeVpcEndpoints calls a second, a fifth of EC2's refill rate for the action (20/s);
/// with 15 minutes they made 12.5/s.
pub const DEFAULT_TTL: Duration = Duration::from_secs(45 * 60);
/// Default jitter: each snapshot's lifetime is drawn uniformly from `[ttl × (1 − 0.2), ttl]`,
/// so processes started together spread their refreshes over 9 minutes.
pub const DEFAULT_JITTER: f64 = 0.2;
/// Default refresh-ahead window: the background refresh starts 60 s before expiry.
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(60);
/// Default limit on serving a snapshot after it expired while refreshes fail: 1 hour.
pub const DEFAULT_MAX_STALE: Duration = Duration::from_secs(60 * 60);
/// Default minimum interval after a failed call: 30 s, stretched by a random 0–50 %.
pub const DEFAULT_FAILURE_BACKOFF: Duration = Duration::from_secs(30);

/// Cache timing settings.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheConfig {
    ttl: Duration,
    jitter: f64,
    refresh_ahead: Duration,
    max_stale: Duration,
    failure_backoff: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl: DEFAULT_TTL,
            jitter: DEFAULT_JITTER,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            max_stale: DEFAULT_MAX_STALE,
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
        }
    }
}

impl CacheConfig {
    /// How long a snapshot is fresh (before jitter).
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
    /// The jitter fraction.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }
    /// How long before expiry the background refresh starts.
    pub fn refresh_ahead(&self) -> Duration {
        self.refresh_ahead
    }
    /// How long after expiry a snapshot may still be served while refreshes fail.
    pub fn max_stale(&self) -> Duration {
        self.max_stale
    }
    /// The minimum interval after a failed call (before its random stretch).
    pub fn failure_backoff(&self) -> Duration {
        self.failure_backoff
    }

    fn lifetime(&self) -> Duration {
        self.ttl.mul_f64(1.0 - self.jitter * fastrand::f64())
    }

    /// The wait before the next call after `failures` consecutive failures (1 or more), the
    /// last of `class`: `failure_backoff` doubled per earlier failure up to the class's cap
    /// ([`PERMANENT_BACKOFF_CAP`], [`THROTTLED_BACKOFF_CAP`], [`TRANSIENT_BACKOFF_CAP`]),
    /// stretched by a random 0–50 %.
    fn backoff(&self, class: FailureClass, failures: u32) -> Duration {
        let cap = match class {
            FailureClass::Permanent => PERMANENT_BACKOFF_CAP,
            FailureClass::Throttled => THROTTLED_BACKOFF_CAP,
            FailureClass::Transient => TRANSIENT_BACKOFF_CAP,
        }
        .max(self.failure_backoff);
        let doublings = failures.saturating_sub(1).min(20);
        let base = self
            .failure_backoff
            .checked_mul(1 << doublings)
            .map_or(cap, |d| d.min(cap));
        base.mul_f64(1.0 + 0.5 * fastrand::f64())
    }
}

/// What the background refresher and the in-flight loads need; holds no slot (no cycles).
struct Core {
    source: SharedSource,
    config: CacheConfig,
    time: SharedTimeSource,
    sleep: SharedAsyncSleep,
}

type LoadResult = Result<Arc<EndpointIndex>, DiscoveryError>;
type LoadFuture = Shared<BoxFuture<'static, LoadResult>>;

/// One VPC's entry.
struct Slot {
    vpc_id: String,
    cell: SnapshotCell,
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    index: Option<Arc<EndpointIndex>>,
    expires_at: Option<SystemTime>,
    /// The last call's error and when the next call may be made; cleared on success.
    failure: Option<(DiscoveryError, SystemTime)>,
    /// Failed calls since the last success.
    consecutive_failures: u32,
    /// Calls made to the source.
    calls: u64,
    /// When the snapshot in use was loaded.
    loaded_at: Option<SystemTime>,
    /// Whether the current stale spell was logged (reset by a success).
    stale_logged: bool,
    inflight: Option<LoadFuture>,
    /// The background refresher's task, while one was started; a finished one (its runtime shut
    /// down, say) is started again on the next load.
    refresher: Option<tokio::task::AbortHandle>,
}

impl Slot {
    fn state(&self) -> MutexGuard<'_, SlotState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current load, or a new one: at most one call per slot is in flight, and every
    /// caller gets its result.
    fn begin_load(self: &Arc<Self>, core: &Arc<Core>) -> LoadFuture {
        self.begin_load_locked(&mut self.state(), core)
    }

    /// [`Slot::begin_load`] under a lock the caller already holds, so that what it decided from
    /// the state (no fresh snapshot) still holds when the load starts.
    fn begin_load_locked(self: &Arc<Self>, state: &mut SlotState, core: &Arc<Core>) -> LoadFuture {
        if let Some(inflight) = &state.inflight {
            return inflight.clone();
        }
        state.calls += 1;
        metrics::counter!("privatelink_discovery_calls_total", "vpc_id" => self.vpc_id.clone())
            .increment(1);
        let (core, slot, vpc_id) = (core.clone(), Arc::downgrade(self), self.vpc_id.clone());
        let span = tracing::debug_span!("privatelink_describe_vpc_endpoints", vpc_id = %vpc_id);
        let load = async move {
            tracing::debug!("calling DescribeVpcEndpoints");
            // A source that panics fails this load only: the slot stays usable.
            let result = std::panic::AssertUnwindSafe(core.source.describe(&vpc_id))
                .catch_unwind()
                .await
                .unwrap_or_else(|panic| Err(DiscoveryError::source_panicked(panic.as_ref())))
                .map(|endpoints| Arc::new(EndpointIndex::new(endpoints)));
            if let Some(slot) = Weak::upgrade(&slot) {
                slot.finish(&core, &result);
            }
            result
        }
        .instrument(span)
        .boxed()
        .shared();
        state.inflight = Some(load.clone());
        load
    }

    fn finish(&self, core: &Core, result: &LoadResult) {
        let now = core.time.now();
        let mut state = self.state();
        state.inflight = None;
        match result {
            Ok(index) => {
                let lifetime = core.config.lifetime();
                tracing::debug!(
                    vpc_id = %self.vpc_id,
                    endpoints = index.endpoints().len(),
                    expires_in = ?lifetime,
                    "endpoint snapshot loaded"
                );
                let expires_at = now + lifetime;
                state.index = Some(index.clone());
                state.expires_at = Some(expires_at);
                state.loaded_at = Some(now);
                state.failure = None;
                state.consecutive_failures = 0;
                state.stale_logged = false;
                // Readers stop using it at expiry + max_stale on their own clock, even if no
                // refresh ever runs again.
                self.cell
                    .publish_until(index.clone(), expires_at + core.config.max_stale);
                let vpc_id = self.vpc_id.clone();
                metrics::gauge!("privatelink_endpoints_usable", "vpc_id" => vpc_id.clone())
                    .set(index.usable_count() as f64);
                let loaded = now
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                metrics::gauge!("privatelink_snapshot_loaded_timestamp_seconds", "vpc_id" => vpc_id)
                    .set(loaded.as_secs_f64());
            }
            Err(error) => {
                state.consecutive_failures = state.consecutive_failures.saturating_add(1);
                let class = error.class();
                metrics::counter!(
                    "privatelink_discovery_failures_total",
                    "vpc_id" => self.vpc_id.clone(),
                    "class" => class.as_str()
                )
                .increment(1);
                let mut backoff = core.config.backoff(class, state.consecutive_failures);
                // A failure that waiting will not fix soon (permanent, throttled) uses the time
                // the snapshot stays servable: most of what is left to its deadline. A fleet
                // then makes about one call per process per storm, not one per backoff step.
                if class != FailureClass::Transient
                    && let (Some(_), Some(expires_at)) = (&state.index, state.expires_at)
                    && let Some(left) = (expires_at + core.config.max_stale)
                        .duration_since(now)
                        .ok()
                {
                    backoff = backoff.max(left.mul_f64(0.93 + 0.05 * fastrand::f64()));
                }
                let retry_at = now + backoff;
                state.failure = Some((error.clone(), retry_at));
                // Transitions are logged at warn once each (the first failure, the first use
                // past expiry, the drop); repeated failures at debug.
                let first = state.consecutive_failures == 1;
                let (message, transition) = match (&state.index, state.expires_at) {
                    (Some(_), Some(expires_at)) if now <= expires_at => (
                        "refreshing endpoints failed; the current snapshot is still fresh",
                        first,
                    ),
                    (Some(_), Some(expires_at)) if now <= expires_at + core.config.max_stale => (
                        "refreshing endpoints failed; serving the stale snapshot until max_stale",
                        !std::mem::replace(&mut state.stale_logged, true),
                    ),
                    (Some(_), _) => {
                        tracing::error!(
                            vpc_id = %self.vpc_id, error = %DisplayErrorContext(error),
                            "refreshing endpoints failed past max_stale; dropping the snapshot"
                        );
                        state.index = None;
                        state.expires_at = None;
                        self.cell.clear();
                        metrics::gauge!("privatelink_endpoints_usable", "vpc_id" => self.vpc_id.clone())
                            .set(0.0);
                        return;
                    }
                    (None, _) => ("loading endpoints failed", first),
                };
                match transition {
                    true => tracing::warn!(
                        vpc_id = %self.vpc_id, error = %DisplayErrorContext(error),
                        next_call_in = ?backoff, "{message}"
                    ),
                    false => tracing::debug!(
                        vpc_id = %self.vpc_id, error = %DisplayErrorContext(error),
                        next_call_in = ?backoff, "{message} (again)"
                    ),
                }
            }
        }
    }

    /// The snapshot if it may still be served at `now` (fresh, or stale within `max_stale`).
    /// Logs the first use of the snapshot past its expiry, once until the next success.
    fn servable(
        &self,
        state: &mut SlotState,
        config: &CacheConfig,
        now: SystemTime,
    ) -> Option<Arc<EndpointIndex>> {
        let expires_at = state.expires_at?;
        let index = state.index.clone()?;
        if now <= expires_at {
            return Some(index);
        }
        (now <= expires_at + config.max_stale).then(|| {
            if !std::mem::replace(&mut state.stale_logged, true) {
                tracing::warn!(
                    vpc_id = %self.vpc_id,
                    stale_for = ?now.duration_since(expires_at).unwrap_or_default(),
                    "endpoint snapshot is stale: serving it while refreshes fail, until max_stale"
                );
            }
            index
        })
    }

    /// When the background refresher should next act.
    fn next_wake(state: &SlotState, config: &CacheConfig, now: SystemTime) -> SystemTime {
        match (&state.failure, state.expires_at) {
            (Some((_, retry_at)), _) => *retry_at,
            (None, Some(expires_at)) => expires_at.checked_sub(config.refresh_ahead).unwrap_or(now),
            (None, None) => now,
        }
    }
}

/// Background refresh of one slot; returns when the last cache handle is dropped.
async fn refresher(core: Arc<Core>, slot: Arc<Slot>, mut stop: watch::Receiver<()>) {
    loop {
        let now = core.time.now();
        let wake = Slot::next_wake(&slot.state(), &core.config, now);
        let delay = wake.duration_since(now).unwrap_or_default();
        tokio::select! {
            _ = core.sleep.sleep(delay) => {}
            _ = stop.changed() => break,
        }
        tokio::select! {
            _ = slot.begin_load(&core) => {}
            _ = stop.changed() => break,
        }
    }
    tracing::debug!(vpc_id = %slot.vpc_id, "endpoint refresher stopped");
}

/// Dropping the last one stops every background refresher.
struct StopGuard {
    _stop: watch::Sender<()>,
}

/// Keeps a cache's background refresh running while held (see [`EndpointCache::keep_alive`]).
#[derive(Clone)]
pub struct KeepAlive {
    _guard: Arc<StopGuard>,
}

impl fmt::Debug for KeepAlive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeepAlive")
    }
}

/// A cache of VPC endpoint snapshots, one slot per VPC id, for one source (one region).
///
/// - [`EndpointCache::load`] returns a fresh snapshot, loading it if needed. Concurrent loads of
///   one VPC share one `DescribeVpcEndpoints` call and its result, error included.
/// - [`EndpointCache::cell`] is the live [`SnapshotCell`] of a VPC: interceptors read it
///   lock-free; the cache publishes each new snapshot into it.
/// - After the first load of a VPC, a background task (Tokio) refreshes it `refresh_ahead`
///   before expiry. A failed refresh keeps the old snapshot until `max_stale` after expiry,
///   then clears the cell; the next call waits a jittered `failure_backoff`.
/// - The background tasks stop when the last clone of the cache (and every [`KeepAlive`]) is
///   dropped. Clock and sleep are injected, so tests control time exactly.
#[derive(Clone)]
pub struct EndpointCache {
    core: Arc<Core>,
    slots: Arc<Mutex<HashMap<String, Arc<Slot>>>>,
    stop: watch::Receiver<()>,
    guard: Arc<StopGuard>,
}

impl fmt::Debug for EndpointCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointCache")
            .field("source", &self.core.source)
            .field("config", &self.core.config)
            .finish()
    }
}

impl EndpointCache {
    /// Starts a builder.
    pub fn builder() -> EndpointCacheBuilder {
        EndpointCacheBuilder::default()
    }

    /// The timing settings.
    pub fn config(&self) -> &CacheConfig {
        &self.core.config
    }

    fn slot(&self, vpc_id: &str) -> Arc<Slot> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slots
            .entry(vpc_id.to_owned())
            .or_insert_with(|| {
                Arc::new(Slot {
                    vpc_id: vpc_id.to_owned(),
                    cell: SnapshotCell::new(),
                    state: Mutex::default(),
                })
            })
            .clone()
    }

    /// The live cell of `vpc_id`, which holds its snapshot (empty until the first successful
    /// load).
    pub fn cell(&self, vpc_id: &str) -> SnapshotCell {
        self.slot(vpc_id).cell.clone()
    }

    /// A token that keeps the background refresh running as long as it (or any cache clone)
    /// lives; interceptors hold one.
    pub fn keep_alive(&self) -> KeepAlive {
        KeepAlive {
            _guard: self.guard.clone(),
        }
    }

    /// The endpoints of `vpc_id`: the current snapshot while it is fresh; otherwise the result
    /// of a (shared) call, or, if that call fails, the stale snapshot while within `max_stale`.
    /// After a failure, calls within the backoff interval return that failure (or the stale
    /// snapshot) without calling again.
    pub async fn load(&self, vpc_id: &str) -> Result<Arc<EndpointIndex>, DiscoveryError> {
        let slot = self.slot(vpc_id);
        let now = self.core.time.now();
        let load = {
            let mut state = slot.state();
            if let (Some(index), Some(expires_at)) = (&state.index, state.expires_at)
                && now <= expires_at
            {
                let index = index.clone();
                drop(state);
                // A refresher whose task ended (its runtime shut down) starts again here.
                self.ensure_refresher(&slot);
                return Ok(index);
            }
            if state.inflight.is_none()
                && let Some((error, retry_at)) = state.failure.clone()
                && now < retry_at
            {
                return slot
                    .servable(&mut state, &self.core.config, now)
                    .ok_or(error);
            }
            // Under the same lock as the checks above: a load that finished in between would
            // otherwise be followed by a second, needless call.
            slot.begin_load_locked(&mut state, &self.core)
        };
        let result = load.await;
        self.ensure_refresher(&slot);
        result.or_else(|error| {
            slot.servable(&mut slot.state(), &self.core.config, self.core.time.now())
                .ok_or(error)
        })
    }

    /// The health of `vpc_id`'s discovery as of now.
    pub fn status(&self, vpc_id: &str) -> CacheStatus {
        let slot = self.slot(vpc_id);
        let now = self.core.time.now();
        let state = slot.state();
        // The expiry and load time of the snapshot in use, when there is one.
        let expires_at = state.expires_at.filter(|_| state.index.is_some());
        let loaded_at = state.loaded_at.filter(|_| state.index.is_some());
        CacheStatus {
            snapshot_age: loaded_at.map(|at| now.duration_since(at).unwrap_or_default()),
            expires_at,
            deadline: expires_at.map(|at| at + self.core.config.max_stale),
            stale: expires_at.is_some_and(|at| now > at),
            last_error: state.failure.as_ref().map(|(error, _)| error.clone()),
            consecutive_failures: state.consecutive_failures,
            next_call: state
                .refresher
                .as_ref()
                .map(|_| Slot::next_wake(&state, &self.core.config, now)),
            calls: state.calls,
            refresher_running: state
                .refresher
                .as_ref()
                .is_some_and(|task| !task.is_finished()),
        }
    }

    /// Calls the source now for `vpc_id`, whatever the snapshot's age and any failure backoff,
    /// and returns that call's result (its error included: no stale fallback). A call already in
    /// flight is joined instead of starting a second one.
    pub async fn reload(&self, vpc_id: &str) -> Result<Arc<EndpointIndex>, DiscoveryError> {
        let slot = self.slot(vpc_id);
        let load = slot.begin_load(&self.core);
        let result = load.await;
        self.ensure_refresher(&slot);
        result
    }

    fn ensure_refresher(&self, slot: &Arc<Slot>) {
        let mut state = slot.state();
        if state
            .refresher
            .as_ref()
            .is_some_and(|task| !task.is_finished())
        {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                if state.refresher.is_some() {
                    tracing::debug!(vpc_id = %slot.vpc_id, "starting the endpoint refresher again");
                }
                let task = runtime.spawn(refresher(
                    self.core.clone(),
                    slot.clone(),
                    self.stop.clone(),
                ));
                state.refresher = Some(task.abort_handle());
            }
            Err(_) => tracing::warn!(
                vpc_id = %slot.vpc_id,
                "no Tokio runtime: endpoints will not be refreshed in the background"
            ),
        }
    }
}

/// One VPC's discovery health: see [`EndpointCache::status`].
#[derive(Clone, Debug)]
pub struct CacheStatus {
    snapshot_age: Option<Duration>,
    expires_at: Option<SystemTime>,
    deadline: Option<SystemTime>,
    stale: bool,
    last_error: Option<DiscoveryError>,
    consecutive_failures: u32,
    next_call: Option<SystemTime>,
    calls: u64,
    refresher_running: bool,
}

impl CacheStatus {
    /// How long ago the snapshot in use was loaded; `None` without one.
    pub fn snapshot_age(&self) -> Option<Duration> {
        self.snapshot_age
    }

    /// When the snapshot stops being fresh (a refresh is due before).
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// When the snapshot stops being used at all: expiry + `max_stale`.
    pub fn deadline(&self) -> Option<SystemTime> {
        self.deadline
    }

    /// Whether the snapshot is past expiry (served only while refreshes fail, until the
    /// deadline).
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// The last call's error, until a call succeeds.
    pub fn last_error(&self) -> Option<&DiscoveryError> {
        self.last_error.as_ref()
    }

    /// The class of [`CacheStatus::last_error`], which sets the backoff.
    pub fn last_error_class(&self) -> Option<FailureClass> {
        self.last_error.as_ref().map(DiscoveryError::class)
    }

    /// Failed calls since the last success.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// When the background refresher calls next (refresh ahead of expiry, or the end of a
    /// failure backoff); `None` before the first load started it.
    pub fn next_call(&self) -> Option<SystemTime> {
        self.next_call
    }

    /// Calls made to the source so far (each one a whole DescribeVpcEndpoints walk).
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Whether the background refresher is running. It stops when its runtime shuts down; the
    /// next load starts it again.
    pub fn refresher_running(&self) -> bool {
        self.refresher_running
    }
}

/// Builder for [`EndpointCache`].
#[derive(Default)]
pub struct EndpointCacheBuilder {
    source: Option<SharedSource>,
    config: CacheConfig,
    time: Option<SharedTimeSource>,
    sleep: Option<SharedAsyncSleep>,
}

impl fmt::Debug for EndpointCacheBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointCacheBuilder")
            .field("source", &self.source)
            .field("config", &self.config)
            .finish()
    }
}

impl EndpointCacheBuilder {
    /// Sets the endpoint source. Required.
    pub fn source(mut self, source: impl DescribeEndpoints) -> Self {
        self.source = Some(SharedSource::new(source));
        self
    }

    /// Sets the time a snapshot is fresh. Defaults to [`DEFAULT_TTL`] (45 minutes).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.config.ttl = ttl;
        self
    }

    /// Sets the jitter fraction in `[0, 1)`: each lifetime is drawn from `[ttl × (1 − jitter), ttl]`
    /// so a fleet does not refresh in step. Defaults to [`DEFAULT_JITTER`] (0.2).
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.config.jitter = jitter;
        self
    }

    /// Sets how long before expiry the background refresh starts. Defaults to
    /// [`DEFAULT_REFRESH_AHEAD`] (60 s); must be shorter than the shortest lifetime.
    pub fn refresh_ahead(mut self, refresh_ahead: Duration) -> Self {
        self.config.refresh_ahead = refresh_ahead;
        self
    }

    /// Sets how long after expiry a snapshot is still served while refreshes fail. Defaults to
    /// [`DEFAULT_MAX_STALE`] (1 hour).
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.config.max_stale = max_stale;
        self
    }

    /// Sets the minimum interval after a failed call; each wait is stretched by a random 0–50 %.
    /// Defaults to [`DEFAULT_FAILURE_BACKOFF`] (30 s).
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.config.failure_backoff = backoff;
        self
    }

    /// Sets the clock. Defaults to the system clock.
    pub fn time_source(mut self, time: SharedTimeSource) -> Self {
        self.time = Some(time);
        self
    }

    /// Sets the sleep implementation. Defaults to Tokio's.
    pub fn sleep_impl(mut self, sleep: SharedAsyncSleep) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Builds the cache, or says which setting is invalid.
    pub fn build(self) -> Result<EndpointCache, CacheConfigError> {
        let invalid = |problem| Err(CacheConfigError { problem });
        let config = self.config;
        let Some(source) = self.source else {
            return invalid("no endpoint source was set");
        };
        if !(0.0..1.0).contains(&config.jitter) {
            return invalid("jitter must be in [0, 1)");
        }
        if config.ttl.is_zero() {
            return invalid("ttl must be positive");
        }
        if config.ttl > MAX_SETTING {
            return invalid("ttl must be at most 7 days");
        }
        if config.max_stale > MAX_SETTING {
            return invalid("max_stale must be at most 7 days");
        }
        if config.failure_backoff < Duration::from_secs(1) || config.failure_backoff > MAX_SETTING {
            return invalid("failure_backoff must be between 1 second and 7 days");
        }
        if config.refresh_ahead >= config.ttl.mul_f64(1.0 - config.jitter) {
            return invalid("refresh_ahead must be shorter than ttl × (1 − jitter)");
        }
        let Some(sleep) = self.sleep.or_else(default_async_sleep) else {
            return invalid("no sleep implementation (enable Tokio or set sleep_impl)");
        };
        let (stop_tx, stop_rx) = watch::channel(());
        Ok(EndpointCache {
            core: Arc::new(Core {
                source,
                config,
                time: self
                    .time
                    .unwrap_or_else(|| SharedTimeSource::new(SystemTimeSource::new())),
                sleep,
            }),
            slots: Arc::default(),
            stop: stop_rx,
            guard: Arc::new(StopGuard { _stop: stop_tx }),
        })
    }
}

/// An [`EndpointCacheBuilder`] setting is invalid.
#[derive(Clone, Debug)]
pub struct CacheConfigError {
    problem: &'static str,
}

impl fmt::Display for CacheConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid endpoint cache settings: {}", self.problem)
    }
}

impl Error for CacheConfigError {}
