//! Dial mode in process: S3 and EC2 peers over loopback TLS whose certificates name only the
//! default hosts (as some services' endpoints do), reached through `PrivateLink::dial_config`.
//!
//! The peers listen on ephemeral ports, so clients carry `endpoint_url("https://<default
//! host>:<port>")`: the host stays the default one, and only the resolver decides where the
//! connection goes. The stand-in for the VPC's DNS answers endpoint names with 127.0.0.1 and
//! refuses every other name, so a test that passes never resolved a default AWS name.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_async::test_util::ManualTimeSource;
use aws_smithy_async::time::SharedTimeSource;
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::{ResolveDns, SharedDnsResolver};
use aws_types::SdkConfig;
use privatelink::core::{
    Policy, RefusalReason, RewriteConfig, RewriteError, SnapshotCell, export_json,
};
use privatelink::dial::DialResolver;
use privatelink::discovery::DescribeEndpoints;
use privatelink::{PrivateLink, find_rewrite_error};
use privatelink_peers::{Ec2Peer, LoopbackVpc, S3Peer, TestCa, VPC_ID, ZONE};
use privatelink_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY, SlowDns, SuffixDns};

/// The VPC's resolver: `*.vpce.amazonaws.com` → 127.0.0.1, anything else fails; records names.
fn vpc_dns() -> SuffixDns {
    SuffixDns::new(vec![(
        ".vpce.amazonaws.com",
        IpAddr::V4(Ipv4Addr::LOCALHOST),
    )])
}

struct Rig {
    ca: TestCa,
    dns: SuffixDns,
    _dir: tempfile::TempDir,
    file: std::path::PathBuf,
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let file = LoopbackVpc::endpoints_file(dir.path());
    Rig {
        ca: TestCa::new(),
        dns: vpc_dns(),
        _dir: dir,
        file,
    }
}

impl Rig {
    async fn privatelink(&self, policy: Policy) -> PrivateLink {
        PrivateLink::builder()
            .endpoints_file(&self.file)
            .vpc_id(VPC_ID)
            .zone(ZONE)
            .policy(policy)
            .dns_resolver(self.dns.clone())
            .trust_store(TrustStore::empty().with_pem_certificate(self.ca.ca_pem()))
            .build()
            .await
            .unwrap()
    }

    /// A peer for S3's default names only.
    async fn s3_peer(&self) -> S3Peer {
        S3Peer::start_for_default_names(&self.ca, "us-east-1", ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            .await
            .unwrap()
    }
}

fn caller_config() -> SdkConfig {
    privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .app_name(aws_types::app_name::AppName::new("dial-test").unwrap())
        .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            aws_smithy_types::timeout::TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(20))
                .build(),
        )
        .build()
}

fn s3_client(config: &SdkConfig, peer: &S3Peer) -> aws_sdk_s3::Client {
    let port = peer.address().port();
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .endpoint_url(format!("https://s3.us-east-1.amazonaws.com:{port}"))
            .build(),
    )
}

#[tokio::test]
async fn dial_mode_reaches_an_endpoint_whose_certificate_names_only_the_default_host() {
    let rig = rig();
    let peer = rig.s3_peer().await;
    let privatelink = rig.privatelink(Policy::Strict).await;
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);

    s3.create_bucket().bucket("dialed").send().await.unwrap();
    s3.put_object()
        .bucket("dialed")
        .key("k.txt")
        .body(ByteStream::from_static(b"through the endpoint"))
        .send()
        .await
        .unwrap();
    let object = s3
        .get_object()
        .bucket("dialed")
        .key("k.txt")
        .send()
        .await
        .unwrap();
    let body = object.body.collect().await.unwrap().into_bytes();
    assert_eq!(&body[..], b"through the endpoint");
    // Host, TLS name and signature stayed on the default name (the peer checked all three);
    // the connection went to the addresses of the zonal S3 endpoint name, with the bucket in
    // front (the wildcard record), and no default name was ever resolved.
    let endpoint = format!("dialed.bucket.{}", LoopbackVpc::s3_name(Some(ZONE)));
    let asked = rig.dns.asked();
    assert!(
        !asked.is_empty() && asked.iter().all(|n| *n == endpoint),
        "{asked:?}"
    );
    assert!(peer.requests() >= 3);
}

/// A CA bundle file (`ca_bundle(..)`, or the file `PRIVATELINK_CA_BUNDLE` names) is what dial
/// mode trusts; a bundle that cannot be used is a typed error at build naming the file (and the
/// variable), never a panic at the first connection.
#[tokio::test]
async fn a_ca_bundle_from_code_or_the_environment_is_what_dial_mode_trusts() {
    use privatelink::discovery::Environment;
    use privatelink::{BuildError, CA_BUNDLE_ENV};

    let rig = rig();
    let peer = rig.s3_peer().await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("corporate-ca.pem");
    std::fs::write(&bundle, rig.ca.ca_pem()).unwrap();
    let builder = || {
        PrivateLink::builder()
            .endpoints_file(&rig.file)
            .vpc_id(VPC_ID)
            .zone(ZONE)
            .policy(Policy::Strict)
            .dns_resolver(rig.dns.clone())
    };
    let reaches = |privatelink: PrivateLink| {
        let peer = &peer;
        async move {
            let s3 = s3_client(&privatelink.dial_config(&caller_config()), peer);
            s3.list_buckets().send().await
        }
    };

    // In code, and from the environment (no trust store set in code).
    let from_code = builder().ca_bundle(&bundle).build().await.unwrap();
    reaches(from_code).await.unwrap();
    let env = |path: &std::path::Path| {
        Environment::from_map(
            [(CA_BUNDLE_ENV.to_owned(), path.display().to_string())]
                .into_iter()
                .collect(),
        )
    };
    let from_env = builder().environment(env(&bundle)).build().await.unwrap();
    reaches(from_env).await.unwrap();
    // Without it, the platform's roots do not know the test CA: the TLS check fails.
    let platform = builder().build().await.unwrap();
    assert!(reaches(platform).await.is_err());

    // Bundles that cannot be used, each named.
    let other_ca = TestCa::new();
    let cert_block = other_ca.ca_pem();
    let garbage_block =
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("missing.pem", None, "cannot be read"),
        (
            "empty.pem",
            Some("# no certificate here\n"),
            "holds no PEM certificate",
        ),
        (
            "garbage.pem",
            Some(&format!("{cert_block}{garbage_block}")),
            ": certificate 2 is not a valid CA certificate",
        ),
        (
            "truncated.pem",
            Some("-----BEGIN CERTIFICATE-----\nMIIB\n"),
            " is not PEM",
        ),
    ];
    for (name, contents, problem) in cases {
        let path = dir.path().join(name);
        if let Some(contents) = contents {
            std::fs::write(&path, contents).unwrap();
        }
        let Err(BuildError::CaBundle(error)) = builder().ca_bundle(&path).build().await else {
            panic!("{name}: not a CA bundle error");
        };
        assert_eq!(error.path(), path);
        assert!(
            error
                .to_string()
                .starts_with(&format!("CA bundle `{}`", path.display()))
                && error.to_string().contains(problem),
            "{name}: {error}"
        );
        let Err(BuildError::CaBundle(error)) = builder().environment(env(&path)).build().await
        else {
            panic!("{name}: not a CA bundle error from the environment");
        };
        assert_eq!(error.variable(), Some(CA_BUNDLE_ENV));
        assert!(
            error.to_string().contains(&format!("({CA_BUNDLE_ENV})")),
            "{error}"
        );
    }
    // A trust store set in code wins over the environment's bundle, which is then not read.
    let missing = dir.path().join("missing.pem");
    builder()
        .environment(env(&missing))
        .trust_store(TrustStore::empty().with_pem_certificate(rig.ca.ca_pem()))
        .build()
        .await
        .unwrap();
}

/// The control of the `fips` feature's tests (tests/fips.rs): dial mode's default crypto
/// (aws-lc, not its FIPS module) agrees to X25519, the key exchange FIPS mode refuses.
#[tokio::test]
async fn the_default_crypto_agrees_to_x25519() {
    let rig = rig();
    let server = privatelink_peers::HandshakeCounter::start(
        &rig.ca,
        &["s3.us-east-1.amazonaws.com".to_owned()],
        rustls::crypto::aws_lc_rs::kx_group::X25519,
    )
    .await
    .unwrap();
    let privatelink = rig.privatelink(Policy::Strict).await;
    let port = server.address().port();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&privatelink.dial_config(&caller_config()))
            .endpoint_url(format!("https://s3.us-east-1.amazonaws.com:{port}"))
            .build(),
    );
    // The server answers 500 after the handshake.
    assert!(s3.list_buckets().send().await.is_err());
    assert_eq!(server.handshakes(), 1);
}

#[tokio::test]
async fn rewrite_mode_fails_there_with_a_tls_name_error() {
    let rig = rig();
    let peer = rig.s3_peer().await;
    let privatelink = rig.privatelink(Policy::Strict).await;
    // Rewrite mode, connecting with the same client: the host becomes the endpoint name, which
    // the certificate does not name.
    let config = aws_sdk_s3::config::Builder::from(&privatelink.dial_config(&caller_config()))
        .endpoint_url(format!(
            "https://s3.us-east-1.amazonaws.com:{}",
            peer.address().port()
        ))
        .interceptor(privatelink.interceptor())
        .build();
    let error = aws_sdk_s3::Client::from_conf(config)
        .list_objects_v2()
        .bucket("dialed")
        .send()
        .await
        .unwrap_err();
    let text = aws_smithy_types::error::display::DisplayErrorContext(&error).to_string();
    assert!(
        text.contains("certificate not valid for name"),
        "the TLS error names the cause: {text}"
    );
    assert_eq!(peer.requests(), 0, "no request got through");
}

#[tokio::test]
async fn one_dial_config_serves_two_service_clients_and_keeps_every_other_setting() {
    let rig = rig();
    let s3_peer = rig.s3_peer().await;
    let ec2_peer = Ec2Peer::start(
        &rig.ca,
        &["ec2.us-east-1.amazonaws.com".to_owned()],
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        LoopbackVpc::endpoints("available"),
    )
    .await
    .unwrap();
    let privatelink = rig.privatelink(Policy::Strict).await;
    let caller = caller_config();
    let dialed = privatelink.dial_config(&caller);

    // Everything but the HTTP client is the caller's.
    assert_eq!(dialed.region(), caller.region());
    assert_eq!(dialed.app_name(), caller.app_name());
    assert_eq!(dialed.retry_config(), caller.retry_config());
    assert_eq!(dialed.timeout_config(), caller.timeout_config());
    assert_eq!(dialed.behavior_version(), caller.behavior_version());
    assert!(dialed.credentials_provider().is_some());
    assert!(caller.http_client().is_none() && dialed.http_client().is_some());

    // S3, and EC2 (the discovery crate's client, built from the config the usual way).
    let s3 = s3_client(&dialed, &s3_peer);
    s3.create_bucket().bucket("two").send().await.unwrap();
    let ec2_config = SdkConfig::to_builder(&dialed)
        .endpoint_url(format!(
            "https://ec2.us-east-1.amazonaws.com:{}",
            ec2_peer.address().port()
        ))
        .build();
    let endpoints = privatelink::discovery::Ec2Source::new(&ec2_config)
        .describe(VPC_ID)
        .await
        .unwrap();
    assert_eq!(endpoints.len(), LoopbackVpc::endpoints("available").len());
    assert_eq!((ec2_peer.describe_calls(), ec2_peer.rejected()), (1, 0));
    let asked = rig.dns.asked();
    assert!(
        asked.contains(&LoopbackVpc::ec2_name(Some(ZONE)))
            && asked.contains(&format!("two.bucket.{}", LoopbackVpc::s3_name(Some(ZONE)))),
        "{asked:?}"
    );
}

#[tokio::test]
async fn strict_dial_mode_refuses_to_resolve_a_public_host_without_an_endpoint() {
    let rig = rig();
    let privatelink = rig.privatelink(Policy::Strict).await;
    let sts = aws_sdk_sts::Client::new(&privatelink.dial_config(&caller_config()));
    let error = sts.get_caller_identity().send().await.unwrap_err();
    let refused = match find_rewrite_error(&error) {
        Some(RewriteError::Refused(refused)) => refused,
        other => panic!("{other:?}: {error:?}"),
    };
    assert_eq!(refused.host(), "sts.us-east-1.amazonaws.com");
    assert!(matches!(refused.reason(), RefusalReason::NoEndpoint { .. }));
    assert!(rig.dns.asked().is_empty(), "nothing was resolved");

    // Prefer resolves it as itself (here: the VPC's resolver does not know it).
    let prefer = rig.privatelink(Policy::Prefer).await;
    let resolver = prefer.dns_resolver();
    assert_eq!(
        resolver
            .endpoint_name("sts.us-east-1.amazonaws.com")
            .unwrap(),
        None
    );
    assert!(
        resolver
            .resolve_dns("sts.us-east-1.amazonaws.com")
            .await
            .is_err()
    );
    assert_eq!(rig.dns.asked(), ["sts.us-east-1.amazonaws.com"]);
}

/// A `DialResolver` over the loopback VPC's endpoints (default mapping, addresses reused for 30
/// s) resolving with `dns`, on `time`.
fn loopback_resolver(dns: SharedDnsResolver, time: &ManualTimeSource) -> DialResolver {
    let cell = SnapshotCell::new();
    cell.publish(privatelink::core::EndpointIndex::new(
        LoopbackVpc::endpoints("available"),
    ));
    DialResolver::new(
        cell,
        RewriteConfig::default(),
        dns,
        Duration::from_secs(30),
        SharedTimeSource::new(time.clone()),
    )
}

#[tokio::test]
async fn endpoint_addresses_are_reused_for_the_ttl_then_resolved_again() {
    let dns = vpc_dns();
    let time = ManualTimeSource::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let resolver = loopback_resolver(SharedDnsResolver::new(dns.clone()), &time);
    let ec2 = LoopbackVpc::ec2_name(None);
    for _ in 0..3 {
        resolver
            .resolve_dns("ec2.us-east-1.amazonaws.com")
            .await
            .unwrap();
    }
    assert_eq!(dns.asked().as_slice(), std::slice::from_ref(&ec2));
    time.advance(Duration::from_secs(29));
    resolver
        .resolve_dns("ec2.us-east-1.amazonaws.com")
        .await
        .unwrap();
    assert_eq!(dns.asked().len(), 1, "still fresh at 29 s");
    time.advance(Duration::from_secs(1));
    resolver
        .resolve_dns("ec2.us-east-1.amazonaws.com")
        .await
        .unwrap();
    assert_eq!(dns.asked(), [ec2.clone(), ec2]);
    // A name that is not AWS's resolves as itself, never cached.
    let _ = resolver.resolve_dns("example.com").await;
    let _ = resolver.resolve_dns("example.com").await;
    assert_eq!(dns.asked()[2..], ["example.com", "example.com"]);
}

/// A TCP peer that counts the connections it accepts (and closes each at once).
async fn counting_peer(address: &str) -> Arc<std::sync::atomic::AtomicUsize> {
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(connection);
        }
    });
    accepted
}

/// hyper-util's connector connects to an IP-literal host without asking the resolver; dial
/// mode's connector asks the router first. With the SDK's defaults (standard retries: three
/// attempts), a strict STS client whose `endpoint_url` is a public IPv4 or IPv6 literal opens no
/// connection to a peer listening there (in a network namespace that owns those addresses),
/// while a prefer-mode client does reach that peer — the count is real.
#[tokio::test]
async fn strict_dial_mode_opens_no_connection_to_a_public_ip_literal() {
    const TEST: &str = "strict_dial_mode_opens_no_connection_to_a_public_ip_literal";
    let (v4, v6) = ("52.94.0.1", "2600:1f18::1");
    if !privatelink_testkit::namespace::rerun_in_network_namespace(TEST, &[v4, v6], &[]) {
        return;
    }
    let peers = [
        (
            format!("https://{v4}"),
            counting_peer(&format!("{v4}:443")).await,
        ),
        (
            format!("https://[{v6}]"),
            counting_peer(&format!("[{v6}]:443")).await,
        ),
    ];
    let user_config = privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY).build();
    let sts = |privatelink: &PrivateLink, url: &str| {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&privatelink.dial_config(&user_config))
                .endpoint_url(url)
                .build(),
        )
    };
    let rig = rig();
    let strict = rig.privatelink(Policy::Strict).await;
    for (url, accepted) in &peers {
        let error = sts(&strict, url)
            .get_caller_identity()
            .send()
            .await
            .unwrap_err();
        match find_rewrite_error(&error) {
            Some(RewriteError::Refused(refused)) => {
                assert_eq!(refused.reason(), &RefusalReason::PublicIpAddress, "{url}");
            }
            other => panic!("{url}: {other:?}: {error:?}"),
        }
        let connections = accepted.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            connections, 0,
            "{url}: strict opened {connections} connections"
        );
    }

    let prefer = rig.privatelink(Policy::Prefer).await;
    for (url, accepted) in &peers {
        let error = sts(&prefer, url)
            .get_caller_identity()
            .send()
            .await
            .unwrap_err();
        assert!(find_rewrite_error(&error).is_none(), "{url}: {error:?}");
        assert!(
            accepted.load(std::sync::atomic::Ordering::SeqCst) > 0,
            "{url}: prefer mode reached the peer"
        );
    }
}

/// The VPC's endpoints without S3's: S3's default host then has no endpoint.
fn without_s3(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("without-s3.json");
    let endpoints: Vec<_> = LoopbackVpc::endpoints("available")
        .into_iter()
        .filter(|e| !e.service_name().is_some_and(|name| name.ends_with(".s3")))
        .collect();
    let json = export_json(&endpoints, Some(VPC_ID), Some("us-east-1"), None);
    std::fs::write(&file, json).unwrap();
    file
}

/// Dial mode behind a corporate proxy (a real `CONNECT` proxy on loopback, set as the SDK's
/// `ProxyConfig` is): a host with an endpoint connects to the endpoint directly, never through
/// the proxy; a host without one goes through the proxy (prefer), unless `NO_PROXY` names it;
/// under strict it is refused before the proxy is asked.
#[tokio::test]
async fn behind_a_proxy_endpoints_are_dialed_directly_and_other_hosts_go_through_it() {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use privatelink_peers::ConnectProxy;

    let rig = rig();
    let peer = rig.s3_peer().await;
    let proxy = ConnectProxy::start(vec!["s3.us-east-1.amazonaws.com".into()])
        .await
        .unwrap();
    let proxy_url = format!("http://{}", proxy.address());
    let dial = |file: std::path::PathBuf, policy: Policy, proxy: ProxyConfig| {
        let rig = &rig;
        async move {
            PrivateLink::builder()
                .endpoints_file(file)
                .vpc_id(VPC_ID)
                .zone(ZONE)
                .policy(policy)
                .dns_resolver(rig.dns.clone())
                .trust_store(TrustStore::empty().with_pem_certificate(rig.ca.ca_pem()))
                .proxy(proxy)
                .build()
                .await
                .unwrap()
        }
    };

    // S3 has an endpoint: straight to it, the proxy not asked.
    let privatelink = dial(
        rig.file.clone(),
        Policy::Strict,
        ProxyConfig::all(proxy_url.as_str()).unwrap(),
    )
    .await;
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);
    s3.create_bucket().bucket("direct").send().await.unwrap();
    assert_eq!(proxy.targets(), Vec::<String>::new());
    let endpoint = format!("direct.bucket.{}", LoopbackVpc::s3_name(Some(ZONE)));
    let asked = rig.dns.asked();
    assert!(
        !asked.is_empty() && asked.iter().all(|n| *n == endpoint),
        "{asked:?}"
    );

    // No S3 endpoint, prefer: the request goes through the proxy, as the SDK's own client's
    // would (the peer checks the signature through the tunnel).
    let no_s3 = without_s3(rig._dir.path());
    let privatelink = dial(
        no_s3.clone(),
        Policy::Prefer,
        ProxyConfig::all(proxy_url.as_str()).unwrap(),
    )
    .await;
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);
    s3.create_bucket().bucket("proxied").send().await.unwrap();
    let port = peer.address().port();
    assert_eq!(
        proxy.targets(),
        [format!("proxied.s3.us-east-1.amazonaws.com:{port}")]
    );
    // Recorded once per request, by the connector's decision (what strict would refuse).
    assert_eq!(
        requests_recorded(&privatelink),
        [("proxied.s3.us-east-1.amazonaws.com".to_owned(), 1)]
    );

    // NO_PROXY names it: not through the proxy (and this VPC's resolver has no answer for it).
    let privatelink = dial(
        no_s3.clone(),
        Policy::Prefer,
        ProxyConfig::all(proxy_url.as_str())
            .unwrap()
            .no_proxy("s3.us-east-1.amazonaws.com"),
    )
    .await;
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);
    let error = s3.create_bucket().bucket("not-proxied").send().await;
    assert!(error.is_err());
    assert_eq!(proxy.targets().len(), 1, "{:?}", proxy.targets());
    // The connector decided it, and the resolver looked the name up as itself: one decision,
    // recorded once, not once by each.
    assert_eq!(
        rig.dns.asked().last().map(String::as_str),
        Some("not-proxied.s3.us-east-1.amazonaws.com")
    );
    assert_eq!(
        requests_recorded(&privatelink),
        [("not-proxied.s3.us-east-1.amazonaws.com".to_owned(), 1)]
    );

    // Strict: refused before the proxy is asked, with the error strict mode gives.
    let privatelink = dial(
        no_s3,
        Policy::Strict,
        ProxyConfig::all(proxy_url.as_str()).unwrap(),
    )
    .await;
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);
    let error = s3
        .create_bucket()
        .bucket("refused")
        .send()
        .await
        .unwrap_err();
    match find_rewrite_error(&error) {
        Some(RewriteError::Refused(refused)) => {
            assert!(
                matches!(refused.reason(), RefusalReason::NoEndpoint { .. }),
                "{refused}"
            )
        }
        other => panic!("{other:?}: {error:?}"),
    }
    assert_eq!(proxy.targets().len(), 1, "{:?}", proxy.targets());
}

/// Each host `privatelink.public_hosts()` reports, with how many requests it counted.
fn requests_recorded(privatelink: &PrivateLink) -> Vec<(String, u64)> {
    let report = privatelink.public_hosts();
    report
        .hosts
        .iter()
        .map(|h| (h.host.clone(), h.requests))
        .collect()
}

/// One record per handle, for both modes: what prefer mode left on public hosts (here S3, whose
/// endpoint this VPC lacks, dialed; and STS, which it lacks too, through the interceptor), which
/// `public_hosts()` reports; strict refuses them and records nothing.
#[tokio::test]
async fn public_hosts_reports_what_both_modes_left_on_public_hosts() {
    use aws_smithy_http_client::test_util::capture_request;

    let rig = rig();
    let peer = rig.s3_peer().await;
    let no_s3 = without_s3(rig._dir.path());
    let handle = |policy| {
        PrivateLink::builder()
            .endpoints_file(no_s3.clone())
            .vpc_id(VPC_ID)
            .policy(policy)
            .dns_resolver(rig.dns.clone())
            .trust_store(TrustStore::empty().with_pem_certificate(rig.ca.ca_pem()))
            .build()
    };
    let privatelink = handle(Policy::Prefer).await.unwrap();
    // Dial mode: S3 has no endpoint, so the name resolves as itself (this VPC's resolver has no
    // answer for it: the request fails, and was recorded).
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);
    assert!(s3.create_bucket().bucket("public").send().await.is_err());
    // Rewrite mode: STS has no endpoint either.
    let (http_client, _request) = capture_request(None);
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&caller_config())
            .http_client(http_client)
            .interceptor(privatelink.interceptor())
            .build(),
    );
    let _ = sts.get_caller_identity().send().await;

    let report = privatelink.public_hosts();
    let rows: Vec<(&str, &str, Option<&str>)> = report
        .hosts
        .iter()
        .map(|h| (h.host.as_str(), h.service.as_str(), h.region.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("public.s3.us-east-1.amazonaws.com", "s3", Some("us-east-1")),
            ("sts.us-east-1.amazonaws.com", "sts", Some("us-east-1")),
        ]
    );

    let strict = handle(Policy::Strict).await.unwrap();
    let s3 = s3_client(&strict.dial_config(&caller_config()), &peer);
    assert!(s3.create_bucket().bucket("refused").send().await.is_err());
    assert!(strict.public_hosts().hosts.is_empty());
}

/// The proxy a user gets without setting one: the environment's (`HTTPS_PROXY`), as the SDK's
/// default client reads it. The test runs again in a child process with the variable set (a
/// test may not change its own process's environment); the proxy, in this process, records what
/// the child's request asked it to carry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environments_proxy_carries_a_host_without_an_endpoint_by_default() {
    use privatelink_peers::ConnectProxy;

    const TEST: &str = "the_environments_proxy_carries_a_host_without_an_endpoint_by_default";
    if !privatelink_testkit::namespace::is_child(TEST) {
        let proxy = ConnectProxy::start(vec!["s3.us-east-1.amazonaws.com".into()])
            .await
            .unwrap();
        let url = format!("http://{}", proxy.address());
        let parent = tokio::task::spawn_blocking(move || {
            privatelink_testkit::namespace::rerun_with_env(TEST, &[("HTTPS_PROXY", &url)])
        });
        assert!(!parent.await.unwrap());
        let targets = proxy.targets();
        assert!(
            targets.len() == 1 && targets[0].starts_with("by-default.s3.us-east-1.amazonaws.com:"),
            "{targets:?}"
        );
        return;
    }
    // The child: nothing proxy-related set in code.
    let rig = rig();
    let peer = rig.s3_peer().await;
    let privatelink = PrivateLink::builder()
        .endpoints_file(without_s3(rig._dir.path()))
        .vpc_id(VPC_ID)
        .policy(Policy::Prefer)
        .dns_resolver(rig.dns.clone())
        .trust_store(TrustStore::empty().with_pem_certificate(rig.ca.ca_pem()))
        .build()
        .await
        .unwrap();
    let s3 = s3_client(&privatelink.dial_config(&caller_config()), &peer);
    s3.create_bucket()
        .bucket("by-default")
        .send()
        .await
        .unwrap();
}

/// A handle over the loopback VPC's endpoints (no zone: regional names) resolving with `dns`,
/// on the builder's defaults otherwise, and `dial_dns_timeout` when given.
async fn with_resolver(
    file: &std::path::Path,
    dns: SlowDns,
    timeout: Option<Duration>,
) -> Result<PrivateLink, privatelink::BuildError> {
    let mut builder = PrivateLink::builder()
        .endpoints_file(file)
        .vpc_id(VPC_ID)
        .dns_resolver(dns);
    if let Some(timeout) = timeout {
        builder = builder.dial_dns_timeout(timeout);
    }
    builder.build().await
}

/// `host` looked up through `privatelink`'s dial resolver, and how long that took on Tokio's
/// clock.
async fn timed_lookup(
    privatelink: &PrivateLink,
    host: &str,
) -> (
    Result<Vec<IpAddr>, aws_smithy_runtime_api::client::dns::ResolveDnsError>,
    Duration,
) {
    let started = tokio::time::Instant::now();
    let answer = privatelink.dns_resolver().resolve_dns(host).await;
    (answer, started.elapsed())
}

/// The limit a lookup failed at, and the name it looked up.
fn timed_out(error: &aws_smithy_runtime_api::client::dns::ResolveDnsError) -> (String, Duration) {
    use std::error::Error as _;
    match error
        .source()
        .and_then(|source| source.downcast_ref::<privatelink::dial::LookupError>())
    {
        Some(privatelink::dial::LookupError::TimedOut(timed_out)) => {
            (timed_out.name().to_owned(), timed_out.limit())
        }
        other => panic!("not a lookup time-out: {error:?} ({other:?})"),
    }
}

/// The VPC's resolver never answers, and the builder sets no limit: the lookup of an endpoint
/// name (for EC2's default host) and of a name that resolves as itself each fail after 10
/// seconds on Tokio's (paused) clock, naming what was looked up. Without the limit they would
/// wait as long as the resolver does (a reqwest client has no connect timeout by default).
#[tokio::test(start_paused = true)]
async fn a_lookup_that_never_answers_fails_at_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = LoopbackVpc::endpoints_file(dir.path());
    let silent = SlowDns::silent();
    let privatelink = with_resolver(&file, silent.clone(), None).await.unwrap();
    let endpoint = LoopbackVpc::ec2_name(None);
    for (host, looked_up) in [
        ("ec2.us-east-1.amazonaws.com", endpoint.as_str()),
        ("example.com", "example.com"),
    ] {
        let (error, took) = timed_lookup(&privatelink, host).await;
        assert_eq!(took, Duration::from_secs(10), "{host}");
        let error = error.unwrap_err();
        assert_eq!(
            timed_out(&error),
            (looked_up.to_owned(), Duration::from_secs(10))
        );
        let message = std::error::Error::source(&error).unwrap().to_string();
        assert!(
            message.contains(looked_up) && message.contains("within 10s"),
            "{message}"
        );
    }
    assert_eq!(silent.asked(), [endpoint.as_str(), "example.com"]);
}

/// Within the default limit a slow answer (9 s) is taken; `dial_dns_timeout` sets another
/// limit (2 s fails the same lookup at 2 s); a limit outside 1 second to 1 hour is a build error
/// naming the setting.
#[tokio::test(start_paused = true)]
async fn a_slow_answer_within_the_limit_is_taken_and_the_limit_is_a_setting() {
    let dir = tempfile::tempdir().unwrap();
    let file = LoopbackVpc::endpoints_file(dir.path());
    let slow = SlowDns::after(Duration::from_secs(9));
    let privatelink = with_resolver(&file, slow.clone(), None).await.unwrap();
    let (addresses, took) = timed_lookup(&privatelink, "ec2.us-east-1.amazonaws.com").await;
    assert_eq!(addresses.unwrap(), [IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    assert_eq!(took, Duration::from_secs(9));

    let privatelink = with_resolver(&file, slow, Some(Duration::from_secs(2)))
        .await
        .unwrap();
    let (error, took) = timed_lookup(&privatelink, "ec2.us-east-1.amazonaws.com").await;
    assert_eq!(took, Duration::from_secs(2));
    let error = error.unwrap_err();
    assert_eq!(
        timed_out(&error),
        (LoopbackVpc::ec2_name(None), Duration::from_secs(2))
    );

    for invalid in [Duration::ZERO, Duration::from_secs(2 * 60 * 60)] {
        match with_resolver(&file, SlowDns::silent(), Some(invalid)).await {
            Err(privatelink::BuildError::InvalidTimeout(error)) => {
                assert_eq!(error.setting(), "dial_dns_timeout");
                assert_eq!(error.value(), invalid);
            }
            other => panic!("{invalid:?}: {other:?}"),
        }
    }
}

/// Asked outside a Tokio runtime (a future polled by another executor), a lookup through the
/// system resolver fails at its first poll with `LookupError::NoRuntime` — for an endpoint name
/// and for a name that resolves as itself — instead of Tokio's panic.
#[test]
fn a_lookup_outside_a_tokio_runtime_is_an_error_not_a_panic() {
    use std::future::Future as _;
    use std::task::{Context, Poll, Waker};

    let resolver = loopback_resolver(
        SharedDnsResolver::new(privatelink::dial::SystemResolver),
        &ManualTimeSource::new(UNIX_EPOCH),
    );
    for host in ["ec2.us-east-1.amazonaws.com", "localhost"] {
        let mut lookup = std::pin::pin!(resolver.resolve_dns(host));
        match lookup
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
        {
            Poll::Ready(Err(error)) => assert!(
                matches!(
                    std::error::Error::source(&error)
                        .and_then(|s| s.downcast_ref::<privatelink::dial::LookupError>()),
                    Some(privatelink::dial::LookupError::NoRuntime)
                ),
                "{host}: {error:?}"
            ),
            other => panic!("{host}: {other:?}"),
        }
    }
}
