//! Against moto, a third-party EC2 implementation that checks SigV4, started and seeded by
//! `scripts/rig.sh up` (TLS from the rig's CA; see `scripts/rig/moto_vpce_server.py`).
//!
//! Ignored by a plain `cargo test`: `./scripts/test.sh` starts the rig and runs these with
//! `--ignored --test-threads=1` (they read moto's request counters).

use std::net::SocketAddr;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_ec2::types::{Filter, Tag};
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::test_util::ManualTimeSource;
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use privatelink_core::{
    DnsSuffix, EndpointIndex, EndpointState, EndpointType, Policy, RefusalReason, RewriteConfig,
    RewriteError, SnapshotCell,
};
use privatelink_discovery::{DescribeEndpoints, DiscoveryError, Ec2Source, EndpointCache};
use privatelink_interceptor::{PrivateLinkInterceptor, find_rewrite_error};
use privatelink_peers::{S3Peer, TestCa, https_get};
use privatelink_testkit::ResolvedHosts;

const ZONE: &str = "us-east-1a";

struct Rig {
    address: SocketAddr,
    ca_pem: String,
    access_key: String,
    secret_key: String,
    vpc: String,
}

fn rig() -> Rig {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: run `scripts/rig.sh up && source .rig/env`")
        })
    };
    Rig {
        address: var("PRIVATELINK_RIG_EC2_ADDR").parse().unwrap(),
        ca_pem: std::fs::read_to_string(var("PRIVATELINK_RIG_CA")).unwrap(),
        access_key: var("PRIVATELINK_RIG_ACCESS_KEY"),
        secret_key: var("PRIVATELINK_RIG_SECRET_KEY"),
        vpc: var("PRIVATELINK_RIG_VPC"),
    }
}

impl Rig {
    /// EC2 (default and endpoint names) and STS reach moto; `extra` routes and CA add peers.
    fn sdk_config(
        &self,
        secret: &str,
        extra: Option<(&S3Peer, &TestCa)>,
        time: SharedTimeSource,
    ) -> SdkConfig {
        let mut routes = vec![
            ("ec2.us-east-1.amazonaws.com".to_owned(), self.address),
            ("ec2.us-east-1.vpce.amazonaws.com".to_owned(), self.address),
            ("sts.us-east-1.amazonaws.com".to_owned(), self.address),
        ];
        let mut cas = vec![self.ca_pem.as_str()];
        if let Some((s3, ca)) = extra {
            routes.push(("s3.us-east-1.vpce.amazonaws.com".to_owned(), s3.address()));
            cas.push(ca.ca_pem());
        }
        privatelink_testkit::sdk_config(&self.access_key, secret)
            .http_client(privatelink_peers::loopback_http_client(&cas, routes))
            .time_source(time)
            .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
            .build()
    }

    fn system_config(&self) -> SdkConfig {
        self.sdk_config(
            &self.secret_key,
            None,
            SharedTimeSource::new(SystemTimeSource::new()),
        )
    }

    /// (requests, DescribeVpcEndpoints calls) moto has received.
    async fn counts(&self) -> (u64, u64) {
        let body = https_get(
            &self.ca_pem,
            self.address,
            "ec2.us-east-1.amazonaws.com",
            "/privatelink/counts",
        )
        .await
        .unwrap();
        let counts: serde_json::Value = serde_json::from_str(&body).unwrap();
        (
            counts["requests"].as_u64().unwrap(),
            counts["describe_vpc_endpoints"].as_u64().unwrap(),
        )
    }
}

async fn discover(config: &SdkConfig, vpc: &str) -> EndpointIndex {
    EndpointIndex::new(Ec2Source::new(config).describe(vpc).await.unwrap())
}

#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn moto_describes_the_seeded_vpc_through_signed_calls() {
    let rig = rig();
    let index = discover(&rig.system_config(), &rig.vpc).await;
    let kinds: Vec<_> = index
        .endpoints()
        .iter()
        .map(|e| (e.endpoint_type().clone(), e.state().clone()))
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(
        index
            .endpoints()
            .iter()
            .all(|e| e.vpc_id() == Some(rig.vpc.as_str()))
    );
    assert!(kinds.contains(&(EndpointType::Gateway, EndpointState::Available)));

    let s3 = index
        .lookup("s3", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap();
    assert!(s3.is_usable() && s3.is_wildcard());
    let zones: Vec<_> = s3.zonal_names().map(|(zone, _)| zone).collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
    let ec2 = index
        .lookup("ec2", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap();
    assert!(ec2.is_usable() && ec2.private_dns_enabled());
    // kinesis-streams serves the label `kinesis`; the rig marked it pending.
    let kinesis = index
        .lookup("kinesis", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap();
    assert_eq!(kinesis.state(), &EndpointState::Pending);
    assert!(index.warnings().is_empty(), "{:?}", index.warnings());
}

/// A cross-region endpoint as EC2 describes it (the rig's shim: `ServiceRegion`, names of the
/// service's region with the VPC's zones): read through `aws-sdk-ec2` with its `ServiceRegion`,
/// indexed without a warning under the service's region, and reached by its regional name only.
#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn a_cross_region_endpoint_from_ec2_is_reached_by_its_regional_name() {
    let rig = rig();
    let vpc = std::env::var("PRIVATELINK_RIG_CROSS_VPC").expect("the rig's cross-region VPC");
    let index = discover(&rig.system_config(), &vpc).await;
    assert!(index.warnings().is_empty(), "{:?}", index.warnings());
    let kms = index
        .endpoints()
        .iter()
        .find(|e| e.service_name() == Some("com.amazonaws.us-west-2.kms"))
        .expect("the seeded KMS endpoint");
    assert_eq!(kms.service_region(), Some("us-west-2"));
    let indexed = index
        .lookup("kms", "us-west-2", DnsSuffix::AmazonawsCom)
        .expect("indexed under the service's region");
    assert!(indexed.is_cross_region());
    assert_eq!(
        indexed
            .zonal_names()
            .map(|(zone, _)| zone)
            .collect::<Vec<_>>(),
        [ZONE]
    );
    let regional = indexed.regional_name().unwrap().to_owned();
    let config = RewriteConfig::builder()
        .policy(Policy::Strict)
        .zone(ZONE)
        .build()
        .unwrap();
    let rewritten = config
        .rewrite_url(Some(&index), "https://kms.us-west-2.amazonaws.com/")
        .unwrap();
    let privatelink_core::Outcome::Rewritten(rewritten) = rewritten else {
        panic!("{rewritten:?}")
    };
    assert_eq!(rewritten.host(), regional);
    // The VPC's own region keeps its zonal name.
    let ec2 = index
        .lookup("ec2", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap();
    assert!(!ec2.is_cross_region());
    assert_eq!(
        ec2.name_for(Some(ZONE)),
        ec2.zonal_names().next().map(|(_, n)| n)
    );
}

#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn moto_rejects_a_wrong_secret() {
    let rig = rig();
    let config = rig.sdk_config(
        "not-the-secret",
        None,
        SharedTimeSource::new(SystemTimeSource::new()),
    );
    let err = Ec2Source::new(&config)
        .describe(&rig.vpc)
        .await
        .unwrap_err();
    let code = match &err {
        DiscoveryError::InvalidCredentials(e) => e.code().map(str::to_owned),
        other => panic!("{other:?}"),
    };
    assert!(
        matches!(
            code.as_deref(),
            Some("SignatureDoesNotMatch" | "AuthFailure" | "InvalidClientTokenId")
        ),
        "{err}: {code:?}"
    );
}

#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn an_ec2_call_to_the_zonal_endpoint_name_is_accepted_by_moto() {
    let rig = rig();
    let config = rig.system_config();
    let index = discover(&config, &rig.vpc).await;
    let expected = index
        .lookup("ec2", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap()
        .name_for(Some(ZONE))
        .unwrap()
        .to_owned();
    assert!(
        expected.contains("-us-east-1a.ec2.us-east-1.vpce.amazonaws.com"),
        "{expected}"
    );
    let interceptor = PrivateLinkInterceptor::from_index(
        index,
        RewriteConfig::builder()
            .zone(ZONE)
            .policy(Policy::Strict)
            .build()
            .unwrap(),
    );
    let sent = ResolvedHosts::default();
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&config)
            .interceptor(interceptor)
            .interceptor(sent.clone())
            .build(),
    );
    let output = ec2
        .describe_vpc_endpoints()
        .filters(Filter::builder().name("vpc-id").values(&rig.vpc).build())
        .send()
        .await
        .unwrap();
    assert_eq!(output.vpc_endpoints().len(), 4);
    assert_eq!(sent.hosts(), [expected]);
}

#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn s3_through_discovered_names_strict_refusals_and_one_call_per_ttl() {
    let rig = rig();
    let setup = rig.system_config();
    let ec2 = aws_sdk_ec2::Client::new(&setup);
    // A VPC of this test's own, so marking its endpoint pending disturbs no other test.
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.1.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.1.1.0/24")
        .availability_zone(ZONE)
        .send()
        .await
        .unwrap();
    let subnet = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
    let created = ec2
        .create_vpc_endpoint()
        .vpc_id(&vpc)
        .service_name("com.amazonaws.us-east-1.s3")
        .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Interface)
        .subnet_ids(&subnet)
        .send()
        .await
        .unwrap();
    let s3_endpoint = created
        .vpc_endpoint()
        .unwrap()
        .vpc_endpoint_id()
        .unwrap()
        .to_owned();

    // The S3 peer serves exactly the names moto gave the endpoint.
    let index = discover(&setup, &vpc).await;
    let entry = index
        .lookup("s3", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap();
    let names: Vec<String> = entry
        .regional_name()
        .into_iter()
        .chain(entry.zonal_names().map(|(_, n)| n))
        .map(str::to_owned)
        .collect();
    let zonal = entry.name_for(Some(ZONE)).unwrap().to_owned();
    let s3_ca = TestCa::new();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let s3_peer = S3Peer::start(&s3_ca, &name_refs, &rig.access_key, &rig.secret_key)
        .await
        .unwrap();

    // privatelink's clock is manual; clients sign with the real one.
    let time = ManualTimeSource::new(real_now());
    let config = rig.sdk_config(
        &rig.secret_key,
        Some((&s3_peer, &s3_ca)),
        SharedTimeSource::new(time.clone()),
    );
    let (_, describes_before) = rig.counts().await;
    let cache = EndpointCache::builder()
        .source(Ec2Source::new(&config))
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .build()
        .unwrap();
    cache.load(&vpc).await.unwrap();
    let cell: SnapshotCell = cache.cell(&vpc);
    let strict = RewriteConfig::builder()
        .zone(ZONE)
        .policy(Policy::Strict)
        .build()
        .unwrap();
    let interceptor = PrivateLinkInterceptor::new(cell.clone(), strict.clone())
        .with_keep_alive(cache.keep_alive());
    let client_config = |interceptor: PrivateLinkInterceptor, sent: &ResolvedHosts| {
        aws_sdk_s3::config::Builder::from(&config)
            .time_source(SharedTimeSource::new(SystemTimeSource::new()))
            .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
            .interceptor(interceptor)
            .interceptor(sent.clone())
            .build()
    };
    let sent = ResolvedHosts::default();
    let clients: Vec<_> = (0..3)
        .map(|_| aws_sdk_s3::Client::from_conf(client_config(interceptor.clone(), &sent)))
        .collect();
    clients[0]
        .create_bucket()
        .bucket("rig-bucket")
        .send()
        .await
        .unwrap();
    for (i, client) in clients.iter().enumerate() {
        client
            .put_object()
            .bucket("rig-bucket")
            .key(format!("k{i}"))
            .body(aws_sdk_s3::primitives::ByteStream::from_static(b"v"))
            .send()
            .await
            .unwrap();
        cache.load(&vpc).await.unwrap();
    }
    let object = clients[2]
        .get_object()
        .bucket("rig-bucket")
        .key("k0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        object.body.collect().await.unwrap().into_bytes().as_ref(),
        b"v"
    );
    let listed = clients[1]
        .list_objects_v2()
        .bucket("rig-bucket")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count(), Some(3));
    assert!(
        sent.hosts()
            .iter()
            .all(|h| *h == format!("rig-bucket.bucket.{zonal}")),
        "{:?}",
        sent.hosts()
    );
    // Path style goes to `bucket.E/<bucket>`.
    let path_sent = ResolvedHosts::default();
    let path_style = aws_sdk_s3::Client::from_conf(
        client_config(interceptor.clone(), &path_sent)
            .to_builder()
            .force_path_style(true)
            .build(),
    );
    assert_eq!(
        path_style
            .list_objects_v2()
            .bucket("rig-bucket")
            .send()
            .await
            .unwrap()
            .key_count(),
        Some(3)
    );
    assert_eq!(path_sent.hosts(), [format!("bucket.{zonal}")]);
    let (requests, describes) = rig.counts().await;
    assert_eq!(
        describes - describes_before,
        1,
        "one DescribeVpcEndpoints for many clients and requests"
    );

    // Strict: STS has no endpoint; refused, and moto (which serves STS) received nothing.
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&config)
            .interceptor(interceptor.clone())
            .build(),
    );
    let err = sts.get_caller_identity().send().await.unwrap_err();
    assert!(
        matches!(find_rewrite_error(&err), Some(RewriteError::Refused(_))),
        "{err:?}"
    );
    assert_eq!(
        rig.counts().await.0,
        requests,
        "the refused request never reached moto"
    );
    // Without strict mode the same call does reach moto (so the check above means something).
    let prefer = PrivateLinkInterceptor::new(cell.clone(), RewriteConfig::default());
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&config)
            .interceptor(prefer)
            .build(),
    );
    sts.get_caller_identity().send().await.unwrap();
    assert_eq!(rig.counts().await.0, requests + 1);

    // The endpoint turns pending; after the next refresh it is no longer used.
    ec2.create_tags()
        .resources(&s3_endpoint)
        .tags(
            Tag::builder()
                .key("privatelink:state")
                .value("pending")
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Past the default TTL: the next load calls EC2 again.
    time.advance(privatelink_discovery::DEFAULT_TTL + Duration::from_secs(60));
    let refreshed = cache.load(&vpc).await.unwrap();
    let served = s3_peer.requests();
    let outcome = strict.rewrite_url(
        Some(&refreshed),
        "https://rig-bucket.s3.us-east-1.amazonaws.com/k0",
    );
    assert!(
        matches!(&outcome, Err(RewriteError::Refused(r)) if matches!(r.reason(), RefusalReason::EndpointNotAvailable { state, .. } if state.as_str() == "pending")),
        "{outcome:?}"
    );
    let err = clients[1]
        .get_object()
        .bucket("rig-bucket")
        .key("k0")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(find_rewrite_error(&err), Some(RewriteError::Refused(_))),
        "{err:?}"
    );
    assert_eq!(
        s3_peer.requests(),
        served,
        "nothing reached the endpoint after it turned pending"
    );
}

/// The real time, read once: privatelink's test clock starts there, so that the snapshot
/// deadlines it sets agree with the clock of SDK clients that sign with real time (the peers check
/// signatures against it), as they do in production, where both are the system clock.
fn real_now() -> std::time::SystemTime {
    use aws_smithy_async::time::TimeSource;
    aws_smithy_async::time::SystemTimeSource::new().now()
}

/// A Fargate task's metadata: no `VPCID`, the MAC address of the task's network interface.
fn fargate_task(mac: &str) -> String {
    format!(
        r#"{{"Cluster":"default","LaunchType":"FARGATE","AvailabilityZone":"us-east-1a","Containers":[{{"Name":"app","Networks":[{{"NetworkMode":"awsvpc","IPv4Addresses":["10.0.1.9"],"AttachmentIndex":0,"MACAddress":"{mac}"}}]}}]}}"#
    )
}

/// Locates a process whose (stand-in) ECS task metadata is a Fargate task with `mac`, using
/// `config` for `DescribeNetworkInterfaces`.
async fn locate_fargate(
    mac: &str,
    config: &SdkConfig,
) -> Result<privatelink_discovery::Location, DiscoveryError> {
    let (base, _agent) = privatelink_peers::ecs_agent("200 OK", &fargate_task(mac)).await;
    let environment = privatelink_discovery::Environment::from_map(
        [(privatelink_discovery::ECS_METADATA_ENV.to_owned(), base)].into(),
    );
    privatelink_discovery::Locator::new()
        .environment(environment)
        .configure(config)
        .locate()
        .await
}

#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn a_fargate_task_is_located_by_its_network_interface() {
    let rig = rig();
    let mac = std::env::var("PRIVATELINK_RIG_FARGATE_MAC").unwrap();
    let location = locate_fargate(&mac, &rig.system_config()).await.unwrap();
    assert_eq!(
        (location.vpc_id(), location.zone(), location.found_by()),
        (
            rig.vpc.as_str(),
            Some("us-east-1a"),
            privatelink_discovery::FoundBy::TaskNetworkInterface
        )
    );
    assert!(location.is_inside_vpc());

    // Credentials without ec2:DescribeNetworkInterfaces: the error names the permission.
    let denied = privatelink_testkit::sdk_config(
        &std::env::var("PRIVATELINK_RIG_DENIED_ACCESS_KEY").unwrap(),
        &std::env::var("PRIVATELINK_RIG_DENIED_SECRET_KEY").unwrap(),
    )
    .http_client(privatelink_peers::loopback_http_client(
        &[rig.ca_pem.as_str()],
        vec![("ec2.us-east-1.amazonaws.com".to_owned(), rig.address)],
    ))
    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
    .build();
    let error = locate_fargate(&mac, &denied).await.unwrap_err();
    assert!(
        matches!(error, DiscoveryError::AccessDenied(_)),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("grant `ec2:DescribeNetworkInterfaces` on `*`"),
        "{error}"
    );

    // A MAC address no interface has: says so, naming it.
    let error = locate_fargate("0e:00:00:00:00:01", &rig.system_config())
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no interface with MAC address 0e:00:00:00:00:01"),
        "{error}"
    );
}

/// A locator in a Kubernetes pod (no metadata reachable) whose address is `address`.
async fn locate_pod(
    address: &str,
    config: &SdkConfig,
) -> Result<privatelink_discovery::Location, DiscoveryError> {
    let environment = privatelink_discovery::Environment::from_map(
        [
            (
                "KUBERNETES_SERVICE_HOST".to_owned(),
                "10.100.0.1".to_owned(),
            ),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        ]
        .into(),
    );
    privatelink_discovery::Locator::new()
        .environment(environment)
        .configure(config)
        .own_address(Some(address.parse().unwrap()))
        .locate()
        .await
}

/// EKS with the VPC CNI: a pod's address is a VPC address, on one of the node's interfaces. The
/// seed put one interface at the pod's address in the rig's VPC, and one address on interfaces
/// of two VPCs with the same CIDR block (the VPCs the seed printed are the oracle).
#[tokio::test]
#[ignore = "needs the moto rig: ./scripts/test.sh runs it"]
async fn a_pod_is_located_by_its_address_and_an_address_in_two_vpcs_is_refused() {
    let rig = rig();
    let var = |name: &str| std::env::var(name).unwrap();
    let location = locate_pod(&var("PRIVATELINK_RIG_POD_ADDRESS"), &rig.system_config())
        .await
        .unwrap();
    assert_eq!(
        (location.vpc_id(), location.zone(), location.found_by()),
        (
            rig.vpc.as_str(),
            Some("us-east-1a"),
            privatelink_discovery::FoundBy::OwnAddress
        )
    );

    let error = locate_pod(&var("PRIVATELINK_RIG_SHARED_ADDRESS"), &rig.system_config())
        .await
        .unwrap_err();
    let DiscoveryError::AmbiguousAddress(ambiguous) = &error else {
        panic!("{error:?}")
    };
    let mut expected = vec![rig.vpc.clone(), var("PRIVATELINK_RIG_TWIN_VPC")];
    expected.sort();
    assert_eq!(ambiguous.vpc_ids(), expected);

    // An address no interface holds: the chain goes on, and says why.
    let error = locate_pod("10.0.9.9", &rig.system_config())
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("this process's address: 10.0.9.9: no network interface"),
        "{error}"
    );
}
