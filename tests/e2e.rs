//! End to end over loopback TLS: discovery through a signed `DescribeVpcEndpoints` to a peer,
//! then real S3 calls through the endpoint names to an S3 peer (s3s-fs) that checks SigV4.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::test_util::ManualTimeSource;
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use privatelink::core::{Policy, RefusalReason, RewriteError};
use privatelink::discovery::{CacheConfig, DiscoveryError};
use privatelink::{BuildError, PrivateLink, find_rewrite_error};
use privatelink_peers::{LoopbackVpc, VPC_ID, ZONE, https_get};
use privatelink_testkit::{ACCESS_KEY_ID, ResolvedHosts, SECRET_ACCESS_KEY};

const TTL: Duration = Duration::from_secs(900);

struct Rig {
    vpc: LoopbackVpc,
    sdk_config: SdkConfig,
    /// privatelink's clock (discovery and cache); S3 clients sign with the real clock.
    time: ManualTimeSource,
}

async fn rig() -> Rig {
    let vpc = LoopbackVpc::start().await.unwrap();
    let time = ManualTimeSource::new(real_now());
    let sdk_config = privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .http_client(vpc.http_client())
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .build();
    Rig {
        vpc,
        sdk_config,
        time,
    }
}

impl Rig {
    async fn privatelink(&self, policy: Policy, zone: Option<&str>) -> PrivateLink {
        let mut builder = PrivateLink::builder()
            .configure(&self.sdk_config)
            .vpc_id(VPC_ID)
            .policy(policy)
            .cache_config(CacheConfig::builder().ttl(TTL).build().unwrap());
        if let Some(zone) = zone {
            builder = builder.zone(zone);
        }
        builder.build().await.unwrap()
    }

    /// An S3 client through `privatelink`, recording the host each request was sent to.
    fn s3(
        &self,
        privatelink: &PrivateLink,
        path_style: bool,
        secret: &str,
    ) -> (aws_sdk_s3::Client, ResolvedHosts) {
        let sent = ResolvedHosts::default();
        let config = aws_sdk_s3::config::Builder::from(&self.sdk_config)
            .credentials_provider(Credentials::new(ACCESS_KEY_ID, secret, None, None, "e2e"))
            .time_source(SharedTimeSource::new(SystemTimeSource::new()))
            .force_path_style(path_style)
            // One attempt per call: an unreachable host fails at once instead of backing off.
            .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
            .interceptor(privatelink.interceptor())
            .interceptor(sent.clone())
            .build();
        (aws_sdk_s3::Client::from_conf(config), sent)
    }
}

#[tokio::test]
async fn s3_calls_go_through_the_zonal_endpoint_and_the_peer_accepts_their_signatures() {
    let rig = rig().await;
    let privatelink = rig.privatelink(Policy::Strict, Some(ZONE)).await;
    assert_eq!(rig.vpc.ec2.describe_calls(), 1);
    let (s3, sent) = rig.s3(&privatelink, false, SECRET_ACCESS_KEY);
    let zonal = LoopbackVpc::s3_name(Some(ZONE));
    let bucket_host = format!("e2e-bucket.bucket.{zonal}");

    s3.create_bucket()
        .bucket("e2e-bucket")
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("e2e-bucket")
        .key("dir/a b.txt")
        .body(ByteStream::from_static(b"payload"))
        .send()
        .await
        .unwrap();
    let object = s3
        .get_object()
        .bucket("e2e-bucket")
        .key("dir/a b.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        object.body.collect().await.unwrap().into_bytes().as_ref(),
        b"payload"
    );
    let listed = s3
        .list_objects_v2()
        .bucket("e2e-bucket")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed
            .contents()
            .iter()
            .map(|o| o.key().unwrap())
            .collect::<Vec<_>>(),
        ["dir/a b.txt"]
    );
    assert_eq!(sent.hosts(), vec![bucket_host; 4]);
    // The object is on the peer's disk.
    assert_eq!(
        std::fs::read(rig.vpc.s3.root().join("e2e-bucket/dir/a b.txt")).unwrap(),
        b"payload"
    );

    // Path style: `bucket.E/<bucket>`.
    let (path_style, sent) = rig.s3(&privatelink, true, SECRET_ACCESS_KEY);
    let listed = path_style
        .list_objects_v2()
        .bucket("e2e-bucket")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count(), Some(1));
    assert_eq!(sent.hosts(), [format!("bucket.{zonal}")]);
}

#[tokio::test]
async fn without_a_zone_the_regional_name_is_used() {
    let rig = rig().await;
    let privatelink = rig.privatelink(Policy::Prefer, None).await;
    let (s3, sent) = rig.s3(&privatelink, false, SECRET_ACCESS_KEY);
    s3.create_bucket().bucket("regional").send().await.unwrap();
    assert_eq!(
        sent.hosts(),
        [format!("regional.bucket.{}", LoopbackVpc::s3_name(None))]
    );
}

#[tokio::test]
async fn the_peers_check_signatures() {
    let rig = rig().await;
    let privatelink = rig.privatelink(Policy::Prefer, Some(ZONE)).await;
    let (s3, _) = rig.s3(&privatelink, false, "not-the-secret");
    let err = s3.list_buckets().send().await.unwrap_err();
    assert_eq!(
        err.raw_response().map(|r| r.status().as_u16()),
        Some(403),
        "{err:?}"
    );
    let requests = rig.vpc.s3.requests();
    assert!(
        requests >= 1,
        "the request reached the peer and was rejected there"
    );

    let wrong = rig
        .sdk_config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            ACCESS_KEY_ID,
            "not-the-secret",
            None,
            None,
            "e2e",
        )));
    let err = PrivateLink::builder()
        .configure(&wrong.build())
        .vpc_id(VPC_ID)
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BuildError::Discovery(DiscoveryError::InvalidCredentials(_))
        ),
        "{err:?}"
    );
    assert!(rig.vpc.ec2.rejected() >= 1);
}

#[tokio::test]
async fn strict_mode_refuses_before_any_byte_is_sent() {
    let rig = rig().await;
    let privatelink = rig.privatelink(Policy::Strict, Some(ZONE)).await;
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&rig.sdk_config)
            .interceptor(privatelink.interceptor())
            .build(),
    );
    let err = sts.get_caller_identity().send().await.unwrap_err();
    let Some(RewriteError::Refused(refused)) = find_rewrite_error(&err) else {
        panic!("{err:?}")
    };
    assert_eq!(
        (refused.host(), refused.service()),
        ("sts.us-east-1.amazonaws.com", "sts")
    );

    // S3 with dual-stack: a form no interface endpoint serves; refused, and the peer saw nothing.
    let dual_stack = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&rig.sdk_config)
            .use_dual_stack(true)
            .interceptor(privatelink.interceptor())
            .build(),
    );
    let err = dual_stack.list_buckets().send().await.unwrap_err();
    assert!(
        matches!(find_rewrite_error(&err), Some(RewriteError::Refused(_))),
        "{err:?}"
    );
    assert_eq!(rig.vpc.s3.requests(), 0);
}

#[tokio::test]
async fn an_endpoint_that_turns_pending_stops_being_used_after_refresh() {
    let rig = rig().await;
    let strict = rig.privatelink(Policy::Strict, Some(ZONE)).await;
    let prefer = rig.privatelink(Policy::Prefer, Some(ZONE)).await;
    let (s3_strict, _) = rig.s3(&strict, false, SECRET_ACCESS_KEY);
    s3_strict
        .create_bucket()
        .bucket("before")
        .send()
        .await
        .unwrap();
    let served = rig.vpc.s3.requests();

    rig.vpc.ec2.set_endpoints(LoopbackVpc::endpoints("pending"));
    rig.time.advance(TTL + Duration::from_secs(1));
    for privatelink in [&strict, &prefer] {
        let index = privatelink.refresh().await.unwrap();
        assert_eq!(index.usable_count(), 1, "only ec2 is usable now");
    }
    assert_eq!(rig.vpc.ec2.describe_calls(), 4);

    let err = s3_strict.list_buckets().send().await.unwrap_err();
    let Some(RewriteError::Refused(refused)) = find_rewrite_error(&err) else {
        panic!("{err:?}")
    };
    assert!(
        matches!(refused.reason(), RefusalReason::EndpointNotAvailable { state, .. } if state.as_str() == "pending"),
        "{refused}"
    );
    // Prefer mode leaves the request on the public host, which the loopback network cannot reach.
    let (s3_prefer, sent) = rig.s3(&prefer, false, SECRET_ACCESS_KEY);
    assert!(s3_prefer.list_buckets().send().await.is_err());
    assert_eq!(sent.hosts(), ["s3.us-east-1.amazonaws.com"]);
    assert_eq!(
        rig.vpc.s3.requests(),
        served,
        "nothing reached the endpoint after it turned pending"
    );
}

#[tokio::test]
async fn many_clients_and_requests_within_one_ttl_make_one_describe_call() {
    let rig = rig().await;
    let privatelink = rig.privatelink(Policy::Prefer, Some(ZONE)).await;
    let clients: Vec<_> = (0..5)
        .map(|_| rig.s3(&privatelink, false, SECRET_ACCESS_KEY).0)
        .collect();
    clients[0]
        .create_bucket()
        .bucket("shared")
        .send()
        .await
        .unwrap();
    for (i, client) in clients.iter().enumerate() {
        for j in 0..4 {
            client
                .put_object()
                .bucket("shared")
                .key(format!("{i}-{j}"))
                .body(ByteStream::from_static(b"x"))
                .send()
                .await
                .unwrap();
            privatelink.ensure_fresh().await.unwrap();
        }
    }
    // Within the shortest lifetime the default jitter allows a first snapshot (0.5 × TTL): no
    // new call.
    rig.time.advance(TTL.mul_f64(0.45));
    privatelink.ensure_fresh().await.unwrap();
    assert_eq!(rig.vpc.ec2.describe_calls(), 1);
    // Past the longest possible lifetime, the next check calls again.
    rig.time.advance(TTL.mul_f64(0.6));
    privatelink.ensure_fresh().await.unwrap();
    assert_eq!(rig.vpc.ec2.describe_calls(), 2);
    // A forced refresh calls at once, fresh or not.
    privatelink.refresh().await.unwrap();
    assert_eq!(rig.vpc.ec2.describe_calls(), 3);
}

#[tokio::test]
async fn a_presigned_url_names_the_endpoint_and_a_plain_https_client_can_fetch_it() {
    let rig = rig().await;
    let privatelink = rig.privatelink(Policy::Strict, Some(ZONE)).await;
    let (s3, _) = rig.s3(&privatelink, false, SECRET_ACCESS_KEY);
    s3.create_bucket().bucket("shared").send().await.unwrap();
    s3.put_object()
        .bucket("shared")
        .key("report.csv")
        .body(ByteStream::from_static(b"a,b\n1,2\n"))
        .send()
        .await
        .unwrap();
    let presigned = s3
        .get_object()
        .bucket("shared")
        .key("report.csv")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(300)).unwrap())
        .await
        .unwrap();
    let host = format!("shared.bucket.{}", LoopbackVpc::s3_name(Some(ZONE)));
    let path = presigned
        .uri()
        .strip_prefix(&format!("https://{host}"))
        .unwrap_or_else(|| panic!("not for the endpoint name: {}", presigned.uri()));
    assert!(
        path.starts_with("/report.csv?") && path.contains("X-Amz-Signature="),
        "{path}"
    );
    // No SDK, no credentials: a plain HTTPS GET of the URL, which the peer checks as SigV4.
    let before = rig.vpc.s3.requests();
    let body = https_get(rig.vpc.ca_pem(), rig.vpc.s3.address(), &host, path)
        .await
        .unwrap();
    assert_eq!(body, "a,b\n1,2\n");
    // The signature covers the path: the same query for another object is refused.
    let tampered = path.replace("/report.csv?", "/other.csv?");
    assert!(
        https_get(rig.vpc.ca_pem(), rig.vpc.s3.address(), &host, &tampered)
            .await
            .is_err()
    );
    assert_eq!(rig.vpc.s3.requests(), before + 2);
}

/// The real time, read once: privatelink's test clock starts there, so that the snapshot
/// deadlines it sets agree with the clock of SDK clients that sign with real time (the peers check
/// signatures against it), as they do in production, where both are the system clock.
fn real_now() -> std::time::SystemTime {
    use aws_smithy_async::time::TimeSource;
    aws_smithy_async::time::SystemTimeSource::new().now()
}

/// Builds with the ECS task metadata stand-in locating this process in the VPC (or, with
/// `vpc_id`, a VPC id configured as from outside it), the policy from code or the environment.
async fn located(
    rig: &Rig,
    configured_vpc: bool,
    policy: Option<Policy>,
    policy_env: Option<&str>,
    gateways: privatelink::GatewayEndpoints,
) -> Result<PrivateLink, BuildError> {
    let task = format!(r#"{{"LaunchType":"EC2","AvailabilityZone":"{ZONE}","VPCID":"{VPC_ID}"}}"#);
    let (base, _agent) = privatelink_peers::ecs_agent("200 OK", &task).await;
    let mut vars = std::collections::HashMap::from([(
        privatelink::discovery::ECS_METADATA_ENV.to_owned(),
        base,
    )]);
    if let Some(value) = policy_env {
        vars.insert(privatelink::POLICY_ENV.to_owned(), value.to_owned());
    }
    let mut builder = PrivateLink::builder()
        .configure(&rig.sdk_config)
        .environment(privatelink::discovery::Environment::from_map(vars))
        .gateway_endpoints(gateways);
    if configured_vpc {
        builder = builder.vpc_id(VPC_ID);
    }
    if let Some(policy) = policy {
        builder = builder.policy(policy);
    }
    builder.build().await
}

#[tokio::test]
async fn gateway_endpoints_first_inside_the_vpc_and_interface_endpoints_from_outside() {
    use privatelink::GatewayEndpoints::{Auto, Ignore, Use};
    let rig = rig().await;
    let url = "https://mybucket.s3.us-east-1.amazonaws.com/key";
    // (located by metadata, policy, setting) → gateway used
    for (inside, policy, setting, expected) in [
        (true, Policy::Prefer, Auto, true),
        (false, Policy::Prefer, Auto, false),
        (true, Policy::Strict, Auto, false),
        (true, Policy::Strict, Use, true),
        (false, Policy::Prefer, Use, true),
        (true, Policy::Prefer, Ignore, false),
    ] {
        let privatelink = located(&rig, !inside, Some(policy), None, setting)
            .await
            .unwrap();
        let case = format!("inside {inside}, {policy}, {setting:?}");
        assert_eq!(
            privatelink.location().unwrap().is_inside_vpc(),
            inside,
            "{case}"
        );
        let config = privatelink.rewrite_config();
        assert_eq!(config.gateway_endpoints(), expected, "{case}");
        let snapshot = privatelink.snapshot().unwrap();
        match config.rewrite_url(Some(&snapshot), url).unwrap() {
            privatelink::core::Outcome::Unchanged(privatelink::core::Unchanged::Gateway {
                endpoint_id,
            }) => {
                assert!(expected, "{case}");
                assert_eq!(endpoint_id, "vpce-0de11a9a7e0000004");
            }
            privatelink::core::Outcome::Rewritten(rewritten) => {
                assert!(!expected, "{case}");
                assert!(
                    rewritten.host().starts_with("mybucket.bucket.vpce-"),
                    "{case}"
                );
            }
            other => panic!("{case}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_policy_comes_from_code_then_privatelink_policy() {
    let rig = rig().await;
    let auto = privatelink::GatewayEndpoints::Auto;
    for (code, env, expected) in [
        (None, None, Policy::Prefer),
        (None, Some("strict"), Policy::Strict),
        (None, Some(" OFF "), Policy::Off),
        (Some(Policy::Prefer), Some("strict"), Policy::Prefer),
        (Some(Policy::Strict), Some("nonsense"), Policy::Strict),
    ] {
        let privatelink = located(&rig, true, code, env, auto).await.unwrap();
        assert_eq!(
            privatelink.rewrite_config().policy(),
            expected,
            "{code:?} {env:?}"
        );
    }
    let error = located(&rig, true, None, Some("stritc"), auto)
        .await
        .unwrap_err();
    let BuildError::Environment(context) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(context.variable(), "PRIVATELINK_POLICY");
    let chain = aws_smithy_types::error::display::DisplayErrorContext(&error).to_string();
    assert!(
        chain.contains("PRIVATELINK_POLICY")
            && chain.contains("stritc")
            && chain.contains("`strict`"),
        "{chain}"
    );
}
