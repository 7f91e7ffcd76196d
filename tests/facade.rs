//! The facade's file loading.

use std::error::Error;

#[test]
fn loads_the_fixture_and_names_bad_files() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/describe-vpc-endpoints.json"
    );
    let index = privatelink::index_from_file(fixture).unwrap();
    assert_eq!(index.endpoints().len(), 15);

    let missing = privatelink::index_from_file("/nonexistent/endpoints.json").unwrap_err();
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
    let err = privatelink::index_from_file(&bad).unwrap_err();
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
