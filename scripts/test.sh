#!/usr/bin/env bash
# Runs every Engram test: restores, builds (warnings are errors) and runs all test projects.
# Installs whatever the tests need first; today that is only the .NET SDK pinned by global.json.
# Usage: ./scripts/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (https://dot.net)" >&2
  exit 1
fi

# The LoCoMo end-to-end and crash tests read ../shared/data/locomo (see README).
if [ ! -f ../shared/data/locomo/locomo-dev.json ]; then
  echo "error: ../shared/data/locomo/locomo-dev.json is missing; clone the repository next to shared/" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Engram.slnx -c Release --nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Engram.slnx -c Release --no-build --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line in the plain form CI reads: "N passed, N failed".
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
