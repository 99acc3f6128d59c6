#!/usr/bin/env bash
# Property-based contract testing: schemathesis against the real service on the demo county,
# once per role (office, inspector, unit), and a non-zero exit on any failure:
#   1. creates the virtual environment .venv-schemathesis (git-ignored) and installs the exact,
#      hash-checked versions of scripts/schemathesis/requirements.txt (schemathesis 4.x), again
#      whenever that file changes; installs Debian's python3-venv when `python3 -m venv` fails;
#   2. builds the binary;
#   3. for each role: a fresh database `lianzheng_st_<random>` (migrated as the owner, the demo
#      county seeded as the runtime role, secrets generated for this run, no development
#      mode), the service on a free port, a token for the role, and
#        schemathesis run openapi/openapi.json --checks all
#          --phases examples,coverage,fuzzing,stateful --seed $SEED --max-examples $MAX
#      against the committed contract, with every check and every status the contract
#      declares, nothing excluded or allowed beyond it; scripts/schemathesis/schemathesis.toml
#      only passes the token (from the environment) and turns off the cache of earlier runs;
#   4. prints the links the stateful phase followed (scripts/schemathesis/links.py reads the
#      run's NDJSON report), then stops the server and drops the database, whatever happened.
# Reports (JUnit and NDJSON per role) stay in target/schemathesis/ for reading.
# Never touches the `lianzheng_test_*` databases of the test suite.
# Overrides: SCHEMATHESIS_ROLES (default "office inspector unit"), SCHEMATHESIS_SEED (20140920),
# SCHEMATHESIS_MAX_EXAMPLES (25, at most 50), SCHEMATHESIS_PROFILE=release (default: debug).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf 'schemathesis: %s\n' "$*" >&2; }

roles=${SCHEMATHESIS_ROLES:-office inspector unit}
seed=${SCHEMATHESIS_SEED:-20140920}
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-25}
if [ "$max_examples" -gt 50 ]; then
  log "SCHEMATHESIS_MAX_EXAMPLES is at most 50"
  exit 2
fi

# 1. The virtual environment, reinstalled whenever the pinned requirements change.
venv=$root/.venv-schemathesis
requirements=$root/scripts/schemathesis/requirements.txt
stamp=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements-sha256" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    log "installing python3-venv from Debian's packages"
    rm -rf "$venv"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps \
    --require-hashes -r "$requirements"
  echo "$stamp" >"$venv/.requirements-sha256"
fi
log "$("$venv/bin/schemathesis" --version)"

# 2. The binary.
profile=${SCHEMATHESIS_PROFILE:-debug}
if [ "$profile" = release ]; then
  cargo build --locked --release --bin lianzheng
else
  cargo build --locked --bin lianzheng
fi
bin=$root/target/$profile/lianzheng

scripts/pg-ensure.sh
reports=$root/target/schemathesis
mkdir -p "$reports"
work=$(mktemp -d)
db=""
server_pid=""
server_trouble=""
admin_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres "$@"
}
stop_service() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  if [ -n "$db" ]; then
    admin_psql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || return 1
  fi
  db=""
}
cleanup() {
  local status=$?
  stop_service || status=1
  if [ -n "$server_trouble" ] && [ -s "$work/server.log" ]; then
    log "the server failed; the last lines of its log follow"
    tail -n 20 "$work/server.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export MIGRATION_DATABASE_URL DATABASE_URL
unset LIANZHENG_DEV APP_ENV AUDIT_SIGNING_KEY_FILE

# 3. Starts the service on a fresh demo database; sets $base.
start_service() {
  db="lianzheng_st_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  admin_psql -c "CREATE DATABASE $db OWNER lianzheng_owner"
  DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/$db"
  MIGRATION_DATABASE_URL="postgres://lianzheng_owner@127.0.0.1:5432/$db"
  (
    umask 077
    {
      echo "JWT_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
      echo "BALLOT_CODE_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
      "$bin" audit keygen
    } >"$work/secrets.env"
  )
  set -a
  # shellcheck source=/dev/null
  . "$work/secrets.env"
  set +a
  "$bin" migrate >/dev/null
  "$bin" seed-demo >/dev/null
  local port
  port=$("$venv/bin/python" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
  BIND_ADDR="127.0.0.1:$port" LOG_FORMAT=json WORKERS=2 \
    env -u MIGRATION_DATABASE_URL "$bin" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  base="http://127.0.0.1:$port"
  for ((i = 0; i < 100; i++)); do
    if "$venv/bin/python" -c '
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)' \
      "$base/readyz" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      server_trouble=1
      log "the server exited"
      return 1
    fi
    sleep 0.2
  done
  server_trouble=1
  log "the server is not ready at $base after 20s"
  return 1
}

# The demo county: 阳城镇 (unit 1) is held by team 1, whose leader is insp-1-leader.
token_for() {
  case "$1" in
    office) "$bin" token --role office --sub office-admin --name 县纪委管理员 --ttl 30m ;;
    inspector) "$bin" token --role inspector --sub insp-1-leader --name 第一考核组组长 --ttl 30m ;;
    unit) "$bin" token --role unit --sub unit-user-1 --unit-id 1 --name 阳城镇联络员 --ttl 30m ;;
    *) log "unknown role $1"; return 1 ;;
  esac
}

failed=()
for role in $roles; do
  start_service
  log "$role: $db at $base (seed $seed, at most $max_examples examples an operation)"
  # One worker: with two, CPython 3.11's ast.parse, which Hypothesis calls to describe its
  # filters, fails now and then in concurrent threads ("AST constructor recursion depth
  # mismatch"), an error of the tool, not of the service.
  SCHEMATHESIS_TOKEN=$(token_for "$role")
  export SCHEMATHESIS_TOKEN
  status=0
  # hooks.py gives every valid Idempotency-Key a fresh value, as a real client does.
  PYTHONPATH="$root/scripts/schemathesis" SCHEMATHESIS_HOOKS=hooks \
    "$venv/bin/schemathesis" --no-color --config-file "$root/scripts/schemathesis/schemathesis.toml" \
    run "$root/openapi/openapi.json" \
    --url "$base" \
    --checks all \
    --phases examples,coverage,fuzzing,stateful \
    --seed "$seed" \
    --max-examples "$max_examples" \
    --workers 1 \
    --request-timeout 20 \
    --report junit,ndjson \
    --report-junit-path "$reports/$role.junit.xml" \
    --report-ndjson-path "$reports/$role.ndjson" || status=$?
  "$venv/bin/python" scripts/schemathesis/links.py "$role" "$reports/$role.ndjson" || status=1
  if ! kill -0 "$server_pid" 2>/dev/null; then
    server_trouble=1
    log "$role: the server died during the run"
    exit 1
  fi
  if [ "$status" -ne 0 ]; then
    failed+=("$role")
  fi
  stop_service
done

if [ "${#failed[@]}" -gt 0 ]; then
  log "FAILED for: ${failed[*]} (reports in $reports)"
  exit 1
fi
log "passed"
