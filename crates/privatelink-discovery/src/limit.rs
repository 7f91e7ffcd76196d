//! Time limits: the range every limit setting must fall in, its error, and how a call is bounded
//! (on Tokio's timer: EC2 walks, metadata, a hub's STS and EC2 calls, and every source call the
//! cache makes).

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::error::{DiscoveryError, TimedOutError};

/// Every time limit privatelink takes (`Ec2Source::timeout`, `Locator::timeout`,
/// `HubVpc::timeout`, [`CacheConfigBuilder::call_timeout`](crate::CacheConfigBuilder::call_timeout),
/// the facade's `describe_timeout` and `metadata_timeout`) must be within 1 second and 1 hour:
/// zero would fail every call, and a limit of days is none.
pub const TIMEOUT_RANGE: RangeInclusive<Duration> =
    Duration::from_secs(1)..=Duration::from_secs(60 * 60);

/// A time limit outside [`TIMEOUT_RANGE`], or not shorter than the limit around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidTimeoutError {
    setting: &'static str,
    value: Duration,
    /// The enclosing limit (setting, value) it must be shorter than, when that was the problem.
    outer: Option<(&'static str, Duration)>,
}

impl InvalidTimeoutError {
    /// The setting, e.g. `Ec2Source::timeout` or `describe_timeout`.
    pub fn setting(&self) -> &'static str {
        self.setting
    }

    /// The value refused.
    pub fn value(&self) -> Duration {
        self.value
    }
}

impl fmt::Display for InvalidTimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (setting, value) = (self.setting, self.value);
        match self.outer {
            None => write!(
                f,
                "invalid privatelink setting {setting}: {value:?} is outside 1 second to 1 hour"
            ),
            Some((outer, limit)) => write!(
                f,
                "invalid privatelink setting {setting}: {value:?} must be shorter than {outer} ({limit:?}), which bounds it"
            ),
        }
    }
}

impl Error for InvalidTimeoutError {}

/// `value` if it is within [`TIMEOUT_RANGE`], else the error naming `setting`.
pub fn check_timeout(
    setting: &'static str,
    value: Duration,
) -> Result<Duration, InvalidTimeoutError> {
    if TIMEOUT_RANGE.contains(&value) {
        Ok(value)
    } else {
        Err(InvalidTimeoutError {
            setting,
            value,
            outer: None,
        })
    }
}

/// [`check_timeout`], and `value` shorter than `outer`'s `limit` (a call's limit inside the
/// cache's `call_timeout`, which would otherwise cut it short with a less precise error).
pub fn check_timeout_within(
    setting: &'static str,
    value: Duration,
    outer: &'static str,
    limit: Duration,
) -> Result<Duration, InvalidTimeoutError> {
    let value = check_timeout(setting, value)?;
    if value < limit {
        Ok(value)
    } else {
        Err(InvalidTimeoutError {
            setting,
            value,
            outer: Some((outer, limit)),
        })
    }
}

/// Runs `future` with a total time limit on Tokio's timer (a paused Tokio clock in tests); past
/// it, [`DiscoveryError::TimedOut`]. Neither the SDK's sleep nor the cache's is used: tests
/// replace the SDK's with one that returns at once (to skip retry delays), and the cache's with
/// one that a test releases step by step (its refresher's schedule).
pub(crate) async fn within<T>(
    future: impl Future<Output = Result<T, DiscoveryError>>,
    limit: Duration,
    what: &'static str,
) -> Result<T, DiscoveryError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(DiscoveryError::NoRuntime);
    }
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or(Err(DiscoveryError::TimedOut(TimedOutError {
            what,
            after: limit,
        })))
}
