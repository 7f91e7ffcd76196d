//! A `DescribeVpcEndpoints` responder over TLS that checks SigV4.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use privatelink_core::VpcEndpoint;
use privatelink_testkit::{Authorization, verify_signature};
use tokio::sync::oneshot;

use crate::{TestCa, serve_tls};

/// Answers EC2 `DescribeVpcEndpoints` (Query protocol, one page) from a list of endpoints,
/// filtered by the request's `vpc-id` filter. Every request must be SigV4-signed for `ec2` with
/// the one key pair it was given; others get `AuthFailure`.
pub struct Ec2Peer {
    address: SocketAddr,
    state: Arc<State>,
    _stop: oneshot::Sender<()>,
}

struct State {
    access_key: String,
    secret_key: String,
    endpoints: Mutex<Vec<VpcEndpoint>>,
    calls: AtomicUsize,
    rejected: AtomicUsize,
}

impl std::fmt::Debug for Ec2Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ec2Peer")
            .field("address", &self.address)
            .finish()
    }
}

impl Ec2Peer {
    /// Starts the responder on `127.0.0.1:<ephemeral>` with a certificate for `names`.
    pub async fn start(
        ca: &TestCa,
        names: &[String],
        access_key: &str,
        secret_key: &str,
        endpoints: Vec<VpcEndpoint>,
    ) -> io::Result<Self> {
        let state = Arc::new(State {
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            endpoints: Mutex::new(endpoints),
            calls: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
        });
        let shared = state.clone();
        let service = hyper::service::service_fn(move |request| {
            let state = shared.clone();
            async move { Ok::<_, Infallible>(state.handle(request).await) }
        });
        let listener = tokio::net::TcpListener::bind(crate::EPHEMERAL).await?;
        let (address, stop) = serve_tls(listener, ca.server_config(names), service)?;
        Ok(Self {
            address,
            state,
            _stop: stop,
        })
    }

    /// The local address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// How many signed `DescribeVpcEndpoints` calls were answered.
    pub fn describe_calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }

    /// How many requests were rejected for their signature or key.
    pub fn rejected(&self) -> usize {
        self.state.rejected.load(Ordering::SeqCst)
    }

    /// Replaces the endpoints served from now on.
    pub fn set_endpoints(&self, endpoints: Vec<VpcEndpoint>) {
        *self.state.endpoints.lock().unwrap() = endpoints;
    }
}

impl State {
    async fn handle(
        &self,
        request: http::Request<hyper::body::Incoming>,
    ) -> http::Response<Full<Bytes>> {
        let (mut parts, body) = request.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
            return respond(400, error_xml("InvalidRequest", "unreadable body"));
        };
        let host = parts
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        parts.uri = match format!("https://{host}{path}").parse() {
            Ok(uri) => uri,
            Err(_) => return respond(400, error_xml("InvalidRequest", "bad host")),
        };
        let form = String::from_utf8_lossy(&body).into_owned();
        let Ok(signed) =
            HttpRequest::try_from(http::Request::from_parts(parts, SdkBody::from(body)))
        else {
            return respond(400, error_xml("InvalidRequest", "malformed request"));
        };
        let authorized = Authorization::of(&signed)
            .map(|auth| auth.access_key_id == self.access_key && auth.service == "ec2")
            .unwrap_or(false)
            && verify_signature(&signed, &self.secret_key).is_ok();
        if !authorized {
            self.rejected.fetch_add(1, Ordering::SeqCst);
            return respond(
                401,
                error_xml(
                    "AuthFailure",
                    "AWS was not able to validate the provided access credentials",
                ),
            );
        }
        let params = parse_form(&form);
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if param("Action") != Some("DescribeVpcEndpoints") {
            return respond(
                400,
                error_xml("InvalidAction", "only DescribeVpcEndpoints is served"),
            );
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        let vpc_filter = params
            .iter()
            .find(|(k, v)| k.starts_with("Filter.") && k.ends_with(".Name") && v == "vpc-id")
            .and_then(|(k, _)| param(&format!("{}.Value.1", k.trim_end_matches(".Name"))));
        let endpoints = self.endpoints.lock().unwrap().clone();
        let items: String = endpoints
            .iter()
            .filter(|e| vpc_filter.is_none_or(|vpc| e.vpc_id() == Some(vpc)))
            .map(endpoint_xml)
            .collect();
        respond(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeVpcEndpointsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
                 <requestId>privatelink-peer</requestId><vpcEndpointSet>{items}</vpcEndpointSet></DescribeVpcEndpointsResponse>"
            ),
        )
    }
}

fn respond(status: u16, body: String) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header("content-type", "text/xml;charset=UTF-8")
        .body(Full::new(Bytes::from(body)))
        .expect("valid response")
}

fn error_xml(code: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>privatelink-peer</RequestID></Response>"
    )
}

fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One `vpcEndpointSet` item, as EC2 sends it (camelCase state).
fn endpoint_xml(endpoint: &VpcEndpoint) -> String {
    let entries: String = endpoint
        .dns_entries()
        .iter()
        .map(|e| {
            format!(
                "<item><dnsName>{}</dnsName><hostedZoneId>{}</hostedZoneId></item>",
                escape(e.dns_name()),
                escape(e.hosted_zone_id().unwrap_or("Z7HUB22UULQXV"))
            )
        })
        .collect();
    let subnets: String = endpoint
        .subnet_ids()
        .iter()
        .map(|s| format!("<item>{}</item>", escape(s)))
        .collect();
    format!(
        "<item><vpcEndpointId>{}</vpcEndpointId><vpcEndpointType>{}</vpcEndpointType><vpcId>{}</vpcId>\
         <serviceName>{}</serviceName><state>{}</state><privateDnsEnabled>{}</privateDnsEnabled>\
         <subnetIdSet>{subnets}</subnetIdSet><dnsEntrySet>{entries}</dnsEntrySet></item>",
        escape(endpoint.id()),
        escape(endpoint.endpoint_type().as_str()),
        escape(endpoint.vpc_id().unwrap_or_default()),
        escape(endpoint.service_name().unwrap_or_default()),
        escape(endpoint.state().as_str()),
        endpoint.private_dns_enabled(),
    )
}

/// `a=b&c=d` with `%XX` and `+` decoded.
fn parse_form(form: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = bytes
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok());
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    form.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}
