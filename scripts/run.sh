#!/usr/bin/env bash
# Starts the service with the demo county on http://127.0.0.1:8080 and prints an office token.
# Uses DATABASE_URL (and MIGRATION_DATABASE_URL) when set; otherwise provisions a local
# PostgreSQL with its two roles and a `lianzheng` database.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg-ensure.sh
  psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'lianzheng'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE lianzheng OWNER lianzheng_owner"
  export DATABASE_URL="postgres://lianzheng_app@127.0.0.1:5432/lianzheng"
  export MIGRATION_DATABASE_URL="postgres://lianzheng_owner@127.0.0.1:5432/lianzheng"
fi
export BIND_ADDR="${BIND_ADDR:-127.0.0.1:8080}"
export LOG_FORMAT="${LOG_FORMAT:-pretty}"

cargo build --release --bin lianzheng
bin=target/release/lianzheng
"$bin" migrate
"$bin" seed-demo
token=$("$bin" token --role office --sub admin --name 县纪委管理员 --ttl 8h)
cat <<MSG

  lianzheng is starting with the demo county.
  Swagger UI:  http://${BIND_ADDR}/swagger-ui/
  Office token (paste into Authorize; valid 8 hours):

  ${token}

MSG
exec "$bin" serve
