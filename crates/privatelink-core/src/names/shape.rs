//! How the host a request goes to is built from an endpoint name ([`Shape`], [`S3Kind`]).

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
