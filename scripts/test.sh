#!/usr/bin/env bash
# Runs every test of the workspace, the way CI does:
#   formatting, clippy (all targets, warnings denied), rustdoc (warnings denied),
#   unit + integration + SDK + CLI tests + doc tests, end-to-end tests against in-process peers and
#   against moto (scripts/rig.sh: installs moto from PyPI into .rig/, stopped by PID on exit),
#   the CLI against moto and (root) doctor and the AWS CLI in a DNS namespace, the service id
#   table against the AWS service models, the partition table against botocore's partitions, a 30 s cargo-fuzz smoke run per target (nightly), and the
#   `rewrite` and `demo` examples; the build structure (aws-sdk-ec2 compiled once per mode, lean
#   features lean) and every feature of the library alone.
# Installs what it needs (the rustfmt and clippy components, a nightly toolchain, cargo-fuzz) when
# they are missing.
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
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        step "installing the $component component"
        rustup component add "$component"
    fi
done

# Nightly: cargo's unit graph (the build-structure check) and cargo-fuzz.
if ! cargo +nightly --version >/dev/null 2>&1; then
    step "installing a nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "build structure: aws-sdk-ec2 compiled once per mode by every command here; lean features lean"
python3 scripts/feature-sets.py

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "each feature of the library alone (cargo clippy --no-default-features [--features X])"
# Without the CLI, which needs the defaults; the rest of the workspace keeps aws-sdk-ec2's check
# build above (scripts/feature-sets.py).
for features in "" ec2 dial; do
    echo "features: ${features:-none}"
    cargo clippy --workspace --exclude privatelink-cli --no-default-features \
        ${features:+--features "privatelink/$features"} --locked --quiet -- -D warnings
done

step "cargo doc (-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "cargo test (unit, integration, SDK, CLI, end-to-end with in-process peers, doc tests)"
log="$(mktemp)"
cleanup() {
    rm -f "$log"
    ./scripts/rig.sh down
}
trap cleanup EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

step "the library without its default features: an endpoint file, no EC2, no TLS (unit tests)"
cargo test -p privatelink --no-default-features --lib --locked 2>&1 | tee -a "$log"

step "end-to-end rig: moto (third-party EC2 that checks SigV4) over TLS"
if ! command -v openssl >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends openssl
fi
./scripts/rig.sh up
# shellcheck disable=SC1091
set -a && source .rig/env && set +a
cargo test --workspace --locked --test moto --test cli_rig -- --ignored --test-threads=1 2>&1 | tee -a "$log"
step "the service id table matches the AWS service models (botocore, pinned in scripts/rig.sh)"
.rig/venv/bin/python scripts/gen-sdk-services.py --check crates/privatelink-core/data/sdk-services.tsv
step "the partition table matches botocore's partitions and endpoint rules (pinned in scripts/rig.sh)"
.rig/venv/bin/python scripts/gen-partitions.py --check crates/privatelink-core/data/partitions.tsv
if [ "$(id -u)" = 0 ]; then
    step "black box (the discover example, privatelink doctor, the AWS CLI in a DNS namespace); dial mode, AssumeRole and presigned URLs against the rig on port 443"
    cargo test --workspace --locked --test blackbox --test cli_blackbox --test rig_dial -- --ignored --test-threads=1 2>&1 | tee -a "$log"
else
    step "skipping the black-box DNS tests: they need root (for port 443 and unshare), as CI has"
fi
./scripts/rig.sh down

step "fuzz smoke: each cargo-fuzz target for 30 s from the committed corpus (nightly)"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --quiet
fi
# Sanitizer builds of the fuzz workspace: a target dir of their own, beside the main one.
fuzz_target="${CARGO_TARGET_DIR:+${CARGO_TARGET_DIR%/}-fuzz}"
fuzz_target="${fuzz_target:-$PWD/target/fuzz}"
fuzz_out="$(mktemp -d)"
for target in describe_json host_mapper; do
    mkdir -p "$fuzz_out/$target"
    # New inputs go to a scratch folder; the committed corpus is only read.
    (cd fuzz && CARGO_TARGET_DIR="$fuzz_target" cargo +nightly fuzz run "$target" \
        "$fuzz_out/$target" "corpus/$target" -- -max_total_time=30 -timeout=10 -rss_limit_mb=4096 2>&1 | tail -n 3)
done
rm -rf "$fuzz_out"

step "packaging: cargo package for every published crate (files, metadata, path dependencies' versions)"
# --no-verify: the packaged sources are the ones built and tested above; verifying would build
# aws-sdk-ec2 once more per package in target/package.
published=(privatelink privatelink-core privatelink-interceptor privatelink-discovery privatelink-cli)
cargo package --locked --no-verify --quiet "${published[@]/#/-p}"
for crate in "${published[@]}"; do
    contents="$(cargo package --locked --no-verify --list -p "$crate")"
    for file in Cargo.toml LICENSE README.md; do
        if [ "$file" = README.md ] && [ "$crate" != privatelink ]; then continue; fi
        grep -qx "$file" <<<"$contents" || { echo "error: $crate's package has no $file" >&2; exit 1; }
    done
done

# The examples run from the tests' build (`cargo test` compiled them, with the same features).
step "example: rewrite (real SDK requests, signatures checked)"
cargo run --locked --quiet --example rewrite >/dev/null

step "example: demo (discovery and S3 through loopback peers that check SigV4 over TLS)"
cargo run --locked --quiet --example demo >/dev/null

step "all checks passed"
# One closing line for the whole run (cargo prints one per test binary, the last often "0 passed").
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
