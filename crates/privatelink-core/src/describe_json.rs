//! Reading the JSON that `aws ec2 describe-vpc-endpoints` prints (and `privatelink export`
//! writes: [`export_json`]), and writing the export document. One format, both ways.

use std::error::Error;
use std::fmt;
use std::time::SystemTime;

use serde::Deserialize;

use crate::model::{
    DnsEntry, DnsOptions, EndpointState, EndpointType, IpAddressType, MissingFieldError,
    VpcEndpoint,
};

/// The version of the `privatelink export` document this crate writes and reads.
pub const EXPORT_VERSION: u64 = 1;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    vpc_endpoints: Option<Vec<RawEndpoint>>,
    /// Present in `privatelink export` documents only.
    #[serde(rename = "PrivateLinkExport")]
    export: Option<ExportHeader>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ExportHeader {
    version: Option<u64>,
    vpc_id: Option<String>,
    discovered_at: Option<String>,
}

/// A describe-vpc-endpoints document, with what a `privatelink export` header says of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The endpoints.
    pub endpoints: Vec<VpcEndpoint>,
    /// The VPC the header says the document describes (`PrivateLinkExport.VpcId`).
    pub vpc_id: Option<String>,
    /// When the endpoints were discovered (`PrivateLinkExport.DiscoveredAt`): staleness counts
    /// from here, not from when the document is read.
    pub discovered_at: Option<SystemTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawEndpoint {
    vpc_endpoint_id: Option<String>,
    vpc_endpoint_type: Option<String>,
    vpc_id: Option<String>,
    service_name: Option<String>,
    service_region: Option<String>,
    state: Option<String>,
    private_dns_enabled: Option<bool>,
    dns_entries: Option<Vec<RawDnsEntry>>,
    subnet_ids: Option<Vec<String>>,
    ip_address_type: Option<String>,
    dns_options: Option<RawDnsOptions>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawDnsOptions {
    dns_record_ip_type: Option<String>,
    private_dns_only_for_inbound_resolver_endpoint: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawDnsEntry {
    dns_name: Option<String>,
    hosted_zone_id: Option<String>,
}

/// Parses the output of `aws ec2 describe-vpc-endpoints` (`{"VpcEndpoints": [...]}`).
///
/// Unknown fields are ignored. Required per endpoint: `VpcEndpointId`, `VpcEndpointType`,
/// `State`, and `ServiceName` for `Interface` and `Gateway` endpoints; each `DnsEntries` item
/// needs a `DnsName`. `DnsEntries`, `SubnetIds`
/// and `PrivateDnsEnabled` default to empty / `false`. The first problem found is returned; nothing
/// is half-parsed.
pub fn parse_describe_vpc_endpoints(json: &str) -> Result<Vec<VpcEndpoint>, ParseError> {
    parse_document(json).map(|document| document.endpoints)
}

/// [`parse_describe_vpc_endpoints`], with the export header's VPC id and discovery time
/// (`DiscoveredAt`: RFC 3339 UTC, `2026-12-02T07:40:05Z`; anything else is
/// [`ParseError::InvalidDiscoveredAt`]).
pub fn parse_document(json: &str) -> Result<Document, ParseError> {
    let output: Output = serde_json::from_str(json)
        .map_err(|source| ParseError::InvalidJson(InvalidJson { source }))?;
    let (mut vpc_id, mut discovered_at) = (None, None);
    if let Some(header) = output.export {
        if header.version != Some(EXPORT_VERSION) {
            return Err(ParseError::UnsupportedExportVersion(
                UnsupportedExportVersion {
                    found: header.version,
                },
            ));
        }
        if let Some(text) = header.discovered_at {
            discovered_at = Some(crate::timestamp::parse(&text).ok_or(
                ParseError::InvalidDiscoveredAt(InvalidDiscoveredAt { found: text }),
            )?);
        }
        vpc_id = header.vpc_id;
    }
    let raw = output
        .vpc_endpoints
        .ok_or(ParseError::MissingVpcEndpoints(MissingVpcEndpoints {
            _priv: (),
        }))?;
    let endpoints = raw
        .into_iter()
        .enumerate()
        .map(|(position, raw)| {
            let endpoint_id = raw.vpc_endpoint_id.clone();
            convert(raw).map_err(|problem| {
                ParseError::InvalidEndpoint(InvalidEndpoint {
                    position,
                    endpoint_id,
                    problem,
                })
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Document {
        endpoints,
        vpc_id,
        discovered_at,
    })
}

fn convert(raw: RawEndpoint) -> Result<VpcEndpoint, EndpointProblem> {
    let dns_entries = raw
        .dns_entries
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(position, entry)| {
            let name = entry
                .dns_name
                .filter(|n| !n.trim().is_empty())
                .ok_or(EndpointProblem::DnsEntryWithoutName { position })?;
            Ok(DnsEntry::new(name, entry.hosted_zone_id))
        })
        .collect::<Result<_, _>>()?;
    let mut builder = VpcEndpoint::builder();
    builder
        .set_id(raw.vpc_endpoint_id)
        .set_endpoint_type(raw.vpc_endpoint_type.as_deref().map(EndpointType::parse))
        .set_vpc_id(raw.vpc_id)
        .set_service_name(raw.service_name)
        .set_service_region(raw.service_region)
        .set_state(raw.state.as_deref().map(EndpointState::parse))
        .set_private_dns_enabled(raw.private_dns_enabled)
        .set_dns_entries(dns_entries)
        .set_subnet_ids(raw.subnet_ids.unwrap_or_default())
        .set_ip_address_type(raw.ip_address_type.as_deref().map(IpAddressType::parse))
        .set_dns_options(
            raw.dns_options
                .map(|o| DnsOptions {
                    dns_record_ip_type: o.dns_record_ip_type.as_deref().map(IpAddressType::parse),
                    private_dns_only_for_inbound_resolver_endpoint: o
                        .private_dns_only_for_inbound_resolver_endpoint
                        .unwrap_or(false),
                })
                .unwrap_or_default(),
        );
    builder.build().map_err(EndpointProblem::MissingField)
}

/// The describe-vpc-endpoints JSON could not be used.
#[non_exhaustive]
#[derive(Debug)]
pub enum ParseError {
    /// The text is not JSON of the expected shape (wrong types, syntax errors).
    InvalidJson(InvalidJson),
    /// The top-level `VpcEndpoints` array is missing.
    MissingVpcEndpoints(MissingVpcEndpoints),
    /// One endpoint is incomplete.
    InvalidEndpoint(InvalidEndpoint),
    /// A `privatelink export` document of a version this crate does not read.
    UnsupportedExportVersion(UnsupportedExportVersion),
    /// The export header's `DiscoveredAt` is not an RFC 3339 UTC time.
    InvalidDiscoveredAt(InvalidDiscoveredAt),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::InvalidJson(_) => f.write_str("not valid describe-vpc-endpoints JSON"),
            ParseError::MissingVpcEndpoints(_) => {
                f.write_str("no `VpcEndpoints` array at the top level (expected the output of `aws ec2 describe-vpc-endpoints`)")
            }
            ParseError::InvalidEndpoint(e) => e.fmt(f),
            ParseError::UnsupportedExportVersion(e) => match e.found {
                Some(found) => write!(
                    f,
                    "privatelink export version {found} is not supported (this version reads {EXPORT_VERSION})"
                ),
                None => f.write_str("privatelink export document without a version"),
            },
            ParseError::InvalidDiscoveredAt(e) => write!(
                f,
                "privatelink export `DiscoveredAt` `{}` is not a UTC time like 2026-12-02T07:40:05Z",
                e.found
            ),
        }
    }
}

impl Error for ParseError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ParseError::InvalidJson(e) => Some(&e.source),
            ParseError::MissingVpcEndpoints(_)
            | ParseError::UnsupportedExportVersion(_)
            | ParseError::InvalidDiscoveredAt(_) => None,
            ParseError::InvalidEndpoint(e) => e.source(),
        }
    }
}

/// Context of [`ParseError::InvalidJson`]; the JSON error (with line and column) is the `source()`.
#[derive(Debug)]
pub struct InvalidJson {
    source: serde_json::Error,
}

impl InvalidJson {
    pub(crate) fn new(source: serde_json::Error) -> Self {
        InvalidJson { source }
    }

    pub(crate) fn json_error(&self) -> &serde_json::Error {
        &self.source
    }

    /// The 1-based line of the problem.
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// The 1-based column of the problem.
    pub fn column(&self) -> usize {
        self.source.column()
    }
}

/// Context of [`ParseError::InvalidDiscoveredAt`].
#[derive(Debug)]
pub struct InvalidDiscoveredAt {
    found: String,
}

impl InvalidDiscoveredAt {
    /// The text the header holds.
    pub fn found(&self) -> &str {
        &self.found
    }
}

/// Context of [`ParseError::UnsupportedExportVersion`].
#[derive(Debug)]
pub struct UnsupportedExportVersion {
    found: Option<u64>,
}

impl UnsupportedExportVersion {
    /// The version the document declares, if any.
    pub fn found(&self) -> Option<u64> {
        self.found
    }
}

/// Writes `endpoints` as a `privatelink export` document: the `describe-vpc-endpoints` shape
/// (so [`parse_describe_vpc_endpoints`] and the file source read it back) with a
/// `PrivateLinkExport` header carrying [`EXPORT_VERSION`] and, when known, the VPC id, region and
/// when the endpoints were discovered (`DiscoveredAt`, whole seconds UTC).
pub fn export_json(
    endpoints: &[VpcEndpoint],
    vpc_id: Option<&str>,
    region: Option<&str>,
    discovered_at: Option<SystemTime>,
) -> String {
    use serde_json::{Map, Value, json};
    // Keys are inserted in sorted order: the same bytes whether or not serde_json preserves order.
    let mut header = Map::new();
    if let Some(time) = discovered_at {
        header.insert("DiscoveredAt".into(), json!(crate::timestamp::format(time)));
    }
    if let Some(region) = region {
        header.insert("Region".into(), json!(region));
    }
    header.insert("Version".into(), json!(EXPORT_VERSION));
    if let Some(vpc_id) = vpc_id {
        header.insert("VpcId".into(), json!(vpc_id));
    }
    let endpoints: Vec<Value> = endpoints
        .iter()
        .map(|e| {
            let entries: Vec<Value> = e
                .dns_entries()
                .iter()
                .map(|d| match d.hosted_zone_id() {
                    Some(zone) => json!({"DnsName": d.dns_name(), "HostedZoneId": zone}),
                    None => json!({"DnsName": d.dns_name()}),
                })
                .collect();
            let mut item = Map::new();
            item.insert("DnsEntries".into(), Value::Array(entries));
            let options = e.dns_options();
            let mut dns_options = Map::new();
            if let Some(kind) = &options.dns_record_ip_type {
                dns_options.insert("DnsRecordIpType".into(), json!(kind.as_str()));
            }
            dns_options.insert(
                "PrivateDnsOnlyForInboundResolverEndpoint".into(),
                json!(options.private_dns_only_for_inbound_resolver_endpoint),
            );
            item.insert("DnsOptions".into(), Value::Object(dns_options));
            if let Some(kind) = e.ip_address_type() {
                item.insert("IpAddressType".into(), json!(kind.as_str()));
            }
            item.insert("PrivateDnsEnabled".into(), json!(e.private_dns_enabled()));
            if let Some(name) = e.service_name() {
                item.insert("ServiceName".into(), json!(name));
            }
            if let Some(region) = e.service_region() {
                item.insert("ServiceRegion".into(), json!(region));
            }
            item.insert("State".into(), json!(e.state().as_str()));
            item.insert("SubnetIds".into(), json!(e.subnet_ids()));
            item.insert("VpcEndpointId".into(), json!(e.id()));
            item.insert("VpcEndpointType".into(), json!(e.endpoint_type().as_str()));
            if let Some(vpc) = e.vpc_id() {
                item.insert("VpcId".into(), json!(vpc));
            }
            Value::Object(item)
        })
        .collect();
    let document = json!({"PrivateLinkExport": Value::Object(header), "VpcEndpoints": endpoints});
    let mut text = serde_json::to_string_pretty(&document).expect("JSON values serialize");
    text.push('\n');
    text
}

/// Context of [`ParseError::MissingVpcEndpoints`].
#[derive(Debug)]
pub struct MissingVpcEndpoints {
    _priv: (),
}

/// Context of [`ParseError::InvalidEndpoint`].
#[derive(Debug)]
pub struct InvalidEndpoint {
    position: usize,
    endpoint_id: Option<String>,
    problem: EndpointProblem,
}

#[derive(Debug)]
enum EndpointProblem {
    MissingField(MissingFieldError),
    DnsEntryWithoutName { position: usize },
}

impl InvalidEndpoint {
    /// The 0-based position of the endpoint in `VpcEndpoints`.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The endpoint's id, if it had one.
    pub fn endpoint_id(&self) -> Option<&str> {
        self.endpoint_id.as_deref()
    }
}

impl fmt::Display for InvalidEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VpcEndpoints[{}]", self.position)?;
        if let Some(id) = &self.endpoint_id {
            write!(f, " ({id})")?;
        }
        match &self.problem {
            EndpointProblem::MissingField(missing) => {
                write!(f, ": missing required field `{}`", missing.field())
            }
            EndpointProblem::DnsEntryWithoutName { position } => {
                write!(f, ": DnsEntries[{position}] has no `DnsName`")
            }
        }
    }
}

impl Error for InvalidEndpoint {}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"VpcEndpoints":[{
        "VpcEndpointId":"vpce-0abc","VpcEndpointType":"Interface","VpcId":"vpc-1",
        "ServiceName":"com.amazonaws.us-east-1.ec2","State":"available","PrivateDnsEnabled":true,
        "DnsEntries":[{"DnsName":"vpce-0abc-12345678.ec2.us-east-1.vpce.amazonaws.com","HostedZoneId":"Z7HUB22UULQXV"}],
        "SubnetIds":["subnet-1"],"Tags":[],"SomethingNew":{"x":1}}]}"#;

    #[test]
    fn parses_cli_output_and_ignores_unknown_fields() {
        let endpoints = parse_describe_vpc_endpoints(ONE).unwrap();
        let e = &endpoints[0];
        assert_eq!(e.id(), "vpce-0abc");
        assert_eq!(e.vpc_id(), Some("vpc-1"));
        assert!(e.is_usable());
        assert!(e.private_dns_enabled());
        assert_eq!(e.dns_entries()[0].hosted_zone_id(), Some("Z7HUB22UULQXV"));
        assert_eq!(e.subnet_ids(), ["subnet-1"]);
    }

    #[test]
    fn malformed_input_gets_a_typed_error_naming_the_problem() {
        let cases: &[(&str, &str)] = &[
            ("", "not valid describe-vpc-endpoints JSON"),
            ("{", "not valid describe-vpc-endpoints JSON"),
            ("[]", "not valid describe-vpc-endpoints JSON"),
            ("{}", "no `VpcEndpoints` array"),
            (r#"{"VpcEndpoints":null}"#, "no `VpcEndpoints` array"),
            (
                r#"{"VpcEndpoints":{}}"#,
                "not valid describe-vpc-endpoints JSON",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointId":5}]}"#,
                "not valid describe-vpc-endpoints JSON",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointType":"Interface","ServiceName":"s","State":"available"}]}"#,
                "VpcEndpoints[0]: missing required field `VpcEndpointId`",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","ServiceName":"s","State":"available"}]}"#,
                "VpcEndpoints[0] (vpce-1): missing required field `VpcEndpointType`",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","State":"available"}]}"#,
                "VpcEndpoints[0] (vpce-1): missing required field `ServiceName`",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","ServiceName":"s"}]}"#,
                "VpcEndpoints[0] (vpce-1): missing required field `State`",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","ServiceName":"s","State":"available","DnsEntries":[{"HostedZoneId":"Z"}]}]}"#,
                "VpcEndpoints[0] (vpce-1): DnsEntries[0] has no `DnsName`",
            ),
            (
                r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","ServiceName":"s","State":"available","DnsEntries":[{"DnsName":""}]}]}"#,
                "VpcEndpoints[0] (vpce-1): DnsEntries[0] has no `DnsName`",
            ),
        ];
        for (json, expected) in cases {
            let err = parse_describe_vpc_endpoints(json).unwrap_err();
            assert!(err.to_string().starts_with(expected), "{json}: got `{err}`");
        }
        let err = parse_describe_vpc_endpoints("{\n  \"VpcEndpoints\": [ 1 ]\n}").unwrap_err();
        let ParseError::InvalidJson(ctx) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(ctx.line(), 2);
        assert!(err.source().is_some());
    }

    #[test]
    fn dns_options_and_ip_address_type_are_read_and_exported() {
        let json = r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-0abc","VpcEndpointType":"Interface",
            "ServiceName":"com.amazonaws.us-east-1.s3","State":"available","PrivateDnsEnabled":true,
            "IpAddressType":"DualStack",
            "DnsOptions":{"DnsRecordIpType":"service-defined","PrivateDnsOnlyForInboundResolverEndpoint":true}},
            {"VpcEndpointId":"vpce-0def","VpcEndpointType":"Interface",
            "ServiceName":"com.amazonaws.us-east-1.ec2","State":"available","PrivateDnsEnabled":true,
            "IpAddressType":"ipv7","DnsOptions":{"DnsRecordIpType":"ipv6"}},
            {"VpcEndpointId":"vpce-0fed","VpcEndpointType":"Interface",
            "ServiceName":"com.amazonaws.us-east-1.sts","State":"available"}]}"#;
        let endpoints = parse_describe_vpc_endpoints(json).unwrap();
        let summary = |e: &VpcEndpoint| {
            (
                e.ip_address_type().cloned(),
                e.dns_options().dns_record_ip_type.clone(),
                e.dns_options()
                    .private_dns_only_for_inbound_resolver_endpoint,
                e.private_dns_in_vpc(),
            )
        };
        assert_eq!(
            endpoints.iter().map(summary).collect::<Vec<_>>(),
            [
                (
                    Some(IpAddressType::Dualstack),
                    Some(IpAddressType::ServiceDefined),
                    true,
                    false
                ),
                (
                    Some(IpAddressType::Unknown("ipv7".into())),
                    Some(IpAddressType::Ipv6),
                    false,
                    true
                ),
                (None, None, false, false),
            ]
        );
        assert!(!IpAddressType::Ipv6.has_ipv4() && IpAddressType::Dualstack.has_ipv4());
        let exported = export_json(&endpoints, None, None, None);
        assert_eq!(parse_describe_vpc_endpoints(&exported).unwrap(), endpoints);
    }

    #[test]
    fn export_round_trips_and_checks_its_version() {
        let fixture = include_str!("../../../testdata/describe-vpc-endpoints.json");
        let endpoints = parse_describe_vpc_endpoints(fixture).unwrap();
        let discovered = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_196_005);
        let exported = export_json(
            &endpoints,
            Some("vpc-0example0000001"),
            Some("us-east-1"),
            Some(discovered),
        );
        assert!(exported.contains("\"PrivateLinkExport\""));
        assert!(exported.contains("\"DiscoveredAt\": \"2026-12-02T07:20:05Z\""));
        let document = parse_document(&exported).unwrap();
        assert_eq!(
            document,
            Document {
                endpoints: endpoints.clone(),
                vpc_id: Some("vpc-0example0000001".into()),
                discovered_at: Some(discovered),
            }
        );
        // Exporting what was read back gives the same document.
        assert_eq!(
            export_json(
                &document.endpoints,
                document.vpc_id.as_deref(),
                Some("us-east-1"),
                document.discovered_at
            ),
            exported
        );
        // The output of `aws ec2 describe-vpc-endpoints` has no header.
        let plain = parse_document(fixture).unwrap();
        assert_eq!((plain.vpc_id, plain.discovered_at), (None, None));
        for (header, message) in [
            (
                r#"{"Version": 2}"#,
                "privatelink export version 2 is not supported (this version reads 1)",
            ),
            (r#"{}"#, "privatelink export document without a version"),
            (
                r#"{"Version": 1, "DiscoveredAt": "yesterday"}"#,
                "privatelink export `DiscoveredAt` `yesterday` is not a UTC time like 2026-12-02T07:40:05Z",
            ),
        ] {
            let doc = format!(r#"{{"PrivateLinkExport": {header}, "VpcEndpoints": []}}"#);
            assert_eq!(
                parse_describe_vpc_endpoints(&doc).unwrap_err().to_string(),
                message
            );
        }
    }

    #[test]
    fn empty_lists_and_missing_optional_fields_are_fine() {
        let json = r#"{"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Gateway","ServiceName":"com.amazonaws.us-east-1.s3","State":"available"}]}"#;
        let endpoints = parse_describe_vpc_endpoints(json).unwrap();
        assert!(endpoints[0].dns_entries().is_empty());
        assert!(!endpoints[0].private_dns_enabled());
        assert!(
            parse_describe_vpc_endpoints(r#"{"VpcEndpoints":[]}"#)
                .unwrap()
                .is_empty()
        );
    }
}
