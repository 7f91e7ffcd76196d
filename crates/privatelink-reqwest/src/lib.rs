#![doc = include_str!("../README.md")]

#[cfg(feature = "object-store")]
mod object_store_s3;

use std::net::SocketAddr;
use std::sync::Arc;

use aws_smithy_runtime_api::client::dns::ResolveDns;
use privatelink::PrivateLink;
use privatelink::dial::DialResolver;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

#[cfg(feature = "object-store")]
pub use object_store_s3::{S3BuilderError, s3_builder};

/// Dial mode's resolver for a reqwest client:
/// `reqwest::Client::builder().dns_resolver(privatelink_reqwest::resolver(&privatelink))`.
///
/// Bound to the handle's live snapshot, with the handle's policy and VPC resolver
/// ([`PrivateLinkBuilder::dns_resolver`](privatelink::PrivateLinkBuilder::dns_resolver)):
/// the same answers as dial mode's SDK client, each lookup within the handle's limit
/// ([`PrivateLinkBuilder::dial_dns_timeout`](privatelink::PrivateLinkBuilder::dial_dns_timeout),
/// 10 s by default). An IP-literal URL (`https://52.94.0.1/`) is
/// never resolved, so never refused here: check such URLs with
/// `privatelink.rewrite_config().route(..)` first.
pub fn resolver(privatelink: &PrivateLink) -> Arc<Resolver> {
    Arc::new(Resolver {
        inner: privatelink.dns_resolver(),
    })
}

/// A [`reqwest::dns::Resolve`] over dial mode's resolver (see [`resolver`]).
#[derive(Clone, Debug)]
pub struct Resolver {
    inner: DialResolver,
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.inner.clone();
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = resolver.resolve_dns(&name).await?;
            // Port 0: the connector puts the URL's port on every address.
            let addresses: Addrs = Box::new(addresses.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addresses)
        })
    }
}
