//! The endpoint cache with controlled time: every duration is exact, and the tests synchronise
//! only on signals (the source reports each call and waits for the test's answer; the background
//! refresher's sleeps are captured by the sleep gate).

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_async::rt::sleep::SharedAsyncSleep;
use aws_smithy_async::test_util::{ManualTimeSource, SleepGate, controlled_time_and_sleep};
use aws_smithy_async::time::{SharedTimeSource, TimeSource};
use futures_util::FutureExt;
use privatelink_core::{DnsSuffix, EndpointIndex, VpcEndpoint};
use privatelink_discovery::{
    CacheConfig, DescribeEndpoints, DiscoveryError, EndpointCache, EndpointsFuture, ServiceError,
};
use privatelink_testkit::interface_endpoint;
use tokio::sync::{mpsc, oneshot, watch};

const VPC: &str = "vpc-0test";
const TTL: Duration = Duration::from_secs(900);
const JITTER: f64 = 0.1;
const AHEAD: Duration = Duration::from_secs(60);
const MAX_STALE: Duration = Duration::from_secs(3600);
const BACKOFF: Duration = Duration::from_secs(30);

type Answer = Result<Vec<VpcEndpoint>, DiscoveryError>;

/// A source whose every call is counted, announced, and answered by the test.
#[derive(Clone)]
struct TestSource(Arc<Inner>);

struct Inner {
    calls: AtomicUsize,
    started: watch::Sender<usize>,
    answers: tokio::sync::Mutex<mpsc::UnboundedReceiver<Answer>>,
    dropped: Mutex<Option<oneshot::Sender<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(tx) = self.dropped.lock().unwrap().take() {
            let _ = tx.send(());
        }
    }
}

impl fmt::Debug for TestSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TestSource")
    }
}

impl DescribeEndpoints for TestSource {
    fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(async move {
            assert_eq!(vpc_id, VPC);
            let n = self.0.calls.fetch_add(1, Ordering::SeqCst) + 1;
            self.0.started.send_replace(n);
            self.0
                .answers
                .lock()
                .await
                .recv()
                .await
                .expect("the test answers every call")
        })
    }
}

impl TestSource {
    fn new() -> (Self, mpsc::UnboundedSender<Answer>, oneshot::Receiver<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (drop_tx, drop_rx) = oneshot::channel();
        let inner = Inner {
            calls: AtomicUsize::new(0),
            started: watch::channel(0).0,
            answers: tokio::sync::Mutex::new(rx),
            dropped: Mutex::new(Some(drop_tx)),
        };
        (Self(Arc::new(inner)), tx, drop_rx)
    }

    fn calls(&self) -> usize {
        self.0.calls.load(Ordering::SeqCst)
    }

    /// Waits until call number `n` has started.
    async fn call_started(&self, n: usize) {
        self.0
            .started
            .subscribe()
            .wait_for(|c| *c >= n)
            .await
            .unwrap();
    }
}

/// One available ec2 endpoint whose name carries `version`, so snapshots can be told apart.
fn endpoints(version: &str) -> Answer {
    let name = format!("vpce-0abc-{version}.ec2.us-east-1.vpce.amazonaws.com");
    Ok(vec![interface_endpoint("vpce-0abc", &[&name])])
}

fn throttled() -> Answer {
    Err(DiscoveryError::Throttled(ServiceError::new(
        Some("RequestLimitExceeded".into()),
        std::io::Error::other("Request limit exceeded."),
    )))
}

fn version(index: &EndpointIndex) -> String {
    let name = index
        .lookup("ec2", "us-east-1", DnsSuffix::AmazonawsCom)
        .unwrap()
        .regional_name()
        .unwrap();
    name.trim_start_matches("vpce-0abc-")
        .split('.')
        .next()
        .unwrap()
        .to_owned()
}

fn start() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

struct Rig {
    cache: EndpointCache,
    source: TestSource,
    answers: mpsc::UnboundedSender<Answer>,
    time: ManualTimeSource,
    gate: SleepGate,
    dropped: oneshot::Receiver<()>,
}

fn rig() -> Rig {
    let (time, sleep, gate) = controlled_time_and_sleep(start());
    let (source, answers, dropped) = TestSource::new();
    let cache = EndpointCache::builder()
        .source(source.clone())
        .config(
            CacheConfig::builder()
                .ttl(TTL)
                .jitter(JITTER)
                .refresh_ahead(AHEAD)
                .max_stale(MAX_STALE)
                .failure_backoff(BACKOFF)
                .build()
                .unwrap(),
        )
        .time_source(SharedTimeSource::new(time.clone()))
        .sleep_impl(SharedAsyncSleep::new(sleep))
        .build()
        .unwrap();
    Rig {
        cache,
        source,
        answers,
        time,
        gate,
        dropped,
    }
}

fn elapsed(time: &ManualTimeSource) -> Duration {
    time.now().duration_since(start()).unwrap()
}

#[tokio::test]
async fn a_fresh_snapshot_is_served_without_calling_again() {
    let rig = rig();
    rig.answers.send(endpoints("v1")).unwrap();
    let first = rig.cache.load(VPC).await.unwrap();
    let second = rig.cache.load(VPC).await.unwrap();
    assert!(Arc::ptr_eq(&first, &second));
    assert_eq!(rig.source.calls(), 1);
    // The live cell holds the same snapshot.
    assert!(Arc::ptr_eq(&rig.cache.cell(VPC).current().unwrap(), &first));
}

#[tokio::test]
async fn refresh_ahead_serves_the_old_snapshot_until_the_new_one_arrives() {
    let mut rig = rig();
    rig.answers.send(endpoints("v1")).unwrap();
    rig.cache.load(VPC).await.unwrap();
    let cell = rig.cache.cell(VPC);

    // The refresher sleeps until `refresh_ahead` before the (jittered) expiry; a first snapshot
    // lives a wider range (2.5 × the jitter).
    let nap = rig.gate.expect_sleep().await;
    let wait = nap.duration();
    assert!(
        wait >= TTL.mul_f64(1.0 - 2.5 * JITTER) - AHEAD && wait <= TTL - AHEAD,
        "{wait:?}"
    );
    nap.allow_progress();

    // The refresh call is in flight; the old snapshot is still fresh and served at once.
    rig.source.call_started(2).await;
    assert_eq!(rig.source.calls(), 2);
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v1");
    assert_eq!(version(&cell.current().unwrap()), "v1");

    // The answer arrives; the refresher publishes it, then sleeps again.
    rig.answers.send(endpoints("v2")).unwrap();
    let nap = rig.gate.expect_sleep().await;
    assert_eq!(version(&cell.current().unwrap()), "v2");
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v2");
    assert_eq!(rig.source.calls(), 2);
    drop(nap);
}

#[tokio::test]
async fn lifetimes_are_jittered_within_bounds() {
    let mut rig = rig();
    rig.answers.send(endpoints("v0")).unwrap();
    rig.cache.load(VPC).await.unwrap();
    let mut waits = Vec::new();
    for round in 1..=40 {
        let nap = rig.gate.expect_sleep().await;
        waits.push(nap.duration());
        rig.answers.send(endpoints(&format!("v{round}"))).unwrap();
        nap.allow_progress();
    }
    // The first snapshot lives `[ttl × (1 − 2.5 × jitter), ttl]`, so a fleet started together
    // spreads its first refresh; every later one `[ttl × (1 − jitter), ttl]`.
    let first = TTL.mul_f64(1.0 - 2.5 * JITTER) - AHEAD;
    let (low, high) = (TTL.mul_f64(1.0 - JITTER) - AHEAD, TTL - AHEAD);
    assert!(waits[0] >= first && waits[0] <= high, "{waits:?}");
    assert!(
        waits[1..].iter().all(|w| *w >= low && *w <= high),
        "{waits:?}"
    );
    let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
    assert!(distinct.len() > 30, "lifetimes are not jittered: {waits:?}");
    // Each refresh happened exactly when the previous snapshot was due: the clock moved only by
    // the refresher's sleeps (the last one is captured and advanced the clock, too).
    let last = rig.gate.expect_sleep().await.duration();
    assert_eq!(rig.source.calls(), 41);
    assert_eq!(elapsed(&rig.time), waits.iter().sum::<Duration>() + last);
}

/// A VPC's first call may use the source's own retries (`describe`); every later one — a
/// refresh, a retry after a failure — is `describe_once`, paced by the cache.
#[tokio::test]
async fn only_the_first_call_uses_the_sources_retries() {
    #[derive(Debug, Default)]
    struct Counting(Mutex<Vec<&'static str>>);
    impl DescribeEndpoints for Counting {
        fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            self.0.lock().unwrap().push("describe");
            Box::pin(std::future::ready(transient()))
        }
        fn describe_once<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            self.0.lock().unwrap().push("describe_once");
            Box::pin(std::future::ready(endpoints("v1")))
        }
    }
    let source = Arc::new(Counting::default());
    #[derive(Debug)]
    struct Shared(Arc<Counting>);
    impl DescribeEndpoints for Shared {
        fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
            self.0.describe(vpc_id)
        }
        fn describe_once<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
            self.0.describe_once(vpc_id)
        }
    }
    let cache = EndpointCache::builder()
        .source(Shared(source.clone()))
        .build()
        .unwrap();
    assert!(cache.load(VPC).await.is_err());
    assert_eq!(version(&cache.reload(VPC).await.unwrap()), "v1");
    cache.reload(VPC).await.unwrap();
    assert_eq!(
        *source.0.lock().unwrap(),
        ["describe", "describe_once", "describe_once"]
    );
}

#[tokio::test]
async fn an_expired_snapshot_is_reloaded_on_demand() {
    let rig = rig();
    rig.answers.send(endpoints("v1")).unwrap();
    rig.cache.load(VPC).await.unwrap();
    rig.time.advance(TTL + Duration::from_secs(1));
    rig.answers.send(endpoints("v2")).unwrap();
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v2");
    assert_eq!(rig.source.calls(), 2);
}

/// A reload that finds the same endpoints keeps the snapshot in use (the same `Arc`: no index
/// built, the request path's memo kept) and extends its life; one that finds others publishes
/// a new snapshot.
#[tokio::test]
async fn an_unchanged_answer_keeps_the_snapshot_and_extends_it() {
    let rig = rig();
    rig.answers.send(endpoints("v1")).unwrap();
    let first = rig.cache.load(VPC).await.unwrap();
    let cell = rig.cache.cell(VPC);
    let deadline = cell.deadline().unwrap();

    rig.time.advance(TTL + Duration::from_secs(1));
    rig.answers.send(endpoints("v1")).unwrap();
    let again = rig.cache.reload(VPC).await.unwrap();
    assert!(Arc::ptr_eq(&again, &first));
    assert!(Arc::ptr_eq(&cell.current().unwrap(), &first));
    assert!(cell.deadline().unwrap() > deadline, "extended");
    assert!(rig.cache.status(VPC).expires_at().unwrap() > rig.time.now());

    rig.answers.send(endpoints("v2")).unwrap();
    let changed = rig.cache.reload(VPC).await.unwrap();
    assert!(!Arc::ptr_eq(&changed, &first));
    assert_eq!(version(&cell.current().unwrap()), "v2");
    assert_eq!(rig.source.calls(), 3);
}

#[tokio::test]
async fn stale_on_error_until_max_stale_then_the_snapshot_is_dropped() {
    let rig = rig();
    rig.answers.send(endpoints("v1")).unwrap();
    rig.cache.load(VPC).await.unwrap();
    let cell = rig.cache.cell(VPC);

    // Expired, and the refresh fails: the stale snapshot is served.
    rig.time.advance(TTL + Duration::from_secs(1));
    rig.answers.send(throttled()).unwrap();
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v1");
    assert_eq!(rig.source.calls(), 2);
    assert_eq!(version(&cell.current().unwrap()), "v1");

    // Within the failure backoff, no new call; still stale.
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v1");
    assert_eq!(rig.source.calls(), 2);

    // Past max_stale, the next failure drops the snapshot: callers get the error, the cell empties.
    rig.time.advance(MAX_STALE);
    rig.answers.send(throttled()).unwrap();
    let err = rig.cache.load(VPC).await.unwrap_err();
    assert!(
        matches!(err, DiscoveryError::Throttled(ref e) if e.code() == Some("RequestLimitExceeded")),
        "{err:?}"
    );
    assert_eq!(rig.source.calls(), 3);
    assert!(cell.current().is_none());
}

/// An EC2 answer that waiting may fix soon (500 InternalError).
fn transient() -> Answer {
    Err(DiscoveryError::Service(ServiceError::new(
        Some("InternalError".into()),
        std::io::Error::other("An internal error has occurred."),
    )))
}

#[tokio::test]
async fn a_failure_is_not_retried_within_the_jittered_backoff() {
    let mut rig = rig();
    rig.answers.send(transient()).unwrap();
    assert!(rig.cache.load(VPC).await.is_err());
    assert!(rig.cache.load(VPC).await.is_err());
    assert_eq!(
        rig.source.calls(),
        1,
        "the second load must reuse the failure"
    );

    // The refresher retries after the backoff, stretched by 0–50 %.
    let nap = rig.gate.expect_sleep().await;
    assert!(
        nap.duration() >= BACKOFF && nap.duration() <= BACKOFF.mul_f64(1.5),
        "{:?}",
        nap.duration()
    );
    rig.answers.send(endpoints("v1")).unwrap();
    nap.allow_progress();
    let _next = rig.gate.expect_sleep().await;
    assert_eq!(rig.source.calls(), 2);
    assert_eq!(version(&rig.cache.cell(VPC).current().unwrap()), "v1");
    // A load after the backoff uses the fresh snapshot.
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v1");
}

async fn contention(answer: Answer) -> (usize, Vec<Result<Arc<EndpointIndex>, DiscoveryError>>) {
    let rig = rig();
    let cache = rig.cache.clone();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.load(VPC).await })
        })
        .collect();
    // Answer once the (single) call has started; late arrivals find the result cached.
    rig.source.call_started(1).await;
    rig.answers.send(answer).unwrap();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    (rig.source.calls(), results)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_cold_loads_make_one_call_and_share_its_snapshot() {
    let (calls, results) = contention(endpoints("v1")).await;
    assert_eq!(calls, 1);
    let first = results[0].as_ref().unwrap().clone();
    assert!(
        results
            .iter()
            .all(|r| Arc::ptr_eq(r.as_ref().unwrap(), &first))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_cold_loads_make_one_call_and_share_its_error() {
    let (calls, results) = contention(throttled()).await;
    assert_eq!(calls, 1);
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Err(DiscoveryError::Throttled(_))))
    );
}

#[tokio::test]
async fn a_cancelled_caller_does_not_cancel_the_call() {
    let rig = rig();
    // Poll one load once (the call starts) and drop it.
    assert!(rig.cache.load(VPC).now_or_never().is_none());
    assert_eq!(rig.source.calls(), 1);
    // The next caller joins the same call.
    rig.answers.send(endpoints("v1")).unwrap();
    assert_eq!(version(&rig.cache.load(VPC).await.unwrap()), "v1");
    assert_eq!(rig.source.calls(), 1);
}

#[tokio::test]
async fn dropping_the_last_handle_stops_background_work() {
    let mut rig = rig();
    rig.answers.send(endpoints("v1")).unwrap();
    rig.cache.load(VPC).await.unwrap();
    let cell = rig.cache.cell(VPC);
    let keep_alive = rig.cache.keep_alive();
    let nap = rig.gate.expect_sleep().await; // the refresher is running
    drop(rig.cache);
    drop(rig.source);
    // A keep-alive token keeps it running: the refresh still happens.
    rig.answers.send(endpoints("v2")).unwrap();
    nap.allow_progress();
    let nap = rig.gate.expect_sleep().await;
    assert_eq!(version(&cell.current().unwrap()), "v2");
    // Dropping the last token stops the refresher, which releases the source.
    drop(keep_alive);
    drop(nap);
    tokio::time::timeout(Duration::from_secs(10), rig.dropped)
        .await
        .expect("the refresher stopped and released the source")
        .unwrap();
    // The cell keeps the last snapshot for whoever still holds it.
    assert_eq!(version(&cell.current().unwrap()), "v2");
}

#[test]
fn invalid_settings_are_named() {
    let (source, _, _) = TestSource::new();
    let no_source = EndpointCache::builder().build().map(|_| ());
    let cases = [
        (no_source.map_err(|e| e.to_string()), "no endpoint source"),
        (
            CacheConfig::builder()
                .jitter(1.0)
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string()),
            "jitter must be in [0, 1)",
        ),
        (
            CacheConfig::builder()
                .ttl(Duration::ZERO)
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string()),
            "ttl must be positive",
        ),
        (
            CacheConfig::builder()
                .ttl(Duration::from_secs(60))
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string()),
            "refresh_ahead must be shorter",
        ),
    ];
    drop(source);
    for (built, message) in cases {
        let err = built.unwrap_err();
        assert!(err.contains(message), "{err}");
    }
}

/// A source that panics fails that load with a typed error; the slot is not poisoned and the next
/// load (past the backoff) calls the source again.
#[tokio::test]
async fn a_panicking_source_is_an_error_not_a_poisoned_slot() {
    #[derive(Debug)]
    struct PanicsOnce(AtomicUsize);
    impl DescribeEndpoints for PanicsOnce {
        fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            Box::pin(async move {
                if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("the source broke");
                }
                endpoints("v2")
            })
        }
    }
    let time = ManualTimeSource::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let cache = EndpointCache::builder()
        .source(PanicsOnce(AtomicUsize::new(0)))
        .time_source(SharedTimeSource::new(time.clone()))
        .build()
        .unwrap();
    let err = cache.load(VPC).await.unwrap_err();
    let DiscoveryError::SourcePanicked(panicked) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(panicked.message(), "the source broke");
    assert_eq!(
        err.to_string(),
        "the endpoint source panicked: the source broke"
    );
    time.advance(privatelink_discovery::DEFAULT_FAILURE_BACKOFF * 2);
    assert_eq!(version(&cache.load(VPC).await.unwrap()), "v2");
}

/// Settings at their extremes are typed errors at build, never a panic later.
#[test]
fn extreme_settings_are_errors_at_build() {
    let (source, _answers, _dropped) = TestSource::new();
    let build = |f: &dyn Fn(
        privatelink_discovery::CacheConfigBuilder,
    ) -> privatelink_discovery::CacheConfigBuilder| {
        let config = f(CacheConfig::builder())
            .build()
            .map_err(|e| e.to_string())?;
        EndpointCache::builder()
            .source(source.clone())
            .config(config)
            .build()
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let bad = |problem: &str| Err(format!("invalid endpoint cache settings: {problem}"));
    #[rustfmt::skip]
    let rows: Vec<(&str, Result<(), String>)> = vec![
        ("ttl MAX", build(&|b| b.ttl(Duration::MAX))),
        ("ttl 0", build(&|b| b.ttl(Duration::ZERO))),
        ("max_stale MAX", build(&|b| b.max_stale(Duration::MAX))),
        ("failure_backoff 0", build(&|b| b.failure_backoff(Duration::ZERO))),
        ("failure_backoff MAX", build(&|b| b.failure_backoff(Duration::MAX))),
        ("jitter NaN", build(&|b| b.jitter(f64::NAN))),
        ("jitter 1", build(&|b| b.jitter(1.0))),
        ("jitter -0.1", build(&|b| b.jitter(-0.1))),
        ("refresh_ahead MAX", build(&|b| b.refresh_ahead(Duration::MAX))),
        ("max_stale 0", build(&|b| b.max_stale(Duration::ZERO))),
        ("7 days", build(&|b| b.ttl(Duration::from_secs(7 * 86_400)).max_stale(Duration::from_secs(7 * 86_400)))),
    ];
    let expected: Vec<Result<(), String>> = vec![
        bad("ttl must be at most 7 days"),
        bad("ttl must be positive"),
        bad("max_stale must be at most 7 days"),
        bad("failure_backoff must be between 1 second and 7 days"),
        bad("failure_backoff must be between 1 second and 7 days"),
        bad("jitter must be in [0, 1)"),
        bad("jitter must be in [0, 1)"),
        bad("jitter must be in [0, 1)"),
        bad("refresh_ahead must be shorter than ttl × (1 − jitter)"),
        Ok(()),
        Ok(()),
    ];
    for ((name, got), want) in rows.into_iter().zip(expected) {
        assert_eq!(got, want, "{name}");
    }
}

/// The cell carries the snapshot's deadline: expiry + max_stale.
#[tokio::test]
async fn the_published_snapshot_carries_expiry_plus_max_stale() {
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let time = ManualTimeSource::new(start);
    let cache = EndpointCache::builder()
        .source(ScriptedOnce(endpoints("v1")))
        .time_source(SharedTimeSource::new(time))
        .config(
            CacheConfig::builder()
                .ttl(TTL)
                .jitter(0.0)
                .max_stale(MAX_STALE)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    cache.load(VPC).await.unwrap();
    assert_eq!(cache.cell(VPC).deadline(), Some(start + TTL + MAX_STALE));
}

#[derive(Debug)]
struct ScriptedOnce(Answer);

impl DescribeEndpoints for ScriptedOnce {
    fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
        Box::pin(std::future::ready(self.0.clone()))
    }
}

/// The wait after a failure doubles per consecutive failure, from `failure_backoff` to a cap set
/// by what failed (permanent: 30 min, throttled and transient: 5 min), jittered by 0–50 % — and
/// without a snapshot, a permanent or throttled failure waits at least a uniform draw over
/// `ttl × COLD_SPREAD`; callers inside the wait get the cached error at once; a success resets
/// it. `status()` shows it.
#[tokio::test]
async fn backoff_grows_by_what_failed_and_success_resets_it() {
    use privatelink_discovery::{FailureClass, PERMANENT_BACKOFF_CAP, THROTTLED_BACKOFF_CAP};
    #[derive(Debug)]
    struct Failing(Mutex<Answer>);
    impl DescribeEndpoints for Failing {
        fn describe<'a>(&'a self, _vpc_id: &'a str) -> EndpointsFuture<'a> {
            Box::pin(std::future::ready(self.0.lock().unwrap().clone()))
        }
    }
    let denied = || {
        Err(DiscoveryError::AccessDenied(ServiceError::new(
            Some("UnauthorizedOperation".into()),
            std::io::Error::other("You are not authorized"),
        )))
    };
    for (answer, class, cap) in [
        (denied(), FailureClass::Permanent, PERMANENT_BACKOFF_CAP),
        (throttled(), FailureClass::Throttled, THROTTLED_BACKOFF_CAP),
    ] {
        let time = ManualTimeSource::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        let source = Arc::new(Failing(Mutex::new(answer)));
        #[derive(Debug)]
        struct Shared(Arc<Failing>);
        impl DescribeEndpoints for Shared {
            fn describe<'a>(&'a self, vpc_id: &'a str) -> EndpointsFuture<'a> {
                self.0.describe(vpc_id)
            }
        }
        let cache = EndpointCache::builder()
            .source(Shared(source.clone()))
            .time_source(SharedTimeSource::new(time.clone()))
            .config(
                CacheConfig::builder()
                    .failure_backoff(BACKOFF)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        for n in 1..=9u32 {
            assert!(cache.load(VPC).await.is_err());
            let status = cache.status(VPC);
            assert_eq!(
                (
                    status.consecutive_failures(),
                    status.calls(),
                    status.last_error_class()
                ),
                (n, u64::from(n), Some(class))
            );
            let wait = status
                .next_call()
                .unwrap()
                .duration_since(time.now())
                .unwrap();
            let base = (BACKOFF * 2u32.pow(n - 1)).min(cap);
            let spread =
                privatelink_discovery::DEFAULT_TTL.mul_f64(privatelink_discovery::COLD_SPREAD);
            assert!(
                wait >= base && wait <= base.mul_f64(1.5).max(spread),
                "{class} failure {n}: waits {wait:?}, expected {base:?} to 1.5× or up to {spread:?}"
            );
            // Inside the wait: the cached error at once, no call.
            time.advance(wait - Duration::from_secs(1));
            assert!(cache.load(VPC).await.is_err());
            assert_eq!(cache.status(VPC).calls(), u64::from(n));
            time.advance(Duration::from_secs(1));
        }
        *source.0.lock().unwrap() = endpoints("v1");
        assert_eq!(version(&cache.load(VPC).await.unwrap()), "v1");
        let status = cache.status(VPC);
        assert_eq!((status.consecutive_failures(), status.calls()), (0, 10));
        assert!(status.last_error().is_none() && !status.is_stale());
        assert_eq!(status.snapshot_age(), Some(Duration::ZERO));

        // With a servable snapshot, a failure of this class waits for most of what is left
        // until the snapshot's deadline (93–98 %), serving the stale snapshot meanwhile.
        let expires_at = status.expires_at().unwrap();
        let deadline = status.deadline().unwrap();
        *source.0.lock().unwrap() = match class {
            FailureClass::Permanent => denied(),
            _ => throttled(),
        };
        time.set_time(expires_at + Duration::from_secs(1));
        assert_eq!(
            version(&cache.load(VPC).await.unwrap()),
            "v1",
            "stale, served"
        );
        let status = cache.status(VPC);
        assert!(status.is_stale());
        let left = deadline.duration_since(time.now()).unwrap();
        let wait = status
            .next_call()
            .unwrap()
            .duration_since(time.now())
            .unwrap();
        assert!(
            wait >= left.mul_f64(0.93) && wait <= left.mul_f64(0.98),
            "{class}: waits {wait:?} of {left:?}"
        );
    }
}
