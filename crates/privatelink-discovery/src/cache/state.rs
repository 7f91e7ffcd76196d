//! One VPC's discovery state and its transitions: what a finished call changes, what may be served
//! at a given time. Pure: no clock, no logs, no metrics, no publishing — the slot does those with
//! what each transition returns.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use privatelink_core::EndpointIndex;

use super::timing::CacheConfig;
use crate::error::DiscoveryError;

/// One VPC's state. The in-flight call and the refresher task live beside it, in the slot.
#[derive(Default)]
pub(super) struct SlotState {
    pub(super) index: Option<Arc<EndpointIndex>>,
    pub(super) expires_at: Option<SystemTime>,
    /// The last call's error and when the next call may be made; cleared on success.
    pub(super) failure: Option<(DiscoveryError, SystemTime)>,
    /// Failed calls since the last success.
    pub(super) consecutive_failures: u32,
    /// Calls made to the source.
    pub(super) calls: u64,
    /// When the snapshot in use was loaded.
    pub(super) loaded_at: Option<SystemTime>,
    /// Whether the current stale spell was reported (reset by a success).
    pub(super) stale_reported: bool,
    /// After a load whose document was already due for refresh (discovered long ago): no new
    /// call before this, so that a stale document is not read again and again.
    pub(super) quiet_until: Option<SystemTime>,
}

/// Where a failed call left the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum AfterFailure {
    /// The snapshot is still fresh.
    Fresh,
    /// The snapshot is past expiry and still served, until its deadline.
    Stale,
    /// The snapshot was past its deadline: dropped.
    Dropped,
    /// There was no snapshot.
    Empty,
}

/// What a failed call changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Failed {
    pub(super) after: AfterFailure,
    /// The wait before the next call.
    pub(super) wait: Duration,
    /// Whether this is the first failure of its kind since the last success (a transition, to
    /// be reported once; repeats are not).
    pub(super) first: bool,
}

impl SlotState {
    /// A call succeeded at `now` with `index`, fresh for `lifetime` from `start` (when its
    /// endpoints were discovered; `now` when unknown): returns its expiry. A snapshot already due
    /// for refresh (`refresh_ahead` before expiry) is not called for again before `quiet`.
    pub(super) fn succeeded(
        &mut self,
        index: Arc<EndpointIndex>,
        now: SystemTime,
        start: SystemTime,
        lifetime: Duration,
        config: &CacheConfig,
    ) -> SystemTime {
        let expires_at = start + lifetime;
        let due = expires_at
            .checked_sub(config.refresh_ahead())
            .unwrap_or(start);
        self.quiet_until =
            (due <= now).then(|| now + config.backoff(crate::error::FailureClass::Transient, 1));
        self.index = Some(index);
        self.expires_at = Some(expires_at);
        self.loaded_at = Some(now);
        self.failure = None;
        self.consecutive_failures = 0;
        self.stale_reported = false;
        expires_at
    }

    /// A call failed at `now` with `error`: counts it, sets the wait before the next call, and
    /// drops a snapshot past its deadline.
    pub(super) fn failed(
        &mut self,
        error: &DiscoveryError,
        now: SystemTime,
        config: &CacheConfig,
    ) -> Failed {
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        let expires_at = self.expires_at.filter(|_| self.index.is_some());
        let wait = config.wait_after_failure(
            error.class(),
            self.consecutive_failures,
            expires_at,
            now,
            error.is_fleet_wide(),
        );
        self.failure = Some((error.clone(), now + wait));
        let first_failure = self.consecutive_failures == 1;
        let (after, first) = match expires_at {
            Some(expires_at) if now <= expires_at => (AfterFailure::Fresh, first_failure),
            Some(expires_at) if now <= config.deadline(expires_at) => (
                AfterFailure::Stale,
                !std::mem::replace(&mut self.stale_reported, true),
            ),
            Some(_) => {
                self.index = None;
                self.expires_at = None;
                (AfterFailure::Dropped, true)
            }
            None => (AfterFailure::Empty, first_failure),
        };
        Failed { after, wait, first }
    }

    /// The snapshot if it may still be served at `now` (fresh, or stale within `max_stale`), and
    /// whether this is the first use past its expiry since the last success.
    pub(super) fn servable(
        &mut self,
        config: &CacheConfig,
        now: SystemTime,
    ) -> Option<(Arc<EndpointIndex>, bool)> {
        let expires_at = self.expires_at?;
        let index = self.index.clone()?;
        if now <= expires_at {
            return Some((index, false));
        }
        (now <= config.deadline(expires_at))
            .then(|| (index, !std::mem::replace(&mut self.stale_reported, true)))
    }

    /// The snapshot while it is fresh at `now`.
    pub(super) fn fresh(&self, now: SystemTime) -> Option<Arc<EndpointIndex>> {
        match (&self.index, self.expires_at) {
            (Some(index), Some(expires_at)) if now <= expires_at => Some(index.clone()),
            _ => None,
        }
    }

    /// The last failure and when the next call may be made, while that time is still ahead.
    pub(super) fn backing_off(&self, now: SystemTime) -> Option<DiscoveryError> {
        match &self.failure {
            Some((error, retry_at)) if now < *retry_at => Some(error.clone()),
            _ => None,
        }
    }

    /// Whether `now` is in the quiet period after loading a document already due for refresh.
    pub(super) fn quiet(&self, now: SystemTime) -> bool {
        self.failure.is_none() && self.quiet_until.is_some_and(|until| now < until)
    }

    /// When the refresher acts next.
    pub(super) fn next_wake(&self, config: &CacheConfig, now: SystemTime) -> SystemTime {
        let wake = config.next_wake(
            self.failure.as_ref().map(|(_, retry_at)| *retry_at),
            self.expires_at,
            now,
        );
        match self.quiet_until {
            Some(until) if self.failure.is_none() => wake.max(until),
            _ => wake,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::NoVpcError;

    const T0: SystemTime = SystemTime::UNIX_EPOCH;
    const MIN: Duration = Duration::from_secs(60);

    fn config() -> CacheConfig {
        CacheConfig::builder()
            .ttl(45 * MIN)
            .max_stale(60 * MIN)
            .build()
            .unwrap()
    }

    fn error() -> DiscoveryError {
        DiscoveryError::NoVpc(NoVpcError { tried: Vec::new() })
    }

    fn loaded() -> SlotState {
        let mut state = SlotState::default();
        state.succeeded(
            Arc::new(EndpointIndex::new(Vec::new())),
            T0,
            T0,
            45 * MIN,
            &config(),
        );
        state
    }

    #[test]
    fn failures_move_a_snapshot_from_fresh_to_stale_to_dropped() {
        let config = config();
        let mut state = loaded();
        let failed = state.failed(&error(), T0 + MIN, &config);
        assert_eq!((failed.after, failed.first), (AfterFailure::Fresh, true));
        assert!(state.backing_off(T0 + MIN).is_some());
        // Past expiry: stale, reported once.
        let failed = state.failed(&error(), T0 + 50 * MIN, &config);
        assert_eq!((failed.after, failed.first), (AfterFailure::Stale, true));
        let failed = state.failed(&error(), T0 + 51 * MIN, &config);
        assert_eq!((failed.after, failed.first), (AfterFailure::Stale, false));
        assert!(state.servable(&config, T0 + 100 * MIN).is_some());
        // Past the deadline (expiry + max_stale): dropped, nothing served.
        let failed = state.failed(&error(), T0 + 106 * MIN, &config);
        assert_eq!(failed.after, AfterFailure::Dropped);
        assert!(state.servable(&config, T0 + 106 * MIN).is_none());
        assert_eq!(state.consecutive_failures, 4);
        // Then there is nothing to lose.
        let failed = state.failed(&error(), T0 + 200 * MIN, &config);
        assert_eq!((failed.after, failed.first), (AfterFailure::Empty, false));
    }

    #[test]
    fn a_success_resets_the_failures_and_the_stale_report() {
        let config = config();
        let mut state = loaded();
        state.failed(&error(), T0 + 50 * MIN, &config);
        assert!(
            state
                .servable(&config, T0 + 50 * MIN)
                .is_some_and(|(_, first)| !first)
        );
        let expires_at = state.succeeded(
            Arc::new(EndpointIndex::new(Vec::new())),
            T0 + 52 * MIN,
            T0 + 52 * MIN,
            45 * MIN,
            &config,
        );
        assert_eq!(expires_at, T0 + 97 * MIN);
        assert_eq!(state.consecutive_failures, 0);
        assert!(state.backing_off(T0 + 52 * MIN).is_none());
        // A later stale spell is reported again.
        assert!(
            state
                .servable(&config, T0 + 98 * MIN)
                .is_some_and(|(_, first)| first)
        );
    }

    #[test]
    fn a_document_discovered_earlier_expires_from_its_discovery_and_is_not_read_again_at_once() {
        let config = config();
        let index = || Arc::new(EndpointIndex::new(Vec::new()));
        let mut state = SlotState::default();
        // Discovered 10 minutes before it was read: it expires 10 minutes sooner.
        let expires_at = state.succeeded(index(), T0 + 10 * MIN, T0, 45 * MIN, &config);
        assert_eq!(expires_at, T0 + 45 * MIN);
        assert!(!state.quiet(T0 + 10 * MIN));
        assert_eq!(state.next_wake(&config, T0 + 10 * MIN), T0 + 44 * MIN);
        // Discovered 50 minutes before: stale on arrival, served until its deadline; the next
        // read waits the (stretched) failure backoff instead of following at once.
        let expires_at = state.succeeded(index(), T0 + 50 * MIN, T0, 45 * MIN, &config);
        assert_eq!(expires_at, T0 + 45 * MIN);
        assert!(state.servable(&config, T0 + 50 * MIN).is_some());
        assert!(state.quiet(T0 + 50 * MIN));
        let wake = state.next_wake(&config, T0 + 50 * MIN);
        let backoff = config.failure_backoff();
        assert!(
            wake >= T0 + 50 * MIN + backoff && wake <= T0 + 50 * MIN + backoff.mul_f64(1.5),
            "{wake:?}"
        );
        assert!(!state.quiet(wake));
    }
}
