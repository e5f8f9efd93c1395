#!/usr/bin/env bash
# Measures search requests/second against the running `engram serve` with `wrk`, at N memories (default 10,000):
# starts a Release `engram serve` on a temporary data directory (rate limiting off), seeds the memories through the API
# (seed.mjs), runs wrk with search.lua, prints wrk's report and stops the server.
# Needs: dotnet, node, wrk (apt-get install -y wrk). Usage: scripts/bench-server/run.sh [COUNT] [DURATION] [CONNECTIONS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-10000}
duration=${2:-30s}
connections=${3:-16}
threads=${4:-2}
port=${PORT:-18765}

dotnet build src/Engram.Cli -c Release --nologo -v quiet
data=$(mktemp -d)
key="m0-bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ENGRAM_API_KEY="$key" dotnet artifacts/bin/Engram.Cli/release/Engram.Cli.dll serve --data "$data" \
  --urls "http://127.0.0.1:$port" --set Engram:Server:RateLimitPermits=0 > "$data/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  grep -q "serving the Mem0 API" "$data/serve.log" && break
  sleep 0.5
done

node scripts/bench-server/seed.mjs "http://127.0.0.1:$port" "$key" "$count"
# Warm up (JIT, caches), then measure.
API_KEY="$key" wrk -t"$threads" -c"$connections" -d5s -s scripts/bench-server/search.lua "http://127.0.0.1:$port" > /dev/null
echo "wrk -t$threads -c$connections -d$duration --latency -s scripts/bench-server/search.lua http://127.0.0.1:$port  ($count memories, one user)"
API_KEY="$key" wrk -t"$threads" -c"$connections" -d"$duration" --latency -s scripts/bench-server/search.lua "http://127.0.0.1:$port"
