#!/usr/bin/env bash
# Installs PostgreSQL 15 server binaries (Debian `postgresql` package) for tests/Engram.Postgres.Tests, which start
# their own throw-away server from /usr/lib/postgresql/15/bin (initdb into a temporary directory, a loopback port).
# Does nothing when they are already installed. Uses sudo only when not root and sudo exists.
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/initdb ] || [ -n "${ENGRAM_PG_BIN:-}" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: PostgreSQL 15 is missing and apt-get is unavailable; install it or set ENGRAM_PG_BIN" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends postgresql >/dev/null
# The package may start a cluster on port 5432; the tests do not use it.
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "error: the installed postgresql package is not version 15 ($(ls /usr/lib/postgresql 2>/dev/null)); set ENGRAM_PG_BIN to its bin directory" >&2
  exit 1
fi
