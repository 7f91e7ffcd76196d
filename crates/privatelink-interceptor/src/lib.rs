//! An AWS SDK for Rust interceptor that sends requests to PrivateLink interface endpoints.
//!
//! [`PrivateLinkInterceptor`] rewrites the request URI in `modify_before_signing` (after the SDK
//! has resolved its endpoint and before SigV4 signs the `host`), on every attempt, from the
//! current [`EndpointIndex`] of a [`SnapshotCell`]. It never blocks and never does I/O: it reads
//! the snapshot lock-free, whoever publishes it (a static file, or a discovery cache), and
//! decides each host once per snapshot ([`Router`] remembers the
//! decision).
//!
//! ```no_run
//! use privatelink_core::{RewriteConfig, SnapshotCell, index_from_describe_json};
//! use privatelink_interceptor::PrivateLinkInterceptor;
//!
//! # fn f(json: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let cell = SnapshotCell::with_index(index_from_describe_json(json)?);
//! let interceptor = PrivateLinkInterceptor::new(cell, RewriteConfig::default());
//! // aws_sdk_s3::config::Builder::from(&sdk_config).interceptor(interceptor.clone()).build()
//! # Ok(()) }
//! ```

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use aws_smithy_async::time::{SystemTimeSource, TimeSource};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use privatelink_core::{
    EndpointIndex, Outcome, Policy, PublicHosts, RewriteConfig, RewriteError, Routed, Router,
    SnapshotCell,
};

/// Rewrites SDK request hosts to interface endpoint names before signing.
///
/// It reads the snapshot as of the client's clock (the runtime components' time source): a
/// snapshot past its deadline (the discovery cache sets expiry + `max_stale`) is not used, so
/// prefer mode sends requests to their default hosts and strict mode refuses them
/// ([`RefusalReason::NoSnapshot`](privatelink_core::RefusalReason::NoSnapshot)).
///
/// Cheap to clone; clones share the snapshot cell and the config, so one interceptor (or its
/// clones) can serve every client of a process. Attach it per client:
/// `aws_sdk_x::config::Builder::from(&sdk_config).interceptor(interceptor.clone())`.
///
/// Under [`Policy::Strict`] a refused request fails before it is signed or sent; the SDK error's
/// source chain holds a [`RewriteError`] (see [`find_rewrite_error`]).
#[derive(Clone)]
pub struct PrivateLinkInterceptor {
    router: Arc<Router>,
    keep_alive: Option<Arc<dyn Any + Send + Sync>>,
}

impl PrivateLinkInterceptor {
    /// An interceptor reading the current index from `cell` and mapping with `config`.
    pub fn new(cell: SnapshotCell, config: RewriteConfig) -> Self {
        Self {
            router: Arc::new(Router::new(cell, config)),
            keep_alive: None,
        }
    }

    /// Counts in `record` the requests it leaves on public AWS hosts because no usable endpoint
    /// serves them (what strict mode would refuse; see [`PublicHosts`]). Defaults to no record.
    pub fn with_public_hosts(self, record: Arc<PublicHosts>) -> Self {
        let router = Router::new(self.router.cell().clone(), self.router.config().clone())
            .record_public_hosts(record);
        Self {
            router: Arc::new(router),
            keep_alive: self.keep_alive,
        }
    }

    /// Holds `token` for as long as this interceptor (or a clone) lives. Whoever publishes into
    /// the snapshot cell can hand one over so that its background refresh keeps running while
    /// any client still uses the interceptor.
    pub fn with_keep_alive(mut self, token: impl Any + Send + Sync) -> Self {
        self.keep_alive = Some(Arc::new(token));
        self
    }

    /// An interceptor over a fixed index (for example one read from a describe-vpc-endpoints
    /// file). Publish a new index through [`PrivateLinkInterceptor::cell`] to change it.
    pub fn from_index(index: EndpointIndex, config: RewriteConfig) -> Self {
        Self::new(SnapshotCell::with_index(index), config)
    }

    /// The mapping config.
    pub fn config(&self) -> &RewriteConfig {
        self.router.config()
    }

    /// The cell the interceptor reads the index from.
    pub fn cell(&self) -> &SnapshotCell {
        self.router.cell()
    }

    /// Where a request to `uri` goes: the router's decision (remembered per host for the current
    /// snapshot, and counted: `privatelink_requests_total`), explained in a trace log (which
    /// allocates) only when trace logging is on.
    fn route_request(&self, uri: &str, now: SystemTime) -> Result<Routed, RewriteError> {
        let routed = self.router.route_url(uri, now);
        if routed.is_ok() && tracing::enabled!(tracing::Level::TRACE) {
            self.cell()
                .with_current_at(now, |index| match self.config().rewrite_url(index, uri) {
                    Ok(Outcome::Rewritten(rewritten)) => tracing::trace!(
                        from = rewritten.original_host(),
                        to = rewritten.host(),
                        endpoint = rewritten.endpoint().endpoint_id(),
                        "privatelink rewrote request host"
                    ),
                    Ok(Outcome::Unchanged(why)) => {
                        tracing::trace!(reason = %why, "privatelink left request unchanged");
                    }
                    Err(_) => {}
                });
        }
        routed
    }
}

impl fmt::Debug for PrivateLinkInterceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateLinkInterceptor")
            .field("router", &self.router)
            .finish()
    }
}

impl Intercept for PrivateLinkInterceptor {
    fn name(&self) -> &'static str {
        "PrivateLinkInterceptor"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The client's own clock: a snapshot past its deadline (expiry + max_stale) is not used.
        let now = match runtime_components.time_source() {
            Some(time) => time.now(),
            None => SystemTimeSource::new().now(),
        };
        let request = context.request_mut();
        match self.route_request(request.uri(), now) {
            Ok(Routed::Rewritten { url, header }) => {
                request.set_uri(url)?;
                if let Some((name, value)) = header {
                    request.headers_mut().try_insert(name, value)?;
                }
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(RewriteError::InvalidUrl(error)) if self.config().policy() != Policy::Strict => {
                tracing::debug!(%error, "privatelink left a request with an unparsable URI unchanged");
                Ok(())
            }
            Err(error) => Err(error.into()),
        }
    }
}

/// Finds the [`RewriteError`] in an error's `source()` chain (e.g. an `SdkError` returned by a
/// client whose request strict mode refused).
pub fn find_rewrite_error<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a RewriteError> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<RewriteError>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}
