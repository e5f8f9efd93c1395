#!/usr/bin/env bash
# Runs every Engram test: restores, builds (warnings are errors) and runs all test projects, then the end-to-end tests
# of the REST server with Mem0's official npm client, the MCP SDK and the dashboard in Chromium (apt, see scripts/deps) (tests/e2e: `npm ci`, then `node --test`, which starts and stops
# a real `engram serve` on a free loopback port with a temporary data directory).
# Needs the .NET SDK pinned by global.json and Node.js 20+ with npm; installs nothing globally.
# Usage: ./scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (https://dot.net)" >&2
  exit 1
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "error: Node.js 20+ with npm is required for the mem0ai end-to-end test (tests/e2e)" >&2
  exit 1
fi

# The LoCoMo end-to-end and crash tests read ../shared/data/locomo (see README).
if [ ! -f ../shared/data/locomo/locomo-dev.json ]; then
  echo "error: ../shared/data/locomo/locomo-dev.json is missing; clone the repository next to shared/" >&2
  exit 1
fi

# tests/Engram.Postgres.Tests start their own PostgreSQL 15 from the Debian package's binaries, and PGlite
# (pgvector) from npm (package-lock.json pinned).
./scripts/deps/postgres.sh
(cd tests/Engram.Postgres.Tests/pglite && npm ci --no-audit --no-fund --loglevel=error)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Chromium from apt for the dashboard's browser test (tests/e2e/dashboard.test.mjs).
./scripts/deps/chromium.sh
dotnet build Engram.slnx -c Release --nologo -v quiet

log=$(mktemp)
tap=$(mktemp)
trap 'rm -f "$log" "$tap"' EXIT
status=0
dotnet test Engram.slnx -c Release --no-build --nologo "$@" 2>&1 | tee "$log" || status=$?

# End-to-end: the official mem0ai npm client against the real `engram serve` built above (package-lock.json pinned;
# peer dependencies and install scripts are not needed by MemoryClient and are skipped).
e2e_status=0
(cd tests/e2e && npm ci --omit=peer --ignore-scripts --no-audit --no-fund --loglevel=error) || e2e_status=$?
if [ "$e2e_status" -eq 0 ]; then
  (cd tests/e2e && ENGRAM_CLI_DLL="$PWD/../../artifacts/bin/Engram.Cli/release/Engram.Cli.dll" \
    node --test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=tap --test-reporter-destination="$tap") \
    || e2e_status=$?
else
  echo "error: npm ci failed in tests/e2e" >&2
fi

# One closing line in the plain form CI reads: "N passed, N failed" (dotnet and node results together).
passed=$({ grep -Eo 'Passed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
failed=$({ grep -Eo 'Failed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
skipped=$({ grep -Eo 'Skipped: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
node_passed=$({ grep -Eo '^# pass [0-9]+' "$tap" || true; } | awk '{s+=$3} END {print s+0}')
node_failed=$({ grep -Eo '^# (fail|cancelled) [0-9]+' "$tap" || true; } | awk '{s+=$3} END {print s+0}')
node_skipped=$({ grep -Eo '^# (skipped|todo) [0-9]+' "$tap" || true; } | awk '{s+=$3} END {print s+0}')
if [ "$e2e_status" -ne 0 ] && [ "$node_failed" -eq 0 ]; then
  node_failed=1
fi
echo "dotnet: $passed passed, $failed failed, $skipped skipped; node (tests/e2e): $node_passed passed, $node_failed failed, $node_skipped skipped"
echo "$((passed + node_passed)) passed, $((failed + node_failed)) failed, $((skipped + node_skipped)) skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ] || [ "$e2e_status" -ne 0 ] || [ "$node_failed" -ne 0 ] || [ "$node_passed" -eq 0 ]; then
  exit 1
fi
