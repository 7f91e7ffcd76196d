//! The endpoint index: interface endpoint names keyed by (service label, region, partition
//! suffix); one endpoint's names in `endpoint`, what the index ignored in `warning`.

mod endpoint;
mod warning;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::{EndpointType, IpAddressType, VpcEndpoint};
use crate::names::entry::{EntryShape, IgnoredNameReason, classify_entry, zone_region};
use crate::names::{DnsSuffix, is_any_region};

pub use endpoint::IndexedEndpoint;
pub use warning::{IndexWarning, WarningKind};

/// The (region, service) a gateway endpoint carries, from its service name
/// (`com.amazonaws.us-east-1.s3` → `us-east-1`, `s3`; `ServiceRegion` wins when present).
fn gateway_service(endpoint: &VpcEndpoint) -> Option<(String, String)> {
    let name = endpoint.service_name()?.to_ascii_lowercase();
    let mut labels = name.split('.');
    let named_region = labels.by_ref().find(|l| is_any_region(l))?.to_owned();
    let service = labels.collect::<Vec<_>>().join(".");
    let region = endpoint
        .service_region()
        .map(str::to_ascii_lowercase)
        .unwrap_or(named_region);
    (!service.is_empty()).then_some((region, service))
}

/// The index's maps, keyed by names and labels.
type NameMap<V> = HashMap<Box<str>, V, BuildHasherDefault<Fnv1a>>;

/// label → endpoints serving it (usable first, then by id).
type LabelMap = NameMap<Vec<IndexedEndpoint>>;

/// FNV-1a, the index's hash: its keys are short names and labels, every request looks up two of
/// them, and SipHash (std's default) costs several times more per lookup. SipHash's keyed
/// resistance to collision flooding buys nothing here: the maps are built once from the VPC's own
/// endpoints and never grow, and a lookup key (from a request's host) adds no entry.
#[derive(Clone, Copy)]
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The service name of S3 Multi-Region Access Points' interface endpoint.
const MRAP_SERVICE: &str = "com.amazonaws.s3-global.accesspoint";

/// The service of a global service's endpoint: its service name without a region
/// (`com.amazonaws.iam`, `cn.com.amazonaws.iam` → `iam`).
fn global_service_name(endpoint: &VpcEndpoint) -> Option<String> {
    let name = endpoint.service_name()?.to_ascii_lowercase();
    let service = name
        .strip_prefix("com.amazonaws.")
        .or_else(|| name.strip_prefix("cn.com.amazonaws."))?;
    let global = !service.is_empty() && !service.split('.').any(is_any_region);
    global.then(|| service.to_owned())
}

/// An immutable index of a VPC's interface endpoints, built from [`VpcEndpoint`]s.
///
/// Only the DNS names decide what an endpoint serves: the label of
/// `vpce-0abc-1234.api.ecr.us-east-1.vpce.amazonaws.com` is `api.ecr`, whatever the
/// `ServiceName` says. Lookups take `&str` and do not allocate.
#[derive(Clone, Debug, Default)]
pub struct EndpointIndex {
    endpoints: Vec<VpcEndpoint>,
    /// Per suffix ([`DnsSuffix::index`]): region → label → endpoints.
    by_suffix: [NameMap<LabelMap>; 2],
    /// Every indexed endpoint name (lowercase) → whether it is a `*.` wildcard name.
    names: NameMap<bool>,
    /// The hexadecimal part of every indexed endpoint's id.
    endpoint_hexes: HashSet<Box<str>, BuildHasherDefault<Fnv1a>>,
    /// Available gateway endpoints: (region, service) → endpoint id, first by id.
    gateways: BTreeMap<(String, String), String>,
    /// Endpoints of global services (a service name without a region: `com.amazonaws.iam`):
    /// (suffix, service, the region its names carry, the label they carry). A handful at most:
    /// scanned, so a lookup on the request path builds no key.
    global: Vec<(DnsSuffix, String, String, String)>,
    /// The usable S3 Multi-Region Access Point endpoint whose private DNS answers in the VPC
    /// (first by id), found once here.
    mrap_endpoint: Option<String>,
    warnings: Vec<IndexWarning>,
}

impl EndpointIndex {
    /// Builds an index. Endpoints of other types than `Interface` are kept (see
    /// [`EndpointIndex::endpoints`]) but never indexed; endpoints in other states than
    /// `available` are indexed so that lookups can say why they are not used.
    pub fn new(endpoints: impl IntoIterator<Item = VpcEndpoint>) -> Self {
        let mut index = EndpointIndex {
            endpoints: endpoints.into_iter().collect(),
            ..EndpointIndex::default()
        };
        let mut warnings = Vec::new();
        for endpoint in &index.endpoints {
            match endpoint.endpoint_type() {
                // Multi-Region Access Points' endpoint is reached through its private DNS only
                // (`multi_region_access_point_endpoint`); its names are no rewrite target.
                EndpointType::Interface
                    if endpoint
                        .service_name()
                        .is_some_and(|n| n.eq_ignore_ascii_case(MRAP_SERVICE)) =>
                {
                    let id = endpoint.id();
                    if endpoint.is_usable()
                        && endpoint.private_dns_in_vpc()
                        && index
                            .mrap_endpoint
                            .as_deref()
                            .is_none_or(|first| id < first)
                    {
                        index.mrap_endpoint = Some(id.to_owned());
                    }
                    continue;
                }
                EndpointType::Interface => {}
                EndpointType::Gateway => {
                    if endpoint.state().is_available()
                        && let Some(key) = gateway_service(endpoint)
                    {
                        let id = index
                            .gateways
                            .entry(key)
                            .or_insert_with(|| endpoint.id().into());
                        if endpoint.id() < id.as_str() {
                            *id = endpoint.id().into();
                        }
                    }
                    continue;
                }
                other => {
                    warnings.push(IndexWarning {
                        endpoint_id: endpoint.id().to_owned(),
                        kind: WarningKind::SkippedEndpointType {
                            endpoint_type: other.as_str().to_owned(),
                        },
                    });
                    continue;
                }
            }
            let mut private_names = Vec::new();
            let mut per_key: BTreeMap<(DnsSuffix, String, String), IndexedEndpoint> =
                BTreeMap::new();
            for entry in endpoint.dns_entries() {
                let warn = |reason| IndexWarning {
                    endpoint_id: endpoint.id().to_owned(),
                    kind: WarningKind::IgnoredDnsName {
                        name: entry.dns_name().to_owned(),
                        reason,
                    },
                };
                let name = match classify_entry(entry.dns_name()) {
                    Ok(EntryShape::Endpoint(name)) => name,
                    Ok(EntryShape::PrivateName(name)) => {
                        private_names.push(name);
                        continue;
                    }
                    Err(reason) => {
                        warnings.push(warn(reason));
                        continue;
                    }
                };
                if !name.endpoint_id.eq_ignore_ascii_case(endpoint.id()) {
                    warnings.push(warn(IgnoredNameReason::ForeignEndpoint {
                        named: name.endpoint_id,
                    }));
                    continue;
                }
                let slot = per_key
                    .entry((name.suffix, name.region.clone(), name.label.clone()))
                    .or_insert_with(|| IndexedEndpoint {
                        endpoint_id: endpoint.id().to_owned(),
                        label: name.label,
                        region: name.region,
                        state: endpoint.state().clone(),
                        private_dns_enabled: endpoint.private_dns_enabled(),
                        private_dns_in_vpc: endpoint.private_dns_in_vpc(),
                        regional: None,
                        zonal: Vec::new(),
                        wildcard: false,
                        private_names: Vec::new(),
                        cross_region: false,
                        serves_ipv6: matches!(
                            endpoint.ip_address_type(),
                            Some(IpAddressType::Dualstack | IpAddressType::Ipv6)
                        ),
                    });
                slot.wildcard |= name.wildcard;
                let known = index
                    .names
                    .entry(name.host.clone().into_boxed_str())
                    .or_default();
                *known |= name.wildcard;
                match name.zone {
                    Some(zone) => {
                        slot.cross_region |= zone_region(name.suffix, &zone) != Some(&*slot.region);
                        if !slot.zonal.iter().any(|(z, _)| *z == zone) {
                            slot.zonal.push((zone, name.host));
                        }
                    }
                    None => {
                        slot.regional.get_or_insert(name.host);
                    }
                }
            }
            if per_key.is_empty() {
                warnings.push(IndexWarning {
                    endpoint_id: endpoint.id().to_owned(),
                    kind: WarningKind::NoEndpointNames,
                });
            }
            if !per_key.is_empty()
                && let Some(hex) = endpoint.id().get("vpce-".len()..)
            {
                index
                    .endpoint_hexes
                    .insert(hex.to_ascii_lowercase().into_boxed_str());
            }
            if let Some(service) = global_service_name(endpoint) {
                for (suffix, region, label) in per_key.keys() {
                    let known = |(s, v, r, _): &(DnsSuffix, String, String, String)| {
                        s == suffix && *v == service && r == region
                    };
                    if !index.global.iter().any(known) {
                        index.global.push((
                            *suffix,
                            service.clone(),
                            region.clone(),
                            label.clone(),
                        ));
                    }
                }
            }
            for ((suffix, region, label), mut indexed) in per_key {
                indexed.zonal.sort();
                indexed.private_names = private_names.clone();
                index.by_suffix[suffix.index()]
                    .entry(region.into_boxed_str())
                    .or_default()
                    .entry(label.into_boxed_str())
                    .or_default()
                    .push(indexed);
            }
        }
        for (region, labels) in index.by_suffix.iter_mut().flat_map(|m| m.iter_mut()) {
            for (label, candidates) in labels.iter_mut() {
                candidates.sort_by(|a, b| {
                    (!a.is_usable(), &a.endpoint_id).cmp(&(!b.is_usable(), &b.endpoint_id))
                });
                if let [chosen, others @ ..] = candidates.as_slice() {
                    for other in others {
                        warnings.push(IndexWarning {
                            endpoint_id: other.endpoint_id.clone(),
                            kind: WarningKind::DuplicateService {
                                label: label.to_string(),
                                region: region.to_string(),
                                chosen: chosen.endpoint_id.clone(),
                            },
                        });
                    }
                }
            }
        }
        warnings.sort_by(|a, b| a.endpoint_id.cmp(&b.endpoint_id));
        index.warnings = warnings;
        index
    }

    /// The endpoint serving `label` in `region` of the partition with `suffix`: the usable one
    /// (first by id) if any, else the first unusable one (so callers can report its state).
    pub fn lookup(&self, label: &str, region: &str, suffix: DnsSuffix) -> Option<&IndexedEndpoint> {
        self.by_suffix[suffix.index()]
            .get(region)?
            .get(label)?
            .first()
    }

    /// The endpoint of the global service `service` (`iam`, `route53`) whose names carry
    /// `region` (the region the SDK signs the global host for: us-east-1, us-gov-west-1) in the
    /// partition with `suffix`: an interface endpoint whose service name has no region
    /// (`com.amazonaws.iam`), found by that name, with the names of its own `DnsEntries`.
    pub fn global(
        &self,
        service: &str,
        region: &str,
        suffix: DnsSuffix,
    ) -> Option<&IndexedEndpoint> {
        let (.., label) = self
            .global
            .iter()
            .find(|(s, v, r, _)| *s == suffix && v == service && r == region)?;
        self.lookup(label, region, suffix)
    }

    /// The S3 Multi-Region Access Point endpoint (service `com.amazonaws.s3-global.accesspoint`)
    /// whose private DNS answers inside the VPC, if the VPC has an available one: Multi-Region
    /// Access Point hosts reach it on their default names, through that private DNS.
    pub fn multi_region_access_point_endpoint(&self) -> Option<&str> {
        self.mrap_endpoint.as_deref()
    }

    /// The endpoint each service label uses in `region` (what [`EndpointIndex::lookup`] returns
    /// for it), as (label, partition suffix, endpoint), sorted by label.
    pub fn in_region(&self, region: &str) -> Vec<(&str, DnsSuffix, &IndexedEndpoint)> {
        let mut out: Vec<_> = DnsSuffix::ALL
            .into_iter()
            .filter_map(|suffix| Some((suffix, self.by_suffix[suffix.index()].get(region)?)))
            .flat_map(|(suffix, labels)| {
                labels.iter().filter_map(move |(label, candidates)| {
                    Some((&**label, suffix, candidates.first()?))
                })
            })
            .collect();
        out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        out
    }

    /// Whether `name` (lowercase) is one of the indexed endpoint names that came as a `*.`
    /// wildcard: only under such a name do S3's `bucket.`/`accesspoint.`/`control.` forms resolve.
    pub(crate) fn is_wildcard_name(&self, name: &str) -> bool {
        self.names.get(name) == Some(&true)
    }

    /// Whether `host` (lowercase, no trailing dot) is a host of one of the indexed endpoints'
    /// names: a name itself, or for a `*.` (S3) name `bucket.<name>` or
    /// `<prefix>.{bucket,accesspoint,control}.<name>`.
    pub fn knows_endpoint_host(&self, host: &str) -> bool {
        if self.names.contains_key(host) {
            return true;
        }
        let wildcard = |name: &str| self.names.get(name) == Some(&true);
        if let Some(name) = host.strip_prefix("bucket.")
            && wildcard(name)
        {
            return true;
        }
        let Some((_, rest)) = host.split_once('.') else {
            return false;
        };
        ["bucket.", "accesspoint.", "control."]
            .iter()
            .any(|kind| rest.strip_prefix(kind).is_some_and(wildcard))
    }

    /// The available gateway endpoint (`vpce-…`, first by id) for `service` (`s3`, `dynamodb`)
    /// in `region`, if the VPC has one.
    pub fn gateway(&self, service: &str, region: &str) -> Option<&str> {
        // No allocation on the request path: the map is tiny (one per gateway service).
        self.gateways
            .iter()
            .find(|((r, s), _)| r == region && s == service)
            .map(|(_, id)| id.as_str())
    }

    /// Every available gateway endpoint as (region, service, endpoint id), sorted.
    pub fn gateways(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.gateways
            .iter()
            .map(|((region, service), id)| (region.as_str(), service.as_str(), id.as_str()))
    }

    /// Whether an indexed endpoint's id is `vpce-<hex>` (`hex` lowercase).
    pub(crate) fn knows_endpoint_hex(&self, hex: &str) -> bool {
        self.endpoint_hexes.contains(hex)
    }

    /// Every endpoint given to [`EndpointIndex::new`], indexed or not, in input order.
    pub fn endpoints(&self) -> &[VpcEndpoint] {
        &self.endpoints
    }

    /// Every indexed (label, region, suffix, endpoint), sorted by suffix, region and label.
    pub fn entries(&self) -> Vec<(&str, &str, DnsSuffix, &IndexedEndpoint)> {
        let mut out = Vec::new();
        for suffix in DnsSuffix::ALL {
            for (region, labels) in &self.by_suffix[suffix.index()] {
                for (label, candidates) in labels {
                    out.extend(candidates.iter().map(|c| (&**label, &**region, suffix, c)));
                }
            }
        }
        out.sort_by(|a, b| {
            (a.2, a.1, a.0, &a.3.endpoint_id).cmp(&(b.2, b.1, b.0, &b.3.endpoint_id))
        });
        out
    }

    /// What was ignored while building the index, sorted by endpoint id.
    pub fn warnings(&self) -> &[IndexWarning] {
        &self.warnings
    }

    /// The number of usable (service, region) targets.
    pub fn usable_count(&self) -> usize {
        self.by_suffix
            .iter()
            .flat_map(|m| m.values())
            .flat_map(|labels| labels.values())
            .filter(|c| c.first().is_some_and(IndexedEndpoint::is_usable))
            .count()
    }
}
