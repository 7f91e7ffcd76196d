//! Feature `object-store`: S3 through the VPC's S3 interface endpoint for `object_store`.

use std::fmt;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use privatelink::PrivateLink;
use privatelink::core::{Outcome, RewriteError};

/// The region `object_store` uses when none is configured.
const OBJECT_STORE_DEFAULT_REGION: &str = "us-east-1";

/// `builder` sending its requests through the VPC's S3 interface endpoint: its endpoint set to
/// the bucket's endpoint name (`https://<bucket>.bucket.vpce-….s3.<region>.vpce.amazonaws.com`,
/// the zonal name of the handle's zone when it has one) and virtual-hosted requests, so that
/// `object_store` signs for that name and the endpoint's certificate covers it. The decision is
/// privatelink's (the handle's snapshot and policy), taken once, now: build the store again
/// after the VPC's endpoints change.
///
/// Needs the bucket (`with_bucket_name`); the region defaults to `object_store`'s
/// (`us-east-1`). When no endpoint serves the bucket, prefer mode returns `builder` unchanged
/// (`object_store`'s default S3 host) and strict mode an error; a builder that already has an
/// endpoint is an error (privatelink never replaces an endpoint someone configured).
pub fn s3_builder(
    privatelink: &PrivateLink,
    builder: AmazonS3Builder,
) -> Result<AmazonS3Builder, S3BuilderError> {
    if let Some(endpoint) = builder.get_config_value(&AmazonS3ConfigKey::Endpoint) {
        return Err(S3BuilderError::EndpointAlreadySet { endpoint });
    }
    let bucket = builder
        .get_config_value(&AmazonS3ConfigKey::Bucket)
        .ok_or(S3BuilderError::NoBucket)?;
    let region = builder
        .get_config_value(&AmazonS3ConfigKey::Region)
        .unwrap_or_else(|| OBJECT_STORE_DEFAULT_REGION.to_owned());
    // The host the AWS SDK would send a virtual-hosted request for the bucket to.
    let url = format!("https://{bucket}.s3.{region}.amazonaws.com/");
    let snapshot = privatelink.snapshot();
    match privatelink
        .rewrite_config()
        .rewrite_url(snapshot.as_deref(), &url)
    {
        Ok(Outcome::Rewritten(rewritten)) => {
            let endpoint = rewritten.url().trim_end_matches('/').to_owned();
            Ok(builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(true))
        }
        Ok(_) => Ok(builder),
        Err(source) => Err(S3BuilderError::Rewrite { bucket, source }),
    }
}

/// Why [`s3_builder`] could not point a builder at an endpoint.
#[non_exhaustive]
#[derive(Debug)]
pub enum S3BuilderError {
    /// The builder has no bucket (`AmazonS3Builder::with_bucket_name`).
    NoBucket,
    /// The builder already has an endpoint.
    EndpointAlreadySet {
        /// The endpoint it has.
        endpoint: String,
    },
    /// Strict mode refused the bucket's host, or the bucket name makes no valid host.
    Rewrite {
        /// The bucket.
        bucket: String,
        /// The decision's error.
        source: RewriteError,
    },
}

impl fmt::Display for S3BuilderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            S3BuilderError::NoBucket => {
                f.write_str("the AmazonS3Builder has no bucket (with_bucket_name)")
            }
            S3BuilderError::EndpointAlreadySet { endpoint } => write!(
                f,
                "the AmazonS3Builder already has the endpoint `{endpoint}`; privatelink never replaces a configured endpoint"
            ),
            S3BuilderError::Rewrite { bucket, .. } => {
                write!(f, "no interface endpoint for bucket `{bucket}`")
            }
        }
    }
}

impl std::error::Error for S3BuilderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            S3BuilderError::Rewrite { source, .. } => Some(source),
            _ => None,
        }
    }
}
