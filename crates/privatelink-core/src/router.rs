//! The request path's decisions, remembered per host for the current snapshot: what both modes
//! ask (the interceptor per request URL, dial mode per connection's host).

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::time::SystemTime;

use arc_swap::ArcSwapOption;

use crate::config::RewriteConfig;
use crate::error::RewriteError;
use crate::index::EndpointIndex;
use crate::metrics::{Mode, count};
use crate::names::address::address;
use crate::outcome::{API_ID_HEADER, Routed, Unchanged, UnchangedReason};
use crate::public_hosts::PublicHosts;
use crate::rewrite::{Decision, Target};
use crate::snapshot::SnapshotCell;
use crate::url::locate_host;

/// How many hosts a [`Router`] remembers per snapshot. Past that, further hosts are decided on
/// every request, as [`RewriteConfig::route`] does (an S3 client addressing thousands of buckets
/// by virtual host, say).
pub const REMEMBERED_HOSTS: usize = 256;

/// The request path's decision maker: a [`RewriteConfig`] and the [`SnapshotCell`] it reads, with
/// the decision for each host it has seen remembered for the current snapshot.
///
/// [`Router::route_url`] (rewrite mode) gives what [`RewriteConfig::route`] gives for the same URL
/// and snapshot (the same new URL, the same reason, the same error), and [`Router::route_host`]
/// (dial mode) the same for a bare host, without classifying and looking up a host it has
/// decided before: the decision depends on nothing but the host, the config and the
/// snapshot. A new snapshot starts a new memory; errors (invalid URLs, strict refusals) are never
/// remembered. Every decision is counted in `privatelink_requests_total` (labels `mode`, `outcome`,
/// `reason`: static, nothing allocated). Reads are lock-free; a new host is added by copying the remembered set (at most
/// [`REMEMBERED_HOSTS`] entries, each sharing its strings).
///
/// The remembered set holds the snapshot it was made against until the first request after a
/// newer one replaces it.
pub struct Router {
    config: RewriteConfig,
    cell: SnapshotCell,
    memory: ArcSwapOption<Memory>,
    public_hosts: Option<Arc<PublicHosts>>,
}

/// Decisions made against one snapshot.
struct Memory {
    /// The snapshot. Held, so that no other index can be allocated at its address while these
    /// decisions are kept: pointer equality with the current snapshot is identity.
    index: Arc<EndpointIndex>,
    /// Host as the URL spells it → decision. std's keyed hash: the hosts come from requests, which
    /// a caller may build from untrusted input (bucket names).
    hosts: HashMap<Arc<str>, Decided>,
}

/// A remembered decision for one host: its strings shared (`Arc<str>`), so that answering from
/// memory copies no host but the URL it builds.
#[derive(Clone)]
enum Decided {
    Rewritten {
        host: Arc<str>,
        api_id: Option<Arc<str>>,
    },
    Unchanged(UnchangedReason),
}

impl Decided {
    fn of(decision: &Decision<'_>) -> Self {
        match decision {
            Decision::Rewritten(rewritten) => Decided::Rewritten {
                host: rewritten.host().into(),
                api_id: rewritten.header().map(|(_, id)| id.into()),
            },
            Decision::Unchanged(reason, _) => Decided::Unchanged(*reason),
        }
    }

    /// The decision for `text` (a URL, or a bare host), whose host is at `host`.
    fn routed(&self, url: &str, host: Range<usize>) -> Routed {
        match self {
            Decided::Rewritten {
                host: new_host,
                api_id,
            } => {
                let mut new_url = String::with_capacity(url.len() - host.len() + new_host.len());
                new_url.push_str(&url[..host.start]);
                new_url.push_str(new_host);
                new_url.push_str(&url[host.end..]);
                Routed::Rewritten {
                    url: new_url,
                    header: api_id.as_deref().map(|id| (API_ID_HEADER, id.to_owned())),
                }
            }
            Decided::Unchanged(reason) => Routed::Unchanged(*reason),
        }
    }
}

impl Router {
    /// A router deciding with `config` against `cell`'s snapshots, remembering nothing yet.
    pub fn new(cell: SnapshotCell, config: RewriteConfig) -> Self {
        Self {
            config,
            cell,
            memory: ArcSwapOption::empty(),
            public_hosts: None,
        }
    }

    /// Counts in `record` every request left on a public AWS host because no usable endpoint
    /// serves it ([`Policy::Prefer`](crate::Policy::Prefer)'s `not_mapped` decisions, which
    /// strict mode refuses). Defaults to no record.
    pub fn record_public_hosts(mut self, record: Arc<PublicHosts>) -> Self {
        self.public_hosts = Some(record);
        self
    }

    /// The config it decides with.
    pub fn config(&self) -> &RewriteConfig {
        &self.config
    }

    /// The cell it reads snapshots from.
    pub fn cell(&self) -> &SnapshotCell {
        &self.cell
    }

    /// Where a request to `url` goes, against the snapshot as of `now` (see
    /// [`SnapshotCell::with_current_at`]): what [`RewriteConfig::route`] decides, remembered per
    /// host for that snapshot. Counted as rewrite mode's.
    pub fn route_url(&self, url: &str, now: SystemTime) -> Result<Routed, RewriteError> {
        let routed = self.route(Target::Url(url), now);
        count(Mode::Rewrite, &routed);
        routed
    }

    /// Where a connection to `host` goes (dial mode): [`Routed::Rewritten`] carries the endpoint
    /// host whose addresses to use (S3 with its `bucket.`/`accesspoint.`/`control.` form), else
    /// why `host` resolves as itself. Errors as [`Router::route_url`]; an invalid host is
    /// [`RewriteError::InvalidUrl`] carrying the host. Counted as dial mode's.
    pub fn route_host(&self, host: &str, now: SystemTime) -> Result<Routed, RewriteError> {
        let routed = self.route(Target::Host(host), now);
        count(Mode::Dial, &routed);
        routed
    }

    /// Dial mode, for a connection to `url`'s host when that host is an IP literal
    /// (`https://52.94.0.1/`, `https://[2600:1f18::1]/`, or another numeric host): an HTTP
    /// connector connects to a literal as it is, without asking a resolver, so the connector asks
    /// this instead. `Ok(None)` when the host is a name (the resolver's [`Router::route_host`]
    /// decides it); else [`Router::route_host`]'s decision for the literal — under
    /// [`Policy::Strict`](crate::Policy::Strict) a public address is refused. An invalid URL is
    /// [`RewriteError::InvalidUrl`].
    pub fn route_address(
        &self,
        url: &str,
        now: SystemTime,
    ) -> Result<Option<Routed>, RewriteError> {
        let span = locate_host(url).map_err(RewriteError::InvalidUrl)?;
        let host = &url[span.range];
        if address(host).is_none() {
            return Ok(None);
        }
        self.route_host(host, now).map(Some)
    }

    /// Dial mode, for a connection to `url`'s host whatever it is (a name or an IP literal):
    /// [`Router::route_host`]'s decision, asked by dial mode's connector when a proxy, not the
    /// resolver, would be asked for the name. Not counted: the resolver counts the connections
    /// it resolves. An invalid URL is [`RewriteError::InvalidUrl`].
    pub fn route_url_host(&self, url: &str, now: SystemTime) -> Result<Routed, RewriteError> {
        let span = locate_host(url).map_err(RewriteError::InvalidUrl)?;
        self.route(Target::Host(&url[span.range]), now)
    }

    fn route(&self, target: Target<'_>, now: SystemTime) -> Result<Routed, RewriteError> {
        self.cell.with_published_at(now, |index| {
            // No snapshot, or a target whose host cannot be found: decided in full, not
            // remembered (nor recorded: without a snapshot no endpoint was looked for).
            let decide = |index| self.config.decide(index, target, false).map(Routed::from);
            let Some(index) = index else {
                return decide(None);
            };
            let (text, span) = match target {
                Target::Url(url) => match locate_host(url) {
                    Ok(span) => (url, span.range),
                    Err(_) => return decide(Some(index)),
                },
                // Checked by the decision; a host that fails the check is never remembered.
                Target::Host(host) => (host, 0..host.len()),
            };
            let host = &text[span.clone()];
            let routed = match &*self.memory.load() {
                Some(memory) if Arc::ptr_eq(&memory.index, index) => memory
                    .hosts
                    .get(host)
                    .map(|decided| decided.routed(text, span.clone())),
                _ => None,
            };
            let routed = match routed {
                Some(routed) => routed,
                None => {
                    let decision = self.config.decide(Some(index), target, false)?;
                    self.remember(index, host, Decided::of(&decision));
                    Routed::from(decision)
                }
            };
            if let (Some(record), Routed::Unchanged(UnchangedReason::NotMapped)) =
                (&self.public_hosts, &routed)
            {
                record.count(host, || {
                    match self.config.decide(Some(index), target, true) {
                        Ok(Decision::Unchanged(
                            _,
                            Some(Unchanged::NotMapped { service, reason }),
                        )) => Some((service, reason)),
                        _ => None,
                    }
                });
            }
            Ok(routed)
        })
    }

    /// Adds `host`'s decision to what is remembered for `index` (starting afresh when what is
    /// remembered was made against another snapshot), unless [`REMEMBERED_HOSTS`] are kept or
    /// `index` is no longer the cell's snapshot (a request decided against a snapshot just
    /// replaced would otherwise put back the old snapshot's memory).
    fn remember(&self, index: &Arc<EndpointIndex>, host: &str, decided: Decided) {
        let is_current = |snapshot: &Arc<EndpointIndex>| Arc::ptr_eq(snapshot, index);
        if !self
            .cell
            .current()
            .is_some_and(|current| is_current(&current))
        {
            return;
        }
        if let Some(memory) = &*self.memory.load()
            && is_current(&memory.index)
            && memory.hosts.len() >= REMEMBERED_HOSTS
        {
            return;
        }
        let host: Arc<str> = host.into();
        self.memory.rcu(|current| {
            let mut hosts = match current.as_deref() {
                Some(memory) if is_current(&memory.index) => {
                    if memory.hosts.len() >= REMEMBERED_HOSTS {
                        return current.clone();
                    }
                    memory.hosts.clone()
                }
                _ => HashMap::new(),
            };
            hosts.insert(host.clone(), decided.clone());
            Some(Arc::new(Memory {
                index: index.clone(),
                hosts,
            }))
        });
    }

    /// How many hosts are remembered for the current snapshot, whatever its deadline (for tests
    /// and diagnostics).
    pub fn remembered(&self) -> usize {
        match (&*self.memory.load(), self.cell.current()) {
            (Some(memory), Some(current)) if Arc::ptr_eq(&memory.index, &current) => {
                memory.hosts.len()
            }
            _ => 0,
        }
    }
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("config", &self.config)
            .field("cell", &self.cell)
            .field("remembered", &self.remembered())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_for_a_snapshot_already_replaced_is_not_remembered() {
        let old = Arc::new(EndpointIndex::new(Vec::new()));
        let cell = SnapshotCell::new();
        cell.publish(old.clone());
        let router = Router::new(cell.clone(), RewriteConfig::default());
        let decided = || Decided::Unchanged(UnchangedReason::NotMapped);
        // A request decided against `old`; a new snapshot is published before it is remembered.
        cell.publish(EndpointIndex::new(Vec::new()));
        router.remember(&old, "sts.us-east-1.amazonaws.com", decided());
        assert!(router.memory.load().is_none());
        // Against the cell's snapshot, it is remembered.
        let current = cell.current().unwrap();
        router.remember(&current, "sts.us-east-1.amazonaws.com", decided());
        assert_eq!(router.remembered(), 1);
    }
}
