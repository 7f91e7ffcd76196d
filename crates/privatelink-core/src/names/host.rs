//! The hosts SDK requests go to: which are AWS hosts, of which form, for which service label.

use std::fmt;

use super::{DnsSuffix, is_dns_label, is_region, is_under};

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
}

impl Shape<'_> {
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
    Unsupported {
        form: UnsupportedForm,
        /// The service the host belongs to, for scope checks and messages: `s3` for the S3
        /// family, else the first label that is not a region.
        service: &'a str,
    },
}

/// Classifies a normalized request host (see [`normalize`](super::normalize)).
pub(crate) fn classify_host(host: &str) -> HostClass<'_> {
    for suffix in DnsSuffix::ALL {
        if suffix.strip_endpoint_domain(host).is_some() || host == suffix.endpoint_domain() {
            return HostClass::Endpoint;
        }
    }
    let unsupported = |form| HostClass::Unsupported {
        form,
        service: unsupported_service(host),
    };
    if is_under(host, "api.aws") || is_under(host, "api.amazonwebservices.com.cn") {
        return unsupported(UnsupportedForm::DualStack);
    }
    let Some((rest, suffix)) = DnsSuffix::ALL
        .into_iter()
        .find_map(|suffix| suffix.strip(host).map(|rest| (rest, suffix)))
    else {
        return if DnsSuffix::ALL.iter().any(|s| host == s.as_str()) {
            unsupported(UnsupportedForm::Other)
        } else {
            HostClass::NotAws
        };
    };
    let Some((prefix, region)) = rest.rsplit_once('.').filter(|(_, r)| is_region(r)) else {
        return unsupported(regionless_form(rest));
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
    let s3 = |prefix, kind| aws("s3", Shape::S3 { prefix, kind });
    match (service, before) {
        ("dualstack", _) => unsupported(UnsupportedForm::DualStack),
        ("s3", None) => s3(None, S3Kind::Bucket),
        ("s3", Some(bucket)) if !bucket.contains('.') => s3(Some(bucket), S3Kind::Bucket),
        ("s3", Some(_)) => unsupported(UnsupportedForm::S3DottedBucket),
        ("s3-accesspoint", Some(ap)) if !ap.contains('.') => s3(Some(ap), S3Kind::AccessPoint),
        ("s3-control", Some(account)) if !account.contains('.') => {
            s3(Some(account), S3Kind::Control)
        }
        ("s3-control", None) => unsupported(UnsupportedForm::S3ControlWithoutAccount),
        ("ddb", Some(account)) if is_account_id(account) => aws("dynamodb", Shape::Whole),
        ("execute-api", Some(api)) if !api.contains('.') => {
            if is_api_gateway_alias(api) {
                HostClass::ApiGatewayEndpointAlias
            } else {
                aws("execute-api", Shape::ExecuteApi { api_id: api })
            }
        }
        _ => match s3_form(service) {
            Some(form) => unsupported(form),
            None if prefix.split('.').all(is_dns_label) => aws(prefix, Shape::Whole),
            None => unsupported(UnsupportedForm::Other),
        },
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
    labels.find(|l| !is_region(l)).unwrap_or(host)
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
