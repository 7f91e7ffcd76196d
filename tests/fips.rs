//! Feature `fips`: dial mode's TLS in aws-lc's FIPS module (`crypto_mode(CryptoMode::AwsLcFips)`).
//!
//! A TLS 1.3 server for S3's default name offering one key exchange: X25519, which FIPS 140-3
//! does not approve, or P-256, which it does. Dial mode in FIPS mode completes no handshake with
//! the first and one with the second; the default mode completes one with the first
//! (`the_default_crypto_agrees_to_x25519`, tests/dial.rs): the mode reaches the connections dial
//! mode opens.
//!
//! Needs the `fips` feature, whose aws-lc-fips-sys build needs CMake and Go; `scripts/test.sh`
//! runs it alone: `cargo test -p privatelink --no-default-features --features fips --test fips`.

use std::net::{IpAddr, Ipv4Addr};

use aws_smithy_http_client::tls::TrustStore;
use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use aws_smithy_runtime_api::client::dns::SharedDnsResolver;
use privatelink::PrivateLink;
use privatelink::core::Policy;
use privatelink_peers::{HandshakeCounter, LoopbackVpc, TestCa, VPC_ID, ZONE};
use privatelink_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY, SuffixDns};
use rustls::crypto::aws_lc_rs::kx_group;

/// S3's `ListBuckets` through a dial-mode handle in FIPS mode (the loopback VPC's endpoints
/// from a file; endpoint names resolve to 127.0.0.1) to `server`. The server answers 500 after
/// a handshake, so the call fails either way; its handshake count says how far it got.
async fn list_buckets(ca: &TestCa, server: &HandshakeCounter) {
    let dir = tempfile::tempdir().unwrap();
    let file = LoopbackVpc::endpoints_file(dir.path());
    let privatelink = PrivateLink::builder()
        .endpoints_file(&file)
        .vpc_id(VPC_ID)
        .zone(ZONE)
        .policy(Policy::Strict)
        .dns_resolver(SharedDnsResolver::new(SuffixDns::new(vec![(
            ".vpce.amazonaws.com",
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        )])))
        .trust_store(TrustStore::empty().with_pem_certificate(ca.ca_pem()))
        .crypto_mode(CryptoMode::AwsLcFips)
        .build()
        .await
        .unwrap();
    let config = privatelink.dial_config(
        &privatelink_testkit::sdk_config(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
            .retry_config(aws_smithy_types::retry::RetryConfig::standard().with_max_attempts(1))
            .build(),
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .endpoint_url(format!(
                "https://s3.us-east-1.amazonaws.com:{}",
                server.address().port()
            ))
            .build(),
    );
    assert!(s3.list_buckets().send().await.is_err());
}

fn s3_names() -> Vec<String> {
    vec!["s3.us-east-1.amazonaws.com".to_owned()]
}

#[tokio::test]
async fn in_fips_mode_dial_mode_agrees_to_no_key_exchange_fips_does_not_approve() {
    let ca = TestCa::new();
    let server = HandshakeCounter::start(&ca, &s3_names(), kx_group::X25519)
        .await
        .unwrap();
    list_buckets(&ca, &server).await;
    assert_eq!(server.handshakes(), 0, "FIPS mode agreed to X25519");
}

#[tokio::test]
async fn in_fips_mode_dial_mode_connects_with_an_approved_key_exchange() {
    let ca = TestCa::new();
    let server = HandshakeCounter::start(&ca, &s3_names(), kx_group::SECP256R1)
        .await
        .unwrap();
    list_buckets(&ca, &server).await;
    assert_eq!(server.handshakes(), 1);
}
