#!/bin/sh
# Migrates as the owner role, loads the demo data when SEED_DEMO=true, then serves.
set -eu
lianzheng migrate
if [ "${SEED_DEMO:-false}" = "true" ]; then
  lianzheng seed-demo
fi
exec lianzheng serve
