//! Dial mode, `load_config` (web identity and AssumeRole), a hub VPC in another account and
//! presigned URLs against the rig (`scripts/rig.sh`, as root: moto on
//! 127.0.0.11:443 with a certificate for EC2's, STS's and S3's default names; the S3 peer
//! process on 127.0.0.10:443 with one for the S3 endpoint names only).
//!
//! Name resolution is this process's: a stand-in for the VPC's resolver answers endpoint names
//! with the rig's addresses and refuses every other name, so the tests show no default AWS name
//! was resolved. Ignored by a plain `cargo test`; `./scripts/test.sh` runs them as root.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_async::time::{SharedTimeSource, SystemTimeSource};
use aws_smithy_http_client::tls::TrustStore;
use aws_types::SdkConfig;
use privatelink::core::{Policy, RewriteError};
use privatelink::discovery::HubVpc;
use privatelink::{PrivateLink, find_rewrite_error};
use privatelink_peers::https_get;
use privatelink_testkit::SuffixDns;

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

/// Creates `bucket`, puts an object in it and lists it back, all through `s3`.
async fn s3_round_trip(s3: &aws_sdk_s3::Client, bucket: &str) {
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    s3.put_object()
        .bucket(bucket)
        .key("k")
        .body(ByteStream::from_static(b"through the endpoint"))
        .send()
        .await
        .unwrap();
    let listed = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
    assert_eq!(listed.key_count(), Some(1));
}

fn trust_store() -> TrustStore {
    TrustStore::empty().with_pem_certificate(ca_pem())
}

/// The caller's configuration: the rig's IAM user; EC2 (for discovery) reaches moto by its
/// default name.
fn caller_config() -> SdkConfig {
    let client = privatelink_peers::tls_client(
        &[&ca_pem()],
        SuffixDns::new(vec![
            ("ec2.us-east-1.amazonaws.com", MOTO),
            ("sts.us-east-1.amazonaws.com", MOTO),
        ]),
    );
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

async fn privatelink(vpc: &str, endpoint_dns: SuffixDns) -> PrivateLink {
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
    let dns = SuffixDns::new(vec![(".vpce.amazonaws.com", MOTO)]);
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
    s3_round_trip(&s3, &bucket).await;
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
    let dns = SuffixDns::new(vec![(".s3.us-east-1.vpce.amazonaws.com", S3_PEER)]);
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

/// A loader for `profile` of a config file naming the rig's role: `web` (web identity),
/// `assumed` (AssumeRole from the static `base`).
fn profile_loader(dir: &std::path::Path, profile: &str) -> aws_config::ConfigLoader {
    let token = dir.join("token");
    std::fs::write(&token, "a-web-identity-token").unwrap();
    let role = var("PRIVATELINK_RIG_ROLE_ARN");
    let config = dir.join("config");
    std::fs::write(
        &config,
        format!(
            "[profile web]\nweb_identity_token_file = {}\nrole_arn = {role}\nrole_session_name = privatelink-web\nregion = us-east-1\n\n\
             [profile base]\naws_access_key_id = {}\naws_secret_access_key = {}\nregion = us-east-1\n\n\
             [profile assumed]\nrole_arn = {role}\nsource_profile = base\nrole_session_name = privatelink-assumed\nregion = us-east-1\n",
            token.display(),
            var("PRIVATELINK_RIG_ACCESS_KEY"),
            var("PRIVATELINK_RIG_SECRET_KEY"),
        ),
    )
    .unwrap();
    aws_config::defaults(BehaviorVersion::latest())
        .profile_files(
            EnvConfigFiles::builder()
                .with_file(EnvConfigFileKind::Config, &config)
                .build(),
        )
        .profile_name(profile)
}

#[tokio::test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
async fn load_config_sends_credential_providers_and_clients_through_the_endpoints() {
    for (profile, session) in [
        ("web", "privatelink-web"),
        ("assumed", "privatelink-assumed"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        // Default names lead to moto only for discovery's bootstrap (EC2, and STS for its
        // credentials); endpoint names lead to moto, which serves STS and S3 by default name.
        let dns = SuffixDns::new(vec![
            (".vpce.amazonaws.com", MOTO),
            ("ec2.us-east-1.amazonaws.com", MOTO),
            ("sts.us-east-1.amazonaws.com", MOTO),
        ]);
        let (privatelink, config) = PrivateLink::builder()
            .vpc_id(var("PRIVATELINK_RIG_DIAL_VPC"))
            .zone("us-east-1a")
            .policy(Policy::Strict)
            .dns_resolver(dns.clone())
            .trust_store(trust_store())
            .load_config(profile_loader(dir.path(), profile))
            .await
            .unwrap();
        let bootstrap = dns.asked();
        assert!(
            bootstrap.contains(&"sts.us-east-1.amazonaws.com".to_owned())
                && bootstrap
                    .iter()
                    .all(|n| n == "ec2.us-east-1.amazonaws.com"
                        || n == "sts.us-east-1.amazonaws.com"),
            "{profile}: only discovery's bootstrap used default names: {bootstrap:?}"
        );
        assert!(privatelink.snapshot().is_some());

        // The provider the loader built (web identity / AssumeRole) calls STS again: now
        // through the STS endpoint.
        let provider = config.credentials_provider().unwrap();
        let credentials = provider.provide_credentials().await.unwrap();
        assert!(credentials.session_token().is_some(), "{profile}");
        let sts = aws_sdk_sts::Client::new(&config);
        let identity = sts.get_caller_identity().send().await.unwrap();
        assert!(
            identity
                .arn()
                .unwrap()
                .ends_with(&format!("assumed-role/privatelink-rig-role/{session}")),
            "{profile}: {identity:?}"
        );
        let s3 = aws_sdk_s3::Client::new(&config);
        let bucket = format!("privatelink-{profile}-{}", std::process::id());
        s3_round_trip(&s3, &bucket).await;

        let after = &dns.asked()[bootstrap.len()..];
        assert!(
            after
                .iter()
                .any(|n| n.ends_with(".sts.us-east-1.vpce.amazonaws.com"))
                && after
                    .iter()
                    .any(|n| n.starts_with(&format!("{bucket}.bucket.vpce-"))),
            "{profile}: STS (provider and client) and S3 went through their endpoints: {after:?}"
        );
        assert!(
            after.iter().all(|n| n.ends_with(".vpce.amazonaws.com")),
            "{profile}: no default name was resolved after the bootstrap: {after:?}"
        );

        // Strict holds for every client of the configuration: no endpoint, refused unsent.
        let west = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&config)
                .region(aws_config::Region::new("us-west-2"))
                .build(),
        );
        let error = west.list_buckets().send().await.unwrap_err();
        assert!(
            matches!(find_rewrite_error(&error), Some(RewriteError::Refused(_))),
            "{profile}: {error:?}"
        );
        // Discovery's own call is not refused (the VPC has no EC2 endpoint: the default host).
        let asked = dns.asked().len();
        privatelink.refresh().await.unwrap();
        assert!(
            dns.asked()[asked..]
                .iter()
                .all(|n| n == "ec2.us-east-1.amazonaws.com"),
            "{profile}"
        );
    }
}

#[tokio::test]
#[ignore = "needs root and the rig: ./scripts/test.sh runs it"]
async fn a_hub_vpc_of_another_account_is_used_with_the_hub_accounts_zone_names() {
    let dns = SuffixDns::new(vec![(".vpce.amazonaws.com", MOTO)]);
    let privatelink = PrivateLink::builder()
        .configure(&caller_config())
        .hub_vpc(HubVpc::new(
            var("PRIVATELINK_RIG_HUB_ROLE_ARN"),
            var("PRIVATELINK_RIG_HUB_VPC"),
        ))
        // Even when named as a private path: a hub's gateways never carry this VPC's traffic.
        .gateway_endpoints(privatelink::GatewayEndpoints::Use)
        .zone("us-east-1a")
        .policy(Policy::Strict)
        .dns_resolver(dns.clone())
        .trust_store(trust_store())
        .build()
        .await
        .unwrap();
    // The rig's seed asked each account (boto3): the hub's name for the caller's us-east-1a.
    let hub_zone = var("PRIVATELINK_RIG_HUB_ZONE");
    assert_ne!(hub_zone, "us-east-1a");
    let location = privatelink.location().unwrap();
    assert_eq!(
        (location.vpc_id(), location.zone(), location.zone_id()),
        (
            var("PRIVATELINK_RIG_HUB_VPC").as_str(),
            Some(hub_zone.as_str()),
            Some(var("PRIVATELINK_RIG_SPOKE_ZONE_ID").as_str())
        )
    );
    assert_eq!(privatelink.rewrite_config().zone(), Some(hub_zone.as_str()));
    assert!(!privatelink.rewrite_config().gateway_endpoints());
    let snapshot = privatelink.snapshot().unwrap();
    assert!(
        snapshot
            .endpoints()
            .iter()
            .all(|e| e.vpc_id() == Some(var("PRIVATELINK_RIG_HUB_VPC").as_str())),
        "the hub account's endpoints"
    );

    // A real call, dialled to the hub's zonal STS name of the caller's physical zone.
    let sts = aws_sdk_sts::Client::new(&privatelink.dial_config(&caller_config()));
    sts.get_caller_identity().send().await.unwrap();
    let asked = dns.asked();
    assert!(
        asked
            .iter()
            .any(|n| n.ends_with(&format!("-{hub_zone}.sts.us-east-1.vpce.amazonaws.com"))),
        "{asked:?}"
    );
    assert!(
        !asked.iter().any(|n| n.contains("-us-east-1a.")),
        "never the hub's us-east-1a, another physical zone: {asked:?}"
    );
}
