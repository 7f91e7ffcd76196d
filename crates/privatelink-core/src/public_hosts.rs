//! The public AWS hosts a prefer-mode process sends requests to because no usable endpoint
//! serves them — what strict mode would refuse — recorded so that a team can see, before
//! switching, which interface endpoints it still needs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use serde::{Deserialize, Serialize};

use crate::describe_json::InvalidJson;
use crate::error::RefusalReason;

/// The version of the record document [`PublicHostsReport::to_json`] writes and
/// [`read_public_hosts`] reads.
pub const PUBLIC_HOSTS_VERSION: u64 = 1;

/// How many distinct hosts a [`PublicHosts`] record keeps; requests to further hosts are counted
/// in [`PublicHostsReport::unrecorded`].
pub const MAX_PUBLIC_HOSTS: usize = 256;

/// A record of the public AWS hosts requests went to because no usable endpoint serves them
/// ([`Policy::Prefer`](crate::Policy::Prefer)'s `not_mapped` decisions), with a count per host:
/// at most [`MAX_PUBLIC_HOSTS`] hosts. Shared by the routers of one process
/// ([`Router::record_public_hosts`](crate::Router::record_public_hosts)); a new host is logged
/// once, at `INFO`. Counting a known host is lock-free (an atomic add in a map read through
/// `arc-swap`); a new host copies the map, as the router's memory does.
#[derive(Debug, Default)]
pub struct PublicHosts {
    hosts: ArcSwap<HashMap<Arc<str>, Arc<Counted>>>,
    /// Serializes additions, so that a host is added (and logged) once.
    adding: Mutex<()>,
    unrecorded: AtomicU64,
}

#[derive(Debug)]
struct Counted {
    service: String,
    region: Option<String>,
    reason: RefusalReason,
    requests: AtomicU64,
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

/// The record as a document: what `privatelink plan --record` reads.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RecordDocument {
    #[serde(rename = "PrivateLinkPublicHosts")]
    version: u64,
    hosts: Vec<RecordedHostJson>,
    #[serde(default)]
    unrecorded: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RecordedHostJson {
    host: String,
    #[serde(default, skip_deserializing)]
    service: String,
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(default, skip_deserializing)]
    reason: String,
    requests: u64,
}

impl PublicHostsReport {
    /// The record as a JSON document (`{"PrivateLinkPublicHosts": 1, "Hosts": [{"Host", "Service",
    /// "Region", "Reason", "Requests"}], "Unrecorded": n}`), for `privatelink plan --record`: write
    /// it where an operator can fetch it (a log line, a file, a debug endpoint).
    pub fn to_json(&self) -> String {
        let document = RecordDocument {
            version: PUBLIC_HOSTS_VERSION,
            hosts: self
                .hosts
                .iter()
                .map(|h| RecordedHostJson {
                    host: h.host.clone(),
                    service: h.service.clone(),
                    region: h.region.clone(),
                    reason: h.reason.to_string(),
                    requests: h.requests,
                })
                .collect(),
            unrecorded: self.unrecorded,
        };
        serde_json::to_string_pretty(&document).unwrap_or_default()
    }
}

/// One host of a record read back by [`read_public_hosts`]: the reasons are not read (they held
/// for the endpoints of the moment the record was taken; a plan decides again).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedHost {
    /// The host.
    pub host: String,
    /// How many times it was decided.
    pub requests: u64,
}

/// Reads the hosts of a record [`PublicHostsReport::to_json`] wrote, and how many requests went
/// to hosts past the record's bound.
pub fn read_public_hosts(json: &str) -> Result<(Vec<RecordedHost>, u64), RecordParseError> {
    let document: RecordDocument = serde_json::from_str(json)
        .map_err(|e| RecordParseError::InvalidJson(InvalidJson::new(e)))?;
    if document.version != PUBLIC_HOSTS_VERSION {
        return Err(RecordParseError::UnsupportedVersion {
            found: document.version,
        });
    }
    let hosts = document
        .hosts
        .into_iter()
        .map(|h| RecordedHost {
            host: h.host,
            requests: h.requests,
        })
        .collect();
    Ok((hosts, document.unrecorded))
}

/// A public-hosts record could not be read.
#[non_exhaustive]
#[derive(Debug)]
pub enum RecordParseError {
    /// Not JSON of the record's shape (`PrivateLinkPublicHosts`, `Hosts` with `Host` and
    /// `Requests`).
    InvalidJson(InvalidJson),
    /// A record of a version this crate does not read.
    UnsupportedVersion {
        /// The version it declares.
        found: u64,
    },
}

impl std::fmt::Display for RecordParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordParseError::InvalidJson(_) => {
                f.write_str("not a public-hosts record (the JSON of `PublicHostsReport::to_json`)")
            }
            RecordParseError::UnsupportedVersion { found } => write!(
                f,
                "public-hosts record version {found} is not supported (this version reads {PUBLIC_HOSTS_VERSION})"
            ),
        }
    }
}

impl std::error::Error for RecordParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecordParseError::InvalidJson(e) => Some(e.json_error()),
            RecordParseError::UnsupportedVersion { .. } => None,
        }
    }
}

impl PublicHosts {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the record holds now.
    pub fn report(&self) -> PublicHostsReport {
        let mut hosts: Vec<PublicHost> = self
            .hosts
            .load()
            .iter()
            .map(|(host, counted)| PublicHost {
                host: host.to_string(),
                service: counted.service.clone(),
                region: counted.region.clone(),
                reason: counted.reason.clone(),
                requests: counted.requests.load(Ordering::Relaxed),
            })
            .collect();
        hosts.sort_by(|a, b| {
            (&a.service, &a.region, &a.host).cmp(&(&b.service, &b.region, &b.host))
        });
        PublicHostsReport {
            hosts,
            unrecorded: self.unrecorded.load(Ordering::Relaxed),
        }
    }

    /// Counts a request to `host`, which was left on its public host; `explain` gives the
    /// service label and the reason, asked only for a host not seen before.
    pub(crate) fn count(
        &self,
        host: &str,
        explain: impl FnOnce() -> Option<(String, RefusalReason)>,
    ) {
        if let Some(known) = self.hosts.load().get(host) {
            known.requests.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let _adding = self.adding.lock().unwrap_or_else(|e| e.into_inner());
        let hosts = self.hosts.load_full();
        if let Some(known) = hosts.get(host) {
            known.requests.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if hosts.len() >= MAX_PUBLIC_HOSTS {
            self.unrecorded.fetch_add(1, Ordering::Relaxed);
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
        let mut added = HashMap::clone(&hosts);
        added.insert(
            host.into(),
            Arc::new(Counted {
                service,
                region,
                reason,
                requests: AtomicU64::new(1),
            }),
        );
        self.hosts.store(Arc::new(added));
    }
}
