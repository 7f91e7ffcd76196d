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

/// Locates the host of `url` = `http[s]://host[:port][/path][?query][#fragment]` and checks it.
pub(crate) fn host_span(url: &str) -> Result<HostSpan, InvalidUrlError> {
    let span = locate_host(url)?;
    check_host(&url[span.range.clone()]).map_err(|problem| InvalidUrlError {
        url: url.to_owned(),
        problem,
    })?;
    Ok(span)
}

/// The host of an absolute `http(s)` URL, checked as a request's host is (the same reading the
/// decision makes): for tools that take URLs or hosts from people, such as `privatelink plan`.
pub fn url_host(url: &str) -> Result<&str, InvalidUrlError> {
    host_span(url).map(|span| &url[span.range])
}

/// [`host_span`] but for the host name's own check ([`check_host`]): the request path's memo
/// skips that check for a host it has already decided.
///
/// The request path runs this for every request, so it reads the URL twice at most: one check of
/// every byte that the compiler can do many bytes at a time, and one pass over the authority.
pub(crate) fn locate_host(url: &str) -> Result<HostSpan, InvalidUrlError> {
    let invalid = |problem| InvalidUrlError {
        url: url.to_owned(),
        problem,
    };
    if !all_printable(url.as_bytes()) {
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
    // The authority runs to the first `/`, `?` or `#`; on the way, where its first `:` is and
    // whether it has an `@`.
    let after = &url.as_bytes()[start..];
    let (mut len, mut first_colon, mut user_info) = (after.len(), None, false);
    for (i, &b) in after.iter().enumerate() {
        match b {
            b'/' | b'?' | b'#' => {
                len = i;
                break;
            }
            b':' if first_colon.is_none() => first_colon = Some(i),
            b'@' => user_info = true,
            _ => {}
        }
    }
    if user_info {
        return Err(invalid(UrlProblem::UserInfo));
    }
    let authority = &url[start..start + len];
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
        match first_colon {
            Some(colon) => (&authority[..colon], Some(&authority[colon + 1..])),
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
    Ok(HostSpan {
        range: start..start + host.len(),
    })
}

/// Whether every byte is printable ASCII other than space (`!` to `~`): no whitespace, control
/// or non-ASCII byte. No early exit, so the compiler checks many bytes per instruction.
fn all_printable(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |ok, &b| ok & (b.wrapping_sub(b'!') <= b'~' - b'!'))
}

/// The bytes of a host name's labels: letters, digits, `-` and `_`.
const HOST_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    table
};

/// Checks a host as it appears in a URL: an IPv6 literal in brackets, or a name of letters,
/// digits, `-`, `.` and `_` with no empty label.
fn check_host(host: &str) -> Result<(), UrlProblem> {
    if host.starts_with('[') {
        let ok = host.len() > 2
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        return if ok {
            Ok(())
        } else {
            Err(UrlProblem::InvalidHost)
        };
    }
    if host.is_empty() {
        return Err(UrlProblem::NoHost);
    }
    // One pass: every byte allowed, no empty label (no leading or doubled dot; one trailing dot
    // is the DNS root), the longest label.
    let (mut chars_ok, mut empty_label) = (true, false);
    let (mut label, mut longest) = (0, 0);
    for &b in host.as_bytes() {
        if b == b'.' {
            empty_label |= label == 0;
            longest = longest.max(label);
            label = 0;
        } else {
            chars_ok &= HOST_BYTE[usize::from(b)];
            label += 1;
        }
    }
    longest = longest.max(label);
    if !chars_ok || empty_label {
        return Err(UrlProblem::InvalidHost);
    }
    // A name DNS cannot carry (an S3 virtual-hosted bucket too long for a label, say): nothing
    // may be sent to it, rewritten or not.
    if host.len() > 253 || longest > 63 {
        return Err(UrlProblem::NameTooLong);
    }
    Ok(())
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
    use proptest::prelude::*;

    use super::*;

    /// A URL built from parts known to be valid, and its host.
    fn valid_url() -> impl Strategy<Value = (String, String)> {
        (
            prop::sample::select(vec!["https", "http", "HTTPS", "HtTp"]),
            prop::collection::vec("[a-zA-Z0-9_-]{1,20}", 1..5),
            any::<bool>(),
            prop::option::of(any::<u16>()),
            "([/?#][!-~]{0,30})?",
        )
            .prop_map(|(scheme, labels, root, port, rest)| {
                let host = labels.join(".") + if root { "." } else { "" };
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                (format!("{scheme}://{host}{port}{rest}"), host)
            })
    }

    proptest! {
        #[test]
        fn the_host_of_any_valid_url_is_found((url, host) in valid_url()) {
            let span = host_span(&url).unwrap();
            prop_assert_eq!(&url[span.range], host.as_str());
        }

        #[test]
        fn a_space_control_or_non_ascii_character_anywhere_is_an_error(
            (url, _) in valid_url(),
            at in any::<prop::sample::Index>(),
            bad in prop::sample::select(vec![' ', '\t', '\n', '\0', '\u{7f}', 'é', '\u{a0}']),
        ) {
            let mut url = url;
            url.insert(at.index(url.len() + 1), bad);
            let err = host_span(&url).unwrap_err();
            prop_assert_eq!(err.problem, UrlProblem::IllegalCharacter, "{}", url);
        }

        #[test]
        fn a_byte_no_host_name_has_makes_the_host_invalid(
            (url, host) in valid_url(),
            at in any::<prop::sample::Index>(),
            bad in prop::sample::select(vec!['%', '!', '$', '&', '\'', '(', '*', '+', ',', ';', '=', '~']),
        ) {
            let mut url = url;
            let start = url.find("://").unwrap() + 3;
            url.insert(start + at.index(host.len() + 1), bad);
            let err = host_span(&url).unwrap_err();
            prop_assert_eq!(err.problem, UrlProblem::InvalidHost, "{}", url);
        }
    }

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
            // One trailing dot is the DNS root: still the host.
            (
                "https://ec2.us-east-1.amazonaws.com.:443/",
                "ec2.us-east-1.amazonaws.com.",
            ),
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
            ("https://ec2.amazonaws.com/a\tb", "whitespace"),
            ("https://ec2.amazonaws.com/\x7f", "control"),
            ("https://.ec2.amazonaws.com/", "invalid host"),
            ("https://ec2.amazonaws.com../", "invalid host"),
            ("https://.", "invalid host"),
            ("https://ec2.amazonaws.com:80:90/", "invalid port"),
            ("https://[::1]x/", "invalid host"),
        ];
        for (url, problem) in cases {
            let err = host_span(url).unwrap_err();
            assert!(err.to_string().contains(problem), "{url}: {err}");
        }
    }
}
