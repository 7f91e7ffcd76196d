//! Feature `s3`: the build step for an export document in S3 (`endpoints_url`,
//! `PRIVATELINK_ENDPOINTS_URL`): the source, read with the `SdkConfig`'s S3 client.

use privatelink_discovery::{DEFAULT_DESCRIBE_TIMEOUT, S3Source, S3Url, SharedSource};

use super::parts::Source;
use crate::error::{BuildError, EndpointsUrlError};
use crate::settings::Settings;

/// The S3 source for `url`, with the `SdkConfig` it reads with (`configure`): its region,
/// credentials, HTTP client and `AWS_ENDPOINT_URL_S3` apply. Each read is bounded like an EC2
/// walk (`describe_timeout`).
pub(super) fn source(settings: &Settings, url: &str) -> Result<Source, BuildError> {
    let url = S3Url::parse(url)
        .map_err(|e| BuildError::EndpointsUrl(EndpointsUrlError::invalid(url, e)))?;
    let sdk_config = settings
        .sdk_config
        .as_ref()
        .ok_or(BuildError::NoSdkConfig)?;
    #[cfg(feature = "ec2")]
    let timeout = settings
        .ec2
        .describe_timeout
        .unwrap_or(DEFAULT_DESCRIBE_TIMEOUT);
    #[cfg(not(feature = "ec2"))]
    let timeout = DEFAULT_DESCRIBE_TIMEOUT;
    let source = S3Source::new(sdk_config, url)
        .timeout(timeout)
        .map_err(BuildError::InvalidTimeout)?;
    Ok(Source::Shared(
        SharedSource::new(source),
        Box::new(sdk_config.clone()),
    ))
}
