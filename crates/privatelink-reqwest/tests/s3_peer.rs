//! reqwest with dial mode's resolver, and object_store through the S3 interface endpoint, each
//! against an S3 peer (s3s-fs over loopback TLS) that checks SigV4 with the testkit's keys.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_runtime_api::client::dns::SharedDnsResolver;
use object_store::aws::AmazonS3Builder;
use object_store::client::{HttpClient, HttpConnector};
use object_store::{ClientOptions, ObjectStoreExt, PutPayload};
use privatelink::PrivateLink;
use privatelink::core::Policy;
use privatelink_peers::{LoopbackVpc, S3Peer, TestCa, VPC_ID, ZONE};
use privatelink_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY, SlowDns, SuffixDns};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A handle over the loopback VPC's endpoints (from a file: no EC2), with `policy`; endpoint
/// names resolve to 127.0.0.1 by `dns`, every other name fails.
async fn privatelink(
    policy: Policy,
    dns: SuffixDns,
    ca: &TestCa,
) -> (PrivateLink, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = LoopbackVpc::endpoints_file(dir.path());
    let privatelink = PrivateLink::builder()
        .endpoints_file(&file)
        .vpc_id(VPC_ID)
        .zone(ZONE)
        .policy(policy)
        .dns_resolver(SharedDnsResolver::new(dns))
        .trust_store(TrustStore::empty().with_pem_certificate(ca.ca_pem()))
        .build()
        .await
        .unwrap();
    (privatelink, dir)
}

fn reqwest_client(privatelink: &PrivateLink, ca: &TestCa) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(privatelink_reqwest::resolver(privatelink))
        .tls_certs_only([reqwest::Certificate::from_pem(ca.ca_pem().as_bytes()).unwrap()])
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A presigned URL for S3's default name (`<bucket>.s3.us-east-1.amazonaws.com:<port>`), fetched
/// by a plain reqwest client: its connection goes to the zonal S3 endpoint's address, its TLS
/// name and signature stay the default host's (the peer checks both), and no default name is
/// resolved. Under strict, a host without an endpoint fails to resolve: nothing is sent.
#[tokio::test]
async fn reqwest_with_the_resolver_fetches_a_presigned_url_through_the_endpoint() {
    let ca = TestCa::new();
    let peer = S3Peer::start_for_default_names(&ca, "us-east-1", ACCESS_KEY_ID, SECRET_ACCESS_KEY)
        .await
        .unwrap();
    let dns = SuffixDns::new(vec![(".vpce.amazonaws.com", LOOPBACK)]);
    // The object, put through dial mode's SDK client (a handle of its own: dial mode reuses an
    // endpoint's addresses for a while, and the names reqwest's requests resolve are counted).
    let (setup, _setup_dir) = privatelink(
        Policy::Strict,
        SuffixDns::new(vec![(".vpce.amazonaws.com", LOOPBACK)]),
        &ca,
    )
    .await;
    let (privatelink, _dir) = privatelink(Policy::Strict, dns.clone(), &ca).await;
    let config = setup
        .dial_config(&privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY).build());
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .endpoint_url(format!(
                "https://s3.us-east-1.amazonaws.com:{}",
                peer.address().port()
            ))
            .build(),
    );
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
    assert!(
        presigned
            .uri()
            .starts_with("https://shared.s3.us-east-1.amazonaws.com:"),
        "{}",
        presigned.uri()
    );

    let client = reqwest_client(&privatelink, &ca);
    let response = client.get(presigned.uri()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "a,b\n1,2\n");
    let endpoint = format!("shared.bucket.{}", LoopbackVpc::s3_name(Some(ZONE)));
    assert_eq!(dns.asked(), [endpoint]);

    // The URL for another key than the one signed is refused by the peer: it checks the
    // signature of what reqwest sent.
    assert!(presigned.uri().contains("/report.csv?"));
    let forged = presigned.uri().replace("/report.csv?", "/other.csv?");
    let response = client.get(forged).send().await.unwrap();
    let status = response.status();
    assert_eq!(status, 403, "{}", response.text().await.unwrap());

    // Strict: no endpoint serves SQS; the name is refused, never resolved nor connected.
    let asked = dns.asked().len();
    let refused = client
        .get("https://sqs.us-east-1.amazonaws.com/")
        .send()
        .await
        .unwrap_err();
    let chain = privatelink::core::ErrorChain(&refused).to_string();
    assert!(chain.contains("strict mode refused"), "{chain}");
    assert_eq!(dns.asked().len(), asked);
}

/// object_store's HTTP client for the test: reqwest trusting the test CA, with the S3 peer's
/// address for `name` (a VPC's DNS would answer the endpoint name).
#[derive(Debug)]
struct PeerConnector {
    name: String,
    address: std::net::SocketAddr,
    ca_pem: String,
}

impl HttpConnector for PeerConnector {
    fn connect(&self, _: &ClientOptions) -> object_store::Result<HttpClient> {
        let client = reqwest::Client::builder()
            .resolve(&self.name, self.address)
            .tls_certs_only([reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).unwrap()])
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Ok(HttpClient::new(client))
    }
}

/// object_store pointed at the bucket's name on the S3 interface endpoint (zonal, as the handle
/// has a zone), virtual-hosted: the peer, which serves only endpoint names, checks the signature
/// of every request. Without an endpoint: strict is an error, prefer leaves the builder alone.
#[tokio::test]
async fn object_store_reaches_the_bucket_through_the_interface_endpoint() {
    let vpc = LoopbackVpc::start().await.unwrap();
    let ca = TestCa::new();
    let dns = SuffixDns::new(vec![(".vpce.amazonaws.com", LOOPBACK)]);
    let (strict, _dir) = privatelink(Policy::Strict, dns.clone(), &ca).await;
    std::fs::create_dir(vpc.s3.root().join("lake")).unwrap();

    let builder = AmazonS3Builder::new()
        .with_bucket_name("lake")
        .with_region("us-east-1")
        .with_access_key_id(ACCESS_KEY_ID)
        .with_secret_access_key(SECRET_ACCESS_KEY);
    let builder = privatelink_reqwest::s3_builder(&strict, builder).unwrap();
    let host = format!("lake.bucket.{}", LoopbackVpc::s3_name(Some(ZONE)));
    let store = builder
        .with_http_connector(PeerConnector {
            name: host.clone(),
            address: vpc.s3.address(),
            ca_pem: vpc.ca_pem().to_owned(),
        })
        .build()
        .unwrap();
    let path = object_store::path::Path::from("tables/part-0.parquet");
    store
        .put(&path, PutPayload::from_static(b"columns"))
        .await
        .unwrap();
    let body = store.get(&path).await.unwrap().bytes().await.unwrap();
    assert_eq!(&body[..], b"columns");
    assert!(vpc.s3.requests() >= 2);
    // On the peer's disk, under the bucket: the virtual host named the bucket.
    assert!(vpc.s3.root().join("lake/tables/part-0.parquet").exists());

    // A store signing with another secret is refused by the peer.
    let wrong = privatelink_reqwest::s3_builder(
        &strict,
        AmazonS3Builder::new()
            .with_bucket_name("lake")
            .with_region("us-east-1")
            .with_access_key_id(ACCESS_KEY_ID)
            .with_secret_access_key("not-the-secret"),
    )
    .unwrap()
    .with_http_connector(PeerConnector {
        name: host,
        address: vpc.s3.address(),
        ca_pem: vpc.ca_pem().to_owned(),
    })
    .build()
    .unwrap();
    assert!(wrong.get(&path).await.is_err());

    // Another region has no endpoint: strict refuses; prefer leaves object_store's default.
    let elsewhere = || {
        AmazonS3Builder::new()
            .with_bucket_name("lake")
            .with_region("eu-west-1")
    };
    let refused = privatelink_reqwest::s3_builder(&strict, elsewhere()).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "no interface endpoint for bucket `lake`"
    );
    let chain = privatelink::core::ErrorChain(&refused).to_string();
    assert!(chain.contains("strict mode refused"), "{chain}");
    let (prefer, _dir) = privatelink(Policy::Prefer, dns, &ca).await;
    let unchanged = privatelink_reqwest::s3_builder(&prefer, elsewhere()).unwrap();
    assert_eq!(
        unchanged.get_config_value(&object_store::aws::AmazonS3ConfigKey::Endpoint),
        None
    );

    // What cannot be done is said, not half done.
    let no_bucket = privatelink_reqwest::s3_builder(&strict, AmazonS3Builder::new()).unwrap_err();
    assert_eq!(
        no_bucket.to_string(),
        "the AmazonS3Builder has no bucket (with_bucket_name)"
    );
    let configured = AmazonS3Builder::new()
        .with_bucket_name("lake")
        .with_endpoint("https://minio.internal:9000");
    assert!(matches!(
        privatelink_reqwest::s3_builder(&strict, configured),
        Err(privatelink_reqwest::S3BuilderError::EndpointAlreadySet { endpoint })
            if endpoint == "https://minio.internal:9000"
    ));
}

/// reqwest has no connect timeout by default, so a silent resolver would hold its request as
/// long as the resolver does; through dial mode's resolver the request fails at the lookup's
/// default limit (10 s, on Tokio's paused clock) with privatelink's error in its chain, and only
/// the endpoint name was looked up.
#[tokio::test(start_paused = true)]
async fn a_reqwest_request_fails_at_the_default_lookup_limit_when_the_resolver_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    let file = LoopbackVpc::endpoints_file(dir.path());
    let silent = SlowDns::silent();
    let privatelink = PrivateLink::builder()
        .endpoints_file(&file)
        .vpc_id(VPC_ID)
        .dns_resolver(SharedDnsResolver::new(silent.clone()))
        .build()
        .await
        .unwrap();
    let client = reqwest::Client::builder()
        .dns_resolver(privatelink_reqwest::resolver(&privatelink))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let error = client
        .get("https://ec2.us-east-1.amazonaws.com/")
        .send()
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    let mut lookup = None;
    while let Some(error) = source {
        if let Some(found) = error.downcast_ref::<privatelink::dial::LookupError>() {
            lookup = Some(found);
        }
        source = error.source();
    }
    match lookup {
        Some(privatelink::dial::LookupError::TimedOut(timed_out)) => {
            assert_eq!(timed_out.name(), LoopbackVpc::ec2_name(None));
            assert_eq!(timed_out.limit(), Duration::from_secs(10));
        }
        other => panic!("{error:?}: {other:?}"),
    }
    assert_eq!(silent.asked(), [LoopbackVpc::ec2_name(None)]);
}
