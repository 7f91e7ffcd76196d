//! In-process peers for privatelink's demo and end-to-end tests, all on loopback:
//!
//! - [`TestCa`]: a throwaway certificate authority and server certificates (rcgen);
//! - [`S3Peer`]: an S3 server (`s3s-fs` 0.14.1) over TLS that checks SigV4 and routes
//!   virtual-hosted endpoint names (`<bucket>.bucket.vpce-…`);
//! - [`Ec2Peer`]: a `DescribeVpcEndpoints` responder over TLS that checks SigV4 and counts calls;
//! - [`LoopbackVpc`]: a made-up VPC's endpoints, with both peers serving them;
//! - [`ConnectProxy`]: an HTTP `CONNECT` proxy that records what it carries;
//! - [`loopback_http_client`]: an SDK HTTP client that trusts the test CA and sends each request
//!   to the local port serving its host name, keeping the host name for TLS (SNI), the `Host`
//!   header and the signature — as if the names resolved to endpoint ENIs listening on 443.
//!
//! Every server stops when its handle is dropped.

mod ec2;
mod ecs;
mod proxy;
mod s3;
mod tls;
mod transport;
mod vpc;

pub use ec2::Ec2Peer;
pub use ecs::ecs_agent;
pub use proxy::ConnectProxy;
pub use s3::S3Peer;
pub use tls::{HandshakeCounter, TestCa, https_get, server_config_from_pem};
pub use transport::{loopback_http_client, tls_client};
pub use vpc::{LoopbackVpc, VPC_ID, ZONE};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

/// `127.0.0.1:0`: a free loopback port.
pub(crate) const EPHEMERAL: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// Serves `service` over TLS on a bound `listener` until the returned sender is dropped.
pub(crate) fn serve_tls<S, B>(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    service: S,
) -> std::io::Result<(SocketAddr, oneshot::Sender<()>)>
where
    S: hyper::service::Service<http::Request<hyper::body::Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let address = listener.local_addr()?;
    let acceptor = TlsAcceptor::from(tls);
    let (stop, mut stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                _ = &mut stopped => break,
            };
            let Ok((socket, _)) = accepted else { continue };
            // As servers that answer HTTP do: without it, a response written in two pieces
            // (headers, then body) waits for the client's delayed ACK, 40 ms a request here.
            let _ = socket.set_nodelay(true);
            let (acceptor, service) = (acceptor.clone(), service.clone());
            spawn_detached(async move {
                let Ok(stream) = acceptor.accept(socket).await else {
                    return;
                };
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((address, stop))
}

fn spawn_detached(future: impl Future<Output = ()> + Send + 'static) {
    drop(tokio::spawn(future));
}
