//! A lock-free, shareable "current index" that a cache publishes into and interceptors read.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arc_swap::ArcSwapOption;

use crate::index::EndpointIndex;

/// The current endpoint index (the snapshot), shared between whoever publishes it (the discovery
/// cache, or a caller with an index read from a file) and the readers on the request path (the
/// interceptor, dial mode's resolver).
///
/// Clones share one cell. Reads ([`SnapshotCell::with_current`], [`SnapshotCell::current`]) never
/// block and never wait for a writer; publishing replaces the whole index atomically, so a reader
/// sees either the old or the new index, never a mix.
#[derive(Clone, Default)]
pub struct SnapshotCell {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    current: ArcSwapOption<EndpointIndex>,
    generation: AtomicU64,
}

impl SnapshotCell {
    /// An empty cell: no snapshot yet (strict mode refuses, prefer mode passes requests through).
    pub fn new() -> Self {
        Self::default()
    }

    /// A cell holding `index`.
    pub fn with_index(index: EndpointIndex) -> Self {
        let cell = Self::new();
        cell.publish(index);
        cell
    }

    /// Replaces the current index. Logs the change at debug level, and each of the index's
    /// [warnings](EndpointIndex::warnings) (ignored DNS entries, …) at warn level.
    pub fn publish(&self, index: impl Into<Arc<EndpointIndex>>) {
        let index = index.into();
        for warning in index.warnings() {
            tracing::warn!(%warning, "privatelink ignored part of the endpoint data");
        }
        let generation = self.inner.generation.fetch_add(1, Ordering::AcqRel) + 1;
        tracing::debug!(
            generation,
            endpoints = index.endpoints().len(),
            usable_targets = index.usable_count(),
            warnings = index.warnings().len(),
            "privatelink endpoint snapshot published"
        );
        self.inner.current.store(Some(index));
    }

    /// Removes the current index (back to "no snapshot"). Logs at debug level.
    pub fn clear(&self) {
        let generation = self.inner.generation.fetch_add(1, Ordering::AcqRel) + 1;
        tracing::debug!(generation, "privatelink endpoint snapshot cleared");
        self.inner.current.store(None);
    }

    /// Runs `f` on the current index without taking a lock or a reference count.
    pub fn with_current<R>(&self, f: impl FnOnce(Option<&EndpointIndex>) -> R) -> R {
        let guard = self.inner.current.load();
        f(guard.as_deref())
    }

    /// The current index, if any.
    pub fn current(&self) -> Option<Arc<EndpointIndex>> {
        self.inner.current.load_full()
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
