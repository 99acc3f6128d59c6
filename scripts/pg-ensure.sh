#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and that the service's two roles
# exist: lianzheng_owner (owns the database, migrates) and lianzheng_app (the runtime role:
# data access only). Starts Debian's cluster when it is stopped, installs Debian's postgresql
# package when there is none. Idempotent and safe to run concurrently.
set -euo pipefail

HOST="${PGHOST_ENSURE:-127.0.0.1}"
PORT="${PGPORT_ENSURE:-5432}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
log() { echo "pg-ensure: $*" >&2; }

ready() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }

as_postgres_psql() {
  if psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
    psql -h "$HOST" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"
  else
    $SUDO runuser -u postgres -- psql -p "$PORT" -d postgres -v ON_ERROR_STOP=1 -q "$@"
  fi
}

newest_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

start_cluster() {
  local ver
  ver=$(pg_lsclusters -h 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1)
  if [ -z "$ver" ]; then
    ver=$(newest_version)
    [ -n "$ver" ] || return 1
    log "creating cluster $ver/main"
    if command -v pg_createcluster >/dev/null; then
      $SUDO pg_createcluster "$ver" main --port "$PORT" >/dev/null
    else
      local dir=/var/lib/postgresql/$ver/main
      $SUDO mkdir -p "$dir" && $SUDO chown -R postgres:postgres /var/lib/postgresql
      $SUDO runuser -u postgres -- "/usr/lib/postgresql/$ver/bin/initdb" -D "$dir" --auth=trust >/dev/null
      $SUDO runuser -u postgres -- "/usr/lib/postgresql/$ver/bin/pg_ctl" -D "$dir" -l "$dir/server.log" -o "-p $PORT" start >/dev/null
      return 0
    fi
  fi
  log "starting cluster $ver/main"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || $SUDO pg_ctlcluster "$ver" main start
}

trust_local_tcp() {
  # Only for a cluster this script brought up: local TCP connections need no password, as the
  # tests and the run script expect. An already-running server's configuration is left alone.
  local hba
  hba=$(as_postgres_psql -tAc 'SHOW hba_file' 2>/dev/null || true)
  [ -n "$hba" ] && [ -f "$hba" ] || return 0
  if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    log "allowing trusted local TCP connections in $hba"
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_postgres_psql -c 'SELECT pg_reload_conf()' >/dev/null
  fi
}

if ready; then
  log "PostgreSQL already running at $HOST:$PORT"
else
  if ! command -v pg_ctlcluster >/dev/null && [ -z "$(newest_version)" ]; then
    log "installing PostgreSQL"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  start_cluster
  for _ in $(seq 1 30); do ready && break; sleep 1; done
  ready || { log "PostgreSQL did not become ready at $HOST:$PORT"; exit 1; }
  trust_local_tcp
  log "PostgreSQL running at $HOST:$PORT"
fi

as_postgres_psql <<'SQL'
DO $$
BEGIN
  BEGIN
    CREATE ROLE lianzheng_owner LOGIN CREATEDB NOSUPERUSER;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE lianzheng_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;
SQL
