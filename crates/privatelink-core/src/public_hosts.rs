//! The public AWS hosts a prefer-mode process sends requests to because no usable endpoint
//! serves them — what strict mode would refuse — recorded so that a team can see, before
//! switching, which interface endpoints it still needs.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::RefusalReason;

/// How many distinct hosts a [`PublicHosts`] record keeps; requests to further hosts are counted
/// in [`PublicHostsReport::unrecorded`].
pub const MAX_PUBLIC_HOSTS: usize = 256;

/// A record of the public AWS hosts requests went to because no usable endpoint serves them
/// ([`Policy::Prefer`](crate::Policy::Prefer)'s `not_mapped` decisions), with a count per host:
/// at most [`MAX_PUBLIC_HOSTS`] hosts. Shared by the routers of one process
/// ([`Router::record_public_hosts`](crate::Router::record_public_hosts)); a new host is logged
/// once, at `INFO`.
#[derive(Debug, Default)]
pub struct PublicHosts {
    record: Mutex<Record>,
}

#[derive(Debug, Default)]
struct Record {
    hosts: HashMap<String, PublicHost>,
    unrecorded: u64,
}

/// One public host in a [`PublicHosts`] record.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicHost {
    /// The host, as requests spelled it.
    pub host: String,
    /// The service's endpoint label (`sts`, `s3`, …): the `com.amazonaws.<region>.<label>`
    /// endpoint service that would serve it.
    pub service: String,
    /// The region, when the reason names it (no endpoint for the service in that region).
    pub region: Option<String>,
    /// Why no endpoint served it.
    pub reason: RefusalReason,
    /// How many times it was decided: per request in rewrite mode (and in dial mode behind a
    /// proxy), per connection opened in dial mode.
    pub requests: u64,
}

/// What a [`PublicHosts`] record holds.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicHostsReport {
    /// The hosts, by service, region and host.
    pub hosts: Vec<PublicHost>,
    /// Requests to hosts past the first [`MAX_PUBLIC_HOSTS`].
    pub unrecorded: u64,
}

impl PublicHosts {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the record holds now.
    pub fn report(&self) -> PublicHostsReport {
        let record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        let mut hosts: Vec<PublicHost> = record.hosts.values().cloned().collect();
        hosts.sort_by(|a, b| {
            (&a.service, &a.region, &a.host).cmp(&(&b.service, &b.region, &b.host))
        });
        PublicHostsReport {
            hosts,
            unrecorded: record.unrecorded,
        }
    }

    /// Counts a request to `host`, which was left on its public host; `explain` gives the
    /// service label and the reason, asked only for a host not seen before.
    pub(crate) fn count(
        &self,
        host: &str,
        explain: impl FnOnce() -> Option<(String, RefusalReason)>,
    ) {
        let mut record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = record.hosts.get_mut(host) {
            known.requests += 1;
            return;
        }
        if record.hosts.len() >= MAX_PUBLIC_HOSTS {
            record.unrecorded += 1;
            return;
        }
        let Some((service, reason)) = explain() else {
            return;
        };
        let region = match &reason {
            RefusalReason::NoEndpoint { region } => Some(region.clone()),
            _ => None,
        };
        tracing::info!(
            host,
            service = service.as_str(),
            region = region.as_deref().unwrap_or("-"),
            %reason,
            "a request left for a public AWS host that no endpoint serves (strict mode would refuse it)"
        );
        record.hosts.insert(
            host.to_owned(),
            PublicHost {
                host: host.to_owned(),
                service,
                region,
                reason,
                requests: 1,
            },
        );
    }
}
