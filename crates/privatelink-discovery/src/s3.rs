//! Feature `s3`: endpoints from an export document in S3 (`s3://bucket/key`), which one publisher
//! per VPC writes so that a fleet reads one object instead of each process calling EC2.
//!
//! Each read is a conditional `GetObject` (`If-None-Match` with the last ETag): an unchanged
//! object costs one `304 Not Modified`, answered with the document read before. The document is
//! checked as an endpoint file is (`file::read_document`: at most 16 MiB, a known export version,
//! its `VpcId` this process's), and carries its `DiscoveredAt`, from which the cache counts
//! staleness: when the publisher dies, readers stop using its last document `max_stale` after
//! its expiry.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_s3::config::retry::RetryConfig;
use aws_types::SdkConfig;
use privatelink_core::Document;
use tokio::io::AsyncReadExt;

use crate::error::{DiscoveryError, classify};
use crate::file::{EndpointFileError, MAX_ENDPOINT_FILE_BYTES, read_document};
use crate::limit::{InvalidTimeoutError, check_timeout, within};
use crate::source::{DEFAULT_DESCRIBE_TIMEOUT, DescribeEndpoints, DocumentFuture, EndpointsFuture};

/// An `s3://bucket/key` URL, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Url {
    bucket: String,
    key: String,
}

impl S3Url {
    /// Reads `s3://BUCKET/KEY`: a bucket name (3–63 lowercase letters, digits, dots, hyphens)
    /// and a non-empty key.
    pub fn parse(url: &str) -> Result<Self, InvalidS3UrlError> {
        let invalid = || InvalidS3UrlError {
            url: url.to_owned(),
        };
        let rest = url.strip_prefix("s3://").ok_or_else(invalid)?;
        let (bucket, key) = rest.split_once('/').ok_or_else(invalid)?;
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        if !bucket_ok || key.is_empty() {
            return Err(invalid());
        }
        Ok(S3Url {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        })
    }

    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// A URL that is not `s3://BUCKET/KEY`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidS3UrlError {
    url: String,
}

impl fmt::Display for InvalidS3UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not an S3 object URL like s3://my-bucket/privatelink/vpc-0abc.json",
            self.url
        )
    }
}

impl std::error::Error for InvalidS3UrlError {}

/// Endpoints from an export document in S3, read with a conditional `GetObject` through an S3
/// client built from an `SdkConfig` (its region, credentials, HTTP client and
/// `AWS_ENDPOINT_URL_S3` apply). Needs `s3:GetObject` on the object. Each read has a time limit
/// of its own ([`DEFAULT_DESCRIBE_TIMEOUT`], see [`S3Source::timeout`]).
#[derive(Clone)]
pub struct S3Source {
    client: aws_sdk_s3::Client,
    url: S3Url,
    timeout: Duration,
    /// The last document read and its ETag, for `If-None-Match`.
    last: Arc<Mutex<Option<(String, Document)>>>,
}

impl fmt::Debug for S3Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Source")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl S3Source {
    /// A source reading `url` with an S3 client built from `sdk_config`.
    pub fn new(sdk_config: &SdkConfig, url: S3Url) -> Self {
        Self {
            client: aws_sdk_s3::Client::new(sdk_config),
            url,
            timeout: DEFAULT_DESCRIBE_TIMEOUT,
            last: Arc::default(),
        }
    }

    /// Sets the time limit of one read (every attempt). Defaults to
    /// [`DEFAULT_DESCRIBE_TIMEOUT`] (20 s); outside [`TIMEOUT_RANGE`](crate::TIMEOUT_RANGE) (1 s
    /// to 1 h) is an error.
    pub fn timeout(mut self, timeout: Duration) -> Result<Self, InvalidTimeoutError> {
        self.timeout = check_timeout("S3Source::timeout", timeout)?;
        Ok(self)
    }

    /// The object read.
    pub fn url(&self) -> &S3Url {
        &self.url
    }

    async fn fetch(&self, vpc_id: &str, once: bool) -> Result<Document, DiscoveryError> {
        within(self.read(vpc_id, once), self.timeout, "GetObject").await
    }

    async fn read(&self, vpc_id: &str, once: bool) -> Result<Document, DiscoveryError> {
        let last = self.last.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut request = self
            .client
            .get_object()
            .bucket(self.url.bucket())
            .key(self.url.key());
        if let Some((etag, _)) = &last {
            request = request.if_none_match(etag);
        }
        let sent = match once {
            false => request.send().await,
            true => {
                let one_attempt = aws_sdk_s3::config::Builder::default()
                    .retry_config(RetryConfig::standard().with_max_attempts(1));
                request
                    .customize()
                    .config_override(one_attempt)
                    .send()
                    .await
            }
        };
        let output = match sent {
            Ok(output) => output,
            Err(error) => {
                // 304 Not Modified: the document read before, unchanged.
                if let Some(raw) = error.raw_response()
                    && raw.status().as_u16() == 304
                    && let Some((_, document)) = last
                {
                    return Ok(document);
                }
                return Err(classify(error, "GetObject"));
            }
        };
        let etag = output.e_tag().map(str::to_owned);
        let vpc_id = (!vpc_id.is_empty()).then_some(vpc_id);
        let document = read_object(output, &self.url, vpc_id).await?;
        if let Some(etag) = etag {
            *self.last.lock().unwrap_or_else(|e| e.into_inner()) = Some((etag, document.clone()));
        }
        Ok(document)
    }
}

/// The document in a `GetObject` answer, read as an endpoint file is ([`read_document`]): at
/// most [`MAX_ENDPOINT_FILE_BYTES`] (an answer that says it is larger is refused before reading),
/// a known export version, the VPC's.
async fn read_object(
    output: aws_sdk_s3::operation::get_object::GetObjectOutput,
    url: &S3Url,
    vpc_id: Option<&str>,
) -> Result<Document, DiscoveryError> {
    let origin = url.to_string();
    if output
        .content_length()
        .is_some_and(|length| length as u64 > MAX_ENDPOINT_FILE_BYTES)
    {
        return Err(DiscoveryError::File(EndpointFileError::too_large(&origin)));
    }
    let mut body = Vec::new();
    output
        .body
        .into_async_read()
        .take(MAX_ENDPOINT_FILE_BYTES + 1)
        .read_to_end(&mut body)
        .await
        .map_err(|e| DiscoveryError::File(EndpointFileError::unreadable(&origin, e)))?;
    read_document(&body[..], &origin, vpc_id).map_err(DiscoveryError::File)
}

impl DescribeEndpoints for S3Source {
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(async move { self.fetch(vpc_id, false).await.map(|d| d.endpoints) })
    }

    /// One attempt: the SDK's retries off.
    fn describe_once<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(async move { self.fetch(vpc_id, true).await.map(|d| d.endpoints) })
    }

    fn describe_document<'a>(&'a self, vpc_id: &'a str, once: bool) -> DocumentFuture<'a> {
        Box::pin(self.fetch(vpc_id, once))
    }
}

/// What [`publish`] did.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    /// The object was written: it was missing, its endpoints changed, or its `DiscoveredAt` was
    /// older than the renewal age.
    Written,
    /// The object already holds these endpoints, discovered recently enough: nothing was
    /// written (readers' conditional reads stay `304`).
    Unchanged,
}

/// Publishes `endpoints` of `vpc_id` (discovered at `discovered_at`) as an export document at
/// `url`, with one `PutObject` (S3 replaces an object atomically: a reader sees the old document
/// or the new one). Writes only when the object is missing, its endpoints differ, or its
/// `DiscoveredAt` is older than `renew_after` (so that readers, which count staleness from it,
/// keep using the document while the endpoints stay the same). An empty list is refused
/// ([`PublishError::Empty`]): an empty or failed discovery never replaces a document. Needs
/// `s3:GetObject` and `s3:PutObject` on the object, and `s3:ListBucket` on the bucket (without
/// it S3 answers the first run's read of a missing object with 403, not 404); each request is
/// bounded by [`DEFAULT_DESCRIBE_TIMEOUT`].
pub async fn publish(
    sdk_config: &SdkConfig,
    url: &S3Url,
    vpc_id: &str,
    region: Option<&str>,
    endpoints: &[privatelink_core::VpcEndpoint],
    discovered_at: std::time::SystemTime,
    renew_after: Duration,
) -> Result<Published, PublishError> {
    if endpoints.is_empty() {
        return Err(PublishError::Empty);
    }
    let client = aws_sdk_s3::Client::new(sdk_config);
    let limit = DEFAULT_DESCRIBE_TIMEOUT;
    let current = within(
        async {
            match client
                .get_object()
                .bucket(url.bucket())
                .key(url.key())
                .send()
                .await
            {
                // A document that cannot be used (too large, malformed, another VPC's) is
                // replaced.
                Ok(output) => Ok(read_object(output, url, Some(vpc_id)).await.ok()),
                Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                    Ok(None)
                }
                Err(error) => Err(classify(error, "GetObject")),
            }
        },
        limit,
        "GetObject",
    )
    .await
    .map_err(PublishError::Read)?;
    let without_time = |endpoints: &[privatelink_core::VpcEndpoint]| {
        privatelink_core::export_json(endpoints, Some(vpc_id), region, None)
    };
    if let Some(current) = current
        && without_time(&current.endpoints) == without_time(endpoints)
        && current
            .discovered_at
            .is_some_and(|at| discovered_at.duration_since(at).unwrap_or_default() < renew_after)
    {
        return Ok(Published::Unchanged);
    }
    let document =
        privatelink_core::export_json(endpoints, Some(vpc_id), region, Some(discovered_at));
    within(
        async {
            client
                .put_object()
                .bucket(url.bucket())
                .key(url.key())
                .content_type("application/json")
                .body(aws_sdk_s3::primitives::ByteStream::from(
                    document.into_bytes(),
                ))
                .send()
                .await
                .map_err(|e| classify(e, "PutObject"))
        },
        limit,
        "PutObject",
    )
    .await
    .map_err(PublishError::Write)?;
    Ok(Published::Written)
}

/// [`publish`] could not write the document.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub enum PublishError {
    /// The discovery found no endpoints: an empty document never replaces one.
    Empty,
    /// The current object could not be read (to compare).
    Read(DiscoveryError),
    /// `PutObject` failed.
    Write(DiscoveryError),
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::Empty => f.write_str(
                "the discovery found no endpoints: nothing published (an empty document never replaces one)",
            ),
            // S3 answers a missing object with 403 when the caller may not list the bucket.
            PublishError::Read(DiscoveryError::AccessDenied(_)) => f.write_str(
                "cannot read the published document to compare (access denied: the publisher needs s3:GetObject on the key, and s3:ListBucket on the bucket for S3 to answer a missing object with 404 instead of 403)",
            ),
            PublishError::Read(_) => f.write_str("cannot read the published document to compare"),
            PublishError::Write(_) => f.write_str("cannot write the endpoint document"),
        }
    }
}

impl std::error::Error for PublishError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PublishError::Empty => None,
            PublishError::Read(e) | PublishError::Write(e) => Some(e),
        }
    }
}
