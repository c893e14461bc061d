#!/usr/bin/env bash
# Runs real Prefect flows, a served flow and a work-pool worker with the
# reference Python client (../shared/tools/setup-reference-prefect.sh installs
# it) against a prefectd on a scratch SQLite database. A local yardstick, not
# part of the test suite: CI cannot install the client.
#   tools/reference-client/run.sh [build-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
port=4377
scratch="$(mktemp -d /tmp/prefectd-reference-XXXX)"
PREFECT_SERVER_DATABASE_CONNECTION_URL="sqlite+aiosqlite:///$scratch/prefect.db" PREFECT_SERVER_API_PORT=$port \
  PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS=2 "$build/host/prefectd" serve \
  >"$scratch/server.log" 2>&1 &
server=$!
runner=""
trap 'kill $server ${runner:-} 2>/dev/null || true; wait 2>/dev/null || true' EXIT
# shellcheck disable=SC1091
source "$HOME/prefect-ref/env.sh"
export PREFECT_API_URL="http://127.0.0.1:$port/api" PREFECT_RUNNER_POLL_FREQUENCY=2 PREFECT_WORKER_QUERY_SECONDS=2
for _ in $(seq 50); do curl -sf "$PREFECT_API_URL/health" >/dev/null && break; sleep 0.1; done
cd "$scratch" && cp "$here"/*.py .

echo "== flows, tasks, retries, caching, subflows"
timeout 300 /usr/bin/python3 runs.py >"$scratch/runs.log" 2>&1 || { tail -30 "$scratch/runs.log"; exit 1; }
tail -1 "$scratch/runs.log"

echo "== a served flow: one run on demand, then its 20 s schedule"
/usr/bin/python3 served.py served 20 >"$scratch/served.log" 2>&1 &
runner=$!
sleep 8
timeout 60 prefect deployment run greeter/served -p name=prefectd >/dev/null
sleep 30
completed=$(grep -c "Flow run '.*' - Finished in state Completed" "$scratch/served.log" || true)
echo "served runs completed: $completed"
[ "$completed" -ge 2 ] || { tail -20 "$scratch/served.log"; exit 1; }

echo "== a deployment on a process work pool, run by a worker"
timeout 60 prefect work-pool create local-processes --type process >/dev/null
timeout 60 /usr/bin/python3 deploy_to_pool.py >/dev/null
timeout 60 prefect deployment run greeter/pooled >/dev/null
timeout 120 prefect worker start --pool local-processes --run-once >"$scratch/worker.log" 2>&1
grep -q "hello worker 2" "$scratch/worker.log" ||
  { tail -20 "$scratch/worker.log"; echo "the worker did not run the flow"; exit 1; }
echo "worker run completed"
echo "ALL OK (server log: $scratch/server.log)"
