#!/usr/bin/env python3
"""Checks the build structure that keeps the README's two commands fast and the lean features lean.

1. aws-sdk-ec2 (the workspace's one huge dependency: ~5 min and ~7.5 GB for a debug build) is
   compiled with one feature set per mode: every cargo command of the README, scripts/test.sh
   and scripts/checks.sh that builds it (the demo, the examples, the tests) shares one build —
   but checks.sh's `cargo install` of the CLI alone, which has no dev-dependencies and so a set
   of its own, as any user's install does — and every command that
   checks it (clippy, rustdoc, the feature checks) shares one check. Cargo compiles a crate again
   whenever the features of anything beneath it differ, so a dev-dependency that turns on a
   feature of, say, tokio in one command but not in another costs a second aws-sdk-ec2 build
   (cargo unifies features per command). The feature pins in crates/privatelink-testkit/Cargo.toml prevent that;
   this finds a missing pin. It reads cargo's unit graph (`--unit-graph`, nightly), so it
   compiles nothing and takes seconds.
2. The lean configurations compile neither aws-sdk-ec2 nor a TLS stack: `privatelink` without
   default features, and `privatelink-interceptor` (`cargo tree`, normal and build dependencies).

Usage: scripts/feature-sets.py  (from anywhere; needs a nightly toolchain for step 1)
Exit status 1 with the differing features named when a check fails.
"""
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The cargo commands of the README, scripts/test.sh and scripts/checks.sh that compile
# aws-sdk-ec2, as unit-graph queries (`cargo run --example X` builds what `cargo build --example
# X` does; `cargo clippy` checks dependencies as `cargo check` does).
FEATURES_ALONE = ["--workspace", "--exclude", "privatelink-cli", "--no-default-features"]
COMMANDS = [
    ("README: cargo run --example demo", ["build", "--example", "demo"]),
    ("test.sh: cargo run --example rewrite", ["build", "--example", "rewrite"]),
    ("test.sh: cargo test --workspace", ["test", "--workspace", "--no-run"]),
    ("checks.sh: cargo clippy --workspace --all-targets", ["check", "--workspace", "--all-targets"]),
    ("checks.sh: cargo doc --workspace --no-deps", ["doc", "--workspace", "--no-deps"]),
    ("checks.sh: feature check ec2 alone", ["check", *FEATURES_ALONE, "--features", "privatelink/ec2"]),
]
# Modes and how many aws-sdk-ec2 feature sets each may have.
ALLOWED = {"build": 1, "check": 1}

# What a lean configuration must not compile: EC2, and (but for `dial`, whose HTTPS client is
# the point) a TLS stack or aws-config (which brings one).
NO_EC2 = ["aws-sdk-ec2"]
NO_TLS = ["aws-config", "rustls", "aws-lc-rs", "aws-lc-sys", "hyper-rustls", "native-tls",
          "openssl"]
LEAN = [
    ("privatelink --no-default-features", ["-p", "privatelink", "--no-default-features"],
     NO_EC2 + NO_TLS),
    ("privatelink --no-default-features --features dial",
     ["-p", "privatelink", "--no-default-features", "--features", "dial"], NO_EC2),
    ("privatelink-interceptor", ["-p", "privatelink-interceptor"], NO_EC2 + NO_TLS),
]


def cargo(args, nightly=False):
    cmd = ["cargo"] + (["+nightly", "-Z", "unstable-options"] if nightly else []) + args
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed:\n{result.stderr}")
    return result.stdout


def ec2_sets(args):
    """(mode, fingerprint, lines) of each aws-sdk-ec2 library unit: its features and those of
    every unit beneath it."""
    units = json.loads(cargo([*args, "--locked", "--unit-graph"], nightly=True))["units"]
    found = []
    for index, unit in enumerate(units):
        name = unit["pkg_id"].split("#")[-1]
        if not name.startswith("aws-sdk-ec2@") or "lib" not in unit["target"]["kind"]:
            continue
        seen, stack = set(), [index]
        while stack:
            i = stack.pop()
            if i not in seen:
                seen.add(i)
                stack.extend(d["index"] for d in units[i]["dependencies"])
        lines = sorted(
            f"{units[i]['pkg_id'].split('#')[-1]} {units[i]['target']['name']} {units[i]['mode']} "
            f"[{','.join(sorted(units[i]['features']))}] opt={units[i]['profile'].get('opt_level')}"
            for i in seen
        )
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
        found.append((unit["mode"], digest, lines))
    return found


def check_feature_sets():
    by_mode = {}
    for label, args in COMMANDS:
        for mode, digest, lines in ec2_sets(args):
            by_mode.setdefault(mode, {}).setdefault(digest, (lines, []))[1].append(label)
    failed = False
    for mode, sets in sorted(by_mode.items()):
        print(f"aws-sdk-ec2 {mode}: {len(sets)} feature set(s)")
        for digest, (_, labels) in sets.items():
            print(f"  {digest}: " + "; ".join(labels))
        if len(sets) > ALLOWED.get(mode, 0):
            failed = True
            (first, _), *others = sets.values()
            for lines, labels in others:
                print(f"  differs from the first in ({'; '.join(labels)}):")
                for line in sorted(set(lines) ^ set(first)):
                    print(f"    {'+' if line in lines else '-'} {line}")
    return not failed


def check_lean():
    ok = True
    for label, args, forbidden in LEAN:
        out = cargo(["tree", *args, "--locked", "-e", "normal,build", "--prefix", "none"])
        crates = {line.split()[0] for line in out.splitlines() if line.strip()}
        bad = sorted(crates.intersection(forbidden))
        verdict = f"compiles {', '.join(bad)}" if bad else f"none of {', '.join(forbidden)}"
        print(f"{label}: {len(crates)} crates; {verdict}")
        ok &= not bad
    return ok


if __name__ == "__main__":
    ok = check_lean()
    ok = check_feature_sets() and ok
    sys.exit(0 if ok else 1)
