#!/usr/bin/env bash
# The checks CI runs beside the tests (.ci/run: this, then scripts/test.sh): formatting, the build
# structure (aws-sdk-ec2 compiled once per mode, lean features lean), clippy (all targets,
# warnings denied; each feature of the library alone), rustdoc (warnings denied), a 30 s
# cargo-fuzz smoke run per target (nightly), packaging, and `cargo install` of the CLI from the
# repository. None of them is a test a newcomer needs to run: scripts/test.sh runs every test.
# Installs what it needs (the rustfmt and clippy components, a nightly toolchain, cargo-fuzz)
# when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Each step says how long the run has taken so far (minutes:seconds), so a slow step shows.
step() { printf '\n==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

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
for features in "" ec2 dial s3; do
    echo "features: ${features:-none}"
    cargo clippy --workspace --exclude privatelink-cli --no-default-features \
        ${features:+--features "privatelink/$features"} --locked --quiet -- -D warnings
done

step "the fips feature (dial mode's TLS in aws-lc's FIPS module): cargo clippy of the library and tests/fips.rs"
./scripts/fips-tools.sh
cargo clippy -p privatelink --no-default-features --features fips --lib --test fips --locked --quiet -- -D warnings

step "cargo doc (-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

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
published=(privatelink privatelink-core privatelink-interceptor privatelink-discovery privatelink-cli privatelink-reqwest)
cargo package --locked --no-verify --quiet "${published[@]/#/-p}"
for crate in "${published[@]}"; do
    contents="$(cargo package --locked --no-verify --list -p "$crate")"
    for file in Cargo.toml LICENSE README.md; do
        if [ "$file" = README.md ] && [ "$crate" != privatelink ]; then continue; fi
        grep -qx "$file" <<<"$contents" || { echo "error: $crate's package has no $file" >&2; exit 1; }
    done
done

step "cargo install from the repository (a debug build into a temporary root), then privatelink --version"
# What the README's `cargo install --git … privatelink-cli --locked` builds, from this checkout;
# --debug keeps aws-sdk-ec2 unoptimized (a release build takes far longer and ~8 GB). The CLI
# alone has other features than the workspace's tests: cargo builds aws-sdk-ec2 once more for it.
install_root="$(mktemp -d)"
cargo install --path crates/privatelink-cli --locked --debug --root "$install_root" --quiet
version="$("$install_root/bin/privatelink" --version)"
echo "$version"
[ "$version" = "privatelink $(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)" ] \
    || { echo "error: the installed privatelink says \"$version\"" >&2; exit 1; }
rm -rf "$install_root"

step "checks passed"
