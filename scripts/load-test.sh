#!/usr/bin/env bash
# Bounded load test of `oasis serve` on loopback: a release server on the demonstration city, the
# demo network run once, then 50 concurrent keep-alive clients on the network-results and
# district-balance routes (oasis-load prints req/s and latency percentiles; any error fails).
#
#   scripts/load-test.sh [REQUESTS_PER_ROUTE]      (default 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-target}/release"
N="${1:-50000}"
cargo build --release -p oasis-cli -p oasis-server --bins
DIR="$(mktemp -d)"
PORT=18431
"$T/oasis" users add load --role operator --db "$DIR" --password load-test-password > /dev/null
"$T/oasis" serve --db "$DIR" --demo --addr "127.0.0.1:$PORT" > "$DIR/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 300); do grep -q "serving on" "$DIR/serve.log" && break; sleep 0.2; done
B="http://127.0.0.1:$PORT"
TOKEN=$(curl -sf "$B/api/login" -H 'Content-Type: application/json' -d '{"name":"load","password":"load-test-password"}' | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
JOB=$(curl -sf "$B/api/networks/demo/runs" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"mode":"extended"}' | sed 's/.*"id":\([0-9]*\).*/\1/')
until curl -sf "$B/api/jobs/$JOB" | grep -q '"state":"done"'; do sleep 0.2; done
DISTRICT=$(curl -sf "$B/api/districts" | sed 's/.*"id":"\(D[0-9]*\)".*/\1/' | head -1)
echo "results body: $(curl -sf "$B/api/networks/demo/results?time=3600" | wc -c) bytes; balance body: $(curl -sf "$B/api/districts/$DISTRICT/balance" | wc -c) bytes; $(nproc) cores"
"$T/oasis-load" --addr "127.0.0.1:$PORT" --clients 50 --requests "$N" "/api/networks/demo/results?time=3600" "/api/districts/$DISTRICT/balance"
