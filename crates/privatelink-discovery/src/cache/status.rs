//! [`CacheStatus`]: one VPC's discovery health, read at one time.

use std::time::{Duration, SystemTime};

use super::slot::Inner;
use super::timing::CacheConfig;
use crate::error::{DiscoveryError, FailureClass};

/// One VPC's discovery health: see [`EndpointCache::status`](super::EndpointCache::status).
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
    /// The status of `inner` at `now`.
    pub(super) fn of(inner: &Inner, config: &CacheConfig, now: SystemTime) -> Self {
        let state = &inner.state;
        // The expiry and load time of the snapshot in use, when there is one.
        let expires_at = state.expires_at.filter(|_| state.index.is_some());
        let loaded_at = state.loaded_at.filter(|_| state.index.is_some());
        CacheStatus {
            snapshot_age: loaded_at.map(|at| now.duration_since(at).unwrap_or_default()),
            expires_at,
            deadline: expires_at.map(|at| config.deadline(at)),
            stale: expires_at.is_some_and(|at| now > at),
            last_error: state.failure.as_ref().map(|(error, _)| error.clone()),
            consecutive_failures: state.consecutive_failures,
            next_call: inner
                .refresher
                .as_ref()
                .map(|_| state.next_wake(config, now)),
            calls: state.calls,
            refresher_running: inner.refresher_running(),
        }
    }

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
