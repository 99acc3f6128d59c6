#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and that the service's two login
# roles exist, then exits 0:
#   lianzheng_owner  LOGIN CREATEDB NOSUPERUSER                 owns the databases, migrates
#   lianzheng_app    LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE  the service's runtime role
# No passwords: local TCP connections are trusted.
#
# A server already running is used as it is (its configuration is never changed). Otherwise
# Debian's cluster is started, created, or the postgresql package installed first; for a
# cluster this script brought up, trusted 127.0.0.1 / ::1 lines are put at the top of
# pg_hba.conf when a TCP connection as postgres is refused.
#
# Idempotent and safe to run concurrently. One line per action on stderr, nothing on stdout.
# Overrides: PGHOST_ENSURE (default 127.0.0.1), PGPORT_ENSURE (default 5432).
set -euo pipefail

HOST="${PGHOST_ENSURE:-127.0.0.1}"
PORT="${PGPORT_ENSURE:-5432}"
WAIT_SECONDS=30
# The caller's libpq settings must not redirect the probes below.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf 'pg-ensure: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

ready() {
  command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT" -t 3 >/dev/null 2>&1
}

# Superuser connections: over TCP as postgres, else over the local socket as the postgres OS
# user (peer authentication, Debian's default for local connections).
tcp_superuser_ok() {
  command -v psql >/dev/null 2>&1 &&
    psql -X -w -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1
}
socket_psql() {
  $SUDO runuser -u postgres -- psql -X -w -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}
superuser_psql() {
  if tcp_superuser_ok; then
    psql -X -w -h "$HOST" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
  else
    socket_psql "$@"
  fi
}

server_version() {
  local v
  v=$(superuser_psql -tAc 'SHOW server_version' 2>/dev/null) || v=""
  printf '%s' "${v%% *}"
}

# The newest installed server (not merely client) version, e.g. 15.
newest_server() {
  local bin
  for bin in /usr/lib/postgresql/*/bin/postgres; do
    if [ -x "$bin" ]; then basename "$(dirname "$(dirname "$bin")")"; fi
  done | sort -V | tail -n 1
}

# "version name port status" of the cluster to use: the newest one on $PORT, else the newest.
pick_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  local all
  all=$(pg_lsclusters -h 2>/dev/null | awk '{print $1, $2, $3, $4}' | sort -V -k1,1) || return 0
  { printf '%s\n' "$all" | awk -v p="$PORT" '$3 == p' | tail -n 1
    printf '%s\n' "$all" | tail -n 1
  } | awk 'NF' | head -n 1
}

install_postgresql() {
  command -v apt-get >/dev/null 2>&1 || die "no PostgreSQL server installed and no apt-get to install one"
  local out
  out=$(mktemp)
  log "installing the postgresql package with apt-get"
  # A UTF-8 locale, so that the cluster the package creates is not SQL_ASCII.
  if ! { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
         $SUDO env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
           apt-get install -y -q postgresql 9>&-; } >"$out" 2>&1; then
    tail -n 20 "$out" >&2
    rm -f "$out"
    die "apt-get could not install postgresql"
  fi
  rm -f "$out"
}

# Starts (creating when there is none) the cluster for $PORT.
start_server() {
  local cluster ver name port status
  cluster=$(pick_cluster)
  if [ -z "$cluster" ]; then
    ver=$(newest_server)
    [ -n "$ver" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
    if command -v pg_createcluster >/dev/null 2>&1; then
      log "creating cluster $ver/main on port $PORT"
      $SUDO pg_createcluster --port "$PORT" --locale C.UTF-8 "$ver" main >/dev/null 9>&-
      cluster="$ver main $PORT down"
    else
      start_with_initdb "$ver"
      return 0
    fi
  fi
  read -r ver name port status <<<"$cluster"
  if [ "$status" = "online" ]; then
    log "cluster $ver/$name is already online on port $port"
    return 0
  fi
  log "starting cluster $ver/$name (port $port)"
  # A failure may only mean that a concurrent run started it first; readiness decides.
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2 9>&- ||
    log "pg_ctlcluster $ver $name start failed; waiting for the server anyway"
}

# Without Debian's cluster tools: initdb (which refuses to run as root) and pg_ctl.
start_with_initdb() {
  local ver=$1 bin=/usr/lib/postgresql/$1/bin dir=/var/lib/postgresql/$1/main
  if [ ! -s "$dir/PG_VERSION" ]; then
    log "initialising $dir with initdb (trust authentication)"
    $SUDO mkdir -p "$dir"
    $SUDO chown postgres:postgres /var/lib/postgresql "/var/lib/postgresql/$ver" "$dir"
    $SUDO chmod 700 "$dir"
    $SUDO runuser -u postgres -- "$bin/initdb" -D "$dir" --auth=trust --username=postgres \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # The compiled-in socket directory of Debian's builds.
  $SUDO mkdir -p /var/run/postgresql
  $SUDO chown postgres:postgres /var/run/postgresql
  $SUDO chmod 2775 /var/run/postgresql
  log "starting $dir with pg_ctl on port $PORT"
  $SUDO runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -o "-p $PORT" \
    -w -t "$WAIT_SECONDS" start >/dev/null 9>&- ||
    log "pg_ctl start failed; waiting for the server anyway"
}

wait_ready() {
  local i
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
    ready && return 0
    sleep 0.5
  done
  die "PostgreSQL did not become ready at $HOST:$PORT within ${WAIT_SECONDS}s"
}

# Only for a server this script brought up, and only when TCP as postgres is refused.
trust_local_tcp() {
  tcp_superuser_ok && return 0
  local hba tmp i
  hba=$(socket_psql -tAc 'SHOW hba_file' 2>/dev/null) || hba=""
  [ -n "$hba" ] && $SUDO test -f "$hba" || {
    log "cannot connect as postgres over TCP or the local socket to find pg_hba.conf"
    return 0
  }
  log "trusting 127.0.0.1/32 and ::1/128 at the top of $hba, then reloading"
  tmp=$(mktemp)
  { printf '%s\n' '# Added by scripts/pg-ensure.sh: local TCP connections need no password.' \
      'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'
    $SUDO cat "$hba"
  } >"$tmp"
  # Rewriting in place keeps the file's owner and mode.
  $SUDO tee "$hba" <"$tmp" >/dev/null
  rm -f "$tmp"
  socket_psql -qtAc 'SELECT pg_reload_conf()' >/dev/null
  for ((i = 0; i < 10; i++)); do
    tcp_superuser_ok && return 0
    sleep 0.5
  done
  log "TCP connections as postgres are still refused after the reload"
}

is_local_host() {
  case "$HOST" in 127.0.0.1 | localhost | ::1 | /*) return 0 ;; *) return 1 ;; esac
}

# Serialises the provisioning of concurrent runs (package installation, cluster start) with a
# lock on fd 9. Whatever may start the server runs with fd 9 closed: a postmaster inheriting it
# would hold the lock for as long as it runs.
take_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  local dir=/run/lock
  [ -d "$dir" ] && [ -w "$dir" ] || dir=${TMPDIR:-/tmp}
  exec 9>>"$dir/pg-ensure.$PORT.lock"
  flock -w 600 9 || die "timed out waiting for another pg-ensure run"
}
release_lock() {
  { flock -u 9 && exec 9>&-; } 2>/dev/null || true
}

if ready; then
  log "PostgreSQL $(server_version) already running at $HOST:$PORT"
elif ! is_local_host; then
  log "waiting for PostgreSQL at $HOST:$PORT (not local: nothing to start)"
  wait_ready
else
  take_lock
  if ready; then
    log "PostgreSQL $(server_version) was started by a concurrent run at $HOST:$PORT"
  else
    if [ -z "$(newest_server)" ]; then
      install_postgresql
    fi
    start_server
    wait_ready
    trust_local_tcp
    log "PostgreSQL $(server_version) running at $HOST:$PORT"
  fi
  release_lock
fi

# Roles: an advisory lock serialises concurrent runs of this script; the exception handler
# covers anyone else creating the same role at the same moment. Attributes are corrected when
# a role exists with different ones. Notices become this script's log lines.
if ! superuser_psql -q 2>&1 >/dev/null <<'SQL' | sed -e 's/^NOTICE:  //' >&2
DO $$
DECLARE
  r record;
  acted boolean := false;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('scripts/pg-ensure.sh roles'));
  FOR r IN
    SELECT * FROM (VALUES
      ('lianzheng_owner', 'LOGIN CREATEDB NOSUPERUSER', true, true, false, NULL::boolean),
      ('lianzheng_app', 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', true, false, false, false)
    ) AS v(name, attrs, can_login, create_db, super, create_role)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I %s', r.name, r.attrs);
        RAISE NOTICE 'pg-ensure: created role % (%)', r.name, r.attrs;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        RAISE NOTICE 'pg-ensure: role % was created concurrently', r.name;
      END;
      acted := true;
    ELSIF EXISTS (
      SELECT 1 FROM pg_roles
      WHERE rolname = r.name
        AND (rolcanlogin IS DISTINCT FROM r.can_login
          OR rolcreatedb IS DISTINCT FROM r.create_db
          OR rolsuper IS DISTINCT FROM r.super
          OR (r.create_role IS NOT NULL AND rolcreaterole IS DISTINCT FROM r.create_role))
    ) THEN
      EXECUTE format('ALTER ROLE %I %s', r.name, r.attrs);
      RAISE NOTICE 'pg-ensure: set role % to %', r.name, r.attrs;
      acted := true;
    END IF;
  END LOOP;
  IF NOT acted THEN
    RAISE NOTICE 'pg-ensure: roles lianzheng_owner and lianzheng_app already exist';
  END IF;
END
$$;
SQL
then
  die "creating the roles failed"
fi
