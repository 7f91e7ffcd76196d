//! Dial mode and presigned URLs against the rig (`scripts/rig.sh`, as root: moto on
//! 127.0.0.11:443 with a certificate for EC2's, STS's and S3's default names; the S3 peer
//! process on 127.0.0.10:443 with one for the S3 endpoint names only).
//!
//! Name resolution is this process's: a stand-in for the VPC's resolver answers endpoint names
//! with the rig's addresses and refuses every other name, so the tests show no default AWS name
//! was resolved. Ignored by a plain `cargo test`; `./scripts/test.sh` runs them as root.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_smithy_http_client::tls::{self, TrustStore};
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};
use aws_types::SdkConfig;
use privatelink::{Policy, PrivateLink};
use privatelink_peers::https_get;

const MOTO: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 11));
const S3_PEER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10));

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `scripts/rig.sh up && source .rig/env` as root")
    })
}

fn ca_pem() -> String {
    std::fs::read_to_string(var("PRIVATELINK_RIG_CA")).unwrap()
}

/// Answers names ending in one of `routes`' suffixes with its address; refuses the rest.
#[derive(Clone, Debug)]
struct RigDns {
    routes: Vec<(&'static str, IpAddr)>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl RigDns {
    fn new(routes: Vec<(&'static str, IpAddr)>) -> Self {
        RigDns {
            routes,
            asked: Arc::default(),
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl ResolveDns for RigDns {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        self.asked.lock().unwrap().push(name.to_owned());
        let route = self
            .routes
            .iter()
            .find(|(suffix, _)| name.ends_with(suffix));
        DnsFuture::ready(match route {
            Some((_, address)) => Ok(vec![*address]),
            None => Err(ResolveDnsError::new(format!("{name}: not resolvable here"))),
        })
    }
}

fn trust_store() -> TrustStore {
    TrustStore::empty().with_pem_certificate(ca_pem())
}

/// The caller's configuration: the rig's IAM user; EC2 (for discovery) reaches moto by its
/// default name.
fn caller_config() -> SdkConfig {
    let client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(
            tls::TlsContext::builder()
                .with_trust_store(trust_store())
                .build()
                .unwrap(),
        )
        .build_with_resolver(RigDns::new(vec![("ec2.us-east-1.amazonaws.com", MOTO)]));
    privatelink_testkit::sdk_config(
        &var("PRIVATELINK_RIG_ACCESS_KEY"),
        &var("PRIVATELINK_RIG_SECRET_KEY"),
    )
    .http_client(client)
    // What aws_config::load_defaults provides too; AssumeRole needs both.
    .time_source(SharedTimeSource::new(SystemTimeSource::new()))
    .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
    .build()
}

async fn privatelink(vpc: &str, endpoint_dns: RigDns) -> PrivateLink {
    PrivateLink::builder()
        .configure(&caller_config())
        .vpc_id(vpc)
        .zone("us-east-1a")
        .policy(Policy::Strict)
        .dns_resolver(endpoint_dns)
        .trust_store(trust_store())
        .build()
        .await
        .unwrap()
}

#[tokio::test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
async fn assume_role_goes_through_the_sts_endpoint_in_dial_mode_and_s3_uses_the_credentials() {
    // The dial VPC's STS and S3 endpoint names lead to moto, which serves both services under
    // their default names and checks the temporary credentials it issued.
    let dns = RigDns::new(vec![(".vpce.amazonaws.com", MOTO)]);
    let privatelink = privatelink(&var("PRIVATELINK_RIG_DIAL_VPC"), dns.clone()).await;
    let dialed = privatelink.dial_config(&caller_config());

    // aws-config's AssumeRole provider builds its own STS client from the config it is given.
    let assumed = aws_config::sts::AssumeRoleProvider::builder(var("PRIVATELINK_RIG_ROLE_ARN"))
        .session_name("privatelink-dial")
        .configure(&dialed)
        .build()
        .await;
    let credentials = assumed.provide_credentials().await.unwrap();
    assert!(
        credentials.session_token().is_some()
            && credentials.access_key_id() != var("PRIVATELINK_RIG_ACCESS_KEY"),
        "temporary credentials from STS"
    );
    let asked = dns.asked();
    assert!(
        asked
            .iter()
            .any(|n| n.ends_with(".sts.us-east-1.vpce.amazonaws.com")),
        "STS went through its endpoint: {asked:?}"
    );

    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&dialed)
            .credentials_provider(assumed)
            .build(),
    );
    let bucket = format!("privatelink-assumed-{}", std::process::id());
    // moto checks the session token of the credentials it issued: a wrong one is refused.
    let forged = aws_credential_types::Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some("not-the-session-token".into()),
        None,
        "forged",
    );
    let refused = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&dialed)
            .credentials_provider(forged)
            .build(),
    )
    .create_bucket()
    .bucket(&bucket)
    .send()
    .await;
    assert!(refused.is_err(), "{refused:?}");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    s3.put_object()
        .bucket(&bucket)
        .key("k")
        .body(ByteStream::from_static(b"assumed"))
        .send()
        .await
        .unwrap();
    let listed = s3.list_objects_v2().bucket(&bucket).send().await.unwrap();
    assert_eq!(listed.key_count(), Some(1));
    let asked = dns.asked();
    assert!(
        asked
            .iter()
            .any(|n| n.starts_with(&format!("{bucket}.bucket.vpce-"))
                && n.ends_with(".s3.us-east-1.vpce.amazonaws.com")),
        "S3 went through its endpoint: {asked:?}"
    );
    assert!(
        asked.iter().all(|n| n.ends_with(".vpce.amazonaws.com")),
        "no default name was resolved: {asked:?}"
    );
}

#[tokio::test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
async fn a_presigned_url_for_the_endpoint_name_is_fetched_from_the_s3_peer_process() {
    let dns = RigDns::new(vec![(".s3.us-east-1.vpce.amazonaws.com", S3_PEER)]);
    let privatelink = privatelink(&var("PRIVATELINK_RIG_VPC"), dns).await;
    // Rewrite mode: the interceptor gives requests the endpoint name.
    let config = aws_sdk_s3::config::Builder::from(&caller_config())
        .http_client(privatelink.http_client())
        .interceptor(privatelink.interceptor())
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(config);
    let bucket = format!("privatelink-presigned-{}", std::process::id());
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    s3.put_object()
        .bucket(&bucket)
        .key("shared.txt")
        .body(ByteStream::from_static(b"shared through the endpoint"))
        .send()
        .await
        .unwrap();
    let presigned = s3
        .get_object()
        .bucket(&bucket)
        .key("shared.txt")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(300)).unwrap())
        .await
        .unwrap();
    let zonal = var("PRIVATELINK_RIG_S3_NAMES")
        .split_whitespace()
        .find(|n| n.contains("-us-east-1a."))
        .unwrap()
        .to_owned();
    let host = format!("{bucket}.bucket.{zonal}");
    let path = presigned
        .uri()
        .strip_prefix(&format!("https://{host}"))
        .unwrap_or_else(|| panic!("not for the endpoint name: {}", presigned.uri()));
    let body = https_get(&ca_pem(), (S3_PEER, 443).into(), &host, path)
        .await
        .unwrap();
    assert_eq!(body, "shared through the endpoint");
}
