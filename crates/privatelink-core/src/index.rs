//! The endpoint index: interface endpoint names keyed by (service label, region, partition suffix).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::{EndpointState, EndpointType, VpcEndpoint};
use crate::names::entry::{EntryShape, IgnoredNameReason, classify_entry};
use crate::names::host::{S3Kind, Shape};
use crate::names::{DnsSuffix, is_any_region};

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

/// The names of one interface endpoint for one service label and region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedEndpoint {
    endpoint_id: String,
    label: String,
    region: String,
    state: EndpointState,
    private_dns_enabled: bool,
    private_dns_in_vpc: bool,
    regional: Option<String>,
    /// (availability zone, zonal name), sorted by zone.
    zonal: Vec<(String, String)>,
    wildcard: bool,
    /// The names the endpoint's private DNS covers (lowercase; `*.` kept), from its `DnsEntries`.
    private_names: Vec<String>,
}

impl IndexedEndpoint {
    /// The endpoint id (`vpce-…`).
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// The service label the names carry (`ec2`, `api.ecr`, `s3`, …).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The region the names carry.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint's state. Only `available` endpoints are rewrite targets.
    pub fn state(&self) -> &EndpointState {
        &self.state
    }

    /// Whether requests may go to this endpoint (state `available`).
    pub fn is_usable(&self) -> bool {
        self.state.is_available()
    }

    /// Whether private DNS is enabled on the endpoint.
    pub fn private_dns_enabled(&self) -> bool {
        self.private_dns_enabled
    }

    /// The regional name (without any `*.`), if the endpoint has one.
    pub fn regional_name(&self) -> Option<&str> {
        self.regional.as_deref()
    }

    /// The zonal names as (availability zone, name), sorted by zone.
    pub fn zonal_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.zonal.iter().map(|(z, n)| (z.as_str(), n.as_str()))
    }

    /// Whether the names came as `*.` wildcards (S3).
    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// Whether private DNS answers queries from inside the VPC: enabled, and not only for
    /// inbound resolver endpoints (`DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`).
    pub fn private_dns_in_vpc(&self) -> bool {
        self.private_dns_in_vpc
    }

    /// The default names the endpoint's private DNS covers, as its `DnsEntries` list them
    /// (lowercase; wildcards keep their `*.`).
    pub fn private_names(&self) -> impl Iterator<Item = &str> {
        self.private_names.iter().map(String::as_str)
    }

    /// Whether private DNS is enabled for queries from inside the VPC (not only for inbound
    /// resolver endpoints) and covers `host` (lowercase, no trailing dot): one of
    /// [`IndexedEndpoint::private_names`] is `host`, or is `*.<domain>` with `host` under
    /// `<domain>`. Only such a host reaches the endpoint on its default name from the VPC.
    pub fn private_dns_covers(&self, host: &str) -> bool {
        self.private_dns_in_vpc
            && self
                .private_names
                .iter()
                .any(|name| match name.strip_prefix("*.") {
                    Some(domain) => host
                        .strip_suffix(domain)
                        .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
                    None => host == name,
                })
    }

    /// The host a request with no bucket, access point or account in it uses at endpoint name
    /// `name` (one of this endpoint's names): `bucket.<name>` for an S3 endpoint, whose names
    /// are `*.` wildcards (S3 path style; what `AWS_ENDPOINT_URL_S3` is set to), else `name`.
    pub fn base_host(&self, name: &str) -> String {
        let shape = match self.wildcard {
            true => Shape::S3 {
                prefix: None,
                kind: S3Kind::Bucket,
            },
            false => Shape::Whole,
        };
        shape.host(name)
    }

    /// S3 Control's host at endpoint name `name` (`control.<name>`, to which the SDKs prepend the
    /// account id), for an S3 endpoint; `None` for other endpoints.
    pub fn control_host(&self, name: &str) -> Option<String> {
        (self.label == "s3" && self.wildcard).then(|| {
            Shape::S3 {
                prefix: None,
                kind: S3Kind::Control,
            }
            .host(name)
        })
    }

    /// The name to use: the zonal name for `zone` when there is one, else the regional name, else
    /// (no regional entry at all) the first zonal name by zone.
    pub fn name_for(&self, zone: Option<&str>) -> Option<&str> {
        zone.and_then(|zone| {
            self.zonal
                .iter()
                .find(|(z, _)| z == zone)
                .map(|(_, name)| name.as_str())
        })
        .or(self.regional.as_deref())
        .or_else(|| self.zonal.first().map(|(_, name)| name.as_str()))
    }
}

/// Something in the input that the index did not use, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexWarning {
    endpoint_id: String,
    kind: WarningKind,
}

/// What an [`IndexWarning`] is about.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// A `DnsEntries` name was ignored.
    IgnoredDnsName {
        /// The name as given.
        name: String,
        /// Why it was ignored.
        reason: IgnoredNameReason,
    },
    /// An interface endpoint has no usable DNS name, so nothing can be rewritten to it.
    NoEndpointNames,
    /// An endpoint of a type privatelink does not use (`Resource`, `ServiceNetwork`,
    /// `GatewayLoadBalancer`, or one this version does not know) was skipped.
    SkippedEndpointType {
        /// The type, as EC2 sends it.
        endpoint_type: String,
    },
    /// Several interface endpoints serve the same service and region; `chosen` is used.
    DuplicateService {
        /// The service label.
        label: String,
        /// The region.
        region: String,
        /// The endpoint used (the first usable one by id).
        chosen: String,
    },
}

impl IndexWarning {
    /// The endpoint the warning is about.
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// What the warning is about.
    pub fn kind(&self) -> &WarningKind {
        &self.kind
    }
}

impl fmt::Display for IndexWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            WarningKind::IgnoredDnsName { name, reason } => write!(
                f,
                "endpoint {}: ignoring DNS entry `{name}`: {reason}",
                self.endpoint_id
            ),
            WarningKind::SkippedEndpointType { endpoint_type } => write!(
                f,
                "endpoint {}: skipped: privatelink does not use {endpoint_type} endpoints",
                self.endpoint_id
            ),
            WarningKind::NoEndpointNames => write!(
                f,
                "endpoint {}: interface endpoint has no vpce DNS names; nothing will be rewritten to it",
                self.endpoint_id
            ),
            WarningKind::DuplicateService {
                label,
                region,
                chosen,
            } => write!(
                f,
                "endpoint {}: several interface endpoints serve `{label}` in {region}; using {chosen}",
                self.endpoint_id
            ),
        }
    }
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
                    });
                slot.wildcard |= name.wildcard;
                let known = index
                    .names
                    .entry(name.host.clone().into_boxed_str())
                    .or_default();
                *known |= name.wildcard;
                match name.zone {
                    Some(zone) => {
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
