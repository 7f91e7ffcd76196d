#!/usr/bin/env bash
# The tests against the rig (scripts/rig.sh: moto, and as root the S3 peer process and the rig's
# DNS server): moto and CLI tests, the service and partition table checks, and as root the black
# box (the discover example, privatelink doctor, the AWS CLI in a DNS namespace; dial mode,
# AssumeRole and presigned URLs on port 443). Appends the test output to the log named by $1.
#
# scripts/test.sh runs it inside `unshare -Urnm --pid --fork --mount-proc` where the kernel allows
# user namespaces: root there is mapped from whoever runs it, the network is a private loopback
# (port 443 and 127.0.0.10/11 are free to bind), and mounts are private — so the black-box tests
# run without root on the machine, and every process the rig starts ends with the namespace.
# Elsewhere it runs on the host: as root, everything; otherwise the black box is recorded as
# skipped in $PRIVATELINK_SKIPS_FILE (scripts/test.sh fails a CI run that skipped anything).
set -euo pipefail
cd "$(dirname "$0")/.."
log="$1"

step() { printf '\n==> %s\n' "$*"; }

step "every test file with rig tests (ignored: \"needs … rig\") is run by this script"
for file in $(grep -rlE --include='*.rs' '#\[ignore = "needs .*rig' tests crates/*/tests); do
    stem="$(basename "$file" .rs)"
    grep -q -- "--test $stem " "$0" || { echo "$file has rig tests that scripts/rig-tests.sh does not run"; exit 1; }
done
echo "each is named below"

trap './scripts/rig.sh down' EXIT
step "end-to-end rig: moto (third-party EC2 that checks SigV4) over TLS"
./scripts/rig.sh up
# shellcheck disable=SC1091
set -a && source .rig/env && set +a
cargo test --workspace --locked --test moto --test cli_rig -- --ignored --test-threads=1 2>&1 | tee -a "$log"
step "the service id table matches the AWS service models (botocore, pinned in scripts/rig.sh)"
.rig/venv/bin/python scripts/gen-sdk-services.py --check crates/privatelink-core/data/sdk-services.tsv
step "the Terraform provider's endpoint keys match its schema's bindings (pinned in scripts/rig.sh)"
.rig/venv/bin/python scripts/gen-terraform-keys.py "$PRIVATELINK_RIG_TERRAFORM_BINDINGS" --check crates/privatelink-core/data/terraform-endpoint-keys.txt
step "the partition table matches botocore's partitions and endpoint rules (pinned in scripts/rig.sh)"
.rig/venv/bin/python scripts/gen-partitions.py --check crates/privatelink-core/data/partitions.tsv
step "the strict-mode oracle's copy of botocore's partitions.json is the pinned botocore's"
botocore_partitions="$(.rig/venv/bin/python -c 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json"))')"
cmp fuzz/botocore-partitions.json "$botocore_partitions"
echo "fuzz/botocore-partitions.json: the same as $botocore_partitions"
if [ "$(id -u)" = 0 ]; then
    step "black box (the discover example, privatelink doctor, the AWS CLI in a DNS namespace); dial mode, AssumeRole, presigned URLs and the path to strict (privatelink plan) against the rig on port 443"
    cargo test --workspace --locked --test blackbox --test cli_blackbox --test rig_dial --test plan_rig -- --ignored --test-threads=1 2>&1 | tee -a "$log"
else
    echo "the black-box tests (blackbox, cli_blackbox, rig_dial, plan_rig): they need root or a user namespace (unshare -Urnm), and this machine allows neither" \
        | tee -a "${PRIVATELINK_SKIPS_FILE:-/dev/null}"
fi
