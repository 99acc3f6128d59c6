#!/usr/bin/env bash
# Installs the system packages the build needs (pq-sys builds libpq from source against
# OpenSSL), when they are missing. Debian or Ubuntu, as root or with sudo.
set -euo pipefail

missing=()
for pkg in libssl-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "deps: cargo not found; install a Rust toolchain (rustup)" >&2; exit 1; }
