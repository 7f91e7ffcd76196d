//! `Ec2Source` against recorded-shape EC2 Query/XML responses (StaticReplayClient): pagination,
//! camelCase states, filters, and how each failure is classified.

use std::error::Error;

use aws_config::SdkConfig;
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::test_util::InstantSleep;
use aws_smithy_http_client::test_util::StaticReplayClient;
use aws_smithy_types::body::SdkBody;
use privatelink_core::{EndpointIndex, EndpointState, EndpointType, IpAddressType};
use privatelink_discovery::{DescribeEndpoints, DiscoveryError, Ec2Source};
use privatelink_testkit::{ec2_error as error, ec2_replay as replay};

fn endpoint_xml(id: &str, kind: &str, service: &str, state: &str, names: &[&str]) -> String {
    let entries: String = names
        .iter()
        .map(|n| {
            format!("<item><dnsName>{n}</dnsName><hostedZoneId>Z7HUB22UULQXV</hostedZoneId></item>")
        })
        .collect();
    format!(
        "<item><vpcEndpointId>{id}</vpcEndpointId><vpcEndpointType>{kind}</vpcEndpointType><vpcId>vpc-0test</vpcId>\
         <serviceName>{service}</serviceName><state>{state}</state><routeTableIdSet/><subnetIdSet><item>subnet-0a</item></subnetIdSet>\
         <groupSet/><privateDnsEnabled>false</privateDnsEnabled><requesterManaged>false</requesterManaged>\
         <dnsEntrySet>{entries}</dnsEntrySet><creationTimestamp>2026-11-01T10:00:00.000Z</creationTimestamp>\
         <tagSet/><ownerId>123456789012</ownerId></item>"
    )
}

fn page(items: &[String], next_token: Option<&str>) -> http::Response<SdkBody> {
    let token = next_token
        .map(|t| format!("<nextToken>{t}</nextToken>"))
        .unwrap_or_default();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVpcEndpointsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><vpcEndpointSet>{}</vpcEndpointSet>{token}</DescribeVpcEndpointsResponse>",
        items.concat()
    );
    http::Response::builder()
        .status(200)
        .body(SdkBody::from(body))
        .unwrap()
}

fn sdk_config(http: StaticReplayClient) -> SdkConfig {
    privatelink_testkit::sdk_config("AKID", "SECRET")
        .sleep_impl(SharedAsyncSleep::new(InstantSleep::unlogged()))
        .http_client(http)
        .build()
}

fn bodies(replay: &StaticReplayClient) -> Vec<String> {
    replay
        .actual_requests()
        .map(|r| String::from_utf8(r.body().bytes().unwrap().to_vec()).unwrap())
        .collect()
}

#[tokio::test]
async fn follows_pages_filters_by_vpc_and_type_and_keeps_wire_states() {
    let ec2 = endpoint_xml(
        "vpce-0ec2",
        "Interface",
        "com.amazonaws.us-east-1.ec2",
        "available",
        &[
            "vpce-0ec2-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com",
            "vpce-0ec2-4r5zme9n-us-east-1a.ec2.us-east-1.vpce.amazonaws.com",
        ],
    );
    let kinesis = endpoint_xml(
        "vpce-0e1e",
        "Interface",
        "com.amazonaws.us-east-1.kinesis-streams",
        "pendingAcceptance",
        &["vpce-0e1e-ir18s80p.kinesis.us-east-1.vpce.amazonaws.com"],
    );
    let gateway = endpoint_xml(
        "vpce-0ea7",
        "Gateway",
        "com.amazonaws.us-east-1.s3",
        "available",
        &[],
    );
    let http = replay(vec![
        page(&[ec2, kinesis], Some("page-2-token")),
        page(&[gateway], None),
    ]);
    let source = Ec2Source::new(&sdk_config(http.clone()));

    let endpoints = source.describe("vpc-0test").await.unwrap();
    let summary: Vec<_> = endpoints
        .iter()
        .map(|e| {
            (
                e.id(),
                e.endpoint_type().clone(),
                e.state().clone(),
                e.dns_entries().len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "vpce-0ec2",
                EndpointType::Interface,
                EndpointState::Available,
                2
            ),
            (
                "vpce-0e1e",
                EndpointType::Interface,
                EndpointState::PendingAcceptance,
                1
            ),
            (
                "vpce-0ea7",
                EndpointType::Gateway,
                EndpointState::Available,
                0
            ),
        ]
    );
    assert_eq!(endpoints[0].subnet_ids(), ["subnet-0a"]);
    assert_eq!(
        endpoints[0].dns_entries()[0].hosted_zone_id(),
        Some("Z7HUB22UULQXV")
    );
    let index = EndpointIndex::new(endpoints);
    assert_eq!(
        index.usable_count(),
        1,
        "only the available interface endpoint is usable"
    );

    let bodies = bodies(&http);
    assert_eq!(bodies.len(), 2);
    for body in &bodies {
        assert!(
            body.starts_with("Action=DescribeVpcEndpoints&Version=2016-11-15"),
            "{body}"
        );
        assert!(
            body.contains("Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0test"),
            "{body}"
        );
        assert!(
            body.contains("Filter.2.Name=vpc-endpoint-type&Filter.2.Value.1=Interface&Filter.2.Value.2=Gateway"),
            "{body}"
        );
        assert!(body.contains("MaxResults=1000"), "{body}");
    }
    assert!(!bodies[0].contains("NextToken"));
    assert!(
        bodies[1].contains("NextToken=page-2-token"),
        "{}",
        bodies[1]
    );
    // Each page is SigV4-signed for ec2 in the client's region.
    for request in http.actual_requests() {
        let auth = request.headers().get("authorization").unwrap();
        assert!(auth.contains("/us-east-1/ec2/aws4_request"), "{auth}");
    }
}

#[tokio::test]
async fn throttling_then_success_is_retried_by_the_sdk() {
    let item = endpoint_xml(
        "vpce-0ec2",
        "Interface",
        "com.amazonaws.us-east-1.ec2",
        "available",
        &["vpce-0ec2-4r5zme9n.ec2.us-east-1.vpce.amazonaws.com"],
    );
    let http = replay(vec![
        error(503, "RequestLimitExceeded"),
        error(500, "InternalError"),
        page(&[item], None),
    ]);
    let endpoints = Ec2Source::new(&sdk_config(http.clone()))
        .describe("vpc-0test")
        .await
        .unwrap();
    assert_eq!(endpoints.len(), 1);
    assert_eq!(http.actual_requests().count(), 3);
}

#[tokio::test]
async fn failures_are_classified_with_the_ec2_code() {
    // (responses, expected variant, code, message fragment)
    let cases: Vec<(Vec<http::Response<SdkBody>>, &str, &str, &str)> = vec![
        (
            vec![error(403, "UnauthorizedOperation")],
            "AccessDenied",
            "UnauthorizedOperation",
            "grant `ec2:DescribeVpcEndpoints`",
        ),
        (
            vec![error(401, "AuthFailure")],
            "InvalidCredentials",
            "AuthFailure",
            "EC2 rejected the credentials (AuthFailure): check the access key",
        ),
        (
            (0..3).map(|_| error(503, "RequestLimitExceeded")).collect(),
            "Throttled",
            "RequestLimitExceeded",
            "EC2 throttled DescribeVpcEndpoints",
        ),
        (
            (0..3).map(|_| error(500, "InternalError")).collect(),
            "Service",
            "InternalError",
            "DescribeVpcEndpoints failed with InternalError",
        ),
        (
            vec![error(400, "InvalidVpcId.NotFound")],
            "Service",
            "InvalidVpcId.NotFound",
            "failed with InvalidVpcId.NotFound",
        ),
    ];
    for (responses, variant, code, message) in cases {
        let attempts = responses.len();
        let http = replay(responses);
        let err = Ec2Source::new(&sdk_config(http.clone()))
            .describe("vpc-0test")
            .await
            .unwrap_err();
        let (got_variant, got_code) = match &err {
            DiscoveryError::AccessDenied(e) => ("AccessDenied", e.code()),
            DiscoveryError::InvalidCredentials(e) => ("InvalidCredentials", e.code()),
            DiscoveryError::Throttled(e) => ("Throttled", e.code()),
            DiscoveryError::Service(e) => ("Service", e.code()),
            other => panic!("{other:?}"),
        };
        assert_eq!((got_variant, got_code), (variant, Some(code)), "{err}");
        let context = match &err {
            DiscoveryError::AccessDenied(e)
            | DiscoveryError::InvalidCredentials(e)
            | DiscoveryError::Throttled(e)
            | DiscoveryError::Service(e) => e,
            other => panic!("{other:?}"),
        };
        let expected_message = format!("message for {code}");
        assert_eq!(context.message(), Some(expected_message.as_str()));
        assert!(err.to_string().contains(message), "{err}");
        assert!(err.source().is_some(), "the SDK error is the source");
        assert_eq!(
            http.actual_requests().count(),
            attempts,
            "{code}: retried {attempts} times at most"
        );
    }
}

#[tokio::test]
async fn an_unparsable_answer_is_an_invalid_response() {
    let garbage = http::Response::builder()
        .status(200)
        .body(SdkBody::from("<html>captive portal</html>"))
        .unwrap();
    let err = Ec2Source::new(&sdk_config(replay(vec![garbage])))
        .describe("vpc-0test")
        .await
        .unwrap_err();
    assert!(matches!(err, DiscoveryError::InvalidResponse(_)), "{err:?}");

    let missing_state = page(&["<item><vpcEndpointId>vpce-1</vpcEndpointId><vpcEndpointType>Interface</vpcEndpointType><serviceName>s</serviceName></item>".to_owned()], None);
    let err = Ec2Source::new(&sdk_config(replay(vec![missing_state])))
        .describe("vpc-0test")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid DescribeVpcEndpoints response: endpoint vpce-1 has no State"
    );
}

#[tokio::test]
async fn dns_options_and_ip_address_type_come_through() {
    let s3 = endpoint_xml(
        "vpce-0530",
        "Interface",
        "com.amazonaws.us-east-1.s3",
        "available",
        &["*.vpce-0530-9hnenorg.s3.us-east-1.vpce.amazonaws.com"],
    )
    .replace(
        "<requesterManaged>",
        "<ipAddressType>dualstack</ipAddressType><dnsOptions><dnsRecordIpType>ipv6</dnsRecordIpType>\
         <privateDnsOnlyForInboundResolverEndpoint>true</privateDnsOnlyForInboundResolverEndpoint></dnsOptions>\
         <requesterManaged>",
    );
    let plain = endpoint_xml(
        "vpce-0ec2",
        "Interface",
        "com.amazonaws.us-east-1.ec2",
        "available",
        &[],
    );
    let http = replay(vec![page(&[s3, plain], None)]);
    let endpoints = Ec2Source::new(&sdk_config(http))
        .describe("vpc-0test")
        .await
        .unwrap();
    let options = endpoints[0].dns_options();
    assert_eq!(
        (
            endpoints[0].ip_address_type(),
            options.dns_record_ip_type.as_ref(),
            options.private_dns_only_for_inbound_resolver_endpoint,
        ),
        (
            Some(&IpAddressType::Dualstack),
            Some(&IpAddressType::Ipv6),
            true
        )
    );
    assert_eq!(
        (endpoints[1].ip_address_type(), endpoints[1].dns_options()),
        (None, &Default::default()),
        "absent: none and the defaults"
    );
}

/// Pagination is bounded by itself, not only by the walk's time limit: a `NextToken` that comes
/// back (A → B → A) or pages without end stop with a typed error after a bounded number of calls.
#[tokio::test]
async fn a_cycling_or_endless_next_token_is_an_invalid_response() {
    let item = endpoint_xml(
        "vpce-0a",
        "Interface",
        "com.amazonaws.us-east-1.ec2",
        "available",
        &["vpce-0a-x.ec2.us-east-1.vpce.amazonaws.com"],
    );
    let items = std::slice::from_ref(&item);
    let cycle = replay(vec![
        page(items, Some("token-a")),
        page(items, Some("token-b")),
        page(items, Some("token-a")),
    ]);
    let err = Ec2Source::new(&sdk_config(cycle.clone()))
        .describe("vpc-0test")
        .await
        .unwrap_err();
    assert!(matches!(err, DiscoveryError::InvalidResponse(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "invalid DescribeVpcEndpoints response: NextToken `token-a` came back: the pages cycle"
    );
    assert_eq!(cycle.actual_requests().count(), 3);

    let pages = privatelink_discovery::MAX_DESCRIBE_PAGES;
    let endless = replay(
        (0..pages + 5)
            .map(|n| page(items, Some(&format!("token-{n}"))))
            .collect(),
    );
    let err = Ec2Source::new(&sdk_config(endless.clone()))
        .describe("vpc-0test")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid DescribeVpcEndpoints response: more than {pages} pages (at up to 1,000 endpoints a page)"
        )
    );
    assert_eq!(endless.actual_requests().count(), pages);
}

/// One page of a DescribeVpcEndpointServices answer, as EC2 writes it.
fn services_page(items: &[&str], next_token: Option<&str>) -> http::Response<SdkBody> {
    let token = next_token
        .map(|t| format!("<nextToken>{t}</nextToken>"))
        .unwrap_or_default();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVpcEndpointServicesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><serviceNameSet/><serviceDetailSet>{}</serviceDetailSet>{token}</DescribeVpcEndpointServicesResponse>",
        items.concat()
    );
    http::Response::builder()
        .status(200)
        .body(SdkBody::from(body))
        .unwrap()
}

/// `describe_endpoint_services`: every page read, each service's name, owner, region, zones and
/// base names kept (one without a name left out), asked for Interface services and, for another
/// region, with `ServiceRegions`; its page walk is bounded like DescribeVpcEndpoints', and an
/// invalid answer names this operation.
#[tokio::test]
async fn endpoint_services_are_read_page_by_page_and_their_walk_is_bounded() {
    let kms = "<item><serviceName>com.amazonaws.us-west-2.kms</serviceName><owner>amazon</owner>\
        <serviceRegion>us-west-2</serviceRegion><availabilityZoneSet><item>us-west-2a</item><item>us-west-2b</item></availabilityZoneSet>\
        <baseEndpointDnsNameSet><item>kms.us-west-2.vpce.amazonaws.com</item></baseEndpointDnsNameSet></item>";
    let nameless = "<item><owner>amazon</owner></item>";
    let ecr = "<item><serviceName>com.amazonaws.us-west-2.ecr.api</serviceName><owner>amazon</owner>\
        <baseEndpointDnsNameSet><item>api.ecr.us-west-2.vpce.amazonaws.com</item></baseEndpointDnsNameSet></item>";
    let two_pages = replay(vec![
        services_page(&[kms, nameless], Some("next")),
        services_page(&[ecr], None),
    ]);
    let services = Ec2Source::new(&sdk_config(two_pages.clone()))
        .describe_endpoint_services(Some("us-west-2"))
        .await
        .unwrap();
    let names: Vec<&str> = services.iter().map(|s| s.service_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "com.amazonaws.us-west-2.kms",
            "com.amazonaws.us-west-2.ecr.api"
        ]
    );
    assert_eq!(services[0].service_region.as_deref(), Some("us-west-2"));
    assert_eq!(services[0].availability_zones, ["us-west-2a", "us-west-2b"]);
    assert!(services[0].serves("kms", "us-west-2"));
    assert!(services[1].serves("api.ecr", "us-west-2"));
    let sent = bodies(&two_pages);
    assert!(
        sent[0].contains("Action=DescribeVpcEndpointServices")
            && sent[0].contains("Filter.1.Name=service-type")
            && sent[0].contains("Filter.1.Value.1=Interface")
            && sent[0].contains("ServiceRegion.1=us-west-2"),
        "{}",
        sent[0]
    );
    assert!(sent[1].contains("NextToken=next"), "{}", sent[1]);

    let cycle = replay(vec![
        services_page(&[ecr], Some("token-a")),
        services_page(&[ecr], Some("token-a")),
    ]);
    let err = Ec2Source::new(&sdk_config(cycle.clone()))
        .describe_endpoint_services(None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid DescribeVpcEndpointServices response: NextToken `token-a` came back: the pages cycle"
    );
    assert_eq!(cycle.actual_requests().count(), 2);
    assert!(!bodies(&cycle)[0].contains("ServiceRegion"));
}
