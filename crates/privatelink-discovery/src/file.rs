//! Endpoint files: the output of `aws ec2 describe-vpc-endpoints` or of `privatelink export`.
//!
//! One reader serves every caller: [`read_endpoints`] takes any reader (the CLI passes standard
//! input), [`read_endpoint_file`] a path, [`index_from_file`] indexes a file; the cache's
//! [`FileSource`](crate::FileSource) (in `source`) re-reads a file on every refresh. Imports
//! nothing of this crate: its errors are its own ([`EndpointFileError`]).

use std::error::Error;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use privatelink_core::{Document, EndpointIndex, ParseError, VpcEndpoint, parse_document};

/// The environment variable naming a static endpoint file (the output of
/// `aws ec2 describe-vpc-endpoints` or `privatelink export`); when set, no EC2 call is made.
pub const ENDPOINTS_FILE_ENV: &str = "PRIVATELINK_ENDPOINTS_FILE";

/// The largest endpoint file read: 16 MiB (a `describe-vpc-endpoints` answer for a VPC with
/// hundreds of endpoints is well under 1 MiB).
pub const MAX_ENDPOINT_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads endpoint data from `reader`. `origin` names it in errors (a path; `-` is shown as
/// standard input).
///
/// With `vpc_id`, keeps only that VPC's endpoints (endpoints that name no VPC are dropped too:
/// they may be another VPC's). With `None`, every endpoint, as long as they are all of one VPC:
/// endpoints of several VPCs are an error naming them, since an endpoint of another VPC is
/// unreachable from here. More than [`MAX_ENDPOINT_FILE_BYTES`] is an error.
pub fn read_endpoints(
    reader: impl Read,
    origin: impl AsRef<Path>,
    vpc_id: Option<&str>,
) -> Result<Vec<VpcEndpoint>, EndpointFileError> {
    read_document(reader, origin, vpc_id).map(|document| document.endpoints)
}

/// [`read_endpoints`], with what a `privatelink export` header says: the VPC the document
/// describes and when its endpoints were discovered. With `vpc_id`, a header naming another VPC
/// is an error naming both (not an empty list of endpoints).
pub fn read_document(
    reader: impl Read,
    origin: impl AsRef<Path>,
    vpc_id: Option<&str>,
) -> Result<Document, EndpointFileError> {
    let error = |kind| EndpointFileError {
        path: origin.as_ref().to_owned(),
        kind,
    };
    let mut json = String::new();
    reader
        .take(MAX_ENDPOINT_FILE_BYTES + 1)
        .read_to_string(&mut json)
        .map_err(|e| error(FileErrorKind::Read(Arc::new(e))))?;
    if json.len() as u64 > MAX_ENDPOINT_FILE_BYTES {
        return Err(error(FileErrorKind::TooLarge));
    }
    let mut document =
        parse_document(&json).map_err(|e| error(FileErrorKind::Parse(Arc::new(e))))?;
    if let Some(vpc_id) = vpc_id {
        if let Some(described) = document.vpc_id.as_deref()
            && described != vpc_id
        {
            return Err(error(FileErrorKind::OtherVpc {
                described: described.to_owned(),
                expected: vpc_id.to_owned(),
            }));
        }
        document.endpoints.retain(|e| e.vpc_id() == Some(vpc_id));
        return Ok(document);
    }
    let mut vpcs: Vec<String> = document
        .endpoints
        .iter()
        .filter_map(|e| e.vpc_id().map(str::to_owned))
        .collect();
    vpcs.sort();
    vpcs.dedup();
    if vpcs.len() > 1 {
        return Err(error(FileErrorKind::SeveralVpcs(vpcs)));
    }
    Ok(document)
}

/// Reads the endpoint file at `path` (see [`read_endpoints`]).
pub fn read_endpoint_file(
    path: impl AsRef<Path>,
    vpc_id: Option<&str>,
) -> Result<Vec<VpcEndpoint>, EndpointFileError> {
    read_document_file(path, vpc_id).map(|document| document.endpoints)
}

/// Reads the endpoint file at `path` (see [`read_document`]).
pub fn read_document_file(
    path: impl AsRef<Path>,
    vpc_id: Option<&str>,
) -> Result<Document, EndpointFileError> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| EndpointFileError {
        path: path.to_owned(),
        kind: FileErrorKind::Read(Arc::new(e)),
    })?;
    read_document(io::BufReader::new(file), path, vpc_id)
}

/// Reads the endpoint file at `path` and indexes every endpoint in it.
///
/// What the index ignores (DNS names outside the endpoint domain, …) is in
/// [`EndpointIndex::warnings`], and is logged when the index is published to a
/// [`SnapshotCell`](privatelink_core::SnapshotCell).
pub fn index_from_file(path: impl AsRef<Path>) -> Result<EndpointIndex, EndpointFileError> {
    read_endpoint_file(path, None).map(EndpointIndex::new)
}

/// An endpoint file could not be read or parsed. The cause is the `source()`.
#[derive(Clone, Debug)]
pub struct EndpointFileError {
    path: PathBuf,
    kind: FileErrorKind,
}

#[derive(Clone, Debug)]
enum FileErrorKind {
    Read(Arc<io::Error>),
    Parse(Arc<ParseError>),
    TooLarge,
    SeveralVpcs(Vec<String>),
    /// The export header describes another VPC than this process's.
    OtherVpc {
        described: String,
        expected: String,
    },
}

impl EndpointFileError {
    /// `origin` is larger than [`MAX_ENDPOINT_FILE_BYTES`].
    #[cfg(feature = "s3")]
    pub(crate) fn too_large(origin: impl AsRef<Path>) -> Self {
        Self {
            path: origin.as_ref().to_owned(),
            kind: FileErrorKind::TooLarge,
        }
    }

    /// `origin` could not be read.
    #[cfg(feature = "s3")]
    pub(crate) fn unreadable(origin: impl AsRef<Path>, error: io::Error) -> Self {
        Self {
            path: origin.as_ref().to_owned(),
            kind: FileErrorKind::Read(Arc::new(error)),
        }
    }

    /// The file (`-` for standard input).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The parse error, when the file was read but its contents are not valid.
    pub fn parse_error(&self) -> Option<&ParseError> {
        match &self.kind {
            FileErrorKind::Parse(e) => Some(e),
            _ => None,
        }
    }

    /// The VPC the document's export header names, and this process's, when they differ.
    pub fn other_vpc(&self) -> Option<(&str, &str)> {
        match &self.kind {
            FileErrorKind::OtherVpc {
                described,
                expected,
            } => Some((described, expected)),
            _ => None,
        }
    }

    /// The VPCs the file's endpoints belong to, when there were several and no VPC id was set.
    pub fn vpcs(&self) -> Option<&[String]> {
        match &self.kind {
            FileErrorKind::SeveralVpcs(vpcs) => Some(vpcs),
            _ => None,
        }
    }
}

impl fmt::Display for EndpointFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            FileErrorKind::Read(_) => "cannot read",
            _ => "invalid",
        };
        if self.path.as_os_str() == "-" {
            write!(f, "{what} endpoint data on standard input")?;
        } else {
            write!(f, "{what} endpoint file {}", self.path.display())?;
        }
        match &self.kind {
            FileErrorKind::TooLarge => write!(f, ": larger than {MAX_ENDPOINT_FILE_BYTES} bytes"),
            FileErrorKind::SeveralVpcs(vpcs) => write!(
                f,
                ": it holds endpoints of several VPCs ({}); set the VPC id (PRIVATELINK_VPC_ID, vpc_id(..), --vpc)",
                vpcs.join(", ")
            ),
            FileErrorKind::OtherVpc {
                described,
                expected,
            } => write!(
                f,
                ": it describes {described}, and this process's VPC is {expected}"
            ),
            FileErrorKind::Read(_) | FileErrorKind::Parse(_) => Ok(()),
        }
    }
}

impl Error for EndpointFileError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match &self.kind {
            FileErrorKind::Read(e) => Some(e.as_ref()),
            FileErrorKind::Parse(e) => Some(e.as_ref()),
            FileErrorKind::TooLarge
            | FileErrorKind::SeveralVpcs(_)
            | FileErrorKind::OtherVpc { .. } => None,
        }
    }
}
