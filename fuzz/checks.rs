// The invariants the fuzz targets check, and the strict-mode oracle they and the property test
// (`crates/privatelink-core/tests/strict_property.rs`) judge by. Shared with
// `crates/privatelink-core/tests/fuzz_corpus.rs`, which replays the committed corpus on stable
// Rust. Included with `include!`, so it is plain items with no module header.
//
// The oracle shares no code, no list and no data file with privatelink-core: what is AWS comes
// from botocore's own `partitions.json` (a verbatim copy, `fuzz/botocore-partitions.json`, which
// CI compares with the pinned botocore's) and the oracle's own list of the other public service
// domains; what is an endpoint, and which service it serves, from the raw `DnsEntries` of the
// snapshot's own describe-vpc-endpoints JSON (read here with `serde_json::Value`).

/// The fixture the host mapper runs against.
pub const MAPPER_FIXTURE: &str = include_str!("../testdata/describe-vpc-endpoints.json");

/// botocore's `partitions.json`, verbatim (botocore 1.44.8, the version `scripts/rig.sh` pins;
/// `scripts/rig-tests.sh` fails when they differ).
pub const BOTOCORE_PARTITIONS: &str = include_str!("botocore-partitions.json");

/// The public AWS service domains outside every partition's suffixes, as AWS documents them: the
/// console sign-in hosts of each partition and `on.aws` (Lambda function URLs and other
/// service-owned hosts). `the_oracles_domains_cover_the_rules` checks that they include every
/// domain botocore's endpoint rules name.
pub const SERVICE_DOMAINS: &[&str] = &[
    "on.aws",
    "oauth.signin.aws",
    "signin.aws.amazon.com",
    "signin.amazonaws.cn",
    "signin.amazonaws-us-gov.com",
    "signin-fips.amazonaws-us-gov.com",
    "signin.amazonaws-eusc.eu",
    "signin.c2shome.ic.gov",
    "signin.sc2shome.sgov.gov",
    "signin.csphome.adc-e.uk",
    "signin.csphome.hci.ic.gov",
];

/// What is AWS, from botocore's partitions and the oracle's service domains alone.
#[derive(Debug)]
pub struct Oracle {
    /// Every partition's DNS suffix and dual-stack suffix, and every other service domain.
    aws_domains: Vec<String>,
    /// (region, its partition's DNS suffix), for every region the table lists.
    regions: Vec<(String, String)>,
}

impl Oracle {
    /// Reads botocore's `partitions.json` (each partition's `outputs.dnsSuffix` and
    /// `outputs.dualStackDnsSuffix`, and the keys of its `regions`), and adds `domains`.
    pub fn new(partitions_json: &str, domains: &[&str]) -> Self {
        let mut oracle = Oracle {
            aws_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            regions: Vec::new(),
        };
        let value: serde_json::Value =
            serde_json::from_str(partitions_json).expect("botocore's partitions.json parses");
        let partitions = value["partitions"].as_array().expect("a partitions array");
        for partition in partitions {
            let output = |key: &str| {
                partition["outputs"][key]
                    .as_str()
                    .unwrap_or_else(|| panic!("partition output {key}"))
                    .to_owned()
            };
            let suffix = output("dnsSuffix");
            oracle.aws_domains.push(suffix.clone());
            oracle.aws_domains.push(output("dualStackDnsSuffix"));
            let regions = partition["regions"].as_object().expect("a regions object");
            for region in regions.keys() {
                oracle.regions.push((region.clone(), suffix.clone()));
            }
        }
        assert!(oracle.aws_domains.len() >= 16 && oracle.regions.len() >= 40);
        oracle
    }

    /// The DNS suffix of a region the table lists.
    pub fn suffix_of(&self, region: &str) -> Option<&str> {
        self.regions
            .iter()
            .find(|(r, _)| r == region)
            .map(|(_, suffix)| suffix.as_str())
    }

    /// Every AWS domain (suffixes and service domains).
    pub fn aws_domains(&self) -> &[String] {
        &self.aws_domains
    }

    /// Whether a request to `host` (any case, maybe a trailing dot) would reach a public AWS host:
    /// an address that may be AWS's, or a name under an AWS domain that is not an endpoint name
    /// (or API Gateway endpoint alias) of `snapshot`.
    pub fn is_public(&self, host: &str, snapshot: &OracleSnapshot) -> bool {
        let host = normalized(host);
        if let Some(public) = public_address(&host) {
            return public;
        }
        let aws = self.aws_domains.iter().any(|d| under(&host, d));
        aws && !snapshot.knows_host(&host) && !snapshot.knows_alias(&host)
    }
}

/// A snapshot's endpoints as its describe-vpc-endpoints JSON lists them.
#[derive(Debug, Default)]
pub struct OracleSnapshot {
    /// (name, `*.` wildcard, endpoint available, the name's service) for every `vpce-` name of
    /// an Interface endpoint; the service is the name's labels between its `vpce-` label and its
    /// region (or `vpce`): `s3`, `api.ecr`, `batch-fips`, `iam`.
    names: Vec<(String, bool, bool, String)>,
    /// The hexadecimal part of every Interface endpoint id that has a `vpce-` name.
    hexes: Vec<String>,
    /// Names private DNS covers: non-`vpce-` names of available Interface endpoints with
    /// private DNS on for queries from inside the VPC.
    private: Vec<String>,
    /// (region, service) of every available Gateway endpoint, from its `ServiceName`
    /// (`com.amazonaws.<region>.<service>`).
    gateways: Vec<(String, String)>,
    /// Whether an available S3 Multi-Region Access Point endpoint
    /// (`com.amazonaws.s3-global.accesspoint`) has private DNS on for queries from the VPC: AWS
    /// routes every Multi-Region Access Point request in the VPC through it.
    mrap_private_dns: bool,
}

impl OracleSnapshot {
    /// Reads the `VpcEndpoints` of `json`; `None` when it is not such a document.
    pub fn new(json: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        let mut snapshot = OracleSnapshot::default();
        for endpoint in value.get("VpcEndpoints")?.as_array()? {
            let text = |key: &str| endpoint.get(key).and_then(|v| v.as_str()).unwrap_or("");
            let available = text("State").eq_ignore_ascii_case("available");
            if text("VpcEndpointType").eq_ignore_ascii_case("gateway") {
                let name = text("ServiceName").to_ascii_lowercase();
                let parts: Vec<&str> = name.split('.').collect();
                if available && let [_, _, region, service] = parts.as_slice() {
                    snapshot.gateways.push(((*region).to_owned(), (*service).to_owned()));
                }
                continue;
            }
            if !text("VpcEndpointType").eq_ignore_ascii_case("interface") {
                continue;
            }
            let inbound_only = endpoint
                .pointer("/DnsOptions/PrivateDnsOnlyForInboundResolverEndpoint")
                .and_then(|v| v.as_bool())
                == Some(true);
            let private_dns =
                endpoint.get("PrivateDnsEnabled").and_then(|v| v.as_bool()).filter(|_| !inbound_only);
            if available
                && private_dns == Some(true)
                && text("ServiceName").eq_ignore_ascii_case("com.amazonaws.s3-global.accesspoint")
            {
                snapshot.mrap_private_dns = true;
            }
            let entries = endpoint.get("DnsEntries").and_then(|v| v.as_array());
            for entry in entries.into_iter().flatten() {
                let Some(name) = entry.get("DnsName").and_then(|v| v.as_str()) else {
                    continue;
                };
                let name = normalized(name.trim());
                let (wildcard, bare) = match name.strip_prefix("*.") {
                    Some(bare) => (true, bare.to_owned()),
                    None => (false, name.clone()),
                };
                if bare.starts_with("vpce-") {
                    if let Some(hex) = bare.split(['-', '.']).nth(1) {
                        snapshot.hexes.push(hex.to_owned());
                    }
                    let service = service_of_name(&bare);
                    snapshot.names.push((bare, wildcard, available, service));
                } else if available && private_dns == Some(true) {
                    snapshot.private.push(name);
                }
            }
        }
        Some(snapshot)
    }

    /// Whether `host` is one of the snapshot's `vpce-` names, or for a wildcard (S3) name
    /// `bucket.<name>` or `<label>.{bucket,accesspoint,control}.<name>`.
    fn knows_host(&self, host: &str) -> bool {
        self.names.iter().any(|(name, wildcard, _, _)| matches_name(host, name, *wildcard))
    }

    /// Whether `host` is `<10-character api id>-vpce-<hex>.execute-api.…` for one of the
    /// snapshot's endpoint ids.
    fn knows_alias(&self, host: &str) -> bool {
        let mut labels = host.split('.');
        let (Some(first), Some("execute-api")) = (labels.next(), labels.next()) else {
            return false;
        };
        let Some((api, hex)) = first.split_once("-vpce-") else {
            return false;
        };
        api.len() == 10
            && api.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && self.hexes.iter().any(|h| h == hex)
    }

    /// Whether `host` may be a rewrite target: a name of an available endpoint (S3 forms too).
    pub fn allows_target(&self, host: &str) -> bool {
        !self.services_of_target(host).is_empty()
    }

    /// The services of the available endpoints that `host` is a name of (S3 forms too).
    pub fn services_of_target(&self, host: &str) -> Vec<&str> {
        let host = normalized(host);
        self.names
            .iter()
            .filter(|(name, wildcard, available, _)| {
                *available && matches_name(&host, name, *wildcard)
            })
            .map(|(_, _, _, service)| service.as_str())
            .collect()
    }

    /// Whether private DNS of an available endpoint covers `host`.
    pub fn private_dns_covers(&self, host: &str) -> bool {
        let host = normalized(host);
        self.private.iter().any(|name| match name.strip_prefix("*.") {
            Some(domain) => host.ends_with(&format!(".{domain}")),
            None => host == *name,
        })
    }
}

fn matches_name(host: &str, name: &str, wildcard: bool) -> bool {
    if host == name {
        return true;
    }
    if !wildcard {
        return false;
    }
    if host == format!("bucket.{name}") {
        return true;
    }
    let Some((first, rest)) = host.split_once('.') else {
        return false;
    };
    !first.is_empty()
        && ["bucket", "accesspoint", "control"]
            .iter()
            .any(|kind| rest == format!("{kind}.{name}"))
}

/// The service of an endpoint name: its labels after the `vpce-` label, up to the region label
/// or `vpce` (`vpce-1-ab.api.ecr.us-east-1.vpce.amazonaws.com` → `api.ecr`;
/// `vpce-1-ab.iam.vpce.amazonaws.com` → `iam`).
fn service_of_name(name: &str) -> String {
    let is_region = |label: &str| {
        let pieces: Vec<&str> = label.split('-').collect();
        let (last, rest) = pieces.split_last().expect("split gives one piece at least");
        pieces.len() >= 3
            && rest.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && !last.is_empty()
            && last.bytes().all(|b| b.is_ascii_digit())
    };
    name.split('.')
        .skip(1)
        .take_while(|label| *label != "vpce" && !is_region(label))
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether a request to `host` is one for `service`: every word of the service (`ecr.api` →
/// `ecr`, `api`; `batch-fips` → `batch`, `fips`) is a word of the host's labels left of its AWS
/// domain, where `ddb` (DynamoDB's account hosts) stands for `dynamodb` too. A rewrite to another
/// service's endpoint (STS to EC2, `api.ecr` to `ecr.dkr`) fails this.
fn is_request_for(oracle: &Oracle, host: &str, service: &str) -> bool {
    let host = normalized(host);
    let domain = oracle
        .aws_domains
        .iter()
        .filter(|d| under(&host, d))
        .max_by_key(|d| d.len());
    let left = match domain {
        Some(domain) => host.strip_suffix(domain.as_str()).unwrap_or(&host),
        None => &host,
    };
    let mut words: Vec<&str> = left.split(['.', '-']).collect();
    if words.contains(&"ddb") {
        words.push("dynamodb");
    }
    service
        .split(['.', '-'])
        .all(|word| words.contains(&word))
}

/// Lowercase, without one trailing dot.
fn normalized(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    host.strip_suffix('.').map(str::to_owned).unwrap_or(host)
}

fn under(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// For a numeric host, whether it may be a public address; `None` for a name.
fn public_address(host: &str) -> Option<bool> {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    fn public(ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => {
                let o = v4.octets();
                !(o[0] == 10
                    || o[0] == 127
                    || (o[0] == 172 && (16..32).contains(&o[1]))
                    || (o[0] == 192 && o[1] == 168)
                    || (o[0] == 169 && o[1] == 254)
                    || (o[0] == 100 && (64..128).contains(&o[1]))
                    || o == [0, 0, 0, 0])
            }
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => public(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    !(v6 == Ipv6Addr::LOCALHOST
                        || v6 == Ipv6Addr::UNSPECIFIED
                        || (s[0] & 0xfe00) == 0xfc00
                        || (s[0] & 0xffc0) == 0xfe80)
                }
            },
        }
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return Some(inner.parse::<Ipv6Addr>().map_or(true, |ip| public(IpAddr::V6(ip))));
    }
    let last = host.rsplit('.').next().unwrap_or(host);
    if last.is_empty() || !(last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x")) {
        return None;
    }
    Some(host.parse::<Ipv4Addr>().map_or(true, |ip| public(IpAddr::V4(ip))))
}

/// The settings a case runs under, as the oracle sees them.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Strict (else prefer).
    pub strict: bool,
    /// Services never rewritten.
    pub exclude: Vec<String>,
    /// When not empty, the only services rewritten.
    pub include: Vec<String>,
    /// The home region.
    pub region: Option<String>,
    /// Leave hosts private DNS covers alone.
    pub skip_private_dns: bool,
    /// Gateway endpoints are named as a private path.
    pub gateways: bool,
}

impl Settings {
    fn out_of_scope(&self, service: &str) -> bool {
        self.exclude.iter().any(|s| s == service)
            || (!self.include.is_empty() && !self.include.iter().any(|s| s == service))
    }

    /// Whether `host` is the standard host, in the home region, of a service out of scope: what
    /// a gateway endpoint (or another private path the user vouches for) carries.
    fn goes_around(&self, oracle: &Oracle, host: &str) -> bool {
        let Some(region) = &self.region else {
            return false;
        };
        standard_service(oracle, host, region).is_some_and(|service| self.out_of_scope(&service))
    }

    /// Whether `host` is an S3 Express One Zone host (`s3express-control.<region>.<suffix>`,
    /// `<bucket>.s3express-<az-id>.<region>.<suffix>`) of a region whose `s3express` gateway
    /// endpoint the snapshot has, and gateways are named as a private path.
    fn express_gateway_carries(&self, oracle: &Oracle, host: &str, snapshot: &OracleSnapshot) -> bool {
        let host = normalized(host);
        self.gateways
            && snapshot.gateways.iter().any(|(region, service)| {
                let Some(suffix) = oracle.suffix_of(region) else {
                    return false;
                };
                let Some(prefix) = host.strip_suffix(&format!(".{region}.{suffix}")) else {
                    return false;
                };
                let last = prefix.rsplit('.').next().unwrap_or(prefix);
                service == "s3express"
                    && (prefix == "s3express-control" || last.starts_with("s3express-"))
            })
    }

    /// Whether `host` is a standard host of a gateway endpoint's service in its region, and
    /// gateways are named as a private path.
    fn gateway_carries(&self, oracle: &Oracle, host: &str, snapshot: &OracleSnapshot) -> bool {
        self.gateways
            && snapshot.gateways.iter().any(|(region, service)| {
                standard_service(oracle, host, region).as_deref() == Some(service.as_str())
            })
    }
}

/// Whether `host` is an S3 Multi-Region Access Point host (`<alias>.mrap.accesspoint.s3-global.`
/// `amazonaws.com`, AWS's documented form).
fn is_multi_region_access_point(host: &str) -> bool {
    let host = normalized(host);
    host.strip_suffix(".mrap.accesspoint.s3-global.amazonaws.com")
        .is_some_and(|alias| !alias.is_empty() && !alias.contains('.'))
}

/// The service of `host` when it is a standard host in `region` (`<svc>.<region>.<suffix>`, an
/// S3 bucket or access point, a DynamoDB account host), else `None`.
fn standard_service(oracle: &Oracle, host: &str, region: &str) -> Option<String> {
    let host = normalized(host);
    let suffix = oracle.suffix_of(region)?;
    let prefix = host.strip_suffix(&format!(".{region}.{suffix}"))?;
    let labels: Vec<&str> = prefix.split('.').collect();
    Some(match labels.as_slice() {
        [_, "s3"] | [_, "s3-accesspoint"] => "s3".to_owned(),
        [account, "ddb"] if account.len() == 12 => "dynamodb".to_owned(),
        _ => prefix.to_owned(),
    })
}

/// Judges one outcome of a request to `url` under `settings` with `snapshot` (None: no snapshot
/// loaded). `rewritten` is the new URL, or `None` when the URL was left unchanged; refusals and
/// invalid URLs are not passed in (they send nothing).
pub fn judge(
    oracle: &Oracle,
    snapshot: Option<&OracleSnapshot>,
    settings: &Settings,
    url: &str,
    rewritten: Option<(&str, &str)>,
) {
    let empty = OracleSnapshot::default();
    let snapshot = snapshot.unwrap_or(&empty);
    match rewritten {
        Some((new_url, new_host)) => {
            let services = snapshot.services_of_target(new_host);
            assert!(
                !services.is_empty(),
                "rewrote {url} to {new_host}, which no available endpoint of the snapshot names"
            );
            assert!(
                services.iter().any(|service| is_request_for(oracle, url_host(url), service)),
                "rewrote {url} to {new_host}, an endpoint of {services:?}: not the request's service"
            );
            assert_eq!(url_host(new_url), new_host, "{new_url}");
            let old_host = url_host(url);
            let start = url.find(old_host).expect("the host is in the URL");
            assert_eq!(&new_url[..start], &url[..start], "the part before the host changed");
            assert_eq!(
                &new_url[start + new_host.len()..],
                &url[start + old_host.len()..],
                "the part after the host changed"
            );
        }
        None if settings.strict => {
            let host = url_host(url);
            let allowed = !oracle.is_public(host, snapshot)
                || settings.goes_around(oracle, host)
                || settings.gateway_carries(oracle, host, snapshot)
                || settings.express_gateway_carries(oracle, host, snapshot)
                || (settings.skip_private_dns && snapshot.private_dns_covers(host))
                || (snapshot.mrap_private_dns && is_multi_region_access_point(host));
            assert!(allowed, "strict mode left {url} on a public AWS host ({settings:?})");
        }
        None => {}
    }
}

/// The host of an absolute URL, without its port.
pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if authority.starts_with('[') {
        return authority.find(']').map_or(authority, |end| &authority[..=end]);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// Maps `url` with `config` and judges the outcome.
pub fn map_and_judge(
    config: &privatelink_core::RewriteConfig,
    index: Option<&privatelink_core::EndpointIndex>,
    oracle: &Oracle,
    snapshot: Option<&OracleSnapshot>,
    settings: &Settings,
    url: &str,
) {
    use privatelink_core::Outcome;
    match config.rewrite_url(index, url) {
        Ok(Outcome::Rewritten(r)) => {
            judge(oracle, snapshot, settings, url, Some((r.url(), r.host())))
        }
        Ok(Outcome::Unchanged(_)) => judge(oracle, snapshot, settings, url, None),
        Err(_) => {}
    }
}

/// Parses `text` as describe-vpc-endpoints JSON; if it parses, every indexed name is a `vpce-`
/// name under its partition's endpoint domain, the export reads back to the same endpoints, and
/// strict mode with a zone, mapping hosts built from the document's own names, rewrites only to
/// names the document lists and leaves no public AWS host unchanged.
pub fn check_describe_json(text: &str) {
    let Ok(endpoints) = privatelink_core::parse_describe_vpc_endpoints(text) else {
        return;
    };
    let index = privatelink_core::EndpointIndex::new(endpoints.clone());
    for (_, _, suffix, endpoint) in index.entries() {
        let names = endpoint
            .regional_name()
            .into_iter()
            .chain(endpoint.zonal_names().map(|(_, name)| name));
        for name in names {
            assert!(
                name.starts_with("vpce-")
                    && name.ends_with(&format!(".{}", suffix.endpoint_domain())),
                "indexed a name outside the endpoint domain: {name}"
            );
        }
    }
    let exported = privatelink_core::export_json(index.endpoints(), None, None, None);
    let again = privatelink_core::parse_describe_vpc_endpoints(&exported)
        .unwrap_or_else(|e| panic!("the export does not read back: {e}\n{exported}"));
    assert_eq!(again, endpoints, "the export changed the endpoints");

    let snapshot = OracleSnapshot::new(text).expect("core parsed it, so it is such a document");
    let oracle = oracle();
    let mut config = privatelink_core::RewriteConfig::builder()
        .policy(privatelink_core::Policy::Strict);
    config.set_zone(Some("us-east-1a".into()));
    let config = config.build().expect("a valid configuration");
    let settings = Settings {
        strict: true,
        ..Settings::default()
    };
    let mut hosts = vec![
        "ec2.us-east-1.amazonaws.com".to_owned(),
        "b.s3.us-east-1.amazonaws.com".to_owned(),
        "s3.cn-north-1.amazonaws.com.cn".to_owned(),
    ];
    for endpoint in &endpoints {
        for entry in endpoint.dns_entries() {
            let name = entry.dns_name().trim_start_matches("*.");
            hosts.push(name.to_owned());
            hosts.push(format!("x.bucket.{name}"));
            // The default host an endpoint name stands for: `<label>.<region>.<suffix>`.
            let labels: Vec<&str> = name.split('.').collect();
            if let Some(vpce) = labels.iter().position(|l| *l == "vpce")
                && vpce >= 3
            {
                hosts.push(format!("{}.{}", labels[1..vpce].join("."), labels[vpce + 1..].join(".")));
            }
        }
    }
    for host in hosts.iter().take(64) {
        let url = format!("https://{host}/k");
        map_and_judge(&config, Some(&index), oracle, Some(&snapshot), &settings, &url);
    }
}

/// The oracle over the generated table, read once.
pub fn oracle() -> &'static Oracle {
    static ORACLE: std::sync::OnceLock<Oracle> = std::sync::OnceLock::new();
    ORACLE.get_or_init(|| Oracle::new(BOTOCORE_PARTITIONS, SERVICE_DOMAINS))
}

/// The policy a `host_mapper` input's first byte selects: its low two bits, `0` and `1` strict
/// (half the inputs), `2` prefer, `3` off. The corpus's seeds are written for it
/// (`fuzz_corpus.rs` checks each decodes to the policy it was written for).
pub fn host_mapper_policy(selector: u8) -> privatelink_core::Policy {
    use privatelink_core::Policy;
    match selector & 0b11 {
        0 | 1 => Policy::Strict,
        2 => Policy::Prefer,
        _ => Policy::Off,
    }
}

/// Maps `url` (the bytes after the first) against the fixture under the settings the first byte
/// selects: bits 0–1 the policy (0 and 1 strict, 2 prefer, 3 off), bit 2 gateway endpoints named
/// as a private path, bit 4 the zone `us-east-1a`,
/// bit 5 skip private DNS, bit 6 exclude `s3`, bit 7 the home region `us-east-1`. A rewrite goes
/// only to a name of an available endpoint and changes only the host; strict mode leaves no
/// public AWS host unchanged.
pub fn check_host_mapper(data: &[u8]) {
    use privatelink_core::{EndpointIndex, Policy, RewriteConfig};
    static FIXTURE: std::sync::OnceLock<(EndpointIndex, OracleSnapshot)> =
        std::sync::OnceLock::new();
    let (index, snapshot) = FIXTURE.get_or_init(|| {
        (
            privatelink_core::index_from_describe_json(MAPPER_FIXTURE).expect("the fixture parses"),
            OracleSnapshot::new(MAPPER_FIXTURE).expect("the fixture is a document"),
        )
    });
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(url) = std::str::from_utf8(rest) else {
        return;
    };
    let policy = host_mapper_policy(selector);
    let mut settings = Settings {
        strict: policy == Policy::Strict,
        skip_private_dns: selector & 0x20 != 0,
        gateways: selector & 0x04 != 0,
        ..Settings::default()
    };
    let mut config = RewriteConfig::builder()
        .policy(policy)
        .skip_private_dns_endpoints(settings.skip_private_dns)
        .gateway_endpoints(settings.gateways);
    config.set_zone((selector & 0x10 != 0).then(|| "us-east-1a".to_owned()));
    if selector & 0x40 != 0 {
        config = config.exclude_service("s3");
        settings.exclude.push("s3".into());
    }
    if selector & 0x80 != 0 {
        config = config.region("us-east-1");
        settings.region = Some("us-east-1".into());
    }
    let config = config.build().expect("a valid configuration");
    map_and_judge(&config, Some(index), oracle(), Some(snapshot), &settings, url);
}
