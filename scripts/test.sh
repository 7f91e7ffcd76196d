#!/usr/bin/env bash
# Runs every test of the workspace (the README's test command; CI runs it after
# scripts/checks.sh, which holds the lints, docs, build-structure, fuzz, packaging and install
# checks):
#   unit + integration + SDK + CLI tests + doc tests, end-to-end tests against in-process peers and
#   against moto (scripts/rig.sh: installs moto from PyPI into .rig/, stopped by PID on exit),
#   the `s3` feature (the CLI enables it, so the workspace's tests run tests/s3.rs: 1,000 readers
#   of one document in the S3 peer), the library without its default features, the `fips`
#   feature (tests/fips.rs; installs CMake and Go from Debian's packages as root when missing),
#   the CLI against moto and doctor and the AWS CLI in a DNS namespace (scripts/rig-tests.sh, in a
#   user and network namespace where the kernel allows one, so no root is needed), the service id
#   table against the AWS service models, the partition table against botocore's partitions, and
#   the `rewrite` and `demo` examples.
# Build artifacts go where cargo puts them ($CARGO_TARGET_DIR, else ./target): after the README's
# `cargo run --example demo`, the tests reuse its build of every dependency. CI (.ci/run) sets a
# persistent CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Each step says how long the run has taken so far (minutes:seconds), so a slow step shows.
step() { printf '\n==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo is not installed; install Rust $(grep -m1 '^rust-version' Cargo.toml | cut -d'"' -f2) or newer" >&2
    exit 1
fi
# Under CI every check checks: a snapshot update would rewrite instead of compare.
if [ -n "${CI:-}" ] && [ -n "${UPDATE_SNAPSHOTS:-}" ]; then
    echo "error: UPDATE_SNAPSHOTS is set under CI: the CLI's snapshot tests would rewrite their files instead of checking them" >&2
    exit 1
fi

step "cargo test (unit, integration, SDK, CLI, end-to-end with in-process peers, doc tests)"
log="$(mktemp)"
# A test that cannot run here writes why to this file (privatelink_testkit::namespace::skipped,
# scripts/rig-tests.sh); the run then says so at the end, and under CI fails.
PRIVATELINK_SKIPS_FILE="$(mktemp)"
export PRIVATELINK_SKIPS_FILE
cleanup() {
    rm -f "$log" "$PRIVATELINK_SKIPS_FILE"
    ./scripts/rig.sh down
}
trap cleanup EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

step "the library without its default features: an endpoint file, no EC2, no TLS (unit tests)"
cargo test -p privatelink --no-default-features --lib --locked 2>&1 | tee -a "$log"

step "the fips feature: dial mode's TLS in aws-lc's FIPS module (tests/fips.rs; aws-lc-fips-sys needs CMake and Go)"
# Its own build: no other command turns the feature on (rustls's FIPS provider would reach every
# client of the process), and it compiles neither aws-sdk-ec2 nor anything of the default build.
if fips_tools="$(./scripts/fips-tools.sh)"; then
    cargo test -p privatelink --no-default-features --features fips --test fips --locked 2>&1 | tee -a "$log"
else
    echo "tests/fips.rs: $fips_tools" | tee -a "$PRIVATELINK_SKIPS_FILE"
fi

step "the rig's tests (scripts/rig-tests.sh): moto, the table checks, the black box"
# What the rig needs from the network is installed first; the tests then run offline.
if ! command -v openssl >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends openssl
fi
./scripts/rig.sh install
cargo test --workspace --locked --no-run --quiet
if command -v ip >/dev/null 2>&1 && unshare -Urnm --pid --fork --mount-proc true 2>/dev/null; then
    echo "in a user and network namespace (unshare -Urnm): port 443, a private /etc/resolv.conf, loopback only"
    CARGO_NET_OFFLINE=true unshare -Urnm --pid --fork --mount-proc \
        sh -c 'ip link set lo up && exec ./scripts/rig-tests.sh "$0"' "$log"
else
    echo "no user namespaces here (unshare -Urnm failed): on the host"
    ./scripts/rig-tests.sh "$log"
fi

# The examples run from the tests' build (`cargo test` compiled them, with the same features).
step "example: rewrite (real SDK requests, signatures checked)"
cargo run --locked --quiet --example rewrite >/dev/null

step "example: demo (discovery and S3 through loopback peers that check SigV4 over TLS)"
cargo run --locked --quiet --example demo >/dev/null

# One closing line for the whole run (cargo prints one per test binary, the last often "0 passed").
totals="$(awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed", p, f }' "$log")"
skipped="$(grep -c . "$PRIVATELINK_SKIPS_FILE" || true)"
if [ "$skipped" -gt 0 ]; then
    step "checks passed, but $skipped skipped:"
    sed 's/^/  skipped: /' "$PRIVATELINK_SKIPS_FILE"
    echo "$totals, $skipped skipped"
    if [ -n "${CI:-}" ]; then
        echo "error: CI runs every test; a skip fails the run" >&2
        exit 1
    fi
    exit 0
fi
step "all checks passed"
echo "$totals, 0 skipped"
