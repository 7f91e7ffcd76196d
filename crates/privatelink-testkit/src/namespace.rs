//! Tests that need a network of their own: the calling test runs again in a child process inside
//! new user and network namespaces (`unshare -Urn`, no root needed where the kernel allows user
//! namespaces), where it may listen on any address — a public one included — and on port 443,
//! and where nothing leaves the machine (the namespace has only its loopback interface).

use std::io::Write;
use std::process::Command;

/// Set in the child: the name of the test it runs.
const CHILD: &str = "PRIVATELINK_TEST_NETNS";

/// Where a test that cannot run records that it was skipped (`scripts/test.sh` sets it, counts
/// the lines and fails the run under CI).
pub const SKIPS_FILE: &str = "PRIVATELINK_SKIPS_FILE";

/// Runs `test` (the calling test's name, as `cargo test --exact` takes it) again in new user and
/// network namespaces whose loopback interface is up and also carries `addresses` (`52.94.0.1`,
/// `2600:1f18::1`), with a route to each `(destination, source)` of `routes` through loopback
/// sent from that source (as a pod's route leaves from its own address). Returns `true` in that
/// child, which then runs the test's body, and `false` in the parent once the child has passed;
/// panics with the child's output when it failed.
///
/// Where the kernel refuses new user namespaces, the test is skipped: a line in
/// [`SKIPS_FILE`] and on stderr, and a panic when `CI` is set (a skip fails CI).
pub fn rerun_in_network_namespace(test: &str, addresses: &[&str], routes: &[(&str, &str)]) -> bool {
    if is_child(test) {
        return true;
    }
    if let Err(why) = namespaces_allowed() {
        skipped(test, &why);
        return false;
    }
    let mut script = String::from("set -e; ip link set lo up;");
    for address in addresses {
        let family = if address.contains(':') { "-6" } else { "-4" };
        script.push_str(&format!(" ip {family} addr add {address} dev lo;"));
    }
    for (destination, source) in routes {
        script.push_str(&format!(" ip route add {destination} dev lo src {source};"));
    }
    script.push_str(r#" exec "$0" "$@""#);
    let mut command = Command::new("unshare");
    command
        .args(["-Urn", "sh", "-c", &script])
        .arg(std::env::current_exe().expect("the test binary's path"));
    run_child(command, test, "in a network namespace");
    false
}

/// Runs `test` (the calling test's name, as `cargo test --exact` takes it) again in a child
/// process whose environment also has `vars`: for a default read from the process environment
/// (a proxy variable, say), which a test may not change in its own process. Returns `true` in
/// that child, which then runs the test's body, and `false` in the parent once the child has
/// passed; panics with the child's output when it failed.
pub fn rerun_with_env(test: &str, vars: &[(&str, &str)]) -> bool {
    if is_child(test) {
        return true;
    }
    let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
    command.envs(vars.iter().copied());
    run_child(command, test, "with its environment");
    false
}

/// Whether this process is the child that [`rerun_in_network_namespace`] or [`rerun_with_env`]
/// started for `test` (a parent prepares what the child needs before asking for it).
pub fn is_child(test: &str) -> bool {
    std::env::var(CHILD).as_deref() == Ok(test)
}

/// Runs `command` (the test binary, or what executes it) for `test` alone, as the child; panics
/// with its output unless that one test passed.
fn run_child(mut command: Command, test: &str, how: &str) {
    let output = command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .output()
        .expect("the child test runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} {how} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
}

/// Whether `unshare -Urn` works here, and why not.
pub fn namespaces_allowed() -> Result<(), String> {
    match Command::new("unshare").args(["-Urn", "true"]).output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!(
            "`unshare -Urn` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Err(format!("`unshare` did not run: {error}")),
    }
}

/// Records that `test` did not run, and why; under `CI`, fails it instead.
pub fn skipped(test: &str, why: &str) {
    let line = format!("{test}: {why}");
    assert!(std::env::var_os("CI").is_none(), "skipped under CI: {line}");
    eprintln!("SKIPPED {line}");
    if let Some(path) = std::env::var_os(SKIPS_FILE) {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("the skips file opens");
        writeln!(file, "{line}").expect("the skips file is written");
    }
}
