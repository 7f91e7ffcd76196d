//! What the interceptor adds to a whole SDK operation: STS GetCallerIdentity and S3 GetObject
//! over an in-memory HTTP client (so the request path is all that is measured: serialization,
//! endpoint resolution, signing, the interceptor, parsing), with and without the interceptor.
//!
//! criterion measures each of the four; the ratio comes from an interleaved run in the same
//! process (batches of both variants alternate, so drift and frequency changes hit both):
//! median time with the interceptor / median time without. Ends with `ratio: X`, the larger of
//! the two operations' ratios (target ≤ 1.02).
//!
//! `cargo bench --workspace --bench overhead`

use std::hint::black_box;
use std::time::Duration;

use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use aws_types::region::Region;
use criterion::Criterion;
use privatelink_core::{Policy, RewriteConfig, index_from_describe_json};
use privatelink_interceptor::PrivateLinkInterceptor;
use privatelink_testkit::{DESCRIBE_FIXTURE, test_credentials};
use tokio::runtime::Runtime;

const CALLER_IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>AIDATEST</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;

fn interceptor() -> PrivateLinkInterceptor {
    let index = index_from_describe_json(DESCRIBE_FIXTURE).unwrap();
    let config = RewriteConfig::builder()
        .policy(Policy::Prefer)
        .zone("us-east-1a")
        .build()
        .unwrap();
    PrivateLinkInterceptor::from_index(index, config)
}

fn answer(body: &'static str) -> impl Fn(http::Request<SdkBody>) -> http::Response<SdkBody> {
    move |_| {
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(body))
            .unwrap()
    }
}

fn sts(with: bool) -> aws_sdk_sts::Client {
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(test_credentials())
        .http_client(infallible_client_fn(answer(CALLER_IDENTITY)));
    if with {
        config = config.interceptor(interceptor());
    }
    aws_sdk_sts::Client::from_conf(config.build())
}

fn s3(with: bool) -> aws_sdk_s3::Client {
    let mut config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(test_credentials())
        .http_client(infallible_client_fn(answer("object body")));
    if with {
        config = config.interceptor(interceptor());
    }
    aws_sdk_s3::Client::from_conf(config.build())
}

async fn get_caller_identity(client: &aws_sdk_sts::Client) {
    black_box(client.get_caller_identity().send().await.unwrap());
}

async fn get_object(client: &aws_sdk_s3::Client) {
    let output = client
        .get_object()
        .bucket("mybucket")
        .key("key.txt")
        .send()
        .await
        .unwrap();
    black_box(output.body.collect().await.unwrap());
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn operations(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("sdk");
    for with in [false, true] {
        let name = if with { "privatelink" } else { "plain" };
        let client = sts(with);
        group.bench_function(format!("sts_get_caller_identity/{name}"), |b| {
            b.iter(|| rt.block_on(get_caller_identity(&client)))
        });
        let client = s3(with);
        group.bench_function(format!("s3_get_object/{name}"), |b| {
            b.iter(|| rt.block_on(get_object(&client)))
        });
    }
    group.finish();
}


/// Median per-operation time of `plain` and `with`, from batches that alternate.
// A benchmark measures wall time: the clock is read directly here.
#[allow(clippy::disallowed_methods)]
fn interleaved(mut plain: impl FnMut(), mut with: impl FnMut()) -> (f64, f64) {
    const ROUNDS: usize = 60;
    const BATCH: u32 = 200;
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed() / BATCH
    };
    let (mut a, mut b): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            a.push(time(&mut plain));
            b.push(time(&mut with));
        } else {
            b.push(time(&mut with));
            a.push(time(&mut plain));
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_nanos() as f64
    };
    (median(&mut a), median(&mut b))
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    operations(&mut criterion);
    criterion.final_summary();
    let rt = runtime();
    let (sts_plain, sts_with) = (sts(false), sts(true));
    let (plain, with) = interleaved(
        || rt.block_on(get_caller_identity(&sts_plain)),
        || rt.block_on(get_caller_identity(&sts_with)),
    );
    let sts_ratio = with / plain;
    println!(
        "sts GetCallerIdentity: {:.1} µs without, {:.1} µs with the interceptor: ratio {sts_ratio:.4}",
        plain / 1e3,
        with / 1e3
    );
    let (s3_plain, s3_with) = (s3(false), s3(true));
    let (plain, with) = interleaved(
        || rt.block_on(get_object(&s3_plain)),
        || rt.block_on(get_object(&s3_with)),
    );
    let s3_ratio = with / plain;
    println!(
        "s3 GetObject: {:.1} µs without, {:.1} µs with the interceptor: ratio {s3_ratio:.4}",
        plain / 1e3,
        with / 1e3
    );
    println!("ratio: {:.4}", sts_ratio.max(s3_ratio));
}
