//! The per-VPC endpoint cache: TTL with jitter, refresh ahead of expiry in the background,
//! single flight with shared results (errors included), stale on error up to `max_stale`, and a
//! growing, jittered wait after a failure.
//!
//! | module | what it holds |
//! |---|---|
//! | `timing` | [`CacheConfig`] and its checks; the rules: lifetime, deadline, wait after a failure, next wake |
//! | `state` | one VPC's state and its transitions (pure) |
//! | `slot` | one VPC's slot: the call in flight, publishing, metrics and transition logs |
//! | `refresher` | the background task and [`KeepAlive`] |
//! | `status` | [`CacheStatus`] |
//! | `builder` | [`EndpointCacheBuilder`] |

mod builder;
mod refresher;
mod slot;
mod state;
mod status;
mod timing;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use privatelink_core::{EndpointIndex, SnapshotCell};
use tokio::sync::watch;

use crate::error::DiscoveryError;
use refresher::StopGuard;
use slot::{Core, Slot};

pub use builder::EndpointCacheBuilder;
pub use refresher::KeepAlive;
pub use status::CacheStatus;
pub use timing::{
    COLD_SPREAD, CacheConfig, CacheConfigBuilder, CacheConfigError, DEFAULT_CALL_TIMEOUT,
    DEFAULT_FAILURE_BACKOFF, DEFAULT_JITTER, DEFAULT_MAX_STALE, DEFAULT_REFRESH_AHEAD, DEFAULT_TTL,
    MAX_SETTING, PERMANENT_BACKOFF_CAP, THROTTLED_BACKOFF_CAP, TRANSIENT_BACKOFF_CAP,
};

/// A cache of VPC endpoint snapshots, one slot per VPC id, for one source (one region).
///
/// - [`EndpointCache::load`] returns a fresh snapshot, loading it if needed. Concurrent loads of
///   one VPC share one `DescribeVpcEndpoints` call and its result, error included.
/// - [`EndpointCache::cell`] is the live [`SnapshotCell`] of a VPC: interceptors read it
///   lock-free; the cache publishes each new snapshot into it.
/// - After the first load of a VPC, a background task (Tokio) refreshes it `refresh_ahead`
///   before expiry. A failed refresh keeps the old snapshot until `max_stale` after expiry,
///   then clears the cell; the next call waits a jittered, growing `failure_backoff`.
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
        // A known VPC is looked up by `&str`: no key is allocated on every load.
        if let Some(slot) = slots.get(vpc_id) {
            return slot.clone();
        }
        slots
            .entry(vpc_id.to_owned())
            .or_insert_with(|| Arc::new(Slot::new(vpc_id)))
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
            let mut inner = slot.lock();
            if let Some(index) = inner.state.fresh(now) {
                drop(inner);
                // A refresher whose task ended (its runtime shut down) starts again here.
                self.ensure_refresher(&slot);
                return Ok(index);
            }
            // Just loaded a document that was already due (discovered long ago): served as it
            // is, not read again at once.
            if !inner.loading()
                && inner.state.quiet(now)
                && let Some(index) = slot.servable(&mut inner, &self.core.config, now)
            {
                return Ok(index);
            }
            if !inner.loading()
                && let Some(error) = inner.state.backing_off(now)
            {
                return slot
                    .servable(&mut inner, &self.core.config, now)
                    .ok_or(error);
            }
            // Under the same lock as the checks above: a call that finished in between would
            // otherwise be followed by a second, needless call.
            slot.begin_load_locked(&mut inner, &self.core)
        };
        let result = load.await;
        self.ensure_refresher(&slot);
        result.or_else(|error| {
            slot.servable(&mut slot.lock(), &self.core.config, self.core.time.now())
                .ok_or(error)
        })
    }

    /// The health of `vpc_id`'s discovery as of now.
    pub fn status(&self, vpc_id: &str) -> CacheStatus {
        let slot = self.slot(vpc_id);
        let now = self.core.time.now();
        CacheStatus::of(&slot.lock(), &self.core.config, now)
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
        refresher::ensure(&self.core, slot, &self.stop);
    }
}
