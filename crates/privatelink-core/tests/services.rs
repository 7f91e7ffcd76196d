//! The endpoint label → SDK service id table (`data/sdk-services.tsv`) and the
//! `AWS_ENDPOINT_URL_<SERVICE>` settings built from it, checked entry by entry against the AWS
//! SDK's own lookup of service-specific endpoint variables (aws-runtime's `EnvConfigValue`, which
//! aws-config uses for every client).

use std::collections::HashSet;

use aws_runtime::env_config::EnvConfigValue;
use aws_types::os_shim_internal::Env;
use privatelink_core::{
    DnsEntry, EndpointIndex, EndpointState, EndpointType, ServiceEndpoints, VpcEndpoint,
    endpoint_env_var, index_from_describe_json, sdk_service_ids, sdk_services,
};

const FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");
const TABLE: &str = include_str!("../data/sdk-services.tsv");

/// What the SDK would use as `service_id`'s endpoint URL, given these environment variables.
fn sdk_endpoint_url(vars: &[(&str, &str)], service_id: &str) -> Option<String> {
    let env = Env::from_slice(vars);
    EnvConfigValue::new()
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .service_id(service_id)
        .load(&env, None)
        .map(|(value, _)| value.into_owned())
}

fn interface_endpoint(id: &str, name: &str) -> VpcEndpoint {
    VpcEndpoint::builder()
        .id(id)
        .endpoint_type(EndpointType::Interface)
        .service_name("com.amazonaws.us-east-1.test")
        .state(EndpointState::Available)
        .dns_entry(DnsEntry::new(name, None))
        .build()
        .unwrap()
}

#[test]
fn the_table_is_well_formed_sorted_and_names_its_source() {
    assert!(
        TABLE.lines().any(|l| l.starts_with("# botocore 1.")),
        "the header records the botocore version the table was made from"
    );
    let rows: Vec<_> = TABLE.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(rows.len() > 400, "{} rows", rows.len());
    let mut seen = HashSet::new();
    for row in &rows {
        let fields: Vec<_> = row.split('\t').collect();
        assert_eq!(fields.len(), 2, "one tab per row: {row:?}");
        let (label, id) = (fields[0], fields[1]);
        assert!(
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b)),
            "label {label:?}"
        );
        assert!(
            !id.is_empty() && id.trim() == id && !id.contains("  "),
            "service id {id:?}"
        );
        assert!(seen.insert((label, id)), "duplicate row {row:?}");
    }
    let pairs: Vec<_> = sdk_services().collect();
    assert_eq!(pairs.len(), rows.len(), "every row is read");
    assert!(pairs.windows(2).all(|w| w[0] < w[1]), "sorted");
}

/// Every entry: an endpoint with that label yields `AWS_ENDPOINT_URL_<SERVICE>` for each of the
/// label's service ids, and the SDK's own lookup finds exactly that URL under that service id.
#[test]
fn every_entry_gives_a_variable_the_sdk_reads_for_that_service() {
    let mut checked = 0;
    for (n, (label, service_id)) in sdk_services().enumerate() {
        let id = format!("vpce-{n:017x}");
        let name = format!("{id}-abcd1234.{label}.us-east-1.vpce.amazonaws.com");
        let index = EndpointIndex::new([interface_endpoint(&id, &name)]);
        let endpoints = ServiceEndpoints::new(&index, "us-east-1", None);
        if label == "execute-api" {
            // Its one SDK service, the API Gateway Management API, cannot use the endpoint,
            // which serves private REST APIs only.
            assert!(endpoints.services().is_empty(), "{endpoints:?}");
            assert_eq!(endpoints.unmapped(), [(label.to_owned(), id)]);
            continue;
        }
        let url = format!("https://{name}");
        let service = endpoints
            .services()
            .iter()
            .find(|s| s.service_id() == service_id)
            .unwrap_or_else(|| panic!("{label} → {service_id} missing: {endpoints:?}"));
        assert_eq!((service.url(), service.label()), (url.as_str(), label));
        let vars = [(service.env_var(), service.url())];
        assert_eq!(
            sdk_endpoint_url(&vars, service_id).as_deref(),
            Some(url.as_str()),
            "the SDK does not read {} for {service_id:?}",
            service.env_var()
        );
        // Every service the label serves gets its own variable; nothing else does.
        let ids: Vec<_> = sdk_service_ids(label).collect();
        assert_eq!(endpoints.services().len(), ids.len(), "{label}");
        checked += 1;
    }
    assert!(checked > 400);
}

#[test]
fn variable_names_follow_the_sdk_reference() {
    // The SDK reference guide, "Identifiers for service-specific endpoints".
    #[rustfmt::skip]
    let rows = [
        ("api.ecr",          "ECR",                    "AWS_ENDPOINT_URL_ECR"),
        ("logs",             "CloudWatch Logs",        "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"),
        ("monitoring",       "CloudWatch",             "AWS_ENDPOINT_URL_CLOUDWATCH"),
        ("streams.dynamodb", "DynamoDB Streams",       "AWS_ENDPOINT_URL_DYNAMODB_STREAMS"),
        ("runtime.sagemaker","SageMaker Runtime",      "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"),
        ("secretsmanager",   "Secrets Manager",        "AWS_ENDPOINT_URL_SECRETS_MANAGER"),
        ("execute-api",      "ApiGatewayManagementApi","AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"),
        ("ec2",              "EC2",                    "AWS_ENDPOINT_URL_EC2"),
        ("sts",              "STS",                    "AWS_ENDPOINT_URL_STS"),
    ];
    for (label, service_id, var) in rows {
        assert!(
            sdk_service_ids(label).any(|id| id == service_id),
            "{label} → {service_id}"
        );
        assert_eq!(endpoint_env_var(service_id), var);
    }
    let elb: Vec<_> = sdk_service_ids("elasticloadbalancing").collect();
    assert_eq!(
        elb,
        ["Elastic Load Balancing", "Elastic Load Balancing v2"],
        "a label shared by two SDK clients"
    );
    assert_eq!(sdk_service_ids("no-such-service").count(), 0);
}

#[test]
fn the_fixture_gives_s3_bucket_and_control_urls_zonal_names_and_reports_unmapped_labels() {
    let index = index_from_describe_json(FIXTURE).unwrap();
    let endpoints = ServiceEndpoints::new(&index, "us-east-1", Some("us-east-1a"));
    let lines: Vec<String> = endpoints
        .services()
        .iter()
        .map(ToString::to_string)
        .collect();
    #[rustfmt::skip]
    let expected = [
        "AWS_ENDPOINT_URL_DYNAMODB=https://vpce-0dd0000000000000d4-pq1x2y3z.dynamodb.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS=https://vpce-05d0000000000000c9-s7d8f9g0.streams.dynamodb.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_EC2=https://vpce-0ec200000000000a1-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_ECR=https://vpce-0ec7000000000000f6-m2n3b4v5.api.ecr.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_S3=https://bucket.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_S3_CONTROL=https://control.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=https://vpce-05a9000000000000fc-o9p0a1s2.runtime.sagemaker.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_SSM=https://vpce-0b0b000000000001b1-b7n8m9l0.ssm.us-east-1.vpce.amazonaws.com",
        "AWS_ENDPOINT_URL_STS=https://vpce-0575000000000000c3-ks83awe7-us-east-1a.sts.us-east-1.vpce.amazonaws.com",
    ];
    assert_eq!(lines, expected);
    // Kinesis is pending and logs deleting: not usable, so no variable.
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("KINESIS") || l.contains("LOGS"))
    );
    // These labels have no SDK service id.
    let unmapped: Vec<_> = endpoints
        .unmapped()
        .iter()
        .map(|(label, _)| label.as_str())
        .collect();
    assert_eq!(
        unmapped,
        [
            "api.iotsitewise",
            "data.iotsitewise",
            "execute-api",
            "kms-fips"
        ]
    );
    // The SDK reads the S3 variable for S3 and the S3 Control one for S3 Control.
    let vars: Vec<(&str, &str)> = endpoints
        .services()
        .iter()
        .map(|s| (s.env_var(), s.url()))
        .collect();
    assert_eq!(
        sdk_endpoint_url(&vars, "S3 Control").as_deref(),
        Some(
            "https://control.vpce-053000000000000b2-9hnenorg-us-east-1a.s3.us-east-1.vpce.amazonaws.com"
        )
    );
    // The endpoints the variables come from: one per label in the region, usable or not.
    let labels: Vec<(&str, &str)> = index
        .in_region("us-east-1")
        .into_iter()
        .map(|(label, _, endpoint)| (label, endpoint.state().as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("api.ecr", "available"),
            ("api.iotsitewise", "available"),
            ("data.iotsitewise", "available"),
            ("dynamodb", "available"),
            ("ec2", "available"),
            ("execute-api", "available"),
            ("kinesis", "pending"),
            ("kms-fips", "available"),
            ("logs", "deleting"),
            ("runtime.sagemaker", "available"),
            ("s3", "available"),
            ("ssm", "available"),
            ("streams.dynamodb", "available"),
            ("sts", "available"),
        ]
    );
    // Another region has no endpoints in the fixture.
    assert!(
        ServiceEndpoints::new(&index, "eu-west-1", None)
            .services()
            .is_empty()
    );
}

/// The Terraform AWS provider's `endpoints` keys, against the provider's documentation of its
/// `endpoints` block (hashicorp/aws 6.x "Custom Service Endpoints": `cloudwatchlogs` is an
/// alias of `logs`, `s3control`, `elasticloadbalancingv2` an alias of `elbv2`); a service the
/// provider does not manage has none.
#[test]
fn a_service_has_the_terraform_key_the_provider_documents() {
    use privatelink_core::{terraform_endpoint_key, terraform_provider_version};

    let cases = [
        ("EC2", Some("ec2")),
        ("S3", Some("s3")),
        ("S3 Control", Some("s3control")),
        ("STS", Some("sts")),
        ("Lambda", Some("lambda")),
        ("CloudWatch Logs", Some("cloudwatchlogs")),
        ("Secrets Manager", Some("secretsmanager")),
        ("Elastic Load Balancing v2", Some("elasticloadbalancingv2")),
        ("API Gateway", Some("apigateway")),
        ("Route 53", Some("route53")),
        ("Bedrock Runtime", None),
        ("ECR PUBLIC", Some("ecrpublic")),
        ("", None),
    ];
    for (service_id, key) in cases {
        assert_eq!(terraform_endpoint_key(service_id), key, "{service_id}");
    }
    assert_eq!(terraform_provider_version(), "6.25.0");
}
