//! The request path's router: it decides as `RewriteConfig::route` does (the mapping table in
//! `rules.rs` checks every row both ways), and here, what it remembers and when it stops using
//! what it remembers.

use std::time::{Duration, SystemTime};

use privatelink_core::{
    EndpointIndex, Policy, REMEMBERED_HOSTS, RefusalReason, RewriteConfig, RewriteError, Routed,
    Router, SnapshotCell, UnchangedReason, index_from_describe_json,
};

const FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");
const STS: &str = "https://sts.us-east-1.amazonaws.com/";
const STS_ENDPOINT: &str =
    "https://vpce-0575000000000000c3-ks83awe7.sts.us-east-1.vpce.amazonaws.com/";
const T0: SystemTime = SystemTime::UNIX_EPOCH;

fn index() -> EndpointIndex {
    index_from_describe_json(FIXTURE).expect("fixture parses")
}

fn config(policy: Policy) -> RewriteConfig {
    RewriteConfig::builder().policy(policy).build().unwrap()
}

fn rewritten_to(routed: Result<Routed, RewriteError>) -> String {
    match routed {
        Ok(Routed::Rewritten { url, .. }) => url,
        other => panic!("expected a rewrite, got {other:?}"),
    }
}

fn refusal(routed: Result<Routed, RewriteError>) -> RefusalReason {
    match routed {
        Err(RewriteError::Refused(refused)) => refused.reason().clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_new_snapshot_is_decided_afresh() {
    let cell = SnapshotCell::with_index(index());
    let router = Router::new(cell.clone(), config(Policy::Strict));
    assert_eq!(rewritten_to(router.route_url(STS, T0)), STS_ENDPOINT);
    assert_eq!(router.remembered(), 1);

    // The STS endpoint is deleted: the next snapshot has none.
    cell.publish(EndpointIndex::new(Vec::new()));
    assert_eq!(router.remembered(), 0);
    assert!(matches!(
        refusal(router.route_url(STS, T0)),
        RefusalReason::NoEndpoint { .. }
    ));

    // And back: a snapshot equal to the first is still a new one, decided again.
    cell.publish(index());
    assert_eq!(router.remembered(), 0);
    assert_eq!(rewritten_to(router.route_url(STS, T0)), STS_ENDPOINT);
    assert_eq!(router.remembered(), 1);
}

#[test]
fn past_the_snapshot_deadline_nothing_remembered_is_used() {
    let deadline = T0 + Duration::from_secs(100);
    let cell = SnapshotCell::new();
    cell.publish_until(index(), deadline);
    let strict = Router::new(cell.clone(), config(Policy::Strict));
    let prefer = Router::new(cell, config(Policy::Prefer));
    for router in [&strict, &prefer] {
        assert_eq!(rewritten_to(router.route_url(STS, deadline)), STS_ENDPOINT);
        assert_eq!(router.remembered(), 1);
    }
    let late = deadline + Duration::from_secs(1);
    assert_eq!(
        refusal(strict.route_url(STS, late)),
        RefusalReason::NoSnapshot
    );
    assert_eq!(
        prefer.route_url(STS, late),
        Ok(Routed::Unchanged(UnchangedReason::NotMapped))
    );
}

#[test]
fn errors_are_decided_every_time_and_never_remembered() {
    let router = Router::new(
        SnapshotCell::with_index(EndpointIndex::new(Vec::new())),
        config(Policy::Strict),
    );
    for url in [
        STS,
        STS,
        "https://sts.us-east-1.amazonaws.com:99999/",
        "not a url",
    ] {
        assert!(router.route_url(url, T0).is_err(), "{url}");
    }
    assert_eq!(router.remembered(), 0);
}

#[test]
fn at_most_the_bound_is_remembered_and_later_hosts_are_still_decided() {
    let index = index();
    let config = config(Policy::Prefer);
    let router = Router::new(SnapshotCell::with_index(index.clone()), config.clone());
    let urls: Vec<String> = (0..REMEMBERED_HOSTS + 40)
        .map(|i| format!("https://bucket-{i}.s3.us-east-1.amazonaws.com/key-{i}"))
        .collect();
    for round in 0..2 {
        for url in &urls {
            let decided = config.route(Some(&index), url);
            assert!(matches!(decided, Ok(Routed::Rewritten { .. })), "{url}");
            assert_eq!(router.route_url(url, T0), decided, "{url}, round {round}");
        }
        assert_eq!(router.remembered(), REMEMBERED_HOSTS);
    }
}

#[test]
fn threads_sharing_a_router_get_the_decision_for_their_own_host() {
    let index = index();
    let config = config(Policy::Prefer);
    let router = Router::new(SnapshotCell::with_index(index.clone()), config.clone());
    let services = [
        "ec2",
        "sts",
        "ssm",
        "sqs",
        "logs",
        "kms",
        "monitoring",
        "api.ecr",
    ];
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (router, index, config) = (&router, &index, &config);
            scope.spawn(move || {
                for round in 0..50 {
                    let service = services[(thread + round) % services.len()];
                    for url in [
                        format!("https://{service}.us-east-1.amazonaws.com/"),
                        format!("https://t{thread}-{round}.s3.us-east-1.amazonaws.com/k"),
                    ] {
                        let decided = config.route(Some(index), &url);
                        assert_eq!(router.route_url(&url, T0), decided, "{url}");
                    }
                }
            });
        }
    });
    assert!(router.remembered() <= REMEMBERED_HOSTS);
    assert!(router.remembered() >= services.len());
}

/// What a dial-mode connector asks for a request whose host is an IP literal (no resolver is
/// asked about one): the literal's decision, and nothing for a name.
#[test]
fn a_connector_gets_a_decision_for_an_ip_literal_and_none_for_a_name() {
    let cell = SnapshotCell::with_index(index());
    let strict = Router::new(cell.clone(), config(Policy::Strict));
    for url in [
        "https://52.94.0.1/",
        "https://52.94.0.1:443/?Action=GetCallerIdentity",
        "https://[2600:1f18::1]/",
        "http://2130706433/",
        "https://[::ffff:52.94.0.1]:8443/x",
    ] {
        assert_eq!(
            refusal(strict.route_address(url, T0).map(Option::unwrap)),
            RefusalReason::PublicIpAddress,
            "{url}"
        );
    }
    for url in [
        "https://10.0.0.5/",
        "https://[fd00::5]/",
        "http://127.0.0.1:8080/",
    ] {
        assert!(
            matches!(
                strict.route_address(url, T0),
                Ok(Some(Routed::Unchanged(_)))
            ),
            "{url}"
        );
    }
    // A name is the resolver's to decide.
    assert!(matches!(strict.route_address(STS, T0), Ok(None)));
    assert!(matches!(
        strict.route_address("ftp://52.94.0.1/", T0),
        Err(RewriteError::InvalidUrl(_))
    ));
    // Prefer mode connects to any literal.
    let prefer = Router::new(cell, config(Policy::Prefer));
    assert!(matches!(
        prefer.route_address("https://52.94.0.1/", T0),
        Ok(Some(Routed::Unchanged(_)))
    ));
}

/// Prefer mode's record of the public hosts it left requests on (what strict would refuse):
/// per host, with its service, region and count, whichever mode asked; a host with an endpoint,
/// a host that is not AWS's and strict's refusals are not in it; at most `MAX_PUBLIC_HOSTS`
/// hosts, the rest counted.
#[test]
fn prefer_records_the_public_hosts_strict_would_refuse() {
    use std::sync::Arc;

    use privatelink_core::{MAX_PUBLIC_HOSTS, PublicHosts};

    let record = Arc::new(PublicHosts::new());
    let cell = SnapshotCell::with_index(index());
    let router =
        Router::new(cell.clone(), config(Policy::Prefer)).record_public_hosts(record.clone());
    let sqs = "https://sqs.us-east-1.amazonaws.com/";
    for _ in 0..3 {
        assert!(matches!(
            router.route_url(sqs, T0),
            Ok(Routed::Unchanged(UnchangedReason::NotMapped))
        ));
    }
    // Dial mode asks by host.
    assert!(matches!(
        router.route_host("kms.eu-west-1.amazonaws.com", T0),
        Ok(Routed::Unchanged(UnchangedReason::NotMapped))
    ));
    assert_eq!(rewritten_to(router.route_url(STS, T0)), STS_ENDPOINT);
    router.route_url("https://example.com/", T0).unwrap();

    let report = record.report();
    let rows: Vec<(&str, &str, Option<&str>, u64)> = report
        .hosts
        .iter()
        .map(|h| {
            (
                h.host.as_str(),
                h.service.as_str(),
                h.region.as_deref(),
                h.requests,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("kms.eu-west-1.amazonaws.com", "kms", Some("eu-west-1"), 1),
            ("sqs.us-east-1.amazonaws.com", "sqs", Some("us-east-1"), 3),
        ]
    );
    assert_eq!(report.unrecorded, 0);

    // The record as a document (what `privatelink plan --record` reads), and back: hosts and
    // counts; the reasons are for people (a plan decides again against the endpoints of then).
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["PrivateLinkPublicHosts"], 1);
    assert_eq!(json["Hosts"][1]["Service"], "sqs");
    assert_eq!(json["Hosts"][1]["Region"], "us-east-1");
    assert_eq!(
        json["Hosts"][1]["Reason"],
        "the VPC has no interface endpoint for it in us-east-1"
    );
    let (read, unrecorded) = privatelink_core::read_public_hosts(&report.to_json()).unwrap();
    let read: Vec<(&str, u64)> = read.iter().map(|h| (h.host.as_str(), h.requests)).collect();
    assert_eq!(
        read,
        [
            ("kms.eu-west-1.amazonaws.com", 1),
            ("sqs.us-east-1.amazonaws.com", 3)
        ]
    );
    assert_eq!(unrecorded, 0);
    let unsupported = r#"{"PrivateLinkPublicHosts": 2, "Hosts": []}"#;
    assert_eq!(
        privatelink_core::read_public_hosts(unsupported)
            .unwrap_err()
            .to_string(),
        "public-hosts record version 2 is not supported (this version reads 1)"
    );
    assert!(privatelink_core::read_public_hosts(r#"{"Hosts": [{"Host": "a"}]}"#).is_err());

    // Strict refuses them: nothing recorded.
    let strict_record = Arc::new(PublicHosts::new());
    let strict =
        Router::new(cell, config(Policy::Strict)).record_public_hosts(strict_record.clone());
    assert!(strict.route_url(sqs, T0).is_err());
    assert!(strict_record.report().hosts.is_empty());

    // Bounded: hosts past the first MAX_PUBLIC_HOSTS are counted, not kept.
    for bucket in 0..MAX_PUBLIC_HOSTS + 10 {
        let host = format!("b{bucket}.s3.eu-west-1.amazonaws.com");
        assert!(matches!(
            router.route_host(&host, T0),
            Ok(Routed::Unchanged(UnchangedReason::NotMapped))
        ));
    }
    let report = record.report();
    assert_eq!(report.hosts.len(), MAX_PUBLIC_HOSTS);
    // Two hosts before, so 254 of the buckets fit and 12 did not.
    assert_eq!(report.unrecorded, 12);
}
