// The invariants the fuzz targets check, shared with `crates/privatelink-core/tests/fuzz_corpus.rs`,
// which replays the committed corpus on stable Rust. Included with `include!`, so it is plain
// items with no module header.

/// Parses `text` as describe-vpc-endpoints JSON; if it parses, every indexed name is a `vpce-`
/// name under its partition's endpoint domain, and the export reads back to the same endpoints.
pub fn check_describe_json(text: &str) {
    let Ok(endpoints) = privatelink_core::parse_describe_vpc_endpoints(text) else {
        return;
    };
    let index = privatelink_core::EndpointIndex::new(endpoints.clone());
    for (_, _, suffix, endpoint) in index.entries() {
        let names = endpoint
            .regional_name()
            .into_iter()
            .chain(endpoint.zonal_names().map(|(_, name)| name));
        for name in names {
            assert!(
                name.starts_with("vpce-")
                    && name.ends_with(&format!(".{}", suffix.endpoint_domain())),
                "indexed a name outside the endpoint domain: {name}"
            );
        }
    }
    let exported = privatelink_core::export_json(index.endpoints(), None, None);
    let again = privatelink_core::parse_describe_vpc_endpoints(&exported)
        .unwrap_or_else(|e| panic!("the export does not read back: {e}\n{exported}"));
    assert_eq!(again, endpoints, "the export changed the endpoints");
}

/// The fixture the host mapper runs against.
pub const MAPPER_FIXTURE: &str = include_str!("../testdata/describe-vpc-endpoints.json");

/// Maps `url` (the bytes after the first) under the policy and zone the first byte selects: a
/// rewrite changes only the host, to a `vpce-` name under the endpoint domain; strict mode never
/// leaves a public AWS host unchanged.
pub fn check_host_mapper(index: &privatelink_core::EndpointIndex, data: &[u8]) {
    use privatelink_core::{Outcome, Policy, RewriteConfig};
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(url) = std::str::from_utf8(rest) else {
        return;
    };
    let policy = match selector % 3 {
        0 => Policy::Prefer,
        1 => Policy::Strict,
        _ => Policy::Off,
    };
    let mut config = RewriteConfig::builder().policy(policy);
    config.set_zone((selector & 0x10 != 0).then(|| "us-east-1a".to_owned()));
    let config = config.build().expect("a valid configuration");
    match config.rewrite_url(Some(index), url) {
        Ok(Outcome::Rewritten(rewritten)) => {
            let host = rewritten.host();
            assert!(
                host.contains("vpce-")
                    && (host.ends_with(".vpce.amazonaws.com")
                        || host.ends_with(".vpce.amazonaws.com.cn")),
                "rewrote {url} to {host}"
            );
            let original = rewritten.original_host();
            let start = url.find(original).expect("the original host is in the URL");
            let new = rewritten.url();
            assert_eq!(
                &new[..start],
                &url[..start],
                "the part before the host changed"
            );
            assert_eq!(
                &new[new.len() - (url.len() - start - original.len())..],
                &url[start + original.len()..],
                "the part after the host changed"
            );
        }
        Ok(Outcome::Unchanged(why)) if policy == Policy::Strict => {
            assert!(
                !is_public_aws_host(url_host(url)),
                "strict mode left {url} unchanged: {why:?}"
            );
        }
        _ => {}
    }
}

/// The host of an absolute URL, without its port.
pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The strict-mode oracle, written apart from the rules: a public AWS host is one under an AWS
/// service domain (the partitions' and the dual-stack ones), compared case-insensitively without
/// a trailing dot, except endpoint names (`*.vpce.amazonaws.com[.cn]`) and API Gateway private-API
/// aliases (`<10-char api id>-vpce-<8 or 17 hex>.execute-api.…`), whose public DNS answers with
/// the endpoint's own addresses.
pub fn is_public_aws_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    let aws = [
        "amazonaws.com",
        "amazonaws.com.cn",
        "api.aws",
        "api.amazonwebservices.com.cn",
    ]
    .iter()
    .any(|d| under(d));
    let endpoint = under("vpce.amazonaws.com") || under("vpce.amazonaws.com.cn");
    let mut labels = host.split('.');
    let alias = match (labels.next(), labels.next()) {
        (Some(first), Some("execute-api")) => first.split_once("-vpce-").is_some_and(|(id, e)| {
            id.len() == 10
                && id.bytes().all(|b| b.is_ascii_alphanumeric())
                && (e.len() == 8 || e.len() == 17)
                && e.bytes().all(|b| b.is_ascii_hexdigit())
        }),
        _ => false,
    };
    aws && !endpoint && !alias
}
