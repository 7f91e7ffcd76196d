//! A test that cannot run says so: outside CI it records the skip (which `scripts/test.sh` names
//! and counts at the end), under CI it fails.

use std::process::Command;

use privatelink_testkit::namespace::{SKIPS_FILE, skipped};

#[test]
#[ignore = "run as a child process by a_skip_is_recorded_and_fails_under_ci"]
fn records_a_skip() {
    skipped("records_a_skip", "the reason given");
}

#[test]
fn a_skip_is_recorded_and_fails_under_ci() {
    let dir = std::env::temp_dir().join(format!("privatelink-skips-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("skips");
    let _ = std::fs::remove_file(&file);
    let child = |ci: bool| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "records_a_skip", "--ignored", "--test-threads=1"])
            .env(SKIPS_FILE, &file)
            .env_remove("CI");
        if ci {
            command.env("CI", "true");
        }
        command.output().unwrap()
    };

    let outside_ci = child(false);
    assert!(outside_ci.status.success(), "{outside_ci:?}");
    let recorded = std::fs::read_to_string(&file).unwrap();
    assert_eq!(recorded, "records_a_skip: the reason given\n");

    let under_ci = child(true);
    assert!(!under_ci.status.success(), "a skip under CI passed");
    assert!(
        String::from_utf8_lossy(&under_ci.stdout).contains("skipped under CI: records_a_skip"),
        "{under_ci:?}"
    );
    // Under CI nothing is recorded as skipped: the run fails instead.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), recorded);
    std::fs::remove_dir_all(&dir).unwrap();
}
