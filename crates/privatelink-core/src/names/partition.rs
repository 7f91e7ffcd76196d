//! AWS partitions and AWS's other public service domains, from `data/partitions.tsv`, which
//! `scripts/gen-partitions.py` generates from botocore (`partitions.json` and the endpoint rule
//! sets) and CI checks against it. Nothing here is typed by hand.

use std::sync::LazyLock;

use super::DnsSuffix;

const TABLE: &str = include_str!("../../data/partitions.tsv");

/// One AWS partition.
#[derive(Debug)]
pub(crate) struct Partition {
    pub(crate) id: &'static str,
    /// `amazonaws.com`, `c2s.ic.gov`, …
    pub(crate) dns_suffix: &'static str,
    /// `api.aws`, `api.aws.ic.gov`, …
    pub(crate) dual_stack_suffix: &'static str,
    pattern: RegionPattern,
    /// The regions botocore lists (pseudo-regions such as `aws-global` included).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) regions: Vec<&'static str>,
}

impl Partition {
    /// Whether `label` is a region name of this partition (its pattern matches).
    pub(crate) fn is_region(&self, label: &str) -> bool {
        self.pattern.matches(label)
    }
}

/// Every partition and service domain.
#[derive(Debug)]
pub(crate) struct AwsDomains {
    pub(crate) partitions: Vec<Partition>,
    /// Public service domains under no partition suffix (`on.aws`, `signin.aws.amazon.com`, …).
    pub(crate) service_domains: Vec<&'static str>,
    /// Per [`DnsSuffix`] (by its index), the partitions with that DNS suffix: the request path
    /// checks a host's region against these only.
    by_suffix: [Vec<usize>; 2],
}

/// The table, parsed on first use. It is compiled in and checked by this module's tests, so it
/// always parses.
pub(crate) static AWS: LazyLock<AwsDomains> = LazyLock::new(|| match AwsDomains::parse(TABLE) {
    Ok(domains) => domains,
    Err(line) => unreachable!("data/partitions.tsv line {line} is malformed (see its tests)"),
});

impl AwsDomains {
    /// Parses the table; `Err(line number)` names the first malformed line.
    fn parse(table: &'static str) -> Result<Self, usize> {
        let mut out = AwsDomains {
            partitions: Vec::new(),
            service_domains: Vec::new(),
            by_suffix: Default::default(),
        };
        for (n, line) in table.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let fields: Vec<&'static str> = line.split('\t').collect();
            match fields.as_slice() {
                [
                    "partition",
                    id,
                    dns_suffix,
                    dual_stack_suffix,
                    pattern,
                    regions,
                ] => out.partitions.push(Partition {
                    id,
                    dns_suffix,
                    dual_stack_suffix,
                    pattern: RegionPattern::parse(pattern).ok_or(n + 1)?,
                    regions: regions.split(',').collect(),
                }),
                ["domain", domain, _services] => out.service_domains.push(domain),
                _ => return Err(n + 1),
            }
        }
        if out.partitions.is_empty() {
            return Err(0);
        }
        for suffix in DnsSuffix::ALL {
            out.by_suffix[suffix.index()] = (0..out.partitions.len())
                .filter(|&n| out.partitions[n].dns_suffix == suffix.as_str())
                .collect();
        }
        Ok(out)
    }
}

impl AwsDomains {
    /// Whether `label` is a region of a partition whose DNS suffix is `suffix`.
    pub(crate) fn is_region_of(&self, suffix: DnsSuffix, label: &str) -> bool {
        self.by_suffix[suffix.index()]
            .iter()
            .any(|&n| self.partitions[n].is_region(label))
    }
}

/// A region pattern as botocore writes them: `^` then literals, `\-`, alternatives `(a|b)`,
/// `\w+` and `\d+`, then `$`. Anything else does not parse.
#[derive(Debug)]
struct RegionPattern(Vec<Token>);

#[derive(Debug)]
enum Token {
    Literal(char),
    OneOf(Vec<&'static str>),
    /// `\w+`: one or more letters, digits or `_`.
    Word,
    /// `\d+`: one or more digits.
    Digits,
}

impl RegionPattern {
    fn parse(pattern: &'static str) -> Option<Self> {
        let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
        let mut tokens = Vec::new();
        let mut rest = body;
        while let Some(c) = rest.chars().next() {
            let (token, len) = match c {
                '\\' => match rest[1..].chars().next()? {
                    'w' if rest[2..].starts_with('+') => (Token::Word, 3),
                    'd' if rest[2..].starts_with('+') => (Token::Digits, 3),
                    '-' => (Token::Literal('-'), 2),
                    _ => return None,
                },
                '(' => {
                    let close = rest.find(')')?;
                    let alternatives: Vec<&'static str> = rest[1..close].split('|').collect();
                    if alternatives
                        .iter()
                        .any(|a| a.is_empty() || !a.bytes().all(|b| b.is_ascii_lowercase()))
                    {
                        return None;
                    }
                    (Token::OneOf(alternatives), close + 1)
                }
                c if c.is_ascii_lowercase() || c.is_ascii_digit() => (Token::Literal(c), 1),
                _ => return None,
            };
            tokens.push(token);
            rest = &rest[len..];
        }
        Some(RegionPattern(tokens))
    }

    fn matches(&self, text: &str) -> bool {
        matches_from(&self.0, text.as_bytes())
    }
}

/// Backtracking match of `tokens` against all of `text`.
fn matches_from(tokens: &[Token], text: &[u8]) -> bool {
    let Some((token, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    let run = |class: fn(&u8) -> bool| {
        let longest = text.iter().take_while(|b| class(b)).count();
        (1..=longest).rev().any(|n| matches_from(rest, &text[n..]))
    };
    match token {
        Token::Literal(c) => text.first() == Some(&(*c as u8)) && matches_from(rest, &text[1..]),
        Token::OneOf(alternatives) => alternatives
            .iter()
            .any(|a| text.starts_with(a.as_bytes()) && matches_from(rest, &text[a.len()..])),
        Token::Word => run(|b| b.is_ascii_alphanumeric() || *b == b'_'),
        Token::Digits => run(u8::is_ascii_digit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_region_matches_only_its_partition() {
        let aws = AwsDomains::parse(TABLE).unwrap();
        assert!(aws.partitions.len() >= 8, "{aws:?}");
        for partition in &aws.partitions {
            for region in partition.regions.iter().filter(|r| !r.ends_with("-global")) {
                let matching: Vec<&str> = aws
                    .partitions
                    .iter()
                    .filter(|p| p.is_region(region))
                    .map(|p| p.id)
                    .collect();
                assert_eq!(matching, [partition.id], "{region}");
            }
        }
        assert!(aws.service_domains.contains(&"on.aws"));
    }

    /// The request path classifies hosts under `amazonaws.com[.cn]` before it looks for
    /// dual-stack suffixes; that order is right only while no dual-stack suffix lies under them.
    #[test]
    fn no_dual_stack_suffix_is_under_a_suffix_with_a_known_endpoint_domain() {
        let aws = AwsDomains::parse(TABLE).unwrap();
        for partition in &aws.partitions {
            for suffix in DnsSuffix::ALL {
                assert!(
                    !super::super::is_under(partition.dual_stack_suffix, suffix.as_str()),
                    "{}",
                    partition.dual_stack_suffix
                );
            }
        }
        assert_eq!(
            aws.by_suffix[DnsSuffix::AmazonawsCom.index()].len(),
            2,
            "aws, aws-us-gov"
        );
        assert_eq!(
            aws.by_suffix[DnsSuffix::AmazonawsComCn.index()].len(),
            1,
            "aws-cn"
        );
    }

    #[test]
    fn patterns_match_whole_labels() {
        let aws = RegionPattern::parse(r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$").unwrap();
        for yes in ["us-east-1", "ap-southeast-7", "mx-central-1", "eu-west-10"] {
            assert!(aws.matches(yes), "{yes}");
        }
        for no in [
            "us-east-1a",
            "us-gov-west-1",
            "cn-north-1",
            "us-east-",
            "us--1",
            "US-EAST-1",
        ] {
            assert!(!aws.matches(no), "{no}");
        }
        let eusc = RegionPattern::parse(r"^eusc\-(de)\-\w+\-\d+$").unwrap();
        assert!(eusc.matches("eusc-de-east-1") && !eusc.matches("eusc-fr-east-1"));
        for bad in [r"us\-\w+", r"^us.*$", r"^(us|)\-\d+$", r"^\s+$"] {
            assert!(RegionPattern::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn malformed_lines_are_named() {
        assert_eq!(AwsDomains::parse("# only a comment\n").unwrap_err(), 0);
        assert_eq!(AwsDomains::parse("partition\taws\n").unwrap_err(), 1);
        assert_eq!(
            AwsDomains::parse("# c\npartition\taws\tamazonaws.com\tapi.aws\t^x.+$\tr\n")
                .unwrap_err(),
            2
        );
    }
}
