//! [`EndpointCacheBuilder`]: what the cache is built from — a source, timing settings already
//! checked ([`CacheConfig`]), a clock and a sleep.

use std::fmt;
use std::sync::Arc;

use aws_smithy_async::rt::sleep::{SharedAsyncSleep, default_async_sleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use tokio::sync::watch;

use super::EndpointCache;
use super::refresher::StopGuard;
use super::slot::Core;
use super::timing::{CacheConfig, CacheConfigError};
use crate::source::{DescribeEndpoints, SharedSource};

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

    /// Sets the timing settings. Defaults to [`CacheConfig::default`] (every setting at its
    /// default; see [`CacheConfig::builder`]).
    pub fn config(mut self, config: CacheConfig) -> Self {
        self.config = config;
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

    /// Builds the cache, or says what it lacks (a source; a sleep, without Tokio).
    pub fn build(self) -> Result<EndpointCache, CacheConfigError> {
        let Some(source) = self.source else {
            return Err(CacheConfigError {
                problem: "no endpoint source was set",
            });
        };
        let Some(sleep) = self.sleep.or_else(default_async_sleep) else {
            return Err(CacheConfigError {
                problem: "no sleep implementation (enable Tokio or set sleep_impl)",
            });
        };
        let (stop_tx, stop_rx) = watch::channel(());
        Ok(EndpointCache {
            core: Arc::new(Core {
                source,
                config: self.config,
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
