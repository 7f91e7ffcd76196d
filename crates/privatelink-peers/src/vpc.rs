//! A made-up VPC on loopback: its endpoints as EC2 describes them, and peers serving them.

use std::io;

use aws_smithy_runtime_api::client::http::SharedHttpClient;
use privatelink_core::{DnsEntry, EndpointState, EndpointType, VpcEndpoint};
use privatelink_testkit::{ACCESS_KEY_ID, SECRET_ACCESS_KEY};

use crate::{Ec2Peer, S3Peer, TestCa, loopback_http_client};

/// The VPC id.
pub const VPC_ID: &str = "vpc-0de11a0000000demo";
/// The availability zone with zonal endpoint names.
pub const ZONE: &str = "us-east-1a";
const S3_ID: &str = "vpce-0de11a53000000001";
const EC2_ID: &str = "vpce-0de11aec200000002";

/// A VPC in us-east-1 with S3 and EC2 interface endpoints (regional and `us-east-1a` names), a
/// Kinesis endpoint still `pending`, and an S3 gateway endpoint; an [`Ec2Peer`] that describes it
/// and an [`S3Peer`] behind its S3 endpoint names. Both check SigV4 with the testkit's keys.
#[derive(Debug)]
pub struct LoopbackVpc {
    ca: TestCa,
    /// The S3 peer.
    pub s3: S3Peer,
    /// The EC2 peer (also reachable as `ec2.us-east-1.amazonaws.com`).
    pub ec2: Ec2Peer,
}

impl LoopbackVpc {
    /// Starts both peers.
    pub async fn start() -> io::Result<Self> {
        let ca = TestCa::new();
        let s3 = S3Peer::start(
            &ca,
            &[&Self::s3_name(None), &Self::s3_name(Some(ZONE))],
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
        )
        .await?;
        let names = [
            "ec2.us-east-1.amazonaws.com".to_owned(),
            "*.ec2.us-east-1.vpce.amazonaws.com".to_owned(),
        ];
        let ec2 = Ec2Peer::start(
            &ca,
            &names,
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            Self::endpoints("available"),
        )
        .await?;
        Ok(Self { ca, s3, ec2 })
    }

    /// The PEM certificate of the CA both peers' certificates come from.
    pub fn ca_pem(&self) -> &str {
        self.ca.ca_pem()
    }

    /// The S3 interface endpoint's regional name, or its zonal name for `zone`.
    pub fn s3_name(zone: Option<&str>) -> String {
        let zone = zone.map(|z| format!("-{z}")).unwrap_or_default();
        format!("{S3_ID}-5emo3s3a{zone}.s3.us-east-1.vpce.amazonaws.com")
    }

    /// The EC2 interface endpoint's regional name, or its zonal name for `zone`.
    pub fn ec2_name(zone: Option<&str>) -> String {
        let zone = zone.map(|z| format!("-{z}")).unwrap_or_default();
        format!("{EC2_ID}-5emoec2b{zone}.ec2.us-east-1.vpce.amazonaws.com")
    }

    /// The VPC's endpoints as `DescribeVpcEndpoints` returns them, with the S3 interface
    /// endpoint in `s3_state`.
    pub fn endpoints(s3_state: &str) -> Vec<VpcEndpoint> {
        let endpoint = |id: &str,
                        kind: &str,
                        service: &str,
                        state: &str,
                        private_dns: bool,
                        names: &[String]| {
            names
                .iter()
                .fold(
                    VpcEndpoint::builder()
                        .id(id)
                        .endpoint_type(EndpointType::parse(kind))
                        .vpc_id(VPC_ID)
                        .service_name(service)
                        .state(EndpointState::parse(state))
                        .private_dns_enabled(private_dns)
                        .subnet_id("subnet-0de11a000000000a1")
                        .subnet_id("subnet-0de11a000000000b2"),
                    |b, n| b.dns_entry(DnsEntry::new(n.as_str(), None)),
                )
                .build()
                .expect("complete endpoint")
        };
        let kinesis =
            "vpce-0de11a4e000000003-k1n3s1s0.kinesis.us-east-1.vpce.amazonaws.com".to_owned();
        vec![
            endpoint(
                S3_ID,
                "Interface",
                "com.amazonaws.us-east-1.s3",
                s3_state,
                false,
                &[
                    format!("*.{}", Self::s3_name(None)),
                    format!("*.{}", Self::s3_name(Some(ZONE))),
                ],
            ),
            endpoint(
                EC2_ID,
                "Interface",
                "com.amazonaws.us-east-1.ec2",
                "available",
                true,
                &[
                    Self::ec2_name(None),
                    Self::ec2_name(Some(ZONE)),
                    "ec2.us-east-1.amazonaws.com".to_owned(),
                ],
            ),
            endpoint(
                "vpce-0de11a4e000000003",
                "Interface",
                "com.amazonaws.us-east-1.kinesis-streams",
                "pending",
                false,
                &[kinesis],
            ),
            endpoint(
                "vpce-0de11a9a7e0000004",
                "Gateway",
                "com.amazonaws.us-east-1.s3",
                "available",
                false,
                &[],
            ),
        ]
    }

    /// Writes the VPC's endpoints (all `available`) as an export document (us-east-1) to
    /// `endpoints.json` in `dir`, for `endpoints_file(..)`; returns the path.
    pub fn endpoints_file(dir: &std::path::Path) -> std::path::PathBuf {
        let file = dir.join("endpoints.json");
        let json = privatelink_core::export_json(
            &Self::endpoints("available"),
            Some(VPC_ID),
            Some("us-east-1"),
            None,
        );
        std::fs::write(&file, json).expect("a writable folder");
        file
    }

    /// An SDK HTTP client for this VPC: the endpoint names and `ec2.us-east-1.amazonaws.com`
    /// reach the peers; every other name fails to resolve (nothing leaves for a public host).
    pub fn http_client(&self) -> SharedHttpClient {
        loopback_http_client(
            &[self.ca.ca_pem()],
            vec![
                ("s3.us-east-1.vpce.amazonaws.com".into(), self.s3.address()),
                (
                    "ec2.us-east-1.vpce.amazonaws.com".into(),
                    self.ec2.address(),
                ),
                ("ec2.us-east-1.amazonaws.com".into(), self.ec2.address()),
            ],
        )
    }
}
