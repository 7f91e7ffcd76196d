//! A lock-free, shareable "current index" that a cache publishes into and interceptors read.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use arc_swap::ArcSwapOption;

use crate::index::EndpointIndex;

/// The current endpoint index (the snapshot), shared between whoever publishes it (the discovery
/// cache, or a caller with an index read from a file) and the readers on the request path (the
/// interceptor, dial mode's resolver).
///
/// A snapshot may carry a deadline ([`SnapshotCell::publish_until`]: the discovery cache sets
/// expiry + `max_stale`). Readers on the request path pass their clock's time
/// ([`SnapshotCell::with_current_at`]) and see no snapshot past the deadline, even when whoever
/// publishes has stopped (a refresher that died, a call that hangs). The first read past a
/// snapshot's deadline logs a warning, once per snapshot.
///
/// Clones share one cell. Reads never block and never wait for a writer; publishing replaces the
/// whole snapshot atomically, so a reader sees either the old or the new one, never a mix.
#[derive(Clone, Default)]
pub struct SnapshotCell {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    current: ArcSwapOption<Published>,
    generation: AtomicU64,
    /// The generation whose deadline passing was logged.
    expired_logged: AtomicU64,
}

/// A published snapshot and the time past which readers must not use it.
struct Published {
    index: Arc<EndpointIndex>,
    deadline: Option<SystemTime>,
}

impl SnapshotCell {
    /// An empty cell: no snapshot yet (strict mode refuses, prefer mode passes requests through).
    pub fn new() -> Self {
        Self::default()
    }

    /// A cell holding `index`, with no deadline.
    pub fn with_index(index: EndpointIndex) -> Self {
        let cell = Self::new();
        cell.publish(index);
        cell
    }

    /// Replaces the current snapshot with `index`, usable with no deadline. Logs the change at
    /// debug level, and each of the index's [warnings](EndpointIndex::warnings) (ignored DNS
    /// entries, …) at warn level.
    pub fn publish(&self, index: impl Into<Arc<EndpointIndex>>) {
        self.store(index.into(), None);
    }

    /// Replaces the current snapshot with `index`, which readers on the request path stop using
    /// at `deadline` (see [`SnapshotCell::with_current_at`]). Logs as [`SnapshotCell::publish`].
    pub fn publish_until(&self, index: impl Into<Arc<EndpointIndex>>, deadline: SystemTime) {
        self.store(index.into(), Some(deadline));
    }

    fn store(&self, index: Arc<EndpointIndex>, deadline: Option<SystemTime>) {
        for warning in index.warnings() {
            tracing::warn!(%warning, "privatelink ignored part of the endpoint data");
        }
        let generation = self.inner.generation.fetch_add(1, Ordering::AcqRel) + 1;
        tracing::debug!(
            generation,
            endpoints = index.endpoints().len(),
            usable_targets = index.usable_count(),
            warnings = index.warnings().len(),
            ?deadline,
            "privatelink endpoint snapshot published"
        );
        self.inner
            .current
            .store(Some(Arc::new(Published { index, deadline })));
    }

    /// Removes the current snapshot (back to "no snapshot"). Logs at debug level.
    pub fn clear(&self) {
        let generation = self.inner.generation.fetch_add(1, Ordering::AcqRel) + 1;
        tracing::debug!(generation, "privatelink endpoint snapshot cleared");
        self.inner.current.store(None);
    }

    /// Runs `f` on the current snapshot as of `now` — `None` when there is none, or its deadline
    /// has passed — without taking a lock or a reference count. The request path's read.
    pub fn with_current_at<R>(
        &self,
        now: SystemTime,
        f: impl FnOnce(Option<&EndpointIndex>) -> R,
    ) -> R {
        self.with_published_at(now, |index| f(index.map(|index| &**index)))
    }

    /// [`SnapshotCell::with_current_at`] with the snapshot's `Arc`, so that a reader can tell one
    /// snapshot from another by identity (the request path's memo).
    pub(crate) fn with_published_at<R>(
        &self,
        now: SystemTime,
        f: impl FnOnce(Option<&Arc<EndpointIndex>>) -> R,
    ) -> R {
        let guard = self.inner.current.load();
        let published = guard.as_deref();
        let usable = published.filter(|p| p.deadline.is_none_or(|deadline| now <= deadline));
        if usable.is_none()
            && let Some(expired) = published
        {
            self.log_expired_once(expired);
        }
        f(usable.map(|p| &p.index))
    }

    /// The first reader past a snapshot's deadline says so, once for that snapshot.
    fn log_expired_once(&self, expired: &Published) {
        let generation = self.inner.generation.load(Ordering::Acquire);
        if self.inner.expired_logged.swap(generation, Ordering::AcqRel) != generation {
            tracing::warn!(
                deadline = ?expired.deadline,
                "privatelink endpoint snapshot is past its deadline (expiry + max_stale) and no \
                 newer one was published: prefer mode sends requests to their default hosts, \
                 strict mode refuses them"
            );
        }
    }

    /// Runs `f` on the current snapshot whatever its deadline (for inspection; the request path
    /// uses [`SnapshotCell::with_current_at`]).
    pub fn with_current<R>(&self, f: impl FnOnce(Option<&EndpointIndex>) -> R) -> R {
        let guard = self.inner.current.load();
        f(guard.as_deref().map(|p| &*p.index))
    }

    /// The current snapshot, if any, whatever its deadline.
    pub fn current(&self) -> Option<Arc<EndpointIndex>> {
        self.inner.current.load().as_ref().map(|p| p.index.clone())
    }

    /// The current snapshot's deadline: `None` when there is no snapshot or it has none.
    pub fn deadline(&self) -> Option<SystemTime> {
        self.inner.current.load().as_ref().and_then(|p| p.deadline)
    }

    /// How many times the cell was published to or cleared; 0 for a new cell.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }
}

impl fmt::Debug for SnapshotCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_current(|index| {
            f.debug_struct("SnapshotCell")
                .field("generation", &self.generation())
                .field("endpoints", &index.map(|i| i.endpoints().len()))
                .finish()
        })
    }
}
