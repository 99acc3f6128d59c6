#!/usr/bin/env bash
# Runs the generated TypeScript client (clients/typescript) against the real service on the demo
# county, and exits non-zero on any failure:
#   1. installs Node.js and npm from Debian's packages when `node` or `npm` is missing;
#   2. `npm ci` (the exact versions of package-lock.json), `npm run generate` (src/schema.d.ts
#      from openapi/openapi.json), `npm run check` (no any/as/!/ts-ignore, `tsc --strict
#      --noEmit`), `npm run build`;
#   3. builds the binary, creates a fresh database `lianzheng_client_<random>` owned by
#      lianzheng_owner, migrates it as the owner and seeds the demo county as the runtime role,
#      with a JWT secret and an audit key generated for this run (no development mode);
#   4. serves on a free port as the runtime role, mints an office, an inspector and a unit token,
#      and runs `node dist/client.js`;
#   5. stops the server and drops the database, whatever happened.
# Never touches the `lianzheng_test_*` databases of the test suite.
# Overrides: CLIENT_TEST_PROFILE=release builds and runs the release binary (default: debug).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf 'client-test: %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  log "installing nodejs and npm from Debian's packages"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
fi
log "node $(node --version), npm $(npm --version)"

(
  cd clients/typescript
  npm ci --no-audit --no-fund
  npm run --silent generate
  npm run --silent check
  npm run --silent build
)

profile=${CLIENT_TEST_PROFILE:-debug}
if [ "$profile" = release ]; then
  cargo build --locked --release --bin lianzheng
else
  cargo build --locked --bin lianzheng
fi
bin=$root/target/$profile/lianzheng

scripts/pg-ensure.sh
db="lianzheng_client_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
work=$(mktemp -d)
server_pid=""
admin_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres "$@"
}
cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  admin_psql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || status=1
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then
    log "FAILED (exit $status); server log: the last lines follow"
    tail -n 20 "$work.server.log" >&2 2>/dev/null || true
  fi
  rm -f "$work.server.log"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "creating database $db"
admin_psql -c "CREATE DATABASE $db OWNER lianzheng_owner"
export DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/$db"
export MIGRATION_DATABASE_URL="postgres://lianzheng_owner@127.0.0.1:5432/$db"
unset LIANZHENG_DEV APP_ENV AUDIT_SIGNING_KEY_FILE

# Secrets for this run only, in a private file that the cleanup removes.
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

"$bin" migrate
"$bin" seed-demo >/dev/null

port=$(node -e '
  const server = require("node:net").createServer();
  server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });
')
export BIND_ADDR="127.0.0.1:$port" LOG_FORMAT=json WORKERS=2
env -u MIGRATION_DATABASE_URL "$bin" serve >"$work.server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for ((i = 0; i < 100; i++)); do
  if node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "$base/readyz"; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { log "the server exited"; exit 1; }
  sleep 0.2
done
node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
  "$base/readyz" || { log "the server is not ready at $base after 20s"; exit 1; }
log "serving $db at $base"

# The demo's 2014 cycle (1); 阳城镇 (unit 1), whose sheet is open and held by team 1.
export BASE_URL=$base CYCLE_ID=1 UNIT_ID=1
OFFICE_TOKEN=$("$bin" token --role office --sub office-admin --name 县纪委管理员 --ttl 10m)
INSPECTOR_TOKEN=$("$bin" token --role inspector --sub insp-1-a --name 检查组成员 --ttl 10m)
UNIT_TOKEN=$("$bin" token --role unit --sub unit-user-1 --unit-id 1 --name 阳城镇联络员 --ttl 10m)
export OFFICE_TOKEN INSPECTOR_TOKEN UNIT_TOKEN

(cd clients/typescript && node dist/client.js)
log "passed"
