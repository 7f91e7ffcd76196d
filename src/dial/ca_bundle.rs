//! A CA bundle file (PEM certificates) read and checked into dial mode's trust store, so that a
//! bad file is a typed error at build, never a panic at the first connection (the SDK's client
//! expects every certificate of its trust store to parse).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use aws_smithy_http_client::tls::TrustStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// The largest bundle read: a system bundle is about 200 KiB.
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

/// The certificates of `path` (set in code, or named by `variable`) as a trust store of them
/// alone.
pub(crate) fn read(
    path: &Path,
    variable: Option<&'static str>,
) -> Result<TrustStore, CaBundleError> {
    let error = |problem| CaBundleError {
        path: path.to_owned(),
        variable,
        problem,
    };
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_BUNDLE_BYTES + 1).read_to_end(&mut pem))
        .map_err(|e| error(Problem::Unreadable(e)))?;
    if pem.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(error(Problem::TooLarge));
    }
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(Problem::NotPem(e.to_string())))?;
    if certificates.is_empty() {
        return Err(error(Problem::NoCertificate));
    }
    for (position, certificate) in certificates.into_iter().enumerate() {
        // What the SDK's client does with each one, checked here instead of there.
        rustls::RootCertStore::empty()
            .add(certificate)
            .map_err(|e| error(Problem::InvalidCertificate(position + 1, e.to_string())))?;
    }
    Ok(TrustStore::empty().with_pem_certificate(pem))
}

/// A CA bundle could not be used ([`BuildError::CaBundle`](crate::BuildError::CaBundle)).
#[derive(Debug)]
pub struct CaBundleError {
    path: PathBuf,
    variable: Option<&'static str>,
    problem: Problem,
}

#[derive(Debug)]
enum Problem {
    Unreadable(std::io::Error),
    TooLarge,
    NotPem(String),
    NoCertificate,
    InvalidCertificate(usize, String),
}

impl CaBundleError {
    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The environment variable that named it (`PRIVATELINK_CA_BUNDLE`), when it was not set in
    /// code.
    pub fn variable(&self) -> Option<&'static str> {
        self.variable
    }
}

impl fmt::Display for CaBundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CA bundle `{}`", self.path.display())?;
        if let Some(variable) = self.variable {
            write!(f, " ({variable})")?;
        }
        match &self.problem {
            Problem::Unreadable(_) => f.write_str(" cannot be read"),
            Problem::TooLarge => write!(f, " is larger than {MAX_BUNDLE_BYTES} bytes"),
            Problem::NotPem(why) => write!(f, " is not PEM: {why}"),
            Problem::NoCertificate => f.write_str(" holds no PEM certificate"),
            Problem::InvalidCertificate(n, why) => {
                write!(f, ": certificate {n} is not a valid CA certificate ({why})")
            }
        }
    }
}

impl std::error::Error for CaBundleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            Problem::Unreadable(e) => Some(e),
            _ => None,
        }
    }
}
