//! A throwaway certificate authority for loopback TLS.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority made at start-up; clients trust [`TestCa::ca_pem`].
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    ca_pem: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TestCa")
    }
}

impl TestCa {
    /// A new CA with a fresh P-256 key.
    pub fn new() -> Self {
        let key = KeyPair::generate().expect("generate CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params
            .distinguished_name
            .push(DnType::CommonName, "privatelink test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("self-sign CA");
        Self {
            ca_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A server certificate for exactly `names` (wildcards allowed; one label each) and its key.
    fn issue(&self, names: &[String]) -> (rcgen::Certificate, KeyPair) {
        let key = KeyPair::generate().expect("generate server key");
        let mut params = CertificateParams::new(names.to_vec()).expect("server params");
        params
            .distinguished_name
            .push(DnType::CommonName, "privatelink test peer");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("sign server certificate");
        (cert, key)
    }

    /// A certificate for exactly `names` and its private key, both PEM (for peer processes).
    pub fn issue_pem(&self, names: &[String]) -> (String, String) {
        let (cert, key) = self.issue(names);
        (cert.pem(), key.serialize_pem())
    }

    /// A rustls server config with a certificate for exactly `names`.
    pub fn server_config(&self, names: &[String]) -> Arc<rustls::ServerConfig> {
        let (cert, key) = self.issue(names);
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        server_config(chain, key).expect("server certificate")
    }
}

/// A rustls server config (HTTP/1.1) for a certificate chain and key.
fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A rustls server config from PEM files (certificate chain, private key), e.g. made by openssl.
pub fn server_config_from_pem(
    cert_pem: &std::path::Path,
    key_pem: &std::path::Path,
) -> std::io::Result<Arc<rustls::ServerConfig>> {
    use rustls::pki_types::pem::PemObject;
    let invalid = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let chain = CertificateDer::pem_file_iter(cert_pem)
        .map_err(|e| invalid(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(&e))?;
    let key = PrivateKeyDer::from_pem_file(key_pem).map_err(|e| invalid(&e))?;
    server_config(chain, key).map_err(|e| invalid(&e))
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

/// `GET path` over TLS from `address`, verifying the server as `server_name` against the
/// CA in `ca_pem`; returns the body of a 200 answer. For reading test peers' counters.
pub async fn https_get(
    ca_pem: &str,
    address: std::net::SocketAddr,
    server_name: &str,
    path: &str,
) -> std::io::Result<String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let invalid = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots
            .add(cert.map_err(|e| invalid(&e))?)
            .map_err(|e| invalid(&e))?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(&e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(server_name.to_owned()).map_err(|e| invalid(&e))?;
    let tcp = tokio::net::TcpStream::connect(address).await?;
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {server_name}\r\n\r\n");
    tls.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    // A server may close without a TLS close_notify; what was read until then is the answer
    // (`read_to_end` keeps it, unlike `read_to_string`).
    if let Err(error) = tls.read_to_end(&mut response).await
        && error.kind() != std::io::ErrorKind::UnexpectedEof
    {
        return Err(error);
    }
    let response = String::from_utf8(response).map_err(|e| invalid(&e))?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| invalid(&"malformed HTTP answer"))?;
    if head.split_whitespace().nth(1) != Some("200") {
        return Err(invalid(&format!("HTTP answer {head:?}")));
    }
    Ok(body.to_owned())
}

/// A TLS 1.3 server on `127.0.0.1:<ephemeral>` for `names` (a certificate from `ca`) that
/// offers one key exchange, `group`, and counts the handshakes it completed; each connection
/// then gets `500` and is closed. For telling what a client's TLS agrees to (FIPS mode: no
/// X25519).
#[derive(Debug)]
pub struct HandshakeCounter {
    address: std::net::SocketAddr,
    handshakes: Arc<std::sync::atomic::AtomicUsize>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl HandshakeCounter {
    /// Starts the server.
    pub async fn start(
        ca: &TestCa,
        names: &[String],
        group: &'static dyn rustls::crypto::SupportedKxGroup,
    ) -> std::io::Result<Self> {
        use tokio::io::AsyncWriteExt;
        let (cert, key) = ca.issue(names);
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = rustls::crypto::CryptoProvider {
            kx_groups: vec![group],
            ..rustls::crypto::aws_lc_rs::default_provider()
        };
        let invalid = |e: rustls::Error| std::io::Error::other(e.to_string());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(invalid)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(invalid)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind(crate::EPHEMERAL).await?;
        let address = listener.local_addr()?;
        let handshakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = handshakes.clone();
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            loop {
                let stream = tokio::select! {
                    _ = &mut stopped => return,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(_) => return,
                    },
                };
                let (acceptor, counted) = (acceptor.clone(), counted.clone());
                tokio::spawn(async move {
                    if let Ok(mut tls) = acceptor.accept(stream).await {
                        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let _ = tls
                            .write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
        Ok(Self {
            address,
            handshakes,
            _stop: stop,
        })
    }

    /// Where it listens.
    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    /// The handshakes completed so far.
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(std::sync::atomic::Ordering::SeqCst)
    }
}
