//! Where am I: explicit settings → environment → EC2 instance metadata (IMDSv2 replies through a
//! replay client) → ECS task metadata v4 (from a loopback HTTP server this test starts).

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use privatelink_discovery::{DiscoveryError, Environment, Locator};
use privatelink_peers::ecs_agent;

const IMDS: &str = "http://169.254.169.254";
const TOKEN: &str = "AQAEAPrivateLinkTestToken==";

fn env(vars: &[(&str, &str)]) -> Environment {
    vars.iter().copied().collect()
}

fn imds_event(method: &str, path: &str, status: u16, body: &str) -> ReplayEvent {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{IMDS}{path}"))
        .body(SdkBody::empty())
        .unwrap();
    let mut response = http::Response::builder().status(status);
    if path == "/latest/api/token" {
        response = response.header("x-aws-ec2-metadata-token-ttl-seconds", "21600");
    }
    ReplayEvent::new(
        request,
        response.body(SdkBody::from(body.to_owned())).unwrap(),
    )
}

fn sdk_config(http: StaticReplayClient) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
        .http_client(http)
        .build()
}

fn locator(http: &StaticReplayClient, vars: &[(&str, &str)]) -> Locator {
    Locator::new()
        .configure(&sdk_config(http.clone()))
        .environment(env(vars))
        .imds_endpoint(IMDS)
}

#[tokio::test]
async fn instance_metadata_gives_vpc_zone_and_zone_id() {
    let http = StaticReplayClient::new(imds_events("0e:49:61:0f:c3:11"));
    let location = locator(&http, &[]).locate().await.unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.zone_id(),
            location.found_by().as_str()
        ),
        (
            "vpc-0imds",
            Some("us-east-1b"),
            Some("use1-az2"),
            "EC2 instance metadata"
        )
    );
    http.relaxed_requests_match();
    let requests: Vec<_> = http.actual_requests().collect();
    assert_eq!(requests[0].method(), "PUT");
    assert_eq!(
        requests[0]
            .headers()
            .get("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    for request in &requests[1..] {
        assert_eq!(
            request.headers().get("x-aws-ec2-metadata-token"),
            Some(TOKEN),
            "{}",
            request.uri()
        );
    }
}

#[tokio::test]
async fn a_configured_zone_is_kept_and_metadata_still_gives_the_vpc() {
    let http = StaticReplayClient::new(vec![
        imds_event("PUT", "/latest/api/token", 200, TOKEN),
        imds_event("GET", "/latest/meta-data/mac", 200, "aa:bb"),
        imds_event(
            "GET",
            "/latest/meta-data/network/interfaces/macs/aa:bb/vpc-id",
            200,
            "vpc-0imds",
        ),
        imds_event(
            "GET",
            "/latest/meta-data/placement/availability-zone-id",
            200,
            "use1-az6",
        ),
    ]);
    let location = locator(&http, &[("PRIVATELINK_AZ", "us-east-1f")])
        .locate()
        .await
        .unwrap();
    assert_eq!(
        (location.vpc_id(), location.zone(), location.zone_id()),
        ("vpc-0imds", Some("us-east-1f"), Some("use1-az6"))
    );
    assert_eq!(
        http.actual_requests().count(),
        4,
        "the zone is not fetched when configured"
    );
}

#[tokio::test]
async fn explicit_settings_then_environment_win_without_any_metadata_request() {
    let http = StaticReplayClient::new(vec![]);
    let vars = [
        ("PRIVATELINK_VPC_ID", "vpc-0env"),
        ("PRIVATELINK_AZ", "us-east-1c"),
        ("ECS_CONTAINER_METADATA_URI_V4", "http://127.0.0.1:1/v4/x"),
    ];
    let explicit = locator(&http, &vars)
        .vpc_id(Some("vpc-0explicit".into()))
        .zone(Some("us-east-1a".into()));
    let location = explicit.locate().await.unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.found_by().as_str()
        ),
        ("vpc-0explicit", Some("us-east-1a"), "configuration")
    );
    let location = locator(&http, &vars).locate().await.unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.found_by().as_str()
        ),
        ("vpc-0env", Some("us-east-1c"), "environment")
    );
    assert_eq!(http.actual_requests().count(), 0);
}

#[tokio::test]
async fn nothing_found_says_exactly_what_to_set() {
    // No IMDS answers (not on EC2).
    let http = StaticReplayClient::new(vec![]);
    let err = locator(&http, &[]).locate().await.unwrap_err();
    let DiscoveryError::NoVpc(no_vpc) = &err else {
        panic!("{err:?}")
    };
    assert!(err.to_string().starts_with("no VPC id: set it with `PrivateLink::builder().vpc_id(\"vpc-…\")` or the `PRIVATELINK_VPC_ID` environment variable"), "{err}");
    assert_eq!(no_vpc.tried().len(), 3, "{:?}", no_vpc.tried());
    assert!(
        no_vpc.tried()[2].starts_with("EC2 instance metadata: mac:"),
        "{:?}",
        no_vpc.tried()
    );

    for (vars, expected) in [
        (
            vec![("AWS_LAMBDA_FUNCTION_NAME", "fn")],
            "Lambda exposes no VPC metadata: set PRIVATELINK_VPC_ID in the function's configuration",
        ),
        (
            vec![("AWS_EC2_METADATA_DISABLED", "true")],
            "disabled by AWS_EC2_METADATA_DISABLED",
        ),
    ] {
        let err = locator(&http, &vars).locate().await.unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    assert_eq!(
        http.actual_requests().count(),
        0,
        "no metadata request on Lambda or when disabled"
    );
}

const TASK_EC2: &str = r#"{"Cluster":"default","TaskARN":"arn:aws:ecs:us-east-1:123456789012:task/default/abc","Family":"app","Revision":"3","DesiredStatus":"RUNNING","KnownStatus":"RUNNING","Containers":[],"LaunchType":"EC2","AvailabilityZone":"us-east-1d","VPCID":"vpc-0ecs"}"#;
const TASK_FARGATE: &str = r#"{"Cluster":"default","TaskARN":"arn:aws:ecs:us-east-1:123456789012:task/default/abc","LaunchType":"FARGATE","AvailabilityZone":"us-east-1e","Containers":[]}"#;

/// An ECS agent's answer at `base`, through the replay client (the `SdkConfig`'s HTTP client).
fn ecs_event(base: &str, status: u16, body: &str) -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder()
            .uri(format!("{base}/task"))
            .body(SdkBody::empty())
            .unwrap(),
        http::Response::builder()
            .status(status)
            .body(SdkBody::from(body.to_owned()))
            .unwrap(),
    )
}

const ECS_BASE: &str = "http://169.254.170.2/v4/0123456789abcdef-1234567890";

#[tokio::test]
async fn ecs_task_metadata_gives_vpc_and_zone() {
    // Task metadata is read with the SdkConfig's HTTP client (its timeouts, TLS, test doubles).
    let http = StaticReplayClient::new(vec![ecs_event(ECS_BASE, 200, TASK_EC2)]);
    let location = locator(&http, &[("ECS_CONTAINER_METADATA_URI_V4", ECS_BASE)])
        .locate()
        .await
        .unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.found_by().as_str()
        ),
        ("vpc-0ecs", Some("us-east-1d"), "ECS task metadata")
    );
    let requests: Vec<String> = http
        .actual_requests()
        .map(|r| format!("{} {}", r.method(), r.uri()))
        .collect();
    // One GET of the task document; IMDS is not asked on ECS.
    assert_eq!(requests, [format!("GET {ECS_BASE}/task")]);
    http.assert_requests_match(&[]);
}

/// The IMDS answers locating an instance whose interface has `mac` in `vpc-0imds`, zone
/// `us-east-1b` (`use1-az2`).
fn imds_events(mac: &str) -> Vec<ReplayEvent> {
    vec![
        imds_event("PUT", "/latest/api/token", 200, TOKEN),
        imds_event("GET", "/latest/meta-data/mac", 200, mac),
        imds_event(
            "GET",
            &format!("/latest/meta-data/network/interfaces/macs/{mac}/vpc-id"),
            200,
            "vpc-0imds",
        ),
        imds_event(
            "GET",
            "/latest/meta-data/placement/availability-zone",
            200,
            "us-east-1b",
        ),
        imds_event(
            "GET",
            "/latest/meta-data/placement/availability-zone-id",
            200,
            "use1-az2",
        ),
    ]
}

/// A task in bridge or host network mode (or from an older agent) has neither `VPCID` nor a MAC
/// address; an agent may answer an error status. The task then runs on an EC2 container instance
/// whose instance metadata gives the VPC.
#[tokio::test]
async fn ecs_without_vpcid_or_mac_falls_back_to_instance_metadata() {
    const TASK_BRIDGE: &str = r#"{"Cluster":"default","LaunchType":"EC2","AvailabilityZone":"us-east-1b","Containers":[{"Name":"app","Networks":[{"NetworkMode":"bridge","IPv4Addresses":["172.17.0.2"]}]}]}"#;
    for (status, body) in [(200, TASK_BRIDGE), (503, "{}")] {
        let mut events = vec![ecs_event(ECS_BASE, status, body)];
        events.extend(imds_events("aa:bb"));
        let http = StaticReplayClient::new(events);
        let location = locator(&http, &[("ECS_CONTAINER_METADATA_URI_V4", ECS_BASE)])
            .locate()
            .await
            .unwrap();
        assert_eq!(
            (
                location.vpc_id(),
                location.zone(),
                location.found_by().as_str()
            ),
            ("vpc-0imds", Some("us-east-1b"), "EC2 instance metadata"),
            "{status}"
        );
    }
}

#[tokio::test]
async fn ecs_problems_are_reported() {
    // No VPCID, no MAC, and no instance metadata either (the replay has no IMDS answers): the
    // error lists each place tried.
    let http = StaticReplayClient::new(vec![ecs_event(ECS_BASE, 200, TASK_FARGATE)]);
    let err = locator(&http, &[("ECS_CONTAINER_METADATA_URI_V4", ECS_BASE)])
        .locate()
        .await
        .unwrap_err();
    let DiscoveryError::NoVpc(no_vpc) = &err else {
        panic!("{err:?}")
    };
    let tried = no_vpc.tried();
    assert_eq!(tried.len(), 4, "{tried:?}");
    assert_eq!(
        tried[2],
        "ECS task metadata: no VPCID and no network interface MAC address (bridge or host network mode, or an older agent)"
    );
    assert!(tried[3].starts_with("EC2 instance metadata: "), "{tried:?}");

    // A 200 answer that is not a task document is an error, not a reason to look elsewhere.
    for (status, body, expected) in [
        (200, "{not json", "malformed JSON"),
        (200, r#"{"VPCID": 7}"#, "malformed JSON"),
    ] {
        let http = StaticReplayClient::new(vec![ecs_event(ECS_BASE, status, body)]);
        let err = locator(&http, &[("ECS_CONTAINER_METADATA_URI_V4", ECS_BASE)])
            .locate()
            .await
            .unwrap_err();
        assert!(
            matches!(err, DiscoveryError::MetadataUnavailable(_)),
            "{err:?}"
        );
        assert!(
            err.to_string().contains(expected) && err.to_string().contains("ECS task metadata at"),
            "{err}"
        );
    }
    // An error status, and nothing listening (the default HTTP client: no SdkConfig): instance
    // metadata is asked next (nothing listens there either), and both are named.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let http = StaticReplayClient::new(vec![ecs_event(ECS_BASE, 500, "{}")]);
    let error_status = locator(&http, &[("ECS_CONTAINER_METADATA_URI_V4", ECS_BASE)]);
    let ecs_closed = format!("http://{closed}/v4/x");
    let unreachable = Locator::new()
        .environment(env(&[("ECS_CONTAINER_METADATA_URI_V4", &ecs_closed)]))
        .imds_endpoint(format!("http://{closed}"));
    for (locator, expected) in [
        (
            error_status,
            format!("ECS task metadata at {ECS_BASE}/task: HTTP status 500"),
        ),
        (
            unreachable,
            format!("ECS task metadata at {ecs_closed}/task: "),
        ),
    ] {
        let err = locator.locate().await.unwrap_err();
        let DiscoveryError::NoVpc(no_vpc) = &err else {
            panic!("{err:?}")
        };
        let tried = no_vpc.tried();
        assert!(tried[2].starts_with(&expected), "{tried:?}");
        assert!(tried[3].starts_with("EC2 instance metadata: "), "{tried:?}");
    }
}

/// The real ECS agent speaks plain HTTP on a link-local address: the stand-in agent on loopback
/// answers the default HTTP client.
#[tokio::test]
async fn ecs_task_metadata_over_plain_http() {
    let (base, server) = ecs_agent("200 OK", TASK_EC2).await;
    let location = Locator::new()
        .environment(env(&[("ECS_CONTAINER_METADATA_URI_V4", &base)]))
        .locate()
        .await
        .unwrap();
    assert_eq!(location.vpc_id(), "vpc-0ecs");
    assert_eq!(
        server.await.unwrap(),
        "GET /v4/0123456789abcdef-1234567890/task HTTP/1.1"
    );
}

/// A `DescribeNetworkInterfaces` answer with one interface per `(vpc, zone, zone id)`, through
/// the replay client.
fn interfaces_event(interfaces: &[(&str, &str, &str)]) -> ReplayEvent {
    let items: String = interfaces
        .iter()
        .enumerate()
        .map(|(i, (vpc, zone, zone_id))| {
            format!(
                "<item><networkInterfaceId>eni-{i}</networkInterfaceId><vpcId>{vpc}</vpcId>\
                 <availabilityZone>{zone}</availabilityZone><availabilityZoneId>{zone_id}</availabilityZoneId>\
                 <privateIpAddress>10.0.1.50</privateIpAddress></item>"
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeNetworkInterfacesResponse \
         xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r-1</requestId>\
         <networkInterfaceSet>{items}</networkInterfaceSet></DescribeNetworkInterfacesResponse>"
    );
    privatelink_testkit::ec2_ok(body)
}

/// A locator in a Kubernetes pod (no task metadata), with static credentials for EC2 and
/// `address` set as its own.
fn pod_locator(http: &StaticReplayClient, address: &str) -> Locator {
    pod(http).own_address(Some(address.parse().unwrap()))
}

/// A locator in a Kubernetes pod (no task metadata), with static credentials for EC2.
fn pod(http: &StaticReplayClient) -> Locator {
    let config = sdk_config(http.clone())
        .to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                privatelink_testkit::test_credentials(),
            ),
        )
        .build();
    Locator::new()
        .configure(&config)
        .environment(env(&[("KUBERNETES_SERVICE_HOST", "10.100.0.1")]))
        .imds_endpoint(IMDS)
}

#[tokio::test]
async fn a_pod_is_located_by_its_own_address_before_instance_metadata() {
    let http = StaticReplayClient::new(vec![interfaces_event(&[(
        "vpc-0pod",
        "us-east-1b",
        "use1-az2",
    )])]);
    let location = pod_locator(&http, "10.0.1.50").locate().await.unwrap();
    assert_eq!(
        (
            location.vpc_id(),
            location.zone(),
            location.zone_id(),
            location.found_by().as_str(),
            location.is_inside_vpc()
        ),
        (
            "vpc-0pod",
            Some("us-east-1b"),
            Some("use1-az2"),
            "this process's address",
            true
        )
    );
    // One request, EC2's, filtered by the address: instance metadata was not asked first.
    let requests: Vec<_> = http.actual_requests().collect();
    assert_eq!(requests.len(), 1);
    let body = std::str::from_utf8(requests[0].body().bytes().unwrap()).unwrap();
    assert!(body.contains("Action=DescribeNetworkInterfaces"), "{body}");
    assert!(
        body.contains("Filter.1.Name=addresses.private-ip-address")
            && body.contains("Filter.1.Value.1=10.0.1.50"),
        "{body}"
    );
}

#[tokio::test]
async fn an_address_in_two_vpcs_is_refused_and_none_passes_to_instance_metadata() {
    // The same address in two VPCs (the same CIDR block): refused, naming both.
    let http = StaticReplayClient::new(vec![interfaces_event(&[
        ("vpc-0b", "us-east-1a", "use1-az1"),
        ("vpc-0a", "us-east-1c", "use1-az4"),
    ])]);
    let err = pod_locator(&http, "10.0.1.50").locate().await.unwrap_err();
    let DiscoveryError::AmbiguousAddress(ambiguous) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(ambiguous.address().to_string(), "10.0.1.50");
    assert_eq!(ambiguous.vpc_ids(), ["vpc-0a", "vpc-0b"]);
    assert!(
        err.to_string()
            .starts_with("this process's address 10.0.1.50 is on network interfaces of 2 VPCs (vpc-0a, vpc-0b): set the VPC id"),
        "{err}"
    );

    // No interface holds it: instance metadata is asked next (here it answers).
    let mut events = vec![interfaces_event(&[])];
    events.extend(imds_events("0e:49:61:0f:c3:11"));
    let http = StaticReplayClient::new(events);
    let location = pod_locator(&http, "10.0.1.50").locate().await.unwrap();
    assert_eq!(location.found_by().as_str(), "EC2 instance metadata");

    // An address no interface could hold is not looked up.
    let http = StaticReplayClient::new(vec![]);
    let err = pod_locator(&http, "52.94.0.1").locate().await.unwrap_err();
    let DiscoveryError::NoVpc(no_vpc) = &err else {
        panic!("{err:?}")
    };
    assert!(
        no_vpc
            .tried()
            .contains(&"this process's address: 52.94.0.1 is not a VPC address".to_owned()),
        "{:?}",
        no_vpc.tried()
    );
    assert!(
        http.actual_requests().all(|r| r.uri().starts_with(IMDS)),
        "no EC2 call for it"
    );
}

/// In a pod with no address set (what a user gets): the address it sends from is looked up. The
/// test runs again in a network namespace whose only route to instance metadata leaves from
/// 10.0.1.50, as a VPC CNI pod's leaves from its VPC address.
#[tokio::test]
async fn in_a_pod_the_address_it_sends_from_is_looked_up() {
    const TEST: &str = "in_a_pod_the_address_it_sends_from_is_looked_up";
    if !privatelink_testkit::namespace::rerun_in_network_namespace(
        TEST,
        &["10.0.1.50"],
        &[("169.254.169.254", "10.0.1.50")],
    ) {
        return;
    }
    let http = StaticReplayClient::new(vec![interfaces_event(&[(
        "vpc-0pod",
        "us-east-1b",
        "use1-az2",
    )])]);
    let location = pod(&http).locate().await.unwrap();
    assert_eq!(
        (location.vpc_id(), location.found_by().as_str()),
        ("vpc-0pod", "this process's address")
    );
    let requests: Vec<_> = http.actual_requests().collect();
    let body = std::str::from_utf8(requests[0].body().bytes().unwrap()).unwrap();
    assert!(body.contains("Filter.1.Value.1=10.0.1.50"), "{body}");
}
