//! Where endpoint data comes from: the [`DescribeEndpoints`] trait, its shared form, and
//! [`FileSource`] (files are read by `file`). EC2 `DescribeVpcEndpoints` is in `ec2` (feature
//! `ec2`).

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use privatelink_core::{Document, VpcEndpoint};

use crate::error::DiscoveryError;
use crate::file::read_document_file;

/// The future returned by [`DescribeEndpoints::describe`].
pub type EndpointsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<VpcEndpoint>, DiscoveryError>> + Send + 'a>>;

/// The future returned by [`DescribeEndpoints::describe_document`].
pub type DocumentFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Document, DiscoveryError>> + Send + 'a>>;

/// A source of a VPC's endpoints.
pub trait DescribeEndpoints: fmt::Debug + Send + Sync + 'static {
    /// The endpoints of `vpc_id` (Interface and Gateway endpoints). Static sources accept an
    /// empty `vpc_id`, meaning every endpoint they hold.
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a>;

    /// The same, making a single attempt where the source would retry within a call. The cache
    /// asks this for every call after a VPC's first (refreshes, and retries after a failure),
    /// which its own schedule paces — so a fleet under throttling costs EC2 one attempt per due
    /// call, not the SDK's three. Defaults to [`DescribeEndpoints::describe`].
    fn describe_once<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        self.describe(vpc_id)
    }

    /// What the cache calls: the endpoints (through [`DescribeEndpoints::describe`], or with
    /// `once` [`DescribeEndpoints::describe_once`]) with when they were discovered, if the source
    /// knows — an export document's `DiscoveredAt`. The cache then counts the snapshot's lifetime
    /// and `max_stale` from that time, not from the read: a document a dead publisher left
    /// behind stops being used `max_stale` after its own expiry. Defaults to the endpoints with no
    /// time (discovered now).
    fn describe_document<'a>(&'a self, vpc_id: &'a str, once: bool) -> DocumentFuture<'a> {
        let endpoints = match once {
            false => self.describe(vpc_id),
            true => self.describe_once(vpc_id),
        };
        Box::pin(async move {
            Ok(Document {
                endpoints: endpoints.await?,
                vpc_id: None,
                discovered_at: None,
            })
        })
    }
}

/// A type-erased, shareable [`DescribeEndpoints`].
#[derive(Clone, Debug)]
pub struct SharedSource(Arc<dyn DescribeEndpoints>);

impl SharedSource {
    /// Wraps a source.
    pub fn new(source: impl DescribeEndpoints) -> Self {
        Self(Arc::new(source))
    }
}

impl DescribeEndpoints for SharedSource {
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        self.0.describe(vpc_id)
    }

    fn describe_once<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        self.0.describe_once(vpc_id)
    }

    fn describe_document<'a>(&'a self, vpc_id: &'a str, once: bool) -> DocumentFuture<'a> {
        self.0.describe_document(vpc_id, once)
    }
}

/// The environment variable naming an export document in S3 (`s3://bucket/key`) to read the
/// endpoints from (`S3Source`, feature `s3`).
pub const ENDPOINTS_URL_ENV: &str = "PRIVATELINK_ENDPOINTS_URL";

/// How long one DescribeVpcEndpoints walk (every page, every retry) may take in all, unless
/// configured: 20 seconds.
pub const DEFAULT_DESCRIBE_TIMEOUT: Duration = Duration::from_secs(20);

/// Endpoints from an endpoint file, re-read on every refresh (so a fleet can update one file
/// instead of calling EC2 from every process).
#[derive(Clone, Debug)]
pub struct FileSource {
    path: PathBuf,
}

impl FileSource {
    /// A source reading `path`.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_owned(),
        }
    }
}

impl DescribeEndpoints for FileSource {
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        let document = self.describe_document(vpc_id, false);
        Box::pin(async move { document.await.map(|document| document.endpoints) })
    }

    /// Reads the file on Tokio's blocking pool (a file on a slow or network file system does not
    /// stall the runtime's workers); outside a Tokio runtime, in place. An export document's
    /// `DiscoveredAt` is kept: the cache counts staleness from it.
    fn describe_document<'a>(&'a self, vpc_id: &'a str, _once: bool) -> DocumentFuture<'a> {
        let read = {
            let (path, vpc_id) = (self.path.clone(), vpc_id.to_owned());
            move || {
                let vpc_id = (!vpc_id.is_empty()).then_some(vpc_id.as_str());
                read_document_file(&path, vpc_id).map_err(DiscoveryError::File)
            }
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Box::pin(std::future::ready(read()));
        };
        let reading = runtime.spawn_blocking(read);
        Box::pin(async move {
            reading.await.unwrap_or_else(|failed| {
                // A panic in the reader, or the runtime shutting down under it.
                Err(match failed.try_into_panic() {
                    Ok(panic) => DiscoveryError::source_panicked(panic.as_ref()),
                    Err(cancelled) => DiscoveryError::source_panicked(&cancelled.to_string()),
                })
            })
        })
    }
}
