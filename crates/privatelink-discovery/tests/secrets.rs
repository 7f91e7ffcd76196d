//! No secret in discovery's logs, in a test binary of its own (tracing caches per-callsite
//! interest process-wide): EC2 answers `SignatureDoesNotMatch` echoing what a service may echo —
//! the request's `Authorization` header (with its signature) and its session token — and the
//! cache's warnings and errors, captured at TRACE, show EC2's answer without them.

use std::sync::{Arc, Mutex};

use aws_credential_types::Credentials;
use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::test_util::InstantSleep;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use privatelink_discovery::{DiscoveryError, Ec2Source, EndpointCache};

const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYsecret";
const SESSION_TOKEN: &str =
    "IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJHMEUCIQDexamplesessiontokenthatislongenoughtoshow==";

#[tokio::test(flavor = "current_thread")]
async fn the_caches_logs_show_what_ec2_said_without_secrets() {
    let (logs, _guard) = privatelink_testkit::CapturedLogs::install(
        tracing::Level::TRACE,
        Some("privatelink=trace"),
    );
    let signatures = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = signatures.clone();
    let http = infallible_client_fn(move |request: http::Request<SdkBody>| {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let authorization = header("authorization");
        if let Some((_, signature)) = authorization.split_once("Signature=") {
            seen.lock().unwrap().push(signature.to_owned());
        }
        let body = format!(
            "<Response><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request \
             signature we calculated does not match. Authorization: {authorization} \
             x-amz-security-token:{}</Message></Error></Errors><RequestID>r-1</RequestID></Response>",
            header("x-amz-security-token")
        );
        http::Response::builder().status(403).body(body).unwrap()
    });
    let credentials = Credentials::new(
        "AKIDSECRETTEST",
        SECRET_ACCESS_KEY,
        Some(SESSION_TOKEN.into()),
        None,
        "test",
    );
    let config = privatelink_testkit::sdk_config("unused", "unused")
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .sleep_impl(SharedAsyncSleep::new(InstantSleep::unlogged()))
        .http_client(http)
        .build();
    let cache = EndpointCache::builder()
        .source(Ec2Source::new(&config))
        .build()
        .unwrap();
    let error = cache.load("vpc-0test").await.unwrap_err();
    assert!(
        matches!(error, DiscoveryError::InvalidCredentials(_)),
        "{error:?}"
    );
    // The error's own message is kept redacted too.
    let DiscoveryError::InvalidCredentials(context) = &error else {
        unreachable!()
    };
    let message = context.message().unwrap();

    let text = logs.text();
    assert!(text.contains("loading endpoints failed"), "{text}");
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    let seen = signatures.lock().unwrap().clone();
    assert!(!seen.is_empty(), "EC2 was asked");
    for secret in [SECRET_ACCESS_KEY, SESSION_TOKEN]
        .into_iter()
        .chain(seen.iter().map(String::as_str))
    {
        assert!(!text.contains(secret), "the logs show `{secret}`:\n{text}");
        assert!(
            !message.contains(secret),
            "the error shows `{secret}`: {message}"
        );
    }
}
