//! Test support shared by privatelink's tests and examples: fixtures, and an independent SigV4
//! check of a captured request (recomputed with `aws-sigv4` from what was actually sent).

pub mod namespace;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use privatelink_core::{DnsEntry, EndpointState, EndpointType, VpcEndpoint};

/// A stand-in for a VPC's resolver: answers names ending in one of its suffixes with that
/// suffix's address, refuses every other name, and keeps every name it was asked (so a test can
/// show which names were, and were not, resolved).
#[derive(Clone, Debug)]
pub struct SuffixDns {
    routes: Vec<(&'static str, std::net::IpAddr)>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl SuffixDns {
    /// Answers names ending in a suffix of `routes` (the first that matches) with its address.
    pub fn new(routes: Vec<(&'static str, std::net::IpAddr)>) -> Self {
        SuffixDns {
            routes,
            asked: Arc::default(),
        }
    }

    /// The names asked so far, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl aws_smithy_runtime_api::client::dns::ResolveDns for SuffixDns {
    fn resolve_dns<'a>(
        &'a self,
        name: &'a str,
    ) -> aws_smithy_runtime_api::client::dns::DnsFuture<'a> {
        use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDnsError};
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

/// A stand-in for a slow or silent VPC resolver: answers `127.0.0.1` after a delay on Tokio's
/// clock, or never, and keeps every name it was asked. For the tests of dial mode's lookup
/// limit.
#[derive(Clone, Debug)]
pub struct SlowDns {
    delay: Option<Duration>,
    asked: Arc<Mutex<Vec<String>>>,
}

impl SlowDns {
    /// A resolver that never answers (gone silent).
    pub fn silent() -> Self {
        SlowDns {
            delay: None,
            asked: Arc::default(),
        }
    }

    /// A resolver that answers after `delay`.
    pub fn after(delay: Duration) -> Self {
        SlowDns {
            delay: Some(delay),
            asked: Arc::default(),
        }
    }

    /// The names asked so far, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl aws_smithy_runtime_api::client::dns::ResolveDns for SlowDns {
    fn resolve_dns<'a>(
        &'a self,
        name: &'a str,
    ) -> aws_smithy_runtime_api::client::dns::DnsFuture<'a> {
        self.asked.lock().unwrap().push(name.to_owned());
        let delay = self.delay;
        aws_smithy_runtime_api::client::dns::DnsFuture::new(async move {
            match delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => std::future::pending().await,
            }
            Ok(vec![std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)])
        })
    }
}

/// A log sink for `tracing_subscriber::fmt().with_writer(..)` that keeps everything written,
/// for tests that read their logs back. Clones share one buffer.
#[derive(Clone, Debug, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    #[cfg(feature = "logs")]
    /// Captures this thread's events up to `level` (only `filter`'s targets, an `EnvFilter`
    /// directive, when given), without colours, until the guard is dropped.
    pub fn install(
        level: tracing::Level,
        filter: Option<&str>,
    ) -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = CapturedLogs::default();
        let writer = logs.clone();
        let builder = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .with_ansi(false);
        let guard = match filter {
            Some(filter) => {
                tracing::subscriber::set_default(builder.with_env_filter(filter).finish())
            }
            None => tracing::subscriber::set_default(builder.finish()),
        };
        (logs, guard)
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `testdata/describe-vpc-endpoints.json`: a realistic `aws ec2 describe-vpc-endpoints` output
/// for one VPC in us-east-1 (ec2, s3, sts, dynamodb, execute-api, api.ecr, … plus a pending, a
/// deleting and a gateway endpoint, and an endpoint with bad DNS entries).
pub const DESCRIBE_FIXTURE: &str = include_str!("../../../testdata/describe-vpc-endpoints.json");

/// The access key id tests sign with.
pub const ACCESS_KEY_ID: &str = "AKIDPRIVATELINKTEST";
/// The secret key tests sign with.
pub const SECRET_ACCESS_KEY: &str = "privatelink/test/secret/key/do-not-log";

/// Records the host of every request as the SDK resolved it. Register it **before** the
/// privatelink interceptor: interceptors run in registration order, so in `modify_before_signing`
/// it sees the host the rewrite starts from.
#[derive(Clone, Debug, Default)]
pub struct ResolvedHosts(Arc<Mutex<Vec<String>>>);

impl ResolvedHosts {
    /// The hosts recorded so far, in order.
    pub fn hosts(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// The most recently recorded host.
    pub fn last(&self) -> Option<String> {
        self.0.lock().unwrap().last().cloned()
    }
}

impl Intercept for ResolvedHosts {
    fn name(&self) -> &'static str {
        "ResolvedHosts"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0
            .lock()
            .unwrap()
            .push(uri_host(context.request().uri()).to_owned());
        Ok(())
    }
}

/// The host of an absolute URI (`https://host:port/path` → `host`).
pub fn uri_host(uri: &str) -> &str {
    let after = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    after.split(['/', '?', ':']).next().unwrap_or_default()
}

/// An `available` Interface endpoint `id` with these `DnsEntries` names (service name `test`).
pub fn interface_endpoint(id: &str, dns_names: &[&str]) -> VpcEndpoint {
    dns_names
        .iter()
        .fold(
            VpcEndpoint::builder()
                .id(id)
                .endpoint_type(EndpointType::Interface)
                .service_name("test")
                .state(EndpointState::Available),
            |builder, name| builder.dns_entry(DnsEntry::new(*name, None)),
        )
        .build()
        .expect("id, type, service name and state are set")
}

/// The start of a test `SdkConfig`: the latest behavior version, `us-east-1`, and static
/// credentials. Callers add the HTTP client, clock and sleep they need.
pub fn sdk_config(access_key_id: &str, secret_access_key: &str) -> aws_types::sdk_config::Builder {
    let credentials = Credentials::new(
        access_key_id,
        secret_access_key,
        None,
        None,
        "privatelink-testkit",
    );
    aws_types::SdkConfig::builder()
        .behavior_version(
            aws_smithy_runtime_api::client::behavior_version::BehaviorVersion::latest(),
        )
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
}

/// Static test credentials ([`ACCESS_KEY_ID`], [`SECRET_ACCESS_KEY`]).
pub fn test_credentials() -> Credentials {
    Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        None,
        None,
        "privatelink-testkit",
    )
}

/// The parts of a SigV4 `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id.
    pub access_key_id: String,
    /// The scope date, `YYYYMMDD`.
    pub date: String,
    /// The scope region.
    pub region: String,
    /// The scope service (signing name).
    pub service: String,
    /// The signed header names, lowercase, in order.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

impl Authorization {
    /// Parses `AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/s3/aws4_request, SignedHeaders=a;b, Signature=hex`.
    pub fn parse(header: &str) -> Result<Self, String> {
        let rest = header
            .strip_prefix("AWS4-HMAC-SHA256 ")
            .ok_or_else(|| format!("not a SigV4 Authorization header: {header}"))?;
        let field = |name: &str| {
            rest.split(", ")
                .find_map(|part| part.strip_prefix(name).and_then(|p| p.strip_prefix('=')))
                .ok_or_else(|| format!("no {name} in {header}"))
        };
        let scope: Vec<&str> = field("Credential")?.split('/').collect();
        let [access_key_id, date, region, service, "aws4_request"] = scope.as_slice() else {
            return Err(format!("malformed credential scope in {header}"));
        };
        Ok(Self {
            access_key_id: access_key_id.to_string(),
            date: date.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            signed_headers: field("SignedHeaders")?
                .split(';')
                .map(str::to_owned)
                .collect(),
            signature: field("Signature")?.to_owned(),
        })
    }

    /// The `Authorization` header of `request`, parsed.
    pub fn of(request: &HttpRequest) -> Result<Self, String> {
        Self::parse(
            request
                .headers()
                .get("authorization")
                .ok_or("request has no Authorization header")?,
        )
    }
}

/// Recomputes the SigV4 signature of a captured `request` as if it had been sent to `uri`
/// (normally `request.uri()`), from its signed headers, body and `x-amz-date`, with `secret`.
///
/// S3 requests are canonicalised as S3 signs them (single URI encoding, no path normalisation,
/// payload hash from `x-amz-content-sha256`); other services as the SDK's defaults do.
pub fn recompute_signature(
    request: &HttpRequest,
    uri: &str,
    secret: &str,
) -> Result<String, String> {
    let auth = Authorization::of(request)?;
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .ok_or_else(|| format!("signed header `{name}` missing from the request"))
    };
    let amz_date = header("x-amz-date")?;
    let time = parse_amz_date(amz_date)?;
    let mut headers = Vec::new();
    for name in auth.signed_headers.iter().filter(|n| *n != "host") {
        headers.push((name.as_str(), header(name)?));
    }
    let payload_hash = request.headers().get("x-amz-content-sha256");
    let body = match payload_hash {
        Some(hash) => SignableBody::Precomputed(hash.to_owned()),
        None => SignableBody::Bytes(request.body().bytes().ok_or("request body is a stream")?),
    };
    let mut settings = SigningSettings::default();
    if auth.service == "s3" {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let identity =
        Credentials::new(auth.access_key_id.clone(), secret, None, None, "recompute").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(request.method(), uri, headers.into_iter(), body)
        .map_err(|e| e.to_string())?;
    let output = sign(signable, &params).map_err(|e| e.to_string())?;
    Ok(output.signature().to_owned())
}

/// Checks that the signature in `request` is valid for the URI it was sent to, with `secret`.
pub fn verify_signature(request: &HttpRequest, secret: &str) -> Result<(), String> {
    let expected = recompute_signature(request, request.uri(), secret)?;
    let actual = Authorization::of(request)?.signature;
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "signature mismatch for {}: sent {actual}, recomputed {expected}",
            request.uri()
        ))
    }
}

/// Parses `YYYYMMDDTHHMMSSZ`.
fn parse_amz_date(value: &str) -> Result<SystemTime, String> {
    let bad = || format!("malformed x-amz-date `{value}`");
    let digits = |range: std::ops::Range<usize>| -> Result<i64, String> {
        value
            .get(range)
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)
    };
    if value.len() != 16 || &value[8..9] != "T" || &value[15..] != "Z" {
        return Err(bad());
    }
    let (y, m, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let seconds = digits(9..11)? * 3600 + digits(11..13)? * 60 + digits(13..15)?;
    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = u64::try_from(days * 86_400 + seconds).map_err(|_| bad())?;
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// An EC2 Query API error answer: `status`, error `code`, message `message for <code>`.
pub fn ec2_error(status: u16, code: &str) -> http::Response<aws_smithy_types::body::SdkBody> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
         <Message>message for {code}</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
    );
    http::Response::builder()
        .status(status)
        .body(aws_smithy_types::body::SdkBody::from(body))
        .expect("a valid response")
}

/// One EC2 call answered `200` with the XML `body`, for a replay client.
pub fn ec2_ok(body: impl Into<String>) -> aws_smithy_http_client::test_util::ReplayEvent {
    ec2_event(
        http::Response::builder()
            .status(200)
            .body(aws_smithy_types::body::SdkBody::from(body.into()))
            .expect("a valid response"),
    )
}

/// One EC2 call answered with `response`, for a replay client.
pub fn ec2_event(
    response: http::Response<aws_smithy_types::body::SdkBody>,
) -> aws_smithy_http_client::test_util::ReplayEvent {
    let request = http::Request::builder()
        .uri("https://ec2.us-east-1.amazonaws.com/")
        .body(aws_smithy_types::body::SdkBody::empty())
        .expect("a valid request");
    aws_smithy_http_client::test_util::ReplayEvent::new(request, response)
}

/// An HTTP client answering EC2 calls with `responses`, in order.
pub fn ec2_replay(
    responses: Vec<http::Response<aws_smithy_types::body::SdkBody>>,
) -> aws_smithy_http_client::test_util::StaticReplayClient {
    aws_smithy_http_client::test_util::StaticReplayClient::new(
        responses.into_iter().map(ec2_event).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates() {
        let t = |s| {
            parse_amz_date(s)
                .unwrap()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        };
        assert_eq!(t("19700101T000000Z"), 0);
        assert_eq!(t("20231114T221320Z"), 1_700_000_000);
        assert_eq!(t("20000301T000001Z"), 951_868_801);
        assert!(parse_amz_date("2023-11-14").is_err());
    }

    #[test]
    fn authorization_header() {
        let a = Authorization::parse("AWS4-HMAC-SHA256 Credential=AK/20261128/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc").unwrap();
        assert_eq!(
            (a.region.as_str(), a.service.as_str(), a.signature.as_str()),
            ("us-east-1", "s3", "abc")
        );
        assert_eq!(a.signed_headers, ["host", "x-amz-date"]);
        assert!(Authorization::parse("Bearer x").is_err());
    }
}
