#!/usr/bin/env bash
# The benchmark (issue 18), one command: bench/run.sh [--quick]
#
# Builds the release binary; seeds a county of realistic size (the demo county topped up by
# bench/seed.py: 13 towns, 60 county departments, 10 county enterprises, 6 vertical units, 6
# leaders each, the default forms, six teams, 44 final score sheets and the rest in every other
# state, two closed ballot rounds, the published 2013 cycle's results) and a province of 20,000
# units (bench/province.sql, a database of its own, with a published cycle whose results
# bench/province_results.sql fills in); starts
# both services and drives them with wrk over loopback (-t2, --latency) at 16, 64 and 128
# connections, 15 s a run, every variant interleaved with the others and repeated 3 times; L1 is
# pgbench -S -M prepared -c16 -j2 at the pinned scale 10. Then bench/report.py writes
# BENCHMARKS.md: the machine, the medians, the ratios to L2, the targets met and missed, and the
# raw output. Any non-2xx answer, or a socket error, fails the run.
#
# --quick: 3 s runs, 16 and 64 connections, once; for trying the script, never for numbers.
# BENCH_ONLY (an extended regex of variant names) and BENCH_CONNECTIONS ("16 64") run part of
# it, for working on one variant: such a run prints each run's rate and p99 and writes no
# BENCHMARKS.md.
# Needs root or sudo for the packages (wrk, libssl-dev) and PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=full DURATION=15 CONNECTIONS="16 64 128" REPEAT=3
if [ "${1:-}" = "--quick" ]; then MODE=quick DURATION=3 CONNECTIONS="16 64" REPEAT=1; fi
ONLY="${BENCH_ONLY:-}"
if [ -n "$ONLY" ] || [ -n "${BENCH_CONNECTIONS:-}" ]; then
  MODE=partial CONNECTIONS="${BENCH_CONNECTIONS:-$CONNECTIONS}"
fi
PORT=18181 PROVINCE_PORT=18182
DB=lianzheng_bench PROVINCE_DB=lianzheng_bench_province PGBENCH_DB=lianzheng_bench_pgbench
PGBENCH_SCALE=10
OUT=target/bench
ADMIN=(psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -q)

scripts/deps.sh
scripts/pg-ensure.sh
if ! command -v wrk >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
# BENCH_BIN runs another build instead (to try the script, not for numbers).
bin="${BENCH_BIN:-target/release/lianzheng}"
if [ -z "${BENCH_BIN:-}" ]; then
  echo "bench: building the release binary" >&2
  cargo build --release --locked --quiet --bin lianzheng
fi
rm -rf "$OUT" && mkdir -p "$OUT/raw"

# Production settings: real secrets of this run, never development mode.
random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
set -a
JWT_SECRET=$(random) BALLOT_CODE_KEY=$(random)
eval "$("$bin" audit keygen)"
LOG_FORMAT=json RUST_LOG=warn
set +a
unset LIANZHENG_DEV APP_ENV

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for db in "$DB" "$PROVINCE_DB" "$PGBENCH_DB"; do
    "${ADMIN[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
  done
}
trap cleanup EXIT

echo "bench: seeding the county, the province and pgbench (scale $PGBENCH_SCALE)" >&2
for db in "$DB" "$PROVINCE_DB"; do
  "${ADMIN[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db OWNER lianzheng_owner"
  DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/$db" \
    MIGRATION_DATABASE_URL="postgres://lianzheng_owner@127.0.0.1:5432/$db" "$bin" migrate >/dev/null
done
DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/$DB" "$bin" seed-demo 2>/dev/null
psql -h 127.0.0.1 -U lianzheng_owner -d "$PROVINCE_DB" -v ON_ERROR_STOP=1 -q -f bench/province.sql
"${ADMIN[@]}" -c "DROP DATABASE IF EXISTS $PGBENCH_DB WITH (FORCE)" -c "CREATE DATABASE $PGBENCH_DB"
pgbench -h 127.0.0.1 -U postgres -i -q -s "$PGBENCH_SCALE" "$PGBENCH_DB" 2>/dev/null

# serve PORT DB: starts the release build on DB and waits until it is ready.
serve() {
  DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/$2" BIND_ADDR="127.0.0.1:$1" \
    "$bin" serve >"$OUT/serve-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "bench: the service on port $1 did not start" >&2; cat "$OUT/serve-$1.log" >&2; exit 1
}
serve "$PORT" "$DB"
county_pid=${pids[0]}
serve "$PROVINCE_PORT" "$PROVINCE_DB"
province_pid=${pids[1]}
python3 bench/seed.py "http://127.0.0.1:$PORT" "$bin" "$OUT"
# shellcheck disable=SC1091
. "$OUT/env"
PROVINCE_TOKEN=$("$bin" token --role office --sub bench-office --ttl 6h)
# The province's cycle: opened through the API (the snapshot of 20,000 units), its results and
# their publication in SQL.
province="http://127.0.0.1:$PROVINCE_PORT"
PROVINCE_CYCLE=$(curl -sf -X POST -H "Authorization: Bearer $PROVINCE_TOKEN" \
  -H 'Content-Type: application/json' -d '{"year": 2014}' "$province/api/v1/assessment-cycles" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -X POST -H "Authorization: Bearer $PROVINCE_TOKEN" \
  -H 'Content-Type: application/json' -d '{"to": "self_inspection"}' \
  "$province/api/v1/assessment-cycles/$PROVINCE_CYCLE/transitions"
psql -h 127.0.0.1 -U lianzheng_owner -d "$PROVINCE_DB" -v ON_ERROR_STOP=1 -q \
  -v cycle="$PROVINCE_CYCLE" -f bench/province_results.sql
# Planner statistics for both databases, as autovacuum gathers them within a minute of a load:
# without them the results' statements plan for empty tables, and the demo county's ranking
# answered 34 requests a second instead of 428 (see issue 18's note).
for db in "$DB" "$PROVINCE_DB"; do
  PGOPTIONS="-c client_min_messages=error" \
    psql -h 127.0.0.1 -U lianzheng_owner -d "$db" -v ON_ERROR_STOP=1 -q -c ANALYZE
done
# The demo's published 2013 cycle: the county's ranking.
RANKED_CYCLE=5

county="http://127.0.0.1:$PORT"
# name|base URL|path|token ('' for none); 'write' and 'L1' are run their own way.
variants=(
  "L0 /healthz|$county|/healthz|"
  "L1 pgbench -S|||"
  "L2 /readyz|$county|/readyz|"
  "unit read|$county|/api/v1/units/1|$OFFICE_TOKEN"
  "self-inspection read|$county|/api/v1/assessment-cycles/$CYCLE/units/$SELF_UNIT/self-inspection|$SELF_TOKEN"
  "score-sheet read|$county|/api/v1/assessment-cycles/$CYCLE/units/$SHEET_UNIT/scoring-record|$SHEET_TOKEN"
  "score-item write|$county||"
  "progress view|$county|/api/v1/assessment-cycles/$CYCLE/self-inspections?per_page=100|$OFFICE_TOKEN"
  "units list|$county|/api/v1/units?per_page=100|$OFFICE_TOKEN"
  "units list (province)|$province|/api/v1/units?per_page=100|$PROVINCE_TOKEN"
  "county ranking|$county|/api/v1/assessment-cycles/$RANKED_CYCLE/results?per_page=100|$OFFICE_TOKEN"
  "province ranking|$province|/api/v1/assessment-cycles/$PROVINCE_CYCLE/results?per_page=100|$PROVINCE_TOKEN"
  "county ranking .xlsx export|$county|/api/v1/assessment-cycles/$RANKED_CYCLE/reports/ranking?format=xlsx|$OFFICE_TOKEN"
)
# Variants a later issue adds; the script names them and skips them.
placeholders=()
for note in "${placeholders[@]}"; do echo "bench: skipped, $note" >&2; done

slug() { echo "$1" | tr -c 'a-zA-Z0-9\n' '-' | tr -s '-'; }
failed=0
for rep in $(seq 1 "$REPEAT"); do
  for c in $CONNECTIONS; do
    for v in "${variants[@]}"; do
      IFS='|' read -r name base path token <<<"$v"
      if [ -n "$ONLY" ] && ! [[ "$name" =~ $ONLY ]]; then continue; fi
      raw="$OUT/raw/$(slug "$name")-c$c-r$rep.txt"
      echo "bench: run $rep, $c connections, $name" >&2
      case "$name" in
        L1*)
          pgbench -h 127.0.0.1 -U postgres -n -S -M prepared -c16 -j2 -T "$DURATION" \
            "$PGBENCH_DB" >"$raw" 2>&1 ;;
        "score-item write")
          python3 bench/seed.py "$county" "$bin" "$OUT" --items-only
          BENCH_ITEMS="$OUT/items.tsv" BENCH_THREADS=2 wrk -t2 -c"$c" -d"${DURATION}s" --timeout 15s \
            --latency -s bench/score_item.lua "$base" >"$raw" 2>&1 ;;
        *)
          auth=(); [ -n "$token" ] && auth=(-H "Authorization: Bearer $token")
          wrk -t2 -c"$c" -d"${DURATION}s" --timeout 15s --latency "${auth[@]}" "$base$path" >"$raw" 2>&1 ;;
      esac
      if grep -qE 'Non-2xx|Socket errors' "$raw"; then
        echo "bench: FAILED: $name at $c connections: $(grep -E 'Non-2xx|Socket errors' "$raw")" >&2
        failed=1
      fi
    done
  done
done
rss_kib=$(ps -o rss= -p "$county_pid" | tr -d ' ')
# The province service's peak resident memory (VmHWM) over its whole run: its rankings under
# wrk. Then each export alone: ONE export of the province's ranking (20,000 units) on a fresh
# service (so no heap kept from the runs hides it), its peak reset first (`5 > clear_refs` sets
# VmHWM to the current resident size), so the VmHWM read after it is that export's own peak.
status_kib() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$province_pid/status"; }
province_peak_kib=$(status_kib VmHWM)
export_peaks=""
for format in xlsx csv; do
  kill "$province_pid"; wait "$province_pid" 2>/dev/null || true
  serve "$PROVINCE_PORT" "$PROVINCE_DB"
  province_pid=${pids[-1]}
  echo 5 >"/proc/$province_pid/clear_refs"
  before_kib=$(status_kib VmRSS)
  curl -sf -o "$OUT/province-ranking.$format" -H "Authorization: Bearer $PROVINCE_TOKEN" \
    "$province/api/v1/assessment-cycles/$PROVINCE_CYCLE/reports/ranking?format=$format"
  export_peaks+="$before_kib $(status_kib VmHWM) "
done

if [ "$MODE" = partial ]; then
  # A partial run: each raw output's rate, p99 and failures, and the exports' peaks (KiB
  # before and after, .xlsx then CSV); no BENCHMARKS.md.
  echo "export peaks (KiB before, peak; xlsx then csv): $export_peaks"
  for raw in "$OUT"/raw/*.txt; do
    [ -e "$raw" ] || continue
    echo "$(basename "$raw" .txt): $(grep -hE 'Requests/sec|^ +99%|Non-2xx|Socket errors|tps =' \
      "$raw" | tr -s ' ' | tr '\n' ';')"
  done
  exit "$failed"
fi
python3 bench/report.py --out "$OUT" --mode "$MODE" --duration "$DURATION" \
  --connections "$CONNECTIONS" --repeat "$REPEAT" --rss-kib "$rss_kib" \
  --province-peak-kib "$province_peak_kib" \
  --export-peaks-kib "$export_peaks" \
  --pgbench-scale "$PGBENCH_SCALE" --failed "$failed" \
  --binary "${BENCH_BIN:+$BENCH_BIN (BENCH_BIN, not built by this run)}" \
  --command "bench/run.sh${1:+ $1}" ${placeholders[@]+"${placeholders[@]/#/--skipped=}"} \
  >BENCHMARKS.md
echo "bench: wrote BENCHMARKS.md" >&2
exit "$failed"
