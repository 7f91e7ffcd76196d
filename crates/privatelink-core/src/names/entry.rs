//! Names in `DnsEntries`: endpoint names (`[*.]vpce-<id>-<sfx>[-<az>].<label>.<region>.vpce.<suffix>`),
//! which are rewrite targets, and private (default) names, which are not.

use std::fmt;

use super::host::{HostClass, classify_host};
use super::{DnsSuffix, is_dns_label, normalize};

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
    /// A private (default) DNS name such as `ec2.us-east-1.amazonaws.com` or `*.dkr.ecr…`
    /// (lowercased, `*.` kept): what the endpoint's private DNS covers; never a rewrite target.
    PrivateName(String),
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
        HostClass::Aws(_) | HostClass::Unsupported { .. } if bare.split('.').all(is_dns_label) => {
            Ok(EntryShape::PrivateName(name.to_owned()))
        }
        _ => Err(IgnoredNameReason::OutsideEndpointDomain),
    }
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
    if !suffix.is_region(region) {
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
    // A zonal name's zone is one of the name's region, or, for a cross-region endpoint (the VPC
    // in one region, the service in the name's), one of the VPC's region in the same partition.
    let zone = match parts.next() {
        None => None,
        Some(zone) if zone_region(suffix, zone).is_some() => Some(zone.to_owned()),
        Some(_) => {
            return Err(IgnoredNameReason::Malformed(
                "zonal part is not an availability zone of a region of the name's partition",
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

/// The region `zone` is an availability zone of (`us-east-1a`, `us-west-2-lax-1a` → the longest
/// region of `suffix`'s partitions it starts with, followed by more), if any.
pub(crate) fn zone_region(suffix: DnsSuffix, zone: &str) -> Option<&str> {
    (1..zone.len())
        .rev()
        .filter(|&end| zone.is_char_boundary(end))
        .map(|end| &zone[..end])
        .find(|prefix| suffix.is_region(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            // Cross-region: a VPC in eu-west-1, KMS in us-east-1.
            ("vpce-0abc-12345678-eu-west-1a.kms.us-east-1.vpce.amazonaws.com", "kms", "us-east-1", Com, Some("eu-west-1a"), false),
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
            Ok(EntryShape::PrivateName(
                "ec2.us-east-1.amazonaws.com".into()
            ))
        );
        assert_eq!(
            classify_entry("*.DKR.ecr.us-east-1.amazonaws.com."),
            Ok(EntryShape::PrivateName(
                "*.dkr.ecr.us-east-1.amazonaws.com".into()
            ))
        );
        assert_eq!(
            classify_entry("*.s3.us-east-1.amazonaws.com"),
            Ok(EntryShape::PrivateName(
                "*.s3.us-east-1.amazonaws.com".into()
            ))
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
            // A zone of no region of the partition (a zone of another region is a cross-region
            // endpoint's zonal name: see `endpoint_names_by_shape`).
            ("vpce-0abc-12345678-mars-1a.ec2.us-east-1.vpce.amazonaws.com", Malformed("zonal part is not an availability zone of a region of the name's partition")),
            ("vpce-0abc-12345678-cn-north-1a.ec2.us-east-1.vpce.amazonaws.com", Malformed("zonal part is not an availability zone of a region of the name's partition")),
            ("vpce-0abc-12345678-us-east-1.ec2.us-east-1.vpce.amazonaws.com", Malformed("zonal part is not an availability zone of a region of the name's partition")),
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
