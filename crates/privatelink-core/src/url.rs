//! Finding the host of an absolute `http(s)` URL, so it can be replaced without touching any
//! other byte.

use std::error::Error;
use std::fmt;
use std::ops::Range;

/// The position of the host in an absolute URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HostSpan {
    pub(crate) range: Range<usize>,
}

/// Locates the host of `url` = `http[s]://host[:port][/path][?query][#fragment]`.
pub(crate) fn host_span(url: &str) -> Result<HostSpan, InvalidUrlError> {
    let invalid = |problem| InvalidUrlError {
        url: url.to_owned(),
        problem,
    };
    // One pass over the URL for what may appear nowhere in it; the request path runs this for
    // every request, so the scans below are byte loops (no substring searchers).
    if url
        .bytes()
        .any(|b| b.is_ascii_control() || b == b' ' || !b.is_ascii())
    {
        return Err(invalid(UrlProblem::IllegalCharacter));
    }
    let starts_with = |prefix: &str| {
        url.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    let start = if starts_with("https://") {
        8
    } else if starts_with("http://") {
        7
    } else if url.contains("://") {
        return Err(invalid(UrlProblem::UnsupportedScheme));
    } else {
        return Err(invalid(UrlProblem::NotAbsolute));
    };
    let after = &url[start..];
    let authority_len = after
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(after.len());
    let authority = &after[..authority_len];
    if authority.contains('@') {
        return Err(invalid(UrlProblem::UserInfo));
    }
    let (host, port) = if authority.starts_with('[') {
        let close = authority
            .find(']')
            .ok_or_else(|| invalid(UrlProblem::InvalidHost))?;
        let rest = &authority[close + 1..];
        let port = match rest.strip_prefix(':') {
            Some(port) => Some(port),
            None if rest.is_empty() => None,
            None => return Err(invalid(UrlProblem::InvalidHost)),
        };
        (&authority[..=close], port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(port) = port
        && (port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err(invalid(UrlProblem::InvalidPort));
    }
    check_host(host).map_err(invalid)?;
    Ok(HostSpan {
        range: start..start + host.len(),
    })
}

/// Checks a host as it appears in a URL: an IPv6 literal in brackets, or a name of letters,
/// digits, `-`, `.` and `_` with no empty label.
fn check_host(host: &str) -> Result<(), UrlProblem> {
    let (host_ok, longest_label) = if host.starts_with('[') {
        let ok = host.len() > 2
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        (ok, 0)
    } else {
        // Letters, digits, `-`, `_` and single dots, not first; the longest label, in one pass.
        let mut ok = !host.is_empty() && !host.starts_with('.');
        let (mut label, mut longest, mut after_dot) = (0, 0, false);
        for b in host.bytes() {
            if b == b'.' {
                ok &= !after_dot;
                longest = longest.max(label);
                (label, after_dot) = (0, true);
            } else {
                ok &= b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
                (label, after_dot) = (label + 1, false);
            }
        }
        (ok, longest.max(label))
    };
    match host_ok {
        true if host.starts_with('[') => Ok(()),
        // A name DNS cannot carry (an S3 virtual-hosted bucket too long for a label, say):
        // nothing may be sent to it, rewritten or not.
        true if host.len() > 253 || longest_label > 63 => Err(UrlProblem::NameTooLong),
        true => Ok(()),
        false if host.is_empty() => Err(UrlProblem::NoHost),
        false => Err(UrlProblem::InvalidHost),
    }
}

/// Checks a host given on its own (dial mode's name to resolve), as [`host_span`] checks a URL's.
/// The error carries the host where it would carry the URL.
pub(crate) fn check_bare_host(host: &str) -> Result<(), InvalidUrlError> {
    check_host(host).map_err(|problem| InvalidUrlError {
        url: host.to_owned(),
        problem,
    })
}

/// A URL that is not an absolute `http`/`https` URL with a valid host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidUrlError {
    url: String,
    problem: UrlProblem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UrlProblem {
    IllegalCharacter,
    NotAbsolute,
    UnsupportedScheme,
    UserInfo,
    NoHost,
    InvalidHost,
    NameTooLong,
    InvalidPort,
}

impl InvalidUrlError {
    /// The URL as given.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for InvalidUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = match self.problem {
            UrlProblem::IllegalCharacter => "contains whitespace, control or non-ASCII characters",
            UrlProblem::NotAbsolute => {
                "is not an absolute URL (expected http://host/… or https://host/…)"
            }
            UrlProblem::UnsupportedScheme => "has a scheme other than http or https",
            UrlProblem::UserInfo => {
                "contains user information (`user@`), which AWS request URLs never have"
            }
            UrlProblem::NoHost => "has no host",
            UrlProblem::InvalidHost => "has an invalid host",
            UrlProblem::NameTooLong => {
                "has a host DNS cannot carry (a label over 63 characters, or over 253 in all)"
            }
            UrlProblem::InvalidPort => "has an invalid port",
        };
        write!(f, "invalid URL `{}`: it {problem}", self.url)
    }
}

impl Error for InvalidUrlError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_host() {
        let cases = [
            (
                "https://ec2.us-east-1.amazonaws.com/",
                "ec2.us-east-1.amazonaws.com",
            ),
            (
                "https://ec2.us-east-1.amazonaws.com",
                "ec2.us-east-1.amazonaws.com",
            ),
            (
                "HTTPS://EC2.us-east-1.amazonaws.com:8443/a?b#c",
                "EC2.us-east-1.amazonaws.com",
            ),
            (
                "http://b.s3.us-east-1.amazonaws.com?list-type=2",
                "b.s3.us-east-1.amazonaws.com",
            ),
            ("http://localhost:4566/x", "localhost"),
            ("http://[::1]:8080/x", "[::1]"),
            ("http://127.0.0.1/x", "127.0.0.1"),
        ];
        for (url, host) in cases {
            let span = host_span(url).unwrap();
            assert_eq!(&url[span.range], host, "{url}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_http_url() {
        let cases = [
            ("", "not an absolute URL"),
            ("ec2.us-east-1.amazonaws.com", "not an absolute URL"),
            ("s3://bucket/key", "scheme other than http"),
            ("https://", "has no host"),
            ("https:///path", "has no host"),
            (
                "https://user:pw@ec2.us-east-1.amazonaws.com/",
                "user information",
            ),
            ("https://ec2.us-east-1.amazonaws.com:99999/", "invalid port"),
            ("https://ec2.us-east-1.amazonaws.com:/", "invalid port"),
            ("https://ec2.us-east-1.amazonaws.com:8a/", "invalid port"),
            ("https://ec2 .amazonaws.com/", "whitespace"),
            ("https://ec2..amazonaws.com/", "invalid host"),
            ("https://ex%41mple.com/", "invalid host"),
            ("https://[::1/", "invalid host"),
            ("https://bücher.example/", "non-ASCII"),
        ];
        for (url, problem) in cases {
            let err = host_span(url).unwrap_err();
            assert!(err.to_string().contains(problem), "{url}: {err}");
        }
    }
}
