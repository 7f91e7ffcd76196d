#!/usr/bin/env bash
# The end-to-end rig's third-party EC2 peer: moto 5.2.5 (patched by scripts/rig/moto_vpce_server.py)
# over TLS from a CA made here, seeded with a VPC and endpoints, then with SigV4 checking on.
#
#   scripts/rig.sh install  install moto and the AWS CLI (venv under .rig/) and download the
#                           Terraform provider's bindings (a wheel), from PyPI: the only step that
#                           needs the network
#   scripts/rig.sh up       install, make the CA, start and seed moto;
#                           writes .rig/env (source it: PRIVATELINK_RIG_* variables)
#   scripts/rig.sh down     stop what `up` started (by PID)
#
# As root — real, or mapped inside `unshare -Urnm` as scripts/rig-tests.sh is run — moto listens
# on its own address 127.0.0.11:443, the S3 peer (privatelink-s3-peer, built by cargo; s3s-fs,
# SigV4 checked) on 127.0.0.10:443 for the S3 endpoint names moto handed out, and the rig's DNS
# server (scripts/rig/dns.py) on 127.0.0.77:53 answers *.s3.us-east-1.vpce.amazonaws.com with the
# S3 peer (its access log, .rig/s3.log, has a line per request) and every other *.amazonaws.com
# name with moto; .rig/resolv.conf points at it, for black-box runs under `unshare -m` (nothing under /etc is changed). Otherwise moto listens on
# 127.0.0.1 on a free port and there is neither the S3 process nor DNS.
#
# Needs python3 (with venv) and openssl. Everything lives in .rig/.
set -euo pipefail
cd "$(dirname "$0")/.."
RIG="$PWD/.rig"
TERRAFORM_BINDINGS_WHEEL=cdktf_cdktf_provider_aws-21.22.1-py3-none-any.whl

down() {
    for service in moto s3 dns; do
        if [ -f "$RIG/$service.pid" ]; then
            local pid
            pid=$(cat "$RIG/$service.pid")
            rm -f "$RIG/$service.pid"
            # Only a process of this rig: a PID file left by a run inside a PID namespace names
            # another process here.
            if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -e "$RIG" -e privatelink-s3-peer -e scripts/rig/; then
                continue
            fi
            kill "$pid" 2>/dev/null || true
            # Wait for it to exit (5 s at most), then make sure.
            for _ in $(seq 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}

install() {
    mkdir -p "$RIG"
    # moto; botocore pinned to the version crates/privatelink-core/data/sdk-services.tsv was made
    # from (scripts/gen-sdk-services.py --check); the AWS CLI, to show `privatelink env` works.
    local packages=('moto[server]==5.2.5' 'boto3==1.44.8' 'botocore==1.44.8' 'awscli==1.46.3')
    if ! "$RIG/venv/bin/python" -c 'import moto, botocore, sys; sys.exit(moto.__version__ != "5.2.5" or botocore.__version__ != "1.44.8")' 2>/dev/null \
        || ! "$RIG/venv/bin/aws" --version >/dev/null 2>&1; then
        python3 -m venv "$RIG/venv"
        "$RIG/venv/bin/pip" install --quiet --disable-pip-version-check "${packages[@]}"
    fi
    # The Terraform AWS provider's `endpoints` keys (crates/privatelink-core/data/terraform-endpoint-keys.txt,
    # scripts/gen-terraform-keys.py --check): HashiCorp's prebuilt bindings of the provider's
    # schema, the wheel only (read as a zip, never installed).
    if [ ! -f "$RIG/wheels/$TERRAFORM_BINDINGS_WHEEL" ]; then
        "$RIG/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary :all: \
            -d "$RIG/wheels" 'cdktf-cdktf-provider-aws==21.22.1'
    fi
}

up() {
    down
    install

    # A CA and a server certificate for EC2's and STS's default and endpoint names and S3's default
    # names (moto serves all three; dial mode keeps default names), and 127.0.0.1 for seeding.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=privatelink rig CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$RIG/ca.key" -out "$RIG/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=privatelink rig EC2" \
        -keyout "$RIG/ec2.key" -out "$RIG/ec2.csr" 2>/dev/null
    printf 'subjectAltName=DNS:ec2.us-east-1.amazonaws.com,DNS:*.ec2.us-east-1.vpce.amazonaws.com,DNS:sts.us-east-1.amazonaws.com,DNS:*.sts.us-east-1.vpce.amazonaws.com,DNS:s3.us-east-1.amazonaws.com,DNS:*.s3.us-east-1.amazonaws.com,IP:127.0.0.1,IP:127.0.0.11\nextendedKeyUsage=serverAuth\n' \
        > "$RIG/ec2.ext"
    openssl x509 -req -in "$RIG/ec2.csr" -CA "$RIG/ca.pem" -CAkey "$RIG/ca.key" -CAcreateserial -days 2 \
        -extfile "$RIG/ec2.ext" -out "$RIG/ec2.pem" 2>/dev/null

    local host port
    if [ "$(id -u)" = 0 ]; then
        host=127.0.0.11 port=443
    else
        host=127.0.0.1
        port=$("$RIG/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    fi
    "$RIG/venv/bin/python" scripts/rig/moto_vpce_server.py -H "$host" -p "$port" \
        -c "$RIG/ec2.pem" -k "$RIG/ec2.key" > "$RIG/moto.log" 2>&1 &
    echo $! > "$RIG/moto.pid"
    "$RIG/venv/bin/python" - "$host:$port" "$RIG/ca.pem" <<'PY'
import sys, time, requests
for _ in range(200):
    try:
        requests.get(f"https://{sys.argv[1]}/moto-api/", verify=sys.argv[2], timeout=1)
        sys.exit(0)
    except requests.RequestException:
        time.sleep(0.05)
sys.exit("moto did not start; see .rig/moto.log")
PY
    {
        echo "export PRIVATELINK_RIG_EC2_ADDR=$host:$port"
        echo "export PRIVATELINK_RIG_CA=$RIG/ca.pem"
        echo "export PRIVATELINK_RIG_AWS_CLI=$RIG/venv/bin/aws"
        echo "export PRIVATELINK_RIG_TERRAFORM_BINDINGS=$RIG/wheels/$TERRAFORM_BINDINGS_WHEEL"
        "$RIG/venv/bin/python" scripts/rig/seed.py "https://$host:$port" "$RIG/ca.pem"
    } > "$RIG/env"
    if [ "$(id -u)" = 0 ]; then
        # shellcheck disable=SC1091
        source "$RIG/env"
        local sans="" name
        for name in $PRIVATELINK_RIG_S3_NAMES; do
            sans="$sans,DNS:bucket.$name,DNS:*.bucket.$name,DNS:*.accesspoint.$name,DNS:*.control.$name"
        done
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=privatelink rig S3" \
            -keyout "$RIG/s3.key" -out "$RIG/s3.csr" 2>/dev/null
        printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "${sans#,}" > "$RIG/s3.ext"
        openssl x509 -req -in "$RIG/s3.csr" -CA "$RIG/ca.pem" -CAkey "$RIG/ca.key" -CAcreateserial -days 2 \
            -extfile "$RIG/s3.ext" -out "$RIG/s3.pem" 2>/dev/null
        # The same feature set as `cargo test --workspace`: nothing is rebuilt after the tests.
        local target="${CARGO_TARGET_DIR:-$PWD/target}"
        cargo test --workspace --locked --no-run --quiet
        local endpoints=()
        for name in $PRIVATELINK_RIG_S3_NAMES; do endpoints+=(--endpoint "$name"); done
        rm -rf "$RIG/s3data" && mkdir -p "$RIG/s3data"   # a fresh store each time, like moto
        "$target/debug/privatelink-s3-peer" --listen 127.0.0.10:443 --cert "$RIG/s3.pem" --key "$RIG/s3.key" \
            --access-key "$PRIVATELINK_RIG_ACCESS_KEY" --secret-key "$PRIVATELINK_RIG_SECRET_KEY" \
            --root "$RIG/s3data" "${endpoints[@]}" > "$RIG/s3.log" 2>&1 &
        echo $! > "$RIG/s3.pid"
        "$RIG/venv/bin/python" - <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.10", 443), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("the S3 peer did not start; see .rig/s3.log")
PY
        "$RIG/venv/bin/python" scripts/rig/dns.py 127.0.0.77 53 \
            s3.us-east-1.vpce.amazonaws.com=127.0.0.10 amazonaws.com=127.0.0.11 \
            > "$RIG/dns.log" 2>&1 &
        echo $! > "$RIG/dns.pid"
        "$RIG/venv/bin/python" - <<'PY'
import socket, sys, time
query = bytes.fromhex("abcd01000001000000000000") + b"\x03ec2\x09amazonaws\x03com\x00\x00\x01\x00\x01"
for _ in range(200):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.05)
    try:
        s.sendto(query, ("127.0.0.77", 53))
        s.recv(512)
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("the DNS server did not start; see .rig/dns.log")
PY
        echo "nameserver 127.0.0.77" > "$RIG/resolv.conf"
        echo "export PRIVATELINK_RIG_RESOLV_CONF=$RIG/resolv.conf" >> "$RIG/env"
        # The S3 peer's access log: one `METHOD HOST/PATH STATUS` line per request.
        echo "export PRIVATELINK_RIG_S3_LOG=$RIG/s3.log" >> "$RIG/env"
    fi
    echo "rig up: moto on https://$host:$port (pid $(cat "$RIG/moto.pid")); source $RIG/env"
}

case "${1:-}" in
    install) install ;;
    up) up ;;
    down) down ;;
    *) echo "usage: $0 install|up|down" >&2; exit 2 ;;
esac
