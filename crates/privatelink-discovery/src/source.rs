//! Where endpoint data comes from: the [`DescribeEndpoints`] trait. EC2 `DescribeVpcEndpoints`
//! is in `ec2` (feature `ec2`), files in `file`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use privatelink_core::VpcEndpoint;

use crate::error::DiscoveryError;

/// The future returned by [`DescribeEndpoints::describe`].
pub type EndpointsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<VpcEndpoint>, DiscoveryError>> + Send + 'a>>;

/// A source of a VPC's endpoints.
pub trait DescribeEndpoints: fmt::Debug + Send + Sync + 'static {
    /// The endpoints of `vpc_id` (Interface and Gateway endpoints). Static sources accept an
    /// empty `vpc_id`, meaning every endpoint they hold.
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a>;
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
}

/// How long one DescribeVpcEndpoints walk (every page, every retry) may take in all, unless
/// configured: 20 seconds.
pub const DEFAULT_DESCRIBE_TIMEOUT: Duration = Duration::from_secs(20);
