//! The background refresher: one Tokio task per slot that calls again `refresh_ahead` before
//! expiry or at the end of a failure's wait, and stops when the last cache handle and
//! [`KeepAlive`] are dropped.

use std::fmt;
use std::sync::Arc;

use aws_smithy_async::rt::sleep::AsyncSleep;
use tokio::sync::watch;

use super::slot::{Core, Slot};

/// Runs `slot`'s refreshes until `stop` says the cache is gone.
pub(super) async fn refresher(core: Arc<Core>, slot: Arc<Slot>, mut stop: watch::Receiver<()>) {
    loop {
        let now = core.time.now();
        let wake = slot.lock().state.next_wake(&core.config, now);
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

/// Starts `slot`'s refresher unless it runs (a finished one, whose runtime shut down, is started
/// again).
pub(super) fn ensure(core: &Arc<Core>, slot: &Arc<Slot>, stop: &watch::Receiver<()>) {
    let mut inner = slot.lock();
    if inner.refresher_running() {
        return;
    }
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            if inner.refresher.is_some() {
                tracing::debug!(vpc_id = %slot.vpc_id, "starting the endpoint refresher again");
            }
            let task = runtime.spawn(refresher(core.clone(), slot.clone(), stop.clone()));
            inner.refresher = Some(task.abort_handle());
        }
        Err(_) => tracing::warn!(
            vpc_id = %slot.vpc_id,
            "no Tokio runtime: endpoints will not be refreshed in the background"
        ),
    }
}

/// Dropping the last one stops every background refresher.
pub(super) struct StopGuard {
    pub(super) _stop: watch::Sender<()>,
}

/// Keeps a cache's background refresh running while held (see
/// [`EndpointCache::keep_alive`](super::EndpointCache::keep_alive)).
#[derive(Clone)]
pub struct KeepAlive {
    pub(super) _guard: Arc<StopGuard>,
}

impl fmt::Debug for KeepAlive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeepAlive")
    }
}
