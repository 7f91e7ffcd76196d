//! Helpers shared by the CLI tests.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;

use assert_cmd::Command;

/// The describe-vpc-endpoints fixture, relative to the crate (the tests' working directory).
pub(crate) const FIXTURE: &str = "../../testdata/describe-vpc-endpoints.json";

/// The `privatelink` binary, colour off whatever the terminal.
pub(crate) fn privatelink() -> Command {
    Command::cargo_bin("privatelink").unwrap()
}

/// Runs `cmd`, asserts success, returns stdout.
pub(crate) fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// The keys of a JSON object, in the order they were printed.
pub(crate) fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// Compares `actual` with `tests/snapshots/<name>`. With `UPDATE_SNAPSHOTS=1` the file is
/// (re)written instead; review the diff before committing it. Under CI (`CI` set) that is a
/// failure: a run that rewrites its snapshots checks nothing.
pub(crate) fn assert_snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        assert!(
            std::env::var_os("CI").is_none(),
            "UPDATE_SNAPSHOTS is set under CI: {name} would be rewritten instead of checked"
        );
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let mut report = String::new();
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        for n in 0..e.len().max(a.len()) {
            let (old, new) = (e.get(n), a.get(n));
            if old != new {
                report.push_str(&format!(
                    "line {}:\n  - {}\n  + {}\n",
                    n + 1,
                    old.unwrap_or(&"<none>"),
                    new.unwrap_or(&"<none>")
                ));
            }
        }
        panic!(
            "output differs from {} (UPDATE_SNAPSHOTS=1 rewrites it):\n{report}",
            path.display()
        );
    }
}

/// A rig variable (`scripts/rig.sh up` writes them to `.rig/env`).
pub(crate) fn rig_var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run `scripts/rig.sh up && source .rig/env`"))
}

/// `privatelink` with nothing but `HOME`, EC2 pointed at moto (trusting the rig's CA), no
/// instance metadata, and the rig's VPC.
pub(crate) fn at_moto(home: &std::path::Path) -> Command {
    let mut cmd = privatelink();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(
            "AWS_ENDPOINT_URL_EC2",
            format!("https://{}", rig_var("PRIVATELINK_RIG_EC2_ADDR")),
        )
        .env("SSL_CERT_FILE", rig_var("PRIVATELINK_RIG_CA"))
        .env("PRIVATELINK_VPC_ID", rig_var("PRIVATELINK_RIG_VPC"));
    cmd
}
