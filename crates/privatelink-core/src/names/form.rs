//! [`UnsupportedForm`]: the forms of AWS hosts no interface endpoint serves, and how a host's
//! labels name them.

use std::fmt;

use super::is_dns_label;

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
    /// An S3 FIPS host (`s3-fips`, `s3-accesspoint-fips`, `s3-control-fips`) of a form the
    /// `s3-fips` endpoint does not serve (a dotted bucket, no account id), or with no region.
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
            UnsupportedForm::S3Fips => "an S3 FIPS host no S3 FIPS endpoint name covers",
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

/// The unsupported form of an S3-family service label, or `None` for a label that is not S3's.
pub(crate) fn s3_form(service: &str) -> Option<UnsupportedForm> {
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

/// Whether `host` (normalized) is an S3 Multi-Region Access Point host in the form AWS documents
/// and its endpoint's private DNS answers for: `<alias>.mrap.accesspoint.s3-global.amazonaws.com`,
/// the alias one DNS label. Other hosts with an `s3-global` label are not.
pub(crate) fn is_multi_region_access_point(host: &str) -> bool {
    host.strip_suffix(".mrap.accesspoint.s3-global.amazonaws.com")
        .is_some_and(is_dns_label)
}

/// The form of an AWS host with no region label.
pub(crate) fn regionless_form(rest: &str) -> UnsupportedForm {
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
