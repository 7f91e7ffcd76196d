//! What the interceptor adds to a whole SDK operation: STS GetCallerIdentity and S3 GetObject
//! over an in-memory HTTP client (so the request path is all that is measured: serialization,
//! endpoint resolution, signing, the interceptor, parsing), with and without the interceptor.
//!
//! A third variant carries an interceptor that does nothing: the SDK's own cost of having an
//! interceptor at all (it consults every interceptor at each of ~20 hooks), which no interceptor
//! can avoid. A fourth sends the request to the same endpoint name with the SDK's own setting
//! (`endpoint_url`), as a user would by hand, with the do-nothing interceptor: the same longer
//! host to sign and send, none of privatelink's work. privatelink against it is privatelink's own
//! cost; against the do-nothing interceptor, that plus the endpoint name's.
//!
//! criterion measures each variant; the ratios come from an interleaved run in the same process
//! (batches of the variants alternate, so drift and frequency changes hit all): median time with
//! privatelink / median time without, and the same for the other variants. Ends with
//! `ratio: X`, the larger of the two operations' privatelink / do-nothing ratios (issue 15's
//! target: ≤ 1.01).
//!
//! `cargo bench --workspace --bench overhead` (add `-- nomatch` to skip criterion's part: the
//! ratios only).
//!
//! For a profiler: `OVERHEAD_PROFILE=VARIANT[:N]` (`plain`, `does_nothing`, `configured_endpoint` or `privatelink`; N
//! defaults to 20,000) runs only N STS and N S3 operations of that variant and exits, so that two
//! runs under `valgrind --tool=callgrind` (or `perf record`) differ by the variant alone.

use std::hint::black_box;
use std::time::Duration;

use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use aws_types::region::Region;
use criterion::Criterion;
use privatelink_core::{Outcome, Policy, RewriteConfig, index_from_describe_json};
use privatelink_interceptor::PrivateLinkInterceptor;
use privatelink_testkit::{DESCRIBE_FIXTURE, test_credentials};
use tokio::runtime::Runtime;

const CALLER_IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>AIDATEST</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;

fn config() -> RewriteConfig {
    RewriteConfig::builder()
        .policy(Policy::Prefer)
        .zone("us-east-1a")
        .build()
        .unwrap()
}

fn interceptor() -> PrivateLinkInterceptor {
    PrivateLinkInterceptor::from_index(
        index_from_describe_json(DESCRIBE_FIXTURE).unwrap(),
        config(),
    )
}

/// The endpoint URL that privatelink sends `url` to, less `strip` at the host's start (S3 puts
/// the bucket back in front of a configured endpoint).
fn endpoint_url(url: &str, strip: &str) -> String {
    let index = index_from_describe_json(DESCRIBE_FIXTURE).unwrap();
    let Outcome::Rewritten(rewritten) = config().rewrite_url(Some(&index), url).unwrap() else {
        panic!("the fixture has an endpoint for {url}")
    };
    format!("https://{}", rewritten.host().strip_prefix(strip).unwrap())
}

fn answer(body: &'static str) -> impl Fn(http::Request<SdkBody>) -> http::Response<SdkBody> {
    move |_| {
        http::Response::builder()
            .status(200)
            .body(SdkBody::from(body))
            .unwrap()
    }
}

/// An interceptor with no hooks.
#[derive(Debug)]
struct DoesNothing;

impl aws_smithy_runtime_api::client::interceptors::Intercept for DoesNothing {
    fn name(&self) -> &'static str {
        "DoesNothing"
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Variant {
    Plain,
    DoesNothing,
    /// The endpoint name set by hand (`endpoint_url`), with the do-nothing interceptor.
    ConfiguredEndpoint,
    PrivateLink,
}

const VARIANTS: [(Variant, &str); 4] = [
    (Variant::Plain, "plain"),
    (Variant::DoesNothing, "does_nothing"),
    (Variant::ConfiguredEndpoint, "configured_endpoint"),
    (Variant::PrivateLink, "privatelink"),
];

fn sts(variant: Variant) -> aws_sdk_sts::Client {
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(test_credentials())
        .http_client(infallible_client_fn(answer(CALLER_IDENTITY)));
    match variant {
        Variant::Plain => {}
        Variant::DoesNothing => config = config.interceptor(DoesNothing),
        Variant::ConfiguredEndpoint => {
            config = config
                .endpoint_url(endpoint_url("https://sts.us-east-1.amazonaws.com/", ""))
                .interceptor(DoesNothing)
        }
        Variant::PrivateLink => config = config.interceptor(interceptor()),
    }
    aws_sdk_sts::Client::from_conf(config.build())
}

fn s3(variant: Variant) -> aws_sdk_s3::Client {
    let mut config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(test_credentials())
        .http_client(infallible_client_fn(answer("object body")));
    match variant {
        Variant::Plain => {}
        Variant::DoesNothing => config = config.interceptor(DoesNothing),
        Variant::ConfiguredEndpoint => {
            let url = "https://mybucket.s3.us-east-1.amazonaws.com/key.txt";
            config = config
                .endpoint_url(endpoint_url(url, "mybucket."))
                .interceptor(DoesNothing)
        }
        Variant::PrivateLink => config = config.interceptor(interceptor()),
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
    for (variant, name) in VARIANTS {
        let client = sts(variant);
        group.bench_function(format!("sts_get_caller_identity/{name}"), |b| {
            b.iter(|| rt.block_on(get_caller_identity(&client)))
        });
        let client = s3(variant);
        group.bench_function(format!("s3_get_object/{name}"), |b| {
            b.iter(|| rt.block_on(get_object(&client)))
        });
    }
    group.finish();
}

/// Median per-operation time of each of `runs`, from batches that take turns (the order
/// rotates each round).
// A benchmark measures wall time: the clock is read directly here.
#[allow(clippy::disallowed_methods)]
fn interleaved<const N: usize>(runs: &mut [&mut dyn FnMut(); N]) -> [f64; N] {
    const ROUNDS: usize = 60;
    const BATCH: u32 = 200;
    let mut samples: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
    for round in 0..ROUNDS {
        for turn in 0..N {
            let which = (round + turn) % N;
            let start = std::time::Instant::now();
            for _ in 0..BATCH {
                (runs[which])();
            }
            samples[which].push(start.elapsed() / BATCH);
        }
    }
    samples.map(|mut v| {
        v.sort();
        v[v.len() / 2].as_nanos() as f64
    })
}

fn report(operation: &str, [plain, nothing, configured, privatelink]: [f64; 4]) -> f64 {
    println!(
        "{operation}: {:.1} µs plain, {:.1} µs with a do-nothing interceptor (ratio {:.4}), \
         {:.1} µs to the endpoint set by hand (ratio {:.4} against the do-nothing interceptor), \
         {:.1} µs with privatelink (ratio {:.4}; {:.4} against the do-nothing interceptor; \
         {:.4} against the endpoint set by hand)",
        plain / 1e3,
        nothing / 1e3,
        nothing / plain,
        configured / 1e3,
        configured / nothing,
        privatelink / 1e3,
        privatelink / plain,
        privatelink / nothing,
        privatelink / configured
    );
    privatelink / nothing
}

/// `OVERHEAD_PROFILE=VARIANT[:N]`: N operations of each kind with one variant, nothing else.
fn profile(setting: &str) {
    let (name, count) = setting.split_once(':').unwrap_or((setting, "20000"));
    let Some((variant, _)) = VARIANTS.into_iter().find(|(_, n)| *n == name) else {
        panic!(
            "OVERHEAD_PROFILE: unknown variant {name:?} (plain, does_nothing, configured_endpoint, privatelink)"
        )
    };
    let count: u32 = count.parse().expect("OVERHEAD_PROFILE: N is a number");
    let rt = runtime();
    let (sts, s3) = (sts(variant), s3(variant));
    for _ in 0..count {
        rt.block_on(get_caller_identity(&sts));
        rt.block_on(get_object(&s3));
    }
}

fn main() {
    if let Ok(setting) = std::env::var("OVERHEAD_PROFILE") {
        return profile(&setting);
    }
    let mut criterion = Criterion::default().configure_from_args();
    operations(&mut criterion);
    criterion.final_summary();
    let rt = runtime();
    let [a, b, c, d] = VARIANTS.map(|(variant, _)| sts(variant));
    let sts_ratio = report(
        "sts GetCallerIdentity",
        interleaved(&mut [
            &mut || rt.block_on(get_caller_identity(&a)),
            &mut || rt.block_on(get_caller_identity(&b)),
            &mut || rt.block_on(get_caller_identity(&c)),
            &mut || rt.block_on(get_caller_identity(&d)),
        ]),
    );
    let [a, b, c, d] = VARIANTS.map(|(variant, _)| s3(variant));
    let s3_ratio = report(
        "s3 GetObject",
        interleaved(&mut [
            &mut || rt.block_on(get_object(&a)),
            &mut || rt.block_on(get_object(&b)),
            &mut || rt.block_on(get_object(&c)),
            &mut || rt.block_on(get_object(&d)),
        ]),
    );
    println!("ratio: {:.4}", sts_ratio.max(s3_ratio));
}
