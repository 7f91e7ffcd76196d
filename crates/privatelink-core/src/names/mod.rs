//! Shape rules for DNS names: what every name shares (partition suffixes, labels, regions), the
//! names in `DnsEntries` ([`entry`]), and the hosts SDK requests go to ([`host`]).
//!
//! Everything here works on names that are already ASCII-lowercased with any trailing dot removed
//! (see [`normalize`]); byte offsets into such a name equal those in the original.

use std::borrow::Cow;
use std::fmt;

pub(crate) mod address;
pub(crate) mod entry;
pub(crate) mod form;
pub(crate) mod host;
pub(crate) mod partition;
pub(crate) mod shape;

use partition::AWS;

/// The DNS suffix of an AWS partition, as it appears in service hosts.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DnsSuffix {
    /// `amazonaws.com`: the `aws` and `aws-us-gov` partitions.
    AmazonawsCom,
    /// `amazonaws.com.cn`: the `aws-cn` partition.
    AmazonawsComCn,
}

impl DnsSuffix {
    /// All suffixes, most specific first.
    pub(crate) const ALL: [DnsSuffix; 2] = [DnsSuffix::AmazonawsComCn, DnsSuffix::AmazonawsCom];

    /// The suffix without a leading dot, e.g. `amazonaws.com`.
    pub fn as_str(self) -> &'static str {
        match self {
            DnsSuffix::AmazonawsCom => "amazonaws.com",
            DnsSuffix::AmazonawsComCn => "amazonaws.com.cn",
        }
    }

    /// The domain of endpoint names in this partition, e.g. `vpce.amazonaws.com`.
    pub fn endpoint_domain(self) -> &'static str {
        match self {
            DnsSuffix::AmazonawsCom => "vpce.amazonaws.com",
            DnsSuffix::AmazonawsComCn => "vpce.amazonaws.com.cn",
        }
    }

    /// A service's default (public) host in a region of this partition:
    /// `default_host("ec2", "us-east-1")` is `ec2.us-east-1.amazonaws.com`.
    pub fn default_host(self, label: &str, region: &str) -> String {
        format!("{label}.{region}.{}", self.as_str())
    }

    pub(crate) fn index(self) -> usize {
        match self {
            DnsSuffix::AmazonawsCom => 0,
            DnsSuffix::AmazonawsComCn => 1,
        }
    }

    /// Whether `label` is a region of a partition with this DNS suffix (`aws` and `aws-us-gov`
    /// for `amazonaws.com`, `aws-cn` for `amazonaws.com.cn`), by the partitions' region patterns.
    pub(crate) fn is_region(self, label: &str) -> bool {
        AWS.is_region_of(self, label)
    }

    /// `name` without `.<suffix>`, if it ends in exactly that (a whole-label match).
    pub(crate) fn strip(self, name: &str) -> Option<&str> {
        strip_domain(name, self.as_str())
    }

    /// `name` without `.vpce.<suffix>`, if it ends in exactly that.
    pub(crate) fn strip_endpoint_domain(self, name: &str) -> Option<&str> {
        strip_domain(name, self.endpoint_domain())
    }
}

impl fmt::Display for DnsSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `name` without `.domain`, when `name` ends in `.domain` on a label boundary and has something before it.
pub(crate) fn strip_domain<'a>(name: &'a str, domain: &str) -> Option<&'a str> {
    let rest = name.strip_suffix(domain)?.strip_suffix('.')?;
    (!rest.is_empty()).then_some(rest)
}

/// `name` split at its last `.`: the labels before it and the last label. A plain byte loop: the
/// request path splits short names several times per request, where a searcher's set-up costs
/// more than the search.
pub(crate) fn split_last_label(name: &str) -> Option<(&str, &str)> {
    let dot = name.bytes().rposition(|b| b == b'.')?;
    Some((&name[..dot], &name[dot + 1..]))
}

/// `host` is `domain` or a name under it.
pub(crate) fn is_under(host: &str, domain: &str) -> bool {
    host == domain || strip_domain(host, domain).is_some()
}

/// ASCII-lowercases `name` and removes one trailing dot (`ec2.us-east-1.amazonaws.com.` is the same
/// host as without the dot, and must be treated so). Borrows when nothing changes.
pub(crate) fn normalize(name: &str) -> Cow<'_, str> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// A DNS label of letters, digits and hyphens (lowercase), 1 to 63 characters, not starting or
/// ending with a hyphen.
pub(crate) fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `label` is a region name of any partition (by the partitions' region patterns).
pub(crate) fn is_any_region(label: &str) -> bool {
    AWS.partitions.iter().any(|p| p.is_region(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_by_partition() {
        use DnsSuffix::{AmazonawsCom as Com, AmazonawsComCn as Cn};
        for (label, suffix, yes) in [
            ("us-east-1", Com, true),
            ("us-gov-west-1", Com, true),
            ("ap-southeast-7", Com, true),
            ("cn-north-1", Cn, true),
            ("cn-north-1", Com, false),
            ("us-east-1", Cn, false),
            ("us-iso-east-1", Com, false),
            ("us-east-1a", Com, false),
            ("US-EAST-1", Com, false),
            ("global", Com, false),
        ] {
            assert_eq!(suffix.is_region(label), yes, "{label} {suffix}");
        }
        for yes in [
            "eu-isoe-west-1",
            "eusc-de-east-1",
            "us-isob-east-1",
            "us-isof-south-1",
        ] {
            assert!(is_any_region(yes), "{yes}");
        }
        for no in [
            "",
            "us",
            "us-east",
            "vpce",
            "s3",
            "east-1",
            "us--1",
            "us-east-x",
        ] {
            assert!(!is_any_region(no), "{no}");
        }
    }

    #[test]
    fn default_hosts() {
        assert_eq!(
            DnsSuffix::AmazonawsCom.default_host("api.ecr", "us-east-1"),
            "api.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(
            DnsSuffix::AmazonawsComCn.default_host("s3", "cn-north-1"),
            "s3.cn-north-1.amazonaws.com.cn"
        );
    }
}
