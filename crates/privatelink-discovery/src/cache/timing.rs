//! The cache's timing: its settings ([`CacheConfig`], validated once by [`CacheConfigBuilder`]) and
//! the rules computed from them — a snapshot's lifetime, its deadline, the wait after a failure,
//! and when the refresher wakes. No state, no I/O: each rule is tested alone.

use std::error::Error;
use std::fmt;
use std::time::{Duration, SystemTime};

use crate::error::{DiscoveryError, FailureClass, StaleDocumentError};
use crate::limit::TIMEOUT_RANGE;

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
/// Without a servable snapshot, a process whose call was denied or throttled calls again after
/// a uniform `failure_backoff` to `ttl × COLD_SPREAD` (30 s to 45 min by default), unless its
/// backoff is longer: a fleet deployed without the permission, or into a drained bucket, spreads
/// its calls over the TTL instead of stepping through the backoff together.
pub const COLD_SPREAD: f64 = 1.0;

/// Default limit on one call of the source, whatever the source: 60 s. Longer than the limits of
/// privatelink's own sources (an EC2 walk: 20 s), which then fail first with their own error; a
/// custom source that never answers fails with `TimedOut` here, and so does every caller
/// waiting on that call.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The cache's timing settings, valid by construction ([`CacheConfig::builder`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CacheConfig {
    ttl: Duration,
    jitter: f64,
    refresh_ahead: Duration,
    max_stale: Duration,
    failure_backoff: Duration,
    call_timeout: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            ttl: DEFAULT_TTL,
            jitter: DEFAULT_JITTER,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            max_stale: DEFAULT_MAX_STALE,
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
            call_timeout: DEFAULT_CALL_TIMEOUT,
        }
    }
}

impl CacheConfig {
    /// Starts a builder with every setting at its default.
    pub fn builder() -> CacheConfigBuilder {
        CacheConfigBuilder::default()
    }

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
    /// The limit on one call of the source.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }

    /// A new snapshot's lifetime: uniform in `[ttl × (1 − jitter), ttl]`.
    pub(super) fn lifetime(&self) -> Duration {
        self.ttl.mul_f64(1.0 - self.jitter * fastrand::f64())
    }

    /// A process's first snapshot's lifetime: uniform in `[ttl × (1 − min(2.5 × jitter, 0.5)),
    /// ttl]` (22.5 to 45 min by default), so that processes started together spread their first
    /// refresh over half a TTL rather than a fifth; never shorter than twice `refresh_ahead`
    /// (or the shortest ordinary lifetime). Exact with no jitter.
    pub(super) fn first_lifetime(&self) -> Duration {
        let wide = (2.5 * self.jitter).min(0.5);
        let shortest = self
            .ttl
            .mul_f64(1.0 - wide)
            .max((2 * self.refresh_ahead).min(self.ttl.mul_f64(1.0 - self.jitter)));
        shortest + (self.ttl - shortest).mul_f64(fastrand::f64())
    }

    /// When a snapshot's lifetime starts: when its endpoints were discovered (never later than
    /// `now`), else `now`. A document discovered longer than `ttl + max_stale` before `now` is
    /// [`DiscoveryError::StaleDocument`]: whatever writes it has stopped.
    pub(super) fn lifetime_start(
        &self,
        discovered_at: Option<SystemTime>,
        now: SystemTime,
    ) -> Result<SystemTime, DiscoveryError> {
        let Some(discovered_at) = discovered_at else {
            return Ok(now);
        };
        let age = now.duration_since(discovered_at).unwrap_or_default();
        let limit = self.ttl.saturating_add(self.max_stale);
        if age >= limit {
            return Err(DiscoveryError::StaleDocument(StaleDocumentError {
                discovered_at,
                age,
                limit,
            }));
        }
        Ok(discovered_at.min(now))
    }

    /// When a snapshot that expires at `expires_at` stops being used at all.
    pub(super) fn deadline(&self, expires_at: SystemTime) -> SystemTime {
        expires_at + self.max_stale
    }

    /// The wait before the next call after `failures` consecutive failures (1 or more), the
    /// last of `class`: `failure_backoff` doubled per earlier failure up to the class's cap
    /// ([`PERMANENT_BACKOFF_CAP`], [`THROTTLED_BACKOFF_CAP`], [`TRANSIENT_BACKOFF_CAP`]),
    /// stretched by a random 0–50 %.
    pub(super) fn backoff(&self, class: FailureClass, failures: u32) -> Duration {
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

    /// The wait after a failure of `class` (the `failures`-th in a row) at `now`, while a snapshot
    /// that expires at `expires_at` (if any) may be served: [`CacheConfig::backoff`], or, for a
    /// failure that waiting will not fix soon (permanent, throttled), if longer: with a servable
    /// snapshot, 93–98 % of the time left to its deadline — a fleet then makes about one call per
    /// process per outage, not one per backoff step; without one, a uniform `failure_backoff` to
    /// `ttl ×` [`COLD_SPREAD`] when the failure came from a service a fleet shares (`fleet_wide`:
    /// EC2 throttled or denied the call) — a fleet that starts without the permission, or into a
    /// drained bucket, spreads its calls instead of stepping through the backoff together.
    pub(super) fn wait_after_failure(
        &self,
        class: FailureClass,
        failures: u32,
        expires_at: Option<SystemTime>,
        now: SystemTime,
        fleet_wide: bool,
    ) -> Duration {
        let backoff = self.backoff(class, failures);
        if class == FailureClass::Transient {
            return backoff;
        }
        let spread = fleet_wide.then_some(COLD_SPREAD);
        let left =
            expires_at.and_then(|expires_at| self.deadline(expires_at).duration_since(now).ok());
        match left {
            Some(left) => backoff.max(left.mul_f64(0.93 + 0.05 * fastrand::f64())),
            None => {
                let Some(spread) = spread else {
                    return backoff;
                };
                let longest = self.ttl.mul_f64(spread).max(self.failure_backoff);
                let cold = self.failure_backoff
                    + (longest - self.failure_backoff).mul_f64(fastrand::f64());
                backoff.max(cold)
            }
        }
    }

    /// When the refresher acts next: at the end of a failure's wait (`retry_at`), else
    /// `refresh_ahead` before the snapshot expires, else now.
    pub(super) fn next_wake(
        &self,
        retry_at: Option<SystemTime>,
        expires_at: Option<SystemTime>,
        now: SystemTime,
    ) -> SystemTime {
        match (retry_at, expires_at) {
            (Some(retry_at), _) => retry_at,
            (None, Some(expires_at)) => expires_at.checked_sub(self.refresh_ahead).unwrap_or(now),
            (None, None) => now,
        }
    }
}

/// Builder for [`CacheConfig`]: the one place the cache's settings are checked.
#[derive(Clone, Debug, Default)]
pub struct CacheConfigBuilder {
    config: CacheConfig,
}

impl CacheConfigBuilder {
    /// Sets the time a snapshot is fresh. Defaults to [`DEFAULT_TTL`] (45 minutes); more than
    /// zero, at most [`MAX_SETTING`] (7 days).
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

    /// Sets how long before expiry the background refresh starts (the old snapshot is served
    /// meanwhile). Defaults to [`DEFAULT_REFRESH_AHEAD`] (60 s); shorter than the shortest
    /// lifetime, `ttl × (1 − jitter)`.
    pub fn refresh_ahead(mut self, refresh_ahead: Duration) -> Self {
        self.config.refresh_ahead = refresh_ahead;
        self
    }

    /// Sets how long after expiry a snapshot is still served while refreshes fail (then it is
    /// dropped). Defaults to [`DEFAULT_MAX_STALE`] (1 hour); at most [`MAX_SETTING`].
    pub fn max_stale(mut self, max_stale: Duration) -> Self {
        self.config.max_stale = max_stale;
        self
    }

    /// Sets the minimum interval after a failed call; it doubles with each consecutive failure up
    /// to a cap set by what failed, and each wait is stretched by a random 0–50 %. Defaults to
    /// [`DEFAULT_FAILURE_BACKOFF`] (30 s); 1 second to [`MAX_SETTING`].
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.config.failure_backoff = backoff;
        self
    }

    /// Sets the limit on one call of the source (every page and retry of it), on Tokio's timer:
    /// past it the call fails with `TimedOut`, for the caller that started it and every
    /// caller waiting on it (`load`, `reload`, the refresher). Defaults to
    /// [`DEFAULT_CALL_TIMEOUT`] (60 s); within [`TIMEOUT_RANGE`] (1 second to 1 hour).
    pub fn call_timeout(mut self, limit: Duration) -> Self {
        self.config.call_timeout = limit;
        self
    }

    /// The settings, or the first that is out of range.
    pub fn build(self) -> Result<CacheConfig, CacheConfigError> {
        let config = self.config;
        let problem = if !(0.0..1.0).contains(&config.jitter) {
            "jitter must be in [0, 1)"
        } else if config.ttl.is_zero() {
            "ttl must be positive"
        } else if config.ttl > MAX_SETTING {
            "ttl must be at most 7 days"
        } else if config.max_stale > MAX_SETTING {
            "max_stale must be at most 7 days"
        } else if config.failure_backoff < Duration::from_secs(1)
            || config.failure_backoff > MAX_SETTING
        {
            "failure_backoff must be between 1 second and 7 days"
        } else if !TIMEOUT_RANGE.contains(&config.call_timeout) {
            "call_timeout must be between 1 second and 1 hour"
        } else if config.refresh_ahead >= config.ttl.mul_f64(1.0 - config.jitter) {
            "refresh_ahead must be shorter than ttl × (1 − jitter)"
        } else {
            return Ok(config);
        };
        Err(CacheConfigError { problem })
    }
}

/// A cache setting is invalid, or the cache lacks what it needs (a source, a sleep).
#[derive(Clone, Debug)]
pub struct CacheConfigError {
    pub(super) problem: &'static str,
}

impl fmt::Display for CacheConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid endpoint cache settings: {}", self.problem)
    }
}

impl Error for CacheConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: SystemTime = SystemTime::UNIX_EPOCH;
    const MIN: Duration = Duration::from_secs(60);

    fn config() -> CacheConfig {
        CacheConfig::builder()
            .failure_backoff(Duration::from_secs(30))
            .max_stale(60 * MIN)
            .build()
            .unwrap()
    }

    #[test]
    fn the_wait_doubles_up_to_the_cap_of_what_failed() {
        let config = config();
        for (class, cap) in [
            (FailureClass::Permanent, PERMANENT_BACKOFF_CAP),
            (FailureClass::Throttled, THROTTLED_BACKOFF_CAP),
            (FailureClass::Transient, TRANSIENT_BACKOFF_CAP),
        ] {
            for failures in 1..40 {
                let base = Duration::from_secs(30)
                    .saturating_mul(1 << (failures - 1).min(20))
                    .min(cap);
                let wait = config.backoff(class, failures);
                assert!(
                    wait >= base && wait <= base.mul_f64(1.5),
                    "{class} {failures}: {wait:?}"
                );
            }
        }
    }

    #[test]
    fn a_failure_waiting_will_not_fix_waits_for_most_of_the_servable_time() {
        let config = config();
        let expires_at = T0 + 10 * MIN;
        // 70 minutes left to the deadline (expiry + 60 min).
        let left = 70 * MIN;
        for class in [FailureClass::Permanent, FailureClass::Throttled] {
            let wait = config.wait_after_failure(class, 1, Some(expires_at), T0, true);
            assert!(
                wait >= left.mul_f64(0.93) && wait <= left.mul_f64(0.98),
                "{wait:?}"
            );
        }
        // Transient failures keep the plain backoff.
        let transient =
            config.wait_after_failure(FailureClass::Transient, 1, Some(expires_at), T0, true);
        assert!(transient <= Duration::from_secs(45), "{transient:?}");
        let transient = config.wait_after_failure(FailureClass::Transient, 1, None, T0, true);
        assert!(transient <= Duration::from_secs(45), "{transient:?}");
    }

    #[test]
    fn without_a_snapshot_a_failure_waiting_will_not_fix_is_spread_over_the_ttl() {
        let config = config();
        for class in [FailureClass::Permanent, FailureClass::Throttled] {
            let longest = DEFAULT_TTL.mul_f64(COLD_SPREAD);
            let waits: Vec<Duration> = (0..2000)
                .map(|_| config.wait_after_failure(class, 1, None, T0, true))
                .collect();
            assert!(
                waits
                    .iter()
                    .all(|w| (Duration::from_secs(30)..=longest).contains(w))
            );
            // Spread over the whole range, not bunched at the backoff: a quarter in each quarter.
            for quarter in 0..4 {
                let (from, to) = (
                    longest.mul_f64(quarter as f64 / 4.0),
                    longest.mul_f64((quarter + 1) as f64 / 4.0),
                );
                let share =
                    waits.iter().filter(|w| (from..to).contains(*w)).count() as f64 / 2000.0;
                assert!(
                    (0.18..0.32).contains(&share),
                    "{class} quarter {quarter}: {share}"
                );
            }
            // Past the deadline of a dropped snapshot nothing is left: the same spread.
            let late = config.wait_after_failure(class, 1, Some(T0), T0 + 200 * MIN, true);
            assert!(late <= longest, "{late:?}");
            // A failure of this process's own (a bad file, a panicking source): the backoff.
            let own = config.wait_after_failure(class, 1, None, T0, false);
            assert!(own <= Duration::from_secs(45), "{own:?}");
        }
    }

    #[test]
    fn a_lifetime_starts_at_discovery_and_a_document_past_ttl_and_max_stale_is_an_error() {
        let config = config();
        let now = T0 + 1000 * MIN;
        assert_eq!(config.lifetime_start(None, now).unwrap(), now);
        assert_eq!(
            config.lifetime_start(Some(now - 10 * MIN), now).unwrap(),
            now - 10 * MIN
        );
        // A time ahead of this clock counts as now.
        assert_eq!(
            config.lifetime_start(Some(now + 10 * MIN), now).unwrap(),
            now
        );
        // ttl 45 min + max_stale 60 min.
        let limit = DEFAULT_TTL + 60 * MIN;
        assert!(
            config
                .lifetime_start(Some(now - limit + Duration::from_secs(1)), now)
                .is_ok()
        );
        match config.lifetime_start(Some(now - limit), now) {
            Err(DiscoveryError::StaleDocument(stale)) => {
                assert_eq!((stale.age(), stale.limit()), (limit, limit));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_first_snapshot_lives_between_half_a_ttl_and_a_ttl_and_exactly_without_jitter() {
        let config = config();
        let lifetimes: Vec<Duration> = (0..2000).map(|_| config.first_lifetime()).collect();
        let (shortest, longest) = (DEFAULT_TTL / 2, DEFAULT_TTL);
        assert!(lifetimes.iter().all(|l| (shortest..=longest).contains(l)));
        assert!(lifetimes.iter().any(|l| *l < DEFAULT_TTL.mul_f64(0.6)));
        let exact = CacheConfig::builder().jitter(0.0).build().unwrap();
        assert_eq!(exact.first_lifetime(), DEFAULT_TTL);
        // Never shorter than twice refresh_ahead (the refresher would otherwise wake at once).
        let short = CacheConfig::builder()
            .ttl(Duration::from_secs(300))
            .refresh_ahead(Duration::from_secs(200))
            .jitter(0.2)
            .build()
            .unwrap();
        for _ in 0..200 {
            let lifetime = short.first_lifetime();
            assert!(lifetime >= Duration::from_secs(240), "{lifetime:?}");
        }
    }

    #[test]
    fn the_refresher_wakes_for_a_retry_then_ahead_of_expiry() {
        let config = config();
        let expires_at = T0 + 45 * MIN;
        let retry_at = T0 + MIN;
        assert_eq!(
            config.next_wake(Some(retry_at), Some(expires_at), T0),
            retry_at
        );
        assert_eq!(
            config.next_wake(None, Some(expires_at), T0),
            expires_at - DEFAULT_REFRESH_AHEAD
        );
        assert_eq!(config.next_wake(None, None, T0), T0);
        assert_eq!(config.deadline(expires_at), expires_at + 60 * MIN);
    }
}
