//! Dial mode's name lookups: each is bounded by a limit of privatelink's own, whatever the
//! underlying resolver (the system's `getaddrinfo` waits as long as `resolv.conf`'s timeouts,
//! attempts and name servers add up to; a client without a connect timeout, such as reqwest's
//! default, would wait with it).

use std::error::Error;
use std::fmt;
use std::time::Duration;

use aws_smithy_runtime_api::client::dns::{
    DnsFuture, ResolveDns, ResolveDnsError, SharedDnsResolver,
};

/// How long one name lookup may take in dial mode, unless configured: 10 seconds (glibc's
/// default is two tries of 5 seconds at one name server, so one lost answer still succeeds).
pub const DEFAULT_DIAL_DNS_TIMEOUT: Duration = Duration::from_secs(10);

/// Why dial mode gave up on a name lookup: the source of the `ResolveDnsError`, and so of the
/// connection's error.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum LookupError {
    /// The lookup did not finish within the limit.
    TimedOut(LookupTimedOut),
    /// The lookup was asked for outside a Tokio runtime (dial mode's timer and the system
    /// resolver run on Tokio).
    NoRuntime,
}

/// Context of [`LookupError::TimedOut`].
#[derive(Clone, Debug)]
pub struct LookupTimedOut {
    name: String,
    limit: Duration,
}

impl LookupTimedOut {
    /// The name looked up: the endpoint name for a default AWS host dial mode sends to an
    /// endpoint, else the host itself.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The limit that ran out
    /// ([`PrivateLinkBuilder::dial_dns_timeout`](crate::PrivateLinkBuilder::dial_dns_timeout)).
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::TimedOut(timed_out) => write!(
                f,
                "privatelink dial mode: looking up {} did not finish within {:?} (dial_dns_timeout)",
                timed_out.name, timed_out.limit
            ),
            LookupError::NoRuntime => f.write_str(
                "privatelink dial mode: a name lookup needs a Tokio runtime, and there is none",
            ),
        }
    }
}

impl Error for LookupError {}

/// A resolver that looks every name up as itself, within a limit: what dial mode's resolver asks
/// for every lookup it makes, and what the connector behind a proxy resolves with (the guard
/// decided each request already: the proxy's own name, or a host `NO_PROXY` sends directly).
#[derive(Clone, Debug)]
pub(crate) struct Limited {
    resolver: SharedDnsResolver,
    limit: Duration,
}

impl Limited {
    pub(crate) fn new(resolver: SharedDnsResolver, limit: Duration) -> Self {
        Limited { resolver, limit }
    }

    /// The limit on one lookup.
    pub(crate) fn limit(&self) -> Duration {
        self.limit
    }
}

impl ResolveDns for Limited {
    /// `name`'s addresses, or [`LookupError::TimedOut`] after the limit (on Tokio's timer, as
    /// discovery's limits: a paused Tokio clock in tests); [`LookupError::NoRuntime`] outside a
    /// Tokio runtime, where the timer (and the system resolver) would panic.
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        if tokio::runtime::Handle::try_current().is_err() {
            return DnsFuture::ready(Err(ResolveDnsError::new(LookupError::NoRuntime)));
        }
        DnsFuture::new(async move {
            match tokio::time::timeout(self.limit, self.resolver.resolve_dns(name)).await {
                Ok(answer) => answer,
                Err(_) => Err(ResolveDnsError::new(LookupError::TimedOut(
                    LookupTimedOut {
                        name: name.to_owned(),
                        limit: self.limit,
                    },
                ))),
            }
        })
    }
}
