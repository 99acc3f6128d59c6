#!/usr/bin/env bash
# Measures throughput and latency of the read paths that grow with the county (the unit list,
# the office's progress view, a score sheet) with wrk against a release build on the demo data.
# Loopback only; each run is bounded in time. Usage: scripts/bench.sh [seconds per endpoint]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-10}"
PORT=18181
DB=lianzheng_bench

scripts/deps.sh
scripts/pg-ensure.sh
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB OWNER lianzheng_owner"
export DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/$DB"
export MIGRATION_DATABASE_URL="postgres://lianzheng_owner@127.0.0.1:5432/$DB"
export BIND_ADDR="127.0.0.1:$PORT" LOG_FORMAT=json RUST_LOG=warn
cargo build --release --quiet --bin lianzheng
bin=target/release/lianzheng
"$bin" migrate 2>/dev/null
"$bin" seed-demo 2>/dev/null
token=$("$bin" token --role office --sub bench)
"$bin" serve & pid=$!
trap 'kill $pid 2>/dev/null; psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS '"$DB"' WITH (FORCE)"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
cycle=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/assessment-cycles" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
for path in \
  "/api/v1/units?per_page=100" \
  "/api/v1/assessment-cycles/$cycle/self-inspections?per_page=100" \
  "/api/v1/assessment-cycles/$cycle/units/1/scoring-record"; do
  echo "== GET $path"
  wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$path" \
    | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
done
echo "== resident memory of the server after the run: $(ps -o rss= -p $pid) KiB"
