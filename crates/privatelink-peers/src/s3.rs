//! An S3 server (s3s-fs) over TLS that checks SigV4 and serves endpoint names.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use s3s::auth::SimpleAuth;
use s3s::host::MultiDomain;
use s3s::service::S3ServiceBuilder;
use tokio::sync::oneshot;

use crate::{TestCa, serve_tls};

/// An S3 server storing buckets as directories of a folder (a temporary one by default).
///
/// For each endpoint name `E` (an S3 interface endpoint's name without `*.`) it serves
/// `bucket.E` (path style) and `<bucket>.bucket.E` (virtual-hosted), with a certificate for
/// `bucket.E`, `*.bucket.E`, `*.accesspoint.E` and `*.control.E` — the shape of a real S3 interface
/// endpoint's certificate. Requests must be SigV4-signed with the one key pair it was given.
pub struct S3Peer {
    address: SocketAddr,
    root: PathBuf,
    _temporary: Option<tempfile::TempDir>,
    requests: Arc<AtomicUsize>,
    not_modified: Arc<AtomicUsize>,
    _stop: oneshot::Sender<()>,
}

impl std::fmt::Debug for S3Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Peer")
            .field("address", &self.address)
            .finish()
    }
}

impl S3Peer {
    /// Starts the server on `127.0.0.1:<ephemeral>` with a certificate from `ca` and a temporary
    /// folder.
    pub async fn start(
        ca: &TestCa,
        endpoint_names: &[&str],
        access_key: &str,
        secret_key: &str,
    ) -> io::Result<Self> {
        let root = tempfile::tempdir()?;
        let tls = ca.server_config(&Self::certificate_names(endpoint_names));
        let mut peer = Self::serve(
            crate::EPHEMERAL,
            tls,
            endpoint_names,
            access_key,
            secret_key,
            root.path(),
            false,
        )
        .await?;
        peer._temporary = Some(root);
        Ok(peer)
    }

    /// Starts a server on `127.0.0.1:<ephemeral>` for S3's default names in `region` only: the
    /// certificate names `s3.<region>.amazonaws.com` and `*.s3.<region>.amazonaws.com` and no
    /// endpoint name (as some services' endpoints do), and it serves `Host`s
    /// `s3.<region>.amazonaws.com:<port>` (path style) and `<bucket>.s3.<region>.amazonaws.com:<port>`
    /// (clients reach it with `endpoint_url("https://s3.<region>.amazonaws.com:<port>")`).
    pub async fn start_for_default_names(
        ca: &TestCa,
        region: &str,
        access_key: &str,
        secret_key: &str,
    ) -> io::Result<Self> {
        let root = tempfile::tempdir()?;
        let listener = tokio::net::TcpListener::bind(crate::EPHEMERAL).await?;
        let host = format!("s3.{region}.amazonaws.com");
        let domain = format!("{host}:{}", listener.local_addr()?.port());
        let tls = ca.server_config(&[host.clone(), format!("*.{host}")]);
        let (service, requests, not_modified) =
            Self::service(&[domain], access_key, secret_key, root.path())?;
        let (address, stop) = serve_tls(listener, tls, service)?;
        Ok(Self {
            address,
            root: root.path().to_owned(),
            _temporary: Some(root),
            requests,
            not_modified,
            _stop: stop,
        })
    }

    /// The names a certificate for `endpoint_names` must cover: `bucket.E`, `*.bucket.E`,
    /// `*.accesspoint.E`, `*.control.E` for each `E`.
    pub fn certificate_names(endpoint_names: &[&str]) -> Vec<String> {
        endpoint_names
            .iter()
            .flat_map(|e| {
                [
                    format!("bucket.{e}"),
                    format!("*.bucket.{e}"),
                    format!("*.accesspoint.{e}"),
                    format!("*.control.{e}"),
                ]
            })
            .collect()
    }

    /// Serves `root` on `listen` with the TLS config `tls`; with `access_log`, prints one line
    /// per request on standard output: `METHOD HOST/PATH STATUS` (the status answered; a line
    /// that cannot be written is dropped).
    pub async fn serve(
        listen: SocketAddr,
        tls: Arc<rustls::ServerConfig>,
        endpoint_names: &[&str],
        access_key: &str,
        secret_key: &str,
        root: &Path,
        access_log: bool,
    ) -> io::Result<Self> {
        let domains: Vec<String> = endpoint_names
            .iter()
            .map(|e| format!("bucket.{e}"))
            .collect();
        let (mut service, requests, not_modified) =
            Self::service(&domains, access_key, secret_key, root)?;
        service.access_log = access_log;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let (address, stop) = serve_tls(listener, tls, service)?;
        Ok(Self {
            address,
            root: root.to_owned(),
            _temporary: None,
            requests,
            not_modified,
            _stop: stop,
        })
    }

    /// The S3 service for `domains`, counting requests, and answers of `304 Not Modified`, in the
    /// returned counters.
    #[allow(clippy::type_complexity)]
    fn service(
        domains: &[String],
        access_key: &str,
        secret_key: &str,
        root: &Path,
    ) -> io::Result<(CountedService, Arc<AtomicUsize>, Arc<AtomicUsize>)> {
        let fs = s3s_fs::FileSystem::new(root).map_err(|e| io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(access_key, secret_key));
        builder
            .set_host(MultiDomain::new(domains).map_err(|e| io::Error::other(format!("{e:?}")))?);
        let (requests, not_modified) = (Arc::default(), Arc::default());
        let service = CountedService {
            service: builder.build(),
            requests: Arc::clone(&requests),
            not_modified: Arc::clone(&not_modified),
            access_log: false,
        };
        Ok((service, requests, not_modified))
    }

    /// The local address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How many HTTP requests reached the server (accepted or not).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// How many `GetObject`s were answered `304 Not Modified` (their `If-None-Match` named the
    /// object's ETag).
    pub fn not_modified(&self) -> usize {
        self.not_modified.load(Ordering::SeqCst)
    }

    /// The folder holding the buckets (one directory each).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// The S3 service, counting the requests it is given, and answering a `GetObject` whose
/// `If-None-Match` names the object's ETag with `304 Not Modified`, as S3 does (s3s-fs serves the
/// object whatever the header; the signature is checked first all the same).
#[derive(Clone)]
struct CountedService {
    service: s3s::service::S3Service,
    requests: Arc<AtomicUsize>,
    not_modified: Arc<AtomicUsize>,
    access_log: bool,
}

impl hyper::service::Service<http::Request<hyper::body::Incoming>> for CountedService {
    type Response = <s3s::service::S3Service as hyper::service::Service<
        http::Request<hyper::body::Incoming>,
    >>::Response;
    type Error = <s3s::service::S3Service as hyper::service::Service<
        http::Request<hyper::body::Incoming>,
    >>::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn call(&self, request: http::Request<hyper::body::Incoming>) -> Self::Future {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let if_none_match = (request.method() == http::Method::GET)
            .then(|| request.headers().get(http::header::IF_NONE_MATCH).cloned())
            .flatten();
        let not_modified = Arc::clone(&self.not_modified);
        let logged = self.access_log.then(|| {
            let host = request
                .headers()
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            format!("{} {host}{}", request.method(), request.uri().path())
        });
        let response = hyper::service::Service::call(&self.service, request);
        Box::pin(async move {
            let mut response = response.await?;
            let etag = response.headers().get(http::header::ETAG);
            if let Some(tag) = if_none_match
                && response.status() == http::StatusCode::OK
                && etag == Some(&tag)
            {
                not_modified.fetch_add(1, Ordering::SeqCst);
                let mut reply = http::Response::new(s3s::Body::empty());
                *reply.status_mut() = http::StatusCode::NOT_MODIFIED;
                reply.headers_mut().insert(http::header::ETAG, tag);
                response = reply;
            }
            if let Some(line) = logged {
                // A closed standard output (a reader that stopped reading) loses the line only.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stdout().lock(),
                    "{line} {}",
                    response.status().as_u16()
                );
            }
            Ok(response)
        })
    }
}
