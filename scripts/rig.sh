#!/usr/bin/env bash
# The end-to-end rig's third-party EC2 peer: moto 5.2.5 (patched by scripts/rig/moto_vpce_server.py)
# over TLS from a CA made here, seeded with a VPC and endpoints, then with SigV4 checking on.
#
#   scripts/rig.sh up     install moto (venv under .rig/), make the CA, start and seed moto;
#                         writes .rig/env (source it: PRIVATELINK_RIG_* variables)
#   scripts/rig.sh down   stop what `up` started (by PID)
#
# Needs python3 (with venv) and openssl; installs moto from PyPI. Everything lives in .rig/.
set -euo pipefail
cd "$(dirname "$0")/.."
RIG="$PWD/.rig"

down() {
    if [ -f "$RIG/moto.pid" ]; then
        kill "$(cat "$RIG/moto.pid")" 2>/dev/null || true
        rm -f "$RIG/moto.pid"
    fi
}

up() {
    down
    mkdir -p "$RIG"
    if ! "$RIG/venv/bin/python" -c 'import moto, sys; sys.exit(moto.__version__ != "5.2.5")' 2>/dev/null; then
        python3 -m venv "$RIG/venv"
        "$RIG/venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
    fi

    # A CA and a server certificate for EC2's default and endpoint names, STS's default name (moto
    # serves both), and 127.0.0.1 for seeding.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=privatelink rig CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$RIG/ca.key" -out "$RIG/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=privatelink rig EC2" \
        -keyout "$RIG/ec2.key" -out "$RIG/ec2.csr" 2>/dev/null
    printf 'subjectAltName=DNS:ec2.us-east-1.amazonaws.com,DNS:*.ec2.us-east-1.vpce.amazonaws.com,DNS:sts.us-east-1.amazonaws.com,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
        > "$RIG/ec2.ext"
    openssl x509 -req -in "$RIG/ec2.csr" -CA "$RIG/ca.pem" -CAkey "$RIG/ca.key" -CAcreateserial -days 2 \
        -extfile "$RIG/ec2.ext" -out "$RIG/ec2.pem" 2>/dev/null

    local port
    port=$("$RIG/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$RIG/venv/bin/python" scripts/rig/moto_vpce_server.py -H 127.0.0.1 -p "$port" \
        -c "$RIG/ec2.pem" -k "$RIG/ec2.key" > "$RIG/moto.log" 2>&1 &
    echo $! > "$RIG/moto.pid"
    "$RIG/venv/bin/python" - "$port" "$RIG/ca.pem" <<'PY'
import sys, time, requests
for _ in range(200):
    try:
        requests.get(f"https://127.0.0.1:{sys.argv[1]}/moto-api/", verify=sys.argv[2], timeout=1)
        sys.exit(0)
    except requests.RequestException:
        time.sleep(0.05)
sys.exit("moto did not start; see .rig/moto.log")
PY
    {
        echo "export PRIVATELINK_RIG_EC2_PORT=$port"
        echo "export PRIVATELINK_RIG_CA=$RIG/ca.pem"
        "$RIG/venv/bin/python" scripts/rig/seed.py "https://127.0.0.1:$port" "$RIG/ca.pem"
    } > "$RIG/env"
    echo "rig up: moto on https://127.0.0.1:$port (pid $(cat "$RIG/moto.pid")); source $RIG/env"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
