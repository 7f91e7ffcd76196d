//! One VPC's slot: its cell, its state, the call in flight (single flight) and the refresher task.
//! A finished call goes through the state's transition, then is published to the cell and
//! reported (metrics, and logs once per transition).

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::SystemTime;

use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::time::SharedTimeSource;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use privatelink_core::{EndpointIndex, ErrorChain, SnapshotCell, VpcEndpoint};
use tracing::Instrument;

use super::state::{AfterFailure, Failed, SlotState};
use super::timing::CacheConfig;
use crate::error::DiscoveryError;
use crate::limit::within;
use crate::source::{DescribeEndpoints, SharedSource};

/// What the refresher and the calls in flight need; holds no slot (no cycles).
pub(super) struct Core {
    pub(super) source: SharedSource,
    pub(super) config: CacheConfig,
    pub(super) time: SharedTimeSource,
    pub(super) sleep: SharedAsyncSleep,
}

pub(super) type LoadResult = Result<Arc<EndpointIndex>, DiscoveryError>;
/// A load's result as the slot records it: the snapshot and when its lifetime starts.
type Loaded = Result<(Arc<EndpointIndex>, SystemTime), DiscoveryError>;
type LoadFuture = Shared<BoxFuture<'static, LoadResult>>;

/// One VPC's entry.
pub(super) struct Slot {
    pub(super) vpc_id: String,
    pub(super) cell: SnapshotCell,
    inner: Mutex<Inner>,
}

/// The state, and what runs for it.
#[derive(Default)]
pub(super) struct Inner {
    pub(super) state: SlotState,
    inflight: Option<LoadFuture>,
    /// The background refresher's task, while one was started; a finished one (its runtime shut
    /// down, say) is started again on the next load.
    pub(super) refresher: Option<tokio::task::AbortHandle>,
}

impl Inner {
    /// Whether a call is in flight.
    pub(super) fn loading(&self) -> bool {
        self.inflight.is_some()
    }

    /// Whether the refresher task is running.
    pub(super) fn refresher_running(&self) -> bool {
        self.refresher
            .as_ref()
            .is_some_and(|task| !task.is_finished())
    }
}

impl Slot {
    pub(super) fn new(vpc_id: &str) -> Self {
        Slot {
            vpc_id: vpc_id.to_owned(),
            cell: SnapshotCell::new(),
            inner: Mutex::default(),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current call, or a new one: at most one call per slot is in flight, and every caller
    /// gets its result.
    pub(super) fn begin_load(self: &Arc<Self>, core: &Arc<Core>) -> LoadFuture {
        self.begin_load_locked(&mut self.lock(), core)
    }

    /// [`Slot::begin_load`] under a lock the caller already holds, so that what it decided from
    /// the state (no fresh snapshot) still holds when the call starts.
    pub(super) fn begin_load_locked(
        self: &Arc<Self>,
        inner: &mut Inner,
        core: &Arc<Core>,
    ) -> LoadFuture {
        if let Some(inflight) = &inner.inflight {
            return inflight.clone();
        }
        // The first call may use the source's own retries; later ones are paced by the cache.
        let once = inner.state.calls > 0;
        inner.state.calls += 1;
        metrics::counter!("privatelink_discovery_calls_total", "vpc_id" => self.vpc_id.clone())
            .increment(1);
        let (core, slot, vpc_id) = (core.clone(), Arc::downgrade(self), self.vpc_id.clone());
        let span = tracing::debug_span!("privatelink_describe_vpc_endpoints", vpc_id = %vpc_id);
        let load = async move {
            tracing::debug!("calling DescribeVpcEndpoints");
            // A source that panics fails this call only: the slot stays usable. One that never
            // answers fails it at the call limit, so no caller waits longer.
            let call = async {
                std::panic::AssertUnwindSafe(core.source.describe_document(&vpc_id, once))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|panic| Err(DiscoveryError::source_panicked(panic.as_ref())))
            };
            let limit = core.config.call_timeout();
            // Staleness counts from when the endpoints were discovered, if the source knows.
            let loaded: Loaded =
                within(call, limit, "the endpoint source")
                    .await
                    .and_then(|document| {
                        let start = core
                            .config
                            .lifetime_start(document.discovered_at, core.time.now())?;
                        Ok((Slot::index_of(&slot, document.endpoints), start))
                    });
            if let Some(slot) = Weak::upgrade(&slot) {
                slot.finish(&core, &loaded);
            }
            loaded.map(|(index, _)| index)
        }
        .instrument(span)
        .boxed()
        .shared();
        inner.inflight = Some(load.clone());
        load
    }

    /// The snapshot of `endpoints`: the one in use when they are the same endpoints (a refresh
    /// that found nothing changed, as most do), so that no index is built and dropped and the
    /// request path's memo of decisions, kept per snapshot, stays; else a new index.
    fn index_of(slot: &Weak<Slot>, endpoints: Vec<VpcEndpoint>) -> Arc<EndpointIndex> {
        let current = Weak::upgrade(slot).and_then(|slot| slot.lock().state.index.clone());
        match current {
            Some(index) if index.endpoints() == endpoints.as_slice() => index,
            _ => Arc::new(EndpointIndex::new(endpoints)),
        }
    }

    /// A call finished: the state's transition, then publishing and reporting it.
    fn finish(&self, core: &Core, result: &Loaded) {
        let now = core.time.now();
        let mut inner = self.lock();
        inner.inflight = None;
        match result {
            Ok((index, start)) => {
                // A process's first snapshot lives a wider range: a fleet started together
                // spreads its first refresh.
                let lifetime = match inner.state.index {
                    None => core.config.first_lifetime(),
                    Some(_) => core.config.lifetime(),
                };
                let expires_at =
                    inner
                        .state
                        .succeeded(index.clone(), now, *start, lifetime, &core.config);
                // Readers stop using it at its deadline on their own clock, even if no refresh
                // ever runs again.
                self.cell
                    .publish_until(index.clone(), core.config.deadline(expires_at));
                self.report_success(index, now, expires_at);
            }
            Err(error) => {
                let failed = inner.state.failed(error, now, &core.config);
                if failed.after == AfterFailure::Dropped {
                    self.cell.clear();
                }
                self.report_failure(error, failed);
            }
        }
    }

    /// The snapshot if it may still be served at `now`; the first use past expiry is logged,
    /// once until the next success.
    pub(super) fn servable(
        &self,
        inner: &mut Inner,
        config: &CacheConfig,
        now: SystemTime,
    ) -> Option<Arc<EndpointIndex>> {
        let expires_at = inner.state.expires_at;
        let (index, first_stale_use) = inner.state.servable(config, now)?;
        if first_stale_use && let Some(expires_at) = expires_at {
            tracing::warn!(
                vpc_id = %self.vpc_id,
                stale_for = ?now.duration_since(expires_at).unwrap_or_default(),
                "endpoint snapshot is stale: serving it while refreshes fail, until max_stale"
            );
        }
        Some(index)
    }

    fn report_success(&self, index: &EndpointIndex, now: SystemTime, expires_at: SystemTime) {
        tracing::debug!(
            vpc_id = %self.vpc_id,
            endpoints = index.endpoints().len(),
            expires_in = ?expires_at.duration_since(now).unwrap_or_default(),
            "endpoint snapshot loaded"
        );
        let vpc_id = self.vpc_id.clone();
        metrics::gauge!("privatelink_endpoints_usable", "vpc_id" => vpc_id.clone())
            .set(index.usable_count() as f64);
        let loaded = now
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        metrics::gauge!("privatelink_snapshot_loaded_timestamp_seconds", "vpc_id" => vpc_id)
            .set(loaded.as_secs_f64());
    }

    /// Transitions at `warn` (or `error` for a dropped snapshot) once each; repeats at `debug`.
    fn report_failure(&self, error: &DiscoveryError, failed: Failed) {
        metrics::counter!(
            "privatelink_discovery_failures_total",
            "vpc_id" => self.vpc_id.clone(),
            "class" => error.class().as_str()
        )
        .increment(1);
        let message = match failed.after {
            AfterFailure::Fresh => {
                "refreshing endpoints failed; the current snapshot is still fresh"
            }
            AfterFailure::Stale => {
                "refreshing endpoints failed; serving the stale snapshot until max_stale"
            }
            AfterFailure::Empty => "loading endpoints failed",
            AfterFailure::Dropped => {
                tracing::error!(
                    vpc_id = %self.vpc_id, error = %ErrorChain(error),
                    "refreshing endpoints failed past max_stale; dropping the snapshot"
                );
                metrics::gauge!("privatelink_endpoints_usable", "vpc_id" => self.vpc_id.clone())
                    .set(0.0);
                return;
            }
        };
        match failed.first {
            true => tracing::warn!(
                vpc_id = %self.vpc_id, error = %ErrorChain(error),
                next_call_in = ?failed.wait, "{message}"
            ),
            false => tracing::debug!(
                vpc_id = %self.vpc_id, error = %ErrorChain(error),
                next_call_in = ?failed.wait, "{message} (again)"
            ),
        }
    }
}
