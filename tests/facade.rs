//! The facade's file loading.

use std::error::Error;

#[test]
fn loads_the_fixture_and_names_bad_files() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/describe-vpc-endpoints.json"
    );
    let index = privatelink::discovery::index_from_file(fixture).unwrap();
    assert_eq!(index.endpoints().len(), 15);

    let missing =
        privatelink::discovery::index_from_file("/nonexistent/endpoints.json").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "cannot read endpoint file /nonexistent/endpoints.json"
    );
    assert!(
        missing
            .source()
            .unwrap()
            .downcast_ref::<std::io::Error>()
            .is_some()
    );
    assert!(missing.parse_error().is_none());

    let dir = std::env::temp_dir().join(format!("privatelink-facade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    let err = privatelink::discovery::index_from_file(&bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("invalid endpoint file {}", bad.display())
    );
    assert!(matches!(
        err.parse_error(),
        Some(privatelink::core::ParseError::MissingVpcEndpoints(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An endpoint file of several VPCs needs a VPC id; with one, only that VPC's endpoints are kept
/// (endpoints that name no VPC may be another VPC's, so they go too); oversized files are refused.
#[test]
fn endpoint_files_are_unambiguous_and_bounded() {
    use privatelink::discovery::{MAX_ENDPOINT_FILE_BYTES, read_endpoints};
    let endpoint = |id: &str, vpc: Option<&str>| {
        let vpc = vpc
            .map(|v| format!(r#""VpcId": "{v}","#))
            .unwrap_or_default();
        format!(
            r#"{{{vpc} "VpcEndpointId": "{id}", "VpcEndpointType": "Interface", "State": "available",
                "ServiceName": "com.amazonaws.us-east-1.ec2",
                "DnsEntries": [{{"DnsName": "{id}-abcd1234.ec2.us-east-1.vpce.amazonaws.com"}}]}}"#
        )
    };
    let json = format!(
        r#"{{"VpcEndpoints": [{}, {}, {}]}}"#,
        endpoint("vpce-0b", Some("vpc-0b")),
        endpoint("vpce-0a", Some("vpc-0a")),
        endpoint("vpce-0c", None)
    );
    let err = read_endpoints(json.as_bytes(), "-", None).unwrap_err();
    assert_eq!(
        err.vpcs(),
        Some(&["vpc-0a".to_owned(), "vpc-0b".to_owned()][..])
    );
    assert_eq!(
        err.to_string(),
        "invalid endpoint data on standard input: it holds endpoints of several VPCs (vpc-0a, vpc-0b); set the VPC id (PRIVATELINK_VPC_ID, vpc_id(..), --vpc)"
    );
    let kept = read_endpoints(json.as_bytes(), "-", Some("vpc-0a")).unwrap();
    assert_eq!(kept.iter().map(|e| e.id()).collect::<Vec<_>>(), ["vpce-0a"]);
    let one_vpc = format!(
        r#"{{"VpcEndpoints": [{}, {}]}}"#,
        endpoint("vpce-0a", Some("vpc-0a")),
        endpoint("vpce-0c", None)
    );
    assert_eq!(
        read_endpoints(one_vpc.as_bytes(), "f.json", None)
            .unwrap()
            .len(),
        2
    );

    let mut oversized = json.clone().into_bytes();
    oversized.resize(MAX_ENDPOINT_FILE_BYTES as usize + 1, b' ');
    let err = read_endpoints(&oversized[..], "big.json", None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("invalid endpoint file big.json: larger than {MAX_ENDPOINT_FILE_BYTES} bytes")
    );
    let mut at_limit = json.into_bytes();
    at_limit.resize(MAX_ENDPOINT_FILE_BYTES as usize, b' ');
    assert!(read_endpoints(&at_limit[..], "f.json", Some("vpc-0b")).is_ok());
}

/// An export document says which VPC it describes and when: a process of another VPC gets an
/// error naming both (not an empty list, which strict mode would turn into refusals of every
/// request), through `build()` as through the reader; the discovery time is read back.
#[tokio::test]
async fn an_export_for_another_vpc_is_an_error_naming_both() {
    use privatelink::core::export_json;
    use privatelink::discovery::{DiscoveryError, read_document};
    use privatelink::{BuildError, PrivateLink};
    let fixture = include_str!("../testdata/describe-vpc-endpoints.json");
    let endpoints = privatelink::core::parse_describe_vpc_endpoints(fixture).unwrap();
    let discovered = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_196_005);
    let json = export_json(
        &endpoints,
        Some("vpc-0example0000001"),
        Some("us-east-1"),
        Some(discovered),
    );
    let document = read_document(json.as_bytes(), "-", Some("vpc-0example0000001")).unwrap();
    assert_eq!(document.discovered_at, Some(discovered));
    assert_eq!(document.endpoints.len(), endpoints.len());

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("endpoints.json");
    std::fs::write(&file, &json).unwrap();
    let err = PrivateLink::builder()
        .endpoints_file(&file)
        .vpc_id("vpc-0mine")
        .build()
        .await
        .unwrap_err();
    let BuildError::Discovery(DiscoveryError::File(file_error)) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        file_error.other_vpc(),
        Some(("vpc-0example0000001", "vpc-0mine"))
    );
    assert!(
        file_error
            .to_string()
            .ends_with("it describes vpc-0example0000001, and this process's VPC is vpc-0mine"),
        "{file_error}"
    );
}
