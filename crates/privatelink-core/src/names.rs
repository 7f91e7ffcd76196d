//! Shape rules for DNS names: endpoint names in `DnsEntries`, and the hosts SDK requests go to.
//!
//! Everything here works on names that are already ASCII-lowercased with any trailing dot removed
//! (see [`normalize`]); byte offsets into such a name equal those in the original.

use std::borrow::Cow;
use std::fmt;

/// The DNS suffix of an AWS partition, as it appears in service hosts.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DnsSuffix {
    /// `amazonaws.com`: the `aws` and `aws-us-gov` partitions.
    AmazonawsCom,
    /// `amazonaws.com.cn`: the `aws-cn` partition.
    AmazonawsComCn,
}

impl DnsSuffix {
    /// All suffixes, most specific first.
    pub(crate) const ALL: [DnsSuffix; 2] = [DnsSuffix::AmazonawsComCn, DnsSuffix::AmazonawsCom];

    /// The suffix without a leading dot, e.g. `amazonaws.com`.
    pub fn as_str(self) -> &'static str {
        match self {
            DnsSuffix::AmazonawsCom => "amazonaws.com",
            DnsSuffix::AmazonawsComCn => "amazonaws.com.cn",
        }
    }

    /// The domain of endpoint names in this partition, e.g. `vpce.amazonaws.com`.
    pub fn endpoint_domain(self) -> &'static str {
        match self {
            DnsSuffix::AmazonawsCom => "vpce.amazonaws.com",
            DnsSuffix::AmazonawsComCn => "vpce.amazonaws.com.cn",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            DnsSuffix::AmazonawsCom => 0,
            DnsSuffix::AmazonawsComCn => 1,
        }
    }

    /// `name` without `.<suffix>`, if it ends in exactly that (a whole-label match).
    fn strip(self, name: &str) -> Option<&str> {
        strip_domain(name, self.as_str())
    }

    /// `name` without `.vpce.<suffix>`, if it ends in exactly that.
    fn strip_endpoint_domain(self, name: &str) -> Option<&str> {
        strip_domain(name, self.endpoint_domain())
    }
}

impl fmt::Display for DnsSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `name` without `.domain`, when `name` ends in `.domain` on a label boundary and has something before it.
fn strip_domain<'a>(name: &'a str, domain: &str) -> Option<&'a str> {
    let rest = name.strip_suffix(domain)?.strip_suffix('.')?;
    (!rest.is_empty()).then_some(rest)
}

/// ASCII-lowercases `name` and removes one trailing dot (`ec2.us-east-1.amazonaws.com.` is the same
/// host as without the dot, and must be treated so). Borrows when nothing changes.
pub(crate) fn normalize(name: &str) -> Cow<'_, str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// A DNS label of letters, digits and hyphens (lowercase), 1 to 63 characters, not starting or
/// ending with a hyphen.
pub(crate) fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A region name: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `eu-isoe-west-1`, `eusc-de-east-1`.
pub(crate) fn is_region(label: &str) -> bool {
    // Called for every request host: no allocation.
    let lowercase = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    let Some((words, number)) = label.rsplit_once('-') else {
        return false;
    };
    let Some((first, middle)) = words.split_once('-') else {
        return false;
    };
    (2..=4).contains(&first.len())
        && lowercase(first)
        && middle.split('-').all(lowercase)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

// ===== endpoint names (DnsEntries) =====

/// An endpoint DNS name: `[*.]vpce-<id>-<sfx>[-<az>].<label>.<region>.vpce.<suffix>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EndpointName {
    /// The name without any `*.` prefix.
    pub(crate) host: String,
    /// `vpce-<id>`.
    pub(crate) endpoint_id: String,
    pub(crate) label: String,
    pub(crate) region: String,
    pub(crate) suffix: DnsSuffix,
    /// The availability zone of a zonal name.
    pub(crate) zone: Option<String>,
    /// Whether the entry had the S3-style `*.` prefix.
    pub(crate) wildcard: bool,
}

/// What a `DnsEntries` name is, by its shape alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EntryShape {
    /// A regional or zonal endpoint name: a rewrite target.
    Endpoint(EndpointName),
    /// A private (default) DNS name such as `ec2.us-east-1.amazonaws.com` or `*.dkr.ecr…`: kept for
    /// diagnostics, never a rewrite target.
    PrivateName,
}

/// Why a `DnsEntries` name was ignored.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IgnoredNameReason {
    /// The name is not under `vpce.amazonaws.com`, `vpce.amazonaws.com.cn` or an AWS service domain.
    OutsideEndpointDomain,
    /// The name is under the endpoint domain but does not start with `vpce-<id>-<suffix>`.
    NotAnEndpointName,
    /// The name has a `vpce-` form but its labels are malformed (the text says which part).
    Malformed(&'static str),
    /// The name belongs to another endpoint than the one it was listed under.
    ForeignEndpoint {
        /// The endpoint id in the name.
        named: String,
    },
}

impl fmt::Display for IgnoredNameReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IgnoredNameReason::OutsideEndpointDomain => {
                f.write_str("not under vpce.amazonaws.com or vpce.amazonaws.com.cn")
            }
            IgnoredNameReason::NotAnEndpointName => {
                f.write_str("under the endpoint domain but not a `vpce-<id>-<suffix>` name")
            }
            IgnoredNameReason::Malformed(what) => write!(f, "malformed endpoint name: {what}"),
            IgnoredNameReason::ForeignEndpoint { named } => {
                write!(
                    f,
                    "names endpoint {named}, not the endpoint it is listed under"
                )
            }
        }
    }
}

/// Classifies one `DnsEntries` name by shape. `name` may be in any case and may end with a dot.
pub(crate) fn classify_entry(name: &str) -> Result<EntryShape, IgnoredNameReason> {
    let normalized = normalize(name.trim());
    let name = normalized.as_ref();
    let (wildcard, bare) = match name.strip_prefix("*.") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    for suffix in DnsSuffix::ALL {
        if let Some(rest) = suffix.strip_endpoint_domain(bare) {
            return parse_endpoint_name(bare, rest, suffix, wildcard).map(EntryShape::Endpoint);
        }
    }
    // Not an endpoint name. A private DNS name is an AWS service host (or its `*.` form).
    match classify_host(bare) {
        HostClass::Aws(_) | HostClass::Unsupported(_) if bare.split('.').all(is_dns_label) => {
            Ok(EntryShape::PrivateName)
        }
        _ => Err(IgnoredNameReason::OutsideEndpointDomain),
    }
}

/// Whether `label` is an API Gateway private-API alias label, `<api-id>-vpce-<id>`: a 10-character
/// API id and an endpoint id of 8 or 17 hex digits. Anything looser is an ordinary API id (a
/// public host), so that strict mode does not take a look-alike for an endpoint.
fn is_api_gateway_alias(label: &str) -> bool {
    let Some((api_id, endpoint)) = label.split_once("-vpce-") else {
        return false;
    };
    api_id.len() == 10
        && api_id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && matches!(endpoint.len(), 8 | 17)
        && endpoint
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Parses `rest` = `vpce-<id>-<sfx>[-<az>].<label>.<region>` (the part before `.vpce.<suffix>`).
fn parse_endpoint_name(
    host: &str,
    rest: &str,
    suffix: DnsSuffix,
    wildcard: bool,
) -> Result<EndpointName, IgnoredNameReason> {
    let labels: Vec<&str> = rest.split('.').collect();
    if !labels[0].starts_with("vpce-") {
        return Err(IgnoredNameReason::NotAnEndpointName);
    }
    if host.len() > 253 || !labels.iter().all(|l| is_dns_label(l)) {
        return Err(IgnoredNameReason::Malformed("invalid DNS label"));
    }
    let [first, service @ .., region] = labels.as_slice() else {
        return Err(IgnoredNameReason::Malformed("no service label or region"));
    };
    if service.is_empty() {
        return Err(IgnoredNameReason::Malformed("no service label"));
    }
    if !is_region(region) {
        return Err(IgnoredNameReason::Malformed("no region before `.vpce.`"));
    }
    let mut parts = first["vpce-".len()..].splitn(3, '-');
    let id = parts.next().unwrap_or_default();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(IgnoredNameReason::Malformed(
            "endpoint id is not hexadecimal",
        ));
    }
    let random = parts.next().unwrap_or_default();
    if random.is_empty() || !random.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(IgnoredNameReason::Malformed(
            "no random suffix after the endpoint id",
        ));
    }
    let zone = match parts.next() {
        None => None,
        Some(zone) if zone.len() > region.len() && zone.starts_with(region) => {
            Some(zone.to_owned())
        }
        Some(_) => {
            return Err(IgnoredNameReason::Malformed(
                "zonal part is not an availability zone of the name's region",
            ));
        }
    };
    Ok(EndpointName {
        host: host.to_owned(),
        endpoint_id: format!("vpce-{id}"),
        label: service.join("."),
        region: (*region).to_owned(),
        suffix,
        zone,
        wildcard,
    })
}

// ===== request hosts =====

/// A form of AWS host that interface endpoints do not serve, so it is never rewritten.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnsupportedForm {
    /// The host names no region (`sts.amazonaws.com`, `s3.amazonaws.com`, `iam.amazonaws.com`,
    /// legacy `s3-us-west-2.amazonaws.com`, `us-east-1.queue.amazonaws.com`): a global or legacy
    /// endpoint that no regional interface endpoint serves.
    NoRegion,
    /// A dual-stack host (`*.dualstack.*`, `*.api.aws`, `*.api.amazonwebservices.com.cn`).
    DualStack,
    /// An S3 FIPS host (`s3-fips`, `s3-accesspoint-fips`, `s3-control-fips`): S3 interface
    /// endpoints do not support FIPS.
    S3Fips,
    /// S3 Transfer Acceleration (`s3-accelerate`).
    S3Accelerate,
    /// S3 Express One Zone (`s3express-*`).
    S3Express,
    /// An S3 Multi-Region Access Point (`*.accesspoint.s3-global`), served by the separate
    /// `com.amazonaws.s3-global.accesspoint` service.
    S3MultiRegionAccessPoint,
    /// S3 Object Lambda (`s3-object-lambda`).
    S3ObjectLambda,
    /// S3 on Outposts (`s3-outposts`).
    S3Outposts,
    /// An S3 website endpoint (`s3-website`).
    S3Website,
    /// `s3-control.<region>` without the account prefix: no endpoint name covers it.
    S3ControlWithoutAccount,
    /// A virtual-hosted S3 host whose bucket name contains dots: no endpoint name covers it (the
    /// SDK uses path style for such buckets).
    S3DottedBucket,
    /// Another host under an AWS domain that does not have the `<label>.<region>.<suffix>` shape.
    Other,
}

impl fmt::Display for UnsupportedForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnsupportedForm::NoRegion => "a global or legacy endpoint with no region in the host",
            UnsupportedForm::DualStack => "a dual-stack endpoint",
            UnsupportedForm::S3Fips => "an S3 FIPS endpoint (not served by S3 interface endpoints)",
            UnsupportedForm::S3Accelerate => "S3 Transfer Acceleration",
            UnsupportedForm::S3Express => "S3 Express One Zone",
            UnsupportedForm::S3MultiRegionAccessPoint => "an S3 Multi-Region Access Point",
            UnsupportedForm::S3ObjectLambda => "S3 Object Lambda",
            UnsupportedForm::S3Outposts => "S3 on Outposts",
            UnsupportedForm::S3Website => "an S3 website endpoint",
            UnsupportedForm::S3ControlWithoutAccount => "S3 Control without an account id prefix",
            UnsupportedForm::S3DottedBucket => "a virtual-hosted S3 bucket name with dots",
            UnsupportedForm::Other => "an AWS host not of the form <service>.<region>.<suffix>",
        })
    }
}

/// How a mapped host is built from the endpoint name `E`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape<'a> {
    /// `E` itself.
    Whole,
    /// `E` plus the header `x-apigw-api-id: <api_id>`.
    ExecuteApi { api_id: &'a str },
    /// S3 path style: `bucket.E`.
    S3Path,
    /// `<prefix>.<kind>.E` for S3 virtual-hosted buckets (`bucket`), access points
    /// (`accesspoint`) and S3 Control (`control`).
    S3Prefixed { prefix: &'a str, kind: &'static str },
}

/// A request host that names a service label in a region of an AWS partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AwsHost<'a> {
    /// The endpoint label to look up (`ec2`, `api.ecr`, `s3`, `dynamodb`, …).
    pub(crate) label: &'a str,
    pub(crate) region: &'a str,
    pub(crate) suffix: DnsSuffix,
    pub(crate) shape: Shape<'a>,
}

/// What a request host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostClass<'a> {
    /// Not an AWS host (custom endpoint, IP address, localhost): never touched, never refused.
    NotAws,
    /// Already an endpoint name under `vpce.amazonaws.com[.cn]`: left alone (idempotent).
    Endpoint,
    /// An API Gateway private-API alias (`<api-id>-vpce-<id>.execute-api…`): public DNS already
    /// points it at the endpoint, so it is left alone.
    ApiGatewayEndpointAlias,
    /// A public AWS host of a supported form.
    Aws(AwsHost<'a>),
    /// A public AWS host of a form interface endpoints do not serve.
    Unsupported(UnsupportedForm),
}

/// Classifies a normalized request host (see [`normalize`]).
pub(crate) fn classify_host(host: &str) -> HostClass<'_> {
    for suffix in DnsSuffix::ALL {
        if suffix.strip_endpoint_domain(host).is_some() || host == suffix.endpoint_domain() {
            return HostClass::Endpoint;
        }
    }
    if is_under(host, "api.aws") || is_under(host, "api.amazonwebservices.com.cn") {
        return HostClass::Unsupported(UnsupportedForm::DualStack);
    }
    let Some((rest, suffix)) = DnsSuffix::ALL
        .into_iter()
        .find_map(|suffix| suffix.strip(host).map(|rest| (rest, suffix)))
    else {
        return if DnsSuffix::ALL.iter().any(|s| host == s.as_str()) {
            HostClass::Unsupported(UnsupportedForm::Other)
        } else {
            HostClass::NotAws
        };
    };
    let Some((prefix, region)) = rest.rsplit_once('.').filter(|(_, r)| is_region(r)) else {
        return HostClass::Unsupported(regionless_form(rest));
    };
    let (before, service) = match prefix.rsplit_once('.') {
        Some((before, service)) => (Some(before), service),
        None => (None, prefix),
    };
    let aws = |label, shape| {
        HostClass::Aws(AwsHost {
            label,
            region,
            suffix,
            shape,
        })
    };
    match (service, before) {
        ("dualstack", _) => HostClass::Unsupported(UnsupportedForm::DualStack),
        ("s3", None) => aws("s3", Shape::S3Path),
        ("s3", Some(bucket)) if !bucket.contains('.') => aws(
            "s3",
            Shape::S3Prefixed {
                prefix: bucket,
                kind: "bucket",
            },
        ),
        ("s3", Some(_)) => HostClass::Unsupported(UnsupportedForm::S3DottedBucket),
        ("s3-accesspoint", Some(ap)) if !ap.contains('.') => aws(
            "s3",
            Shape::S3Prefixed {
                prefix: ap,
                kind: "accesspoint",
            },
        ),
        ("s3-control", Some(account)) if !account.contains('.') => aws(
            "s3",
            Shape::S3Prefixed {
                prefix: account,
                kind: "control",
            },
        ),
        ("s3-control", None) => HostClass::Unsupported(UnsupportedForm::S3ControlWithoutAccount),
        ("ddb", Some(account)) if is_account_id(account) => aws("dynamodb", Shape::Whole),
        ("execute-api", Some(api)) if !api.contains('.') => {
            if is_api_gateway_alias(api) {
                HostClass::ApiGatewayEndpointAlias
            } else {
                aws("execute-api", Shape::ExecuteApi { api_id: api })
            }
        }
        _ => match s3_form(service) {
            Some(form) => HostClass::Unsupported(form),
            None if prefix.split('.').all(is_dns_label) => aws(prefix, Shape::Whole),
            None => HostClass::Unsupported(UnsupportedForm::Other),
        },
    }
}

/// `host` is `domain` or a name under it.
fn is_under(host: &str, domain: &str) -> bool {
    host == domain || strip_domain(host, domain).is_some()
}

fn is_account_id(label: &str) -> bool {
    label.len() == 12 && label.bytes().all(|b| b.is_ascii_digit())
}

/// The unsupported form of an S3-family service label, or `None` for a label that is not S3's.
fn s3_form(service: &str) -> Option<UnsupportedForm> {
    Some(if service.starts_with("s3express") {
        UnsupportedForm::S3Express
    } else if service.starts_with("s3-object-lambda") {
        UnsupportedForm::S3ObjectLambda
    } else if service == "s3-outposts" {
        UnsupportedForm::S3Outposts
    } else if service.starts_with("s3-website") {
        UnsupportedForm::S3Website
    } else if service.starts_with("s3-accelerate") {
        UnsupportedForm::S3Accelerate
    } else if service.starts_with("s3-") && service.contains("fips") {
        UnsupportedForm::S3Fips
    } else if service == "s3" || service.starts_with("s3-") {
        UnsupportedForm::Other
    } else {
        return None;
    })
}

/// The form of an AWS host with no region label.
fn regionless_form(rest: &str) -> UnsupportedForm {
    let labels = || rest.split('.');
    if labels().any(|l| l == "s3-global") {
        UnsupportedForm::S3MultiRegionAccessPoint
    } else if let Some(form) = labels()
        .filter_map(s3_form)
        .find(|f| *f != UnsupportedForm::Other)
    {
        form
    } else {
        UnsupportedForm::NoRegion
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for yes in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "eu-isoe-west-1",
            "eusc-de-east-1",
            "ap-southeast-7",
            "us-isob-east-1",
        ] {
            assert!(is_region(yes), "{yes}");
        }
        for no in [
            "",
            "us",
            "us-east",
            "us-east-1a",
            "vpce",
            "s3",
            "east-1",
            "u-east-1",
            "useast-east-1",
            "us--1",
            "US-EAST-1",
            "us-east-x",
        ] {
            assert!(!is_region(no), "{no}");
        }
    }

    fn endpoint(name: &str) -> EndpointName {
        match classify_entry(name) {
            Ok(EntryShape::Endpoint(e)) => e,
            other => panic!("{name}: {other:?}"),
        }
    }

    /// (name, label, region, suffix, zone, wildcard)
    type ShapeRow = (
        &'static str,
        &'static str,
        &'static str,
        DnsSuffix,
        Option<&'static str>,
        bool,
    );

    #[test]
    fn endpoint_names_by_shape() {
        use DnsSuffix::{AmazonawsCom as Com, AmazonawsComCn as Cn};
        #[rustfmt::skip]
        let cases: &[ShapeRow] = &[
            ("vpce-0abc-12345678.ec2.us-east-1.vpce.amazonaws.com", "ec2", "us-east-1", Com, None, false),
            ("vpce-0abc-12345678-us-east-1a.ec2.us-east-1.vpce.amazonaws.com", "ec2", "us-east-1", Com, Some("us-east-1a"), false),
            ("vpce-0abc-12345678-us-west-2-lax-1a.ec2.us-west-2.vpce.amazonaws.com", "ec2", "us-west-2", Com, Some("us-west-2-lax-1a"), false),
            ("*.vpce-0abc-12345678.s3.us-east-1.vpce.amazonaws.com", "s3", "us-east-1", Com, None, true),
            ("*.vpce-0abc-12345678-us-east-1c.s3.us-east-1.vpce.amazonaws.com", "s3", "us-east-1", Com, Some("us-east-1c"), true),
            ("VPCE-0ABC-12345678.EC2.US-EAST-1.VPCE.AMAZONAWS.COM.", "ec2", "us-east-1", Com, None, false),
            ("vpce-0abc-12345678.api.ecr.us-east-1.vpce.amazonaws.com", "api.ecr", "us-east-1", Com, None, false),
            ("vpce-0abc-12345678.ingest-cell2.timestream.us-east-1.vpce.amazonaws.com", "ingest-cell2.timestream", "us-east-1", Com, None, false),
            ("vpce-0abc-12345678.s3.cn-northwest-1.vpce.amazonaws.com.cn", "s3", "cn-northwest-1", Cn, None, false),
            ("vpce-0abc-12345678.execute-api.us-gov-west-1.vpce.amazonaws.com", "execute-api", "us-gov-west-1", Com, None, false),
            ("vpce-0abc-12345678.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com", "vpce-svc-0123456789abcdef0", "us-east-1", Com, None, false),
        ];
        for (name, label, region, suffix, zone, wildcard) in cases {
            let e = endpoint(name);
            let got = (
                e.label.as_str(),
                e.region.as_str(),
                e.suffix,
                e.zone.as_deref(),
                e.wildcard,
            );
            assert_eq!(got, (*label, *region, *suffix, *zone, *wildcard), "{name}");
            assert_eq!(e.endpoint_id, "vpce-0abc", "{name}");
            assert!(
                e.host.starts_with("vpce-0abc-12345678") && !e.host.ends_with('.'),
                "{name}"
            );
        }
    }

    #[test]
    fn other_names_are_private_or_ignored() {
        assert_eq!(
            classify_entry("ec2.us-east-1.amazonaws.com"),
            Ok(EntryShape::PrivateName)
        );
        assert_eq!(
            classify_entry("*.dkr.ecr.us-east-1.amazonaws.com"),
            Ok(EntryShape::PrivateName)
        );
        assert_eq!(
            classify_entry("*.s3.us-east-1.amazonaws.com"),
            Ok(EntryShape::PrivateName)
        );
        use IgnoredNameReason::*;
        #[rustfmt::skip]
        let cases: &[(&str, IgnoredNameReason)] = &[
            ("", OutsideEndpointDomain),
            ("example.com", OutsideEndpointDomain),
            ("vpce-0abc-12345678.ec2.us-east-1.vpce.amazonaws.com.evil.example", OutsideEndpointDomain),
            ("vpce.amazonaws.com", OutsideEndpointDomain),
            ("ec2.us-east-1.vpce.amazonaws.com", NotAnEndpointName),
            ("foo.vpce-0abc-1234.ec2.us-east-1.vpce.amazonaws.com", NotAnEndpointName),
            ("*.*.vpce-0abc-1234.s3.us-east-1.vpce.amazonaws.com", NotAnEndpointName),
            ("vpce-0abc.ec2.us-east-1.vpce.amazonaws.com", Malformed("no random suffix after the endpoint id")),
            ("vpce-xyz-12345678.ec2.us-east-1.vpce.amazonaws.com", Malformed("endpoint id is not hexadecimal")),
            ("vpce-0abc-12345678-eu-west-1a.ec2.us-east-1.vpce.amazonaws.com", Malformed("zonal part is not an availability zone of the name's region")),
            ("vpce-0abc-12345678-us-east-1.ec2.us-east-1.vpce.amazonaws.com", Malformed("zonal part is not an availability zone of the name's region")),
            ("vpce-0abc-12345678.ec2.vpce.amazonaws.com", Malformed("no service label")),
            ("vpce-0abc-12345678.us-east-1.vpce.amazonaws.com", Malformed("no service label")),
            ("vpce-0abc-12345678.ec2.notaregion.vpce.amazonaws.com", Malformed("no region before `.vpce.`")),
            ("vpce-0abc-1234_5.ec2.us-east-1.vpce.amazonaws.com", Malformed("invalid DNS label")),
            ("vpce-0abc-12345678..ec2.us-east-1.vpce.amazonaws.com", Malformed("invalid DNS label")),
        ];
        for (name, reason) in cases {
            assert_eq!(classify_entry(name).as_ref(), Err(reason), "{name}");
        }
    }
}
