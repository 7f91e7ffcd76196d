#!/usr/bin/env bash
# What the `fips` feature's build needs (aws-lc-fips-sys: CMake and Go): installs them from
# Debian's packages when missing and this runs as root with apt-get; exits 1, saying so, when
# they are still missing.
set -euo pipefail
missing() { ! command -v cmake >/dev/null 2>&1 || ! command -v go >/dev/null 2>&1; }
if missing && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends cmake golang-go >/dev/null
fi
if missing; then
    echo "the fips feature needs CMake and Go (aws-lc-fips-sys): apt-get install cmake golang-go"
    exit 1
fi
