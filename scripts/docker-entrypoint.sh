#!/bin/sh
# The container's entrypoint. Without arguments: apply migrations as the owner role
# (MIGRATION_DATABASE_URL), load the demo county when SEED_DEMO=true (idempotent), then serve
# as the runtime role (DATABASE_URL), with `exec` so the service receives the stop signal.
# With arguments, runs them instead, e.g. `docker compose run --rm app lianzheng openapi`.
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

lianzheng migrate
case "${SEED_DEMO:-false}" in
  true | TRUE | True | 1) lianzheng seed-demo ;;
esac
exec lianzheng serve
