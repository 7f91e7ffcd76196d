//! The hosts SDK requests go to: which are AWS hosts, of which form (`form`), for which service
//! label, and the shape of the host built for them (`shape`); IP literals are in `address`.

use super::address::address;
use super::form::{UnsupportedForm, regionless_form, s3_form};
use super::partition::AWS;
use super::shape::{S3Kind, Shape};
use super::{DnsSuffix, is_any_region, is_dns_label, is_under, split_last_label};

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
    /// host: [`Shape::private_path_carries`], and neither dual-stack nor FIPS (a gateway carries
    /// the region's standard addresses only).
    pub(crate) fn private_path_carries(&self) -> bool {
        let fips = self.label.ends_with("-fips") || self.label.starts_with("fips.");
        !self.dual_stack && !fips && self.shape.private_path_carries()
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
        if let Some((label, region)) = global_service(rest, false, suffix) {
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
    // S3 FIPS (`com.amazonaws.<region>.s3-fips`): the S3 forms, at the `s3-fips` endpoint.
    let s3_fips = |prefix, kind| aws("s3-fips", Shape::S3 { prefix, kind });
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
        ("s3-fips", None) => s3_fips(None, S3Kind::Bucket),
        ("s3-fips", Some(bucket)) if !bucket.contains('.') => s3_fips(Some(bucket), S3Kind::Bucket),
        ("s3-accesspoint-fips", Some(ap)) if !ap.contains('.') => {
            s3_fips(Some(ap), S3Kind::AccessPoint)
        }
        ("s3-control-fips", Some(account)) if is_account_id(account) => {
            s3_fips(Some(account), S3Kind::Control)
        }
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
    // The global services' dual-stack hosts (`iam.global.api.aws`, `route53.global.api.aws`).
    if let Some((label, region)) = global_service(rest, true, suffix) {
        return HostClass::Aws(AwsHost {
            label,
            region,
            suffix,
            shape: Shape::Global,
            dual_stack: true,
        });
    }
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

/// The global services whose hosts name no region but which have an interface endpoint
/// (`com.amazonaws.iam`, `com.amazonaws.route53`): (the host without its suffix, whether that
/// suffix is the partition's dual-stack one, the partition's DNS suffix) → (service, the region
/// the SDK signs it for). From the SDK endpoint rules (botocore's `iam` and `route53` rule sets:
/// `iam.amazonaws.com`, `route53.amazonaws.com` and their dual-stack `iam.global.api.aws`,
/// `route53.global.api.aws` in the `aws` partition, signed for us-east-1;
/// `iam.us-gov.amazonaws.com` in `aws-us-gov`, signed for us-gov-west-1). IAM in China names its
/// region (`iam.cn-north-1.amazonaws.com.cn`) and needs no entry. No endpoint is known to serve
/// their FIPS hosts (`iam-fips.amazonaws.com`).
const GLOBAL_SERVICES: [(&str, bool, DnsSuffix, &str, &str); 5] = [
    ("iam", false, DnsSuffix::AmazonawsCom, "iam", "us-east-1"),
    (
        "iam.us-gov",
        false,
        DnsSuffix::AmazonawsCom,
        "iam",
        "us-gov-west-1",
    ),
    (
        "route53",
        false,
        DnsSuffix::AmazonawsCom,
        "route53",
        "us-east-1",
    ),
    (
        "iam.global",
        true,
        DnsSuffix::AmazonawsCom,
        "iam",
        "us-east-1",
    ),
    (
        "route53.global",
        true,
        DnsSuffix::AmazonawsCom,
        "route53",
        "us-east-1",
    ),
];

/// The (service, signing region) of a global service's host `rest.<suffix>` (`dual_stack`: the
/// partition's dual-stack suffix).
fn global_service(
    rest: &str,
    dual_stack: bool,
    suffix: DnsSuffix,
) -> Option<(&'static str, &'static str)> {
    GLOBAL_SERVICES
        .iter()
        .find(|(host, dual, s, ..)| *host == rest && *dual == dual_stack && *s == suffix)
        .map(|(.., service, region)| (*service, *region))
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
