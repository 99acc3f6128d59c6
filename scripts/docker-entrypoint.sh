#!/bin/sh
# The container's entrypoint.
# - Secrets: with LIANZHENG_SECRETS_FILE set (docker-compose.yml: a volume), the JWT secret and
#   the audit signing key are generated there on the first start (mode 600) and read on every
#   start, unless JWT_SECRET / AUDIT_SIGNING_KEY are given directly.
# - Without arguments: apply migrations as the owner role when MIGRATION_DATABASE_URL is set,
#   load the demo county when SEED_DEMO=true (idempotent, signed), then serve as the runtime
#   role (DATABASE_URL) without the owner's credentials, with `exec` so the service receives
#   the stop signal.
# - With arguments, runs them instead, e.g. `docker compose run --rm app lianzheng token ...`.
set -eu

secrets="${LIANZHENG_SECRETS_FILE:-}"
if [ -n "$secrets" ]; then
  if [ ! -s "$secrets" ]; then
    (
      umask 077
      {
        echo "JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        echo "BALLOT_CODE_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
        lianzheng audit keygen
      } > "$secrets.tmp"
      mv "$secrets.tmp" "$secrets"
    )
    echo "generated the JWT secret and the audit signing key in $secrets" >&2
  fi
  # A secrets file from before the democratic evaluation lacks the ballot key: add one.
  if ! grep -q '^BALLOT_CODE_KEY=' "$secrets"; then
    (umask 077; echo "BALLOT_CODE_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> "$secrets")
  fi
  set -a
  # shellcheck source=/dev/null
  . "$secrets"
  set +a
fi

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

if [ -n "${MIGRATION_DATABASE_URL:-}" ]; then
  lianzheng migrate
fi
case "${SEED_DEMO:-false}" in
  true | TRUE | True | 1) lianzheng seed-demo ;;
esac
exec env -u MIGRATION_DATABASE_URL lianzheng serve
