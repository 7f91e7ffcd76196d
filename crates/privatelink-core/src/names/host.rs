//! The hosts SDK requests go to: which are AWS hosts, of which form, for which service label.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::partition::AWS;
use super::{DnsSuffix, is_any_region, is_dns_label, is_under, split_last_label};

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
    /// `s3-control.<region>` without a 12-digit account id prefix: no endpoint name covers it.
    S3ControlWithoutAccount,
    /// A virtual-hosted S3 host whose bucket name contains dots: no endpoint name covers it (the
    /// SDK uses path style for such buckets).
    S3DottedBucket,
    /// Another host under an AWS domain that does not have the `<label>.<region>.<suffix>` shape.
    Other,
    /// A host in a partition whose endpoint domain privatelink does not know (`aws-iso`,
    /// `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`): no rewrite can be proven to stay
    /// private, so none is made.
    UnknownEndpointDomain {
        /// The partition id (`aws-iso`, …).
        partition: &'static str,
    },
    /// A host under one of AWS's other public service domains (`on.aws`: Lambda function URLs,
    /// VPC Lattice; the sign-in domains), which no interface endpoint serves.
    AwsServiceDomain,
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
            UnsupportedForm::UnknownEndpointDomain { partition } => {
                return write!(
                    f,
                    "a host in the {partition} partition, whose endpoint domain privatelink does not know"
                );
            }
            UnsupportedForm::AwsServiceDomain => {
                "a host under an AWS service domain that no interface endpoint serves"
            }
        })
    }
}

/// Which S3 host family a request belongs to; the endpoint host starts with its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum S3Kind {
    /// Buckets, virtual-hosted (`<bucket>.bucket.E`) and path style (`bucket.E`).
    Bucket,
    /// Access points: `<name>-<account>.accesspoint.E`.
    AccessPoint,
    /// S3 Control: `<account>.control.E`.
    Control,
}

impl S3Kind {
    fn as_str(self) -> &'static str {
        match self {
            S3Kind::Bucket => "bucket",
            S3Kind::AccessPoint => "accesspoint",
            S3Kind::Control => "control",
        }
    }
}

/// How the host a request goes to is built from an endpoint name `E`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape<'a> {
    /// `E` itself.
    Whole,
    /// `E` plus the header `x-apigw-api-id: <api_id>`.
    ExecuteApi { api_id: &'a str },
    /// `[<prefix>.]<kind>.E`: S3 path style (`bucket.E`), virtual-hosted buckets
    /// (`<bucket>.bucket.E`), access points and S3 Control.
    S3 {
        prefix: Option<&'a str>,
        kind: S3Kind,
    },
    /// S3 Express One Zone (`s3express-control.<region>`, `<bucket>.s3express-<az-id>.<region>`):
    /// no interface endpoint serves it; only the region's `s3express` gateway endpoint does.
    S3Express,
    /// A global service's host (`iam.amazonaws.com`, `route53.amazonaws.com`): `E` itself, `E`
    /// being a name of the VPC's endpoint for that global service (`com.amazonaws.iam`).
    Global,
}

impl Shape<'_> {
    /// Whether a private path other than an interface endpoint (an S3 or DynamoDB gateway
    /// endpoint, which carries the region's standard service addresses) carries a host of this
    /// shape: standard hosts, S3 buckets and access points; not S3 Control or API Gateway.
    pub(crate) fn private_path_carries(&self) -> bool {
        match self {
            Shape::Whole => true,
            Shape::S3 { kind, .. } => matches!(kind, S3Kind::Bucket | S3Kind::AccessPoint),
            Shape::ExecuteApi { .. } | Shape::S3Express | Shape::Global => false,
        }
    }

    /// Appends the host for endpoint name `name` to `out`.
    pub(crate) fn push_host(&self, out: &mut String, name: &str) {
        if let Shape::S3 { prefix, kind } = self {
            if let Some(prefix) = prefix {
                out.push_str(prefix);
                out.push('.');
            }
            out.push_str(kind.as_str());
            out.push('.');
        }
        out.push_str(name);
    }

    /// The host for endpoint name `name`.
    pub(crate) fn host(&self, name: &str) -> String {
        let mut out = String::with_capacity(name.len() + 16);
        self.push_host(&mut out, name);
        out
    }
}

/// A request host that names a service label in a region of an AWS partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AwsHost<'a> {
    /// The endpoint label to look up (`ec2`, `api.ecr`, `s3`, `dynamodb`, …).
    pub(crate) label: &'a str,
    pub(crate) region: &'a str,
    pub(crate) suffix: DnsSuffix,
    pub(crate) shape: Shape<'a>,
    /// A dual-stack host (`*.dualstack.<region>…`, `<svc>.<region>.api.aws`): the SDK was asked
    /// for IPv6 reachability (`use_dual_stack`), which only an endpoint whose IP address type
    /// serves IPv6 keeps.
    pub(crate) dual_stack: bool,
}

impl AwsHost<'_> {
    /// Whether a private path other than an interface endpoint (a gateway endpoint) carries this
    /// host: [`Shape::private_path_carries`], and not dual-stack (a gateway carries the region's
    /// standard IPv4 addresses).
    pub(crate) fn private_path_carries(&self) -> bool {
        !self.dual_stack && self.shape.private_path_carries()
    }
}

/// What a request host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostClass<'a> {
    /// Not an AWS host (custom endpoint, localhost, a private address): never touched, never
    /// refused.
    NotAws,
    /// An IP address that is not private, loopback or link-local (or a numeric host that is not
    /// a plain dotted quad): it may be AWS's, so strict mode refuses it.
    PublicAddress,
    /// A name under `vpce.amazonaws.com[.cn]`: an endpoint name, left alone when the snapshot
    /// knows it.
    Endpoint,
    /// An API Gateway private-API alias (`<api-id>-vpce-<hex>.execute-api…`), whose public DNS
    /// points at the endpoint `vpce-<hex>`: left alone when the snapshot knows that endpoint.
    ApiGatewayEndpointAlias {
        /// The endpoint id's hexadecimal part.
        endpoint_hex: &'a str,
    },
    /// A public AWS host of a supported form.
    Aws(AwsHost<'a>),
    /// A public AWS host of a form interface endpoints do not serve.
    Unsupported {
        form: UnsupportedForm,
        /// The service the host belongs to, for scope checks and messages: `s3` for the S3
        /// family, else the first label that is not a region.
        service: &'a str,
    },
}

/// Classifies a normalized request host (see [`normalize`](super::normalize)).
pub(crate) fn classify_host(host: &str) -> HostClass<'_> {
    if let Some(public) = address(host) {
        return match public {
            true => HostClass::PublicAddress,
            false => HostClass::NotAws,
        };
    }
    for suffix in DnsSuffix::ALL {
        if is_under(host, suffix.endpoint_domain()) {
            return HostClass::Endpoint;
        }
    }
    let unsupported = |form| HostClass::Unsupported {
        form,
        service: unsupported_service(host),
    };
    // The common case first: no dual-stack suffix lies under these (a test holds the data to it).
    if let Some((rest, suffix)) = DnsSuffix::ALL
        .into_iter()
        .find_map(|suffix| suffix.strip(host).map(|rest| (rest, suffix)))
    {
        return classify_partition_host(host, rest, suffix);
    }
    if DnsSuffix::ALL.iter().any(|s| host == s.as_str()) {
        return unsupported(UnsupportedForm::Other);
    }
    let aws = &*AWS;
    if let Some(partition) = aws
        .partitions
        .iter()
        .find(|p| is_under(host, p.dual_stack_suffix))
    {
        // A partition whose endpoint domain is known: its dual-stack hosts may have an endpoint.
        let known = DnsSuffix::ALL
            .into_iter()
            .find(|s| s.as_str() == partition.dns_suffix);
        let rest = host
            .strip_suffix(partition.dual_stack_suffix)
            .and_then(|rest| rest.strip_suffix('.'));
        return match (known, rest) {
            (Some(suffix), Some(rest)) => classify_dual_stack(host, rest, suffix),
            _ => unsupported(UnsupportedForm::DualStack),
        };
    }
    if let Some(partition) = aws.partitions.iter().find(|p| is_under(host, p.dns_suffix)) {
        return unsupported(UnsupportedForm::UnknownEndpointDomain {
            partition: partition.id,
        });
    }
    if aws.service_domains.iter().any(|d| is_under(host, d)) {
        return unsupported(UnsupportedForm::AwsServiceDomain);
    }
    HostClass::NotAws
}

/// Classifies `host` = `rest.<suffix>`, in a partition whose endpoint domain is known.
fn classify_partition_host<'a>(host: &'a str, rest: &'a str, suffix: DnsSuffix) -> HostClass<'a> {
    let unsupported = |form| HostClass::Unsupported {
        form,
        service: unsupported_service(host),
    };
    let Some((prefix, region)) = split_last_label(rest).filter(|(_, r)| suffix.is_region(r)) else {
        if let Some((label, region)) = global_service(rest, suffix) {
            return HostClass::Aws(AwsHost {
                label,
                region,
                suffix,
                shape: Shape::Global,
                dual_stack: false,
            });
        }
        return unsupported(regionless_form(rest));
    };
    classify_service(host, prefix, region, suffix)
}

/// Classifies the `prefix` of `host` = `prefix.<region>.<suffix>` (or of a dual-stack host of
/// that region: see [`classify_dual_stack`]).
fn classify_service<'a>(
    host: &'a str,
    prefix: &'a str,
    region: &'a str,
    suffix: DnsSuffix,
) -> HostClass<'a> {
    let unsupported = |form| HostClass::Unsupported {
        form,
        service: unsupported_service(host),
    };
    let (before, service) = match split_last_label(prefix) {
        Some((before, service)) => (Some(before), service),
        None => (None, prefix),
    };
    let aws = |label, shape| {
        HostClass::Aws(AwsHost {
            label,
            region,
            suffix,
            shape,
            dual_stack: false,
        })
    };
    let s3 = |prefix, kind| aws("s3", Shape::S3 { prefix, kind });
    match (service, before) {
        // `<svc>.dualstack.<region>…` (S3's dual-stack forms): the service's host, dual-stack.
        ("dualstack", Some(inner)) => dual_stack(classify_service(host, inner, region, suffix)),
        ("dualstack", None) => unsupported(UnsupportedForm::DualStack),
        ("s3", None) => s3(None, S3Kind::Bucket),
        ("s3", Some(bucket)) if !bucket.contains('.') => s3(Some(bucket), S3Kind::Bucket),
        ("s3", Some(_)) => unsupported(UnsupportedForm::S3DottedBucket),
        ("s3-accesspoint", Some(ap)) if !ap.contains('.') => s3(Some(ap), S3Kind::AccessPoint),
        ("s3-control", Some(account)) if is_account_id(account) => {
            s3(Some(account), S3Kind::Control)
        }
        ("s3-control", _) => unsupported(UnsupportedForm::S3ControlWithoutAccount),
        ("ddb", Some(account)) if is_account_id(account) => aws("dynamodb", Shape::Whole),
        // DynamoDB's account-based search endpoint: the `search-dynamodb` endpoint's, where the
        // VPC has one (no private DNS on DynamoDB endpoints: the vpce name is what AWS advises).
        ("search-ddb", Some(account)) if is_account_id(account) => {
            aws("search-dynamodb", Shape::Whole)
        }
        ("execute-api", Some(api)) if !api.contains('.') => match api_gateway_alias(api) {
            Some(endpoint_hex) => HostClass::ApiGatewayEndpointAlias { endpoint_hex },
            None => aws("execute-api", Shape::ExecuteApi { api_id: api }),
        },
        // No API id: no private API is meant, so the endpoint has nothing to serve.
        ("execute-api", _) => unsupported(UnsupportedForm::Other),
        // S3 Express One Zone: the zonal endpoint's label is `s3express-<az-id>`.
        (express, _)
            if express.starts_with("s3express-") && prefix.split('.').all(is_dns_label) =>
        {
            aws("s3", Shape::S3Express)
        }
        _ => match s3_form(service) {
            Some(form) => unsupported(form),
            None if prefix.split('.').all(is_dns_label) => aws(prefix, Shape::Whole),
            None => unsupported(UnsupportedForm::Other),
        },
    }
}

/// `class` for a dual-stack host: a supported host becomes dual-stack; S3 Express, a global
/// service and an unsupported form are the dual-stack form no endpoint is known to serve.
fn dual_stack(class: HostClass<'_>) -> HostClass<'_> {
    match class {
        HostClass::Aws(aws) if matches!(aws.shape, Shape::Whole | Shape::S3 { .. }) => {
            HostClass::Aws(AwsHost {
                dual_stack: true,
                ..aws
            })
        }
        HostClass::Unsupported { service, .. } | HostClass::Aws(AwsHost { label: service, .. }) => {
            HostClass::Unsupported {
                form: UnsupportedForm::DualStack,
                service,
            }
        }
        other => other,
    }
}

/// Classifies `host` = `rest.<dual-stack suffix>` of a partition whose endpoint domain is known
/// (`api.aws` for `aws` and `aws-us-gov`, `api.amazonwebservices.com.cn` for `aws-cn`):
/// `<svc>.<region>.api.aws` is the service's dual-stack host. S3 does not use these names (its
/// dual-stack hosts are `s3.dualstack.<region>.amazonaws.com`), so S3-family labels stay
/// unsupported; so does anything not `<labels>.<region>`.
fn classify_dual_stack<'a>(host: &'a str, rest: &'a str, suffix: DnsSuffix) -> HostClass<'a> {
    let unsupported = HostClass::Unsupported {
        form: UnsupportedForm::DualStack,
        service: unsupported_service(host),
    };
    let Some((prefix, region)) = split_last_label(rest).filter(|(_, r)| suffix.is_region(r)) else {
        return unsupported;
    };
    let s3_family = prefix
        .split('.')
        .any(|l| l == "s3" || l.starts_with("s3-") || l.starts_with("s3express"));
    if s3_family || !prefix.split('.').all(is_dns_label) {
        return unsupported;
    }
    dual_stack(classify_service(host, prefix, region, suffix))
}

/// For an IP literal (or another numeric host), whether it is public: `None` for a name.
///
/// A host whose last label is numeric (`2130706433`, `0x7f.1`, `1.2.3.4`) is an address to
/// `getaddrinfo`; only a plain dotted quad is read here, any other numeric form counts as public.
fn address(host: &str) -> Option<bool> {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return Some(
            v6.parse::<Ipv6Addr>()
                .map_or(true, |ip| is_public_address(ip.into())),
        );
    }
    let last = split_last_label(host).map_or(host, |(_, last)| last);
    let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
    if !numeric {
        return None;
    }
    Some(
        host.parse::<Ipv4Addr>()
            .map_or(true, |ip| is_public_address(ip.into())),
    )
}

/// Whether `ip` is reachable from the internet: not private, shared (`100.64.0.0/10`),
/// loopback, link-local, unique-local or unspecified.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let shared = a == 100 && (64..128).contains(&b);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || shared)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(v4.into());
            }
            let first = v6.segments()[0];
            let unique_local = first & 0xfe00 == 0xfc00;
            let link_local = first & 0xffc0 == 0xfe80;
            !(v6.is_loopback() || v6.is_unspecified() || unique_local || link_local)
        }
    }
}

/// The service an unsupported host belongs to: `s3` for the S3 family, else the first label that
/// is not a region.
fn unsupported_service(host: &str) -> &str {
    let mut labels = host.split('.');
    if labels
        .clone()
        .any(|l| l == "s3" || l.starts_with("s3-") || l.starts_with("s3express"))
    {
        return "s3";
    }
    labels.find(|l| !is_any_region(l)).unwrap_or(host)
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

/// The global services whose hosts name no region but which have an interface endpoint
/// (`com.amazonaws.iam`, `com.amazonaws.route53`): (the host without the partition's suffix, the
/// suffix) → (service, the region the SDK signs it for). From the SDK endpoint rules (botocore's
/// `iam` and `route53` rule sets: `iam.amazonaws.com` and `route53.amazonaws.com` in the `aws`
/// partition, signed for us-east-1; `iam.us-gov.amazonaws.com` in `aws-us-gov`, signed for
/// us-gov-west-1). IAM in China names its region (`iam.cn-north-1.amazonaws.com.cn`) and needs no
/// entry. Their FIPS and dual-stack hosts (`iam-fips.amazonaws.com`, `iam.global.api.aws`) are not
/// here: no endpoint is known to serve them.
const GLOBAL_SERVICES: [(&str, DnsSuffix, &str, &str); 3] = [
    ("iam", DnsSuffix::AmazonawsCom, "iam", "us-east-1"),
    (
        "iam.us-gov",
        DnsSuffix::AmazonawsCom,
        "iam",
        "us-gov-west-1",
    ),
    ("route53", DnsSuffix::AmazonawsCom, "route53", "us-east-1"),
];

/// The (service, signing region) of a global service's host `rest.<suffix>`.
fn global_service(rest: &str, suffix: DnsSuffix) -> Option<(&'static str, &'static str)> {
    GLOBAL_SERVICES
        .iter()
        .find(|(host, s, ..)| *host == rest && *s == suffix)
        .map(|(_, _, service, region)| (*service, *region))
}

/// Whether `host` (normalized) is an S3 Multi-Region Access Point host in the form AWS documents
/// and its endpoint's private DNS answers for: `<alias>.mrap.accesspoint.s3-global.amazonaws.com`,
/// the alias one DNS label. Other hosts with an `s3-global` label are not.
pub(crate) fn is_multi_region_access_point(host: &str) -> bool {
    host.strip_suffix(".mrap.accesspoint.s3-global.amazonaws.com")
        .is_some_and(is_dns_label)
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

/// An API Gateway API id: 10 lowercase letters and digits.
pub(crate) fn is_api_id(label: &str) -> bool {
    label.len() == 10
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The endpoint id's hexadecimal part when `label` is an API Gateway private-API alias label,
/// `<api-id>-vpce-<hex>`: a 10-character API id and an endpoint id of 8 or 17 hex digits.
/// Anything looser is an ordinary API id (a public host), so that strict mode does not take a
/// look-alike for an endpoint.
fn api_gateway_alias(label: &str) -> Option<&str> {
    let (api_id, endpoint) = label.split_once("-vpce-")?;
    let alias = is_api_id(api_id)
        && matches!(endpoint.len(), 8 | 17)
        && endpoint
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    alias.then_some(endpoint)
}
