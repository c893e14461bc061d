#!/usr/bin/env bash
# One run of bench/core_api_bench against prefectd on SQLite, prefectd on
# PostgreSQL and Python Prefect's own server, each on a fresh database on
# this machine, then the figures side by side with prefectd/Python ratios.
#
#   bench/compare.sh BUILD_DIR [SECONDS] [FILTER_RUNS]
#
# PostgreSQL runs when PREFECTD_BENCH_POSTGRES_URL names an empty database
# (it is reset first); Python Prefect runs when PREFECT_REF_ENV points at the
# env.sh that ../shared/tools/setup-reference-prefect.sh writes. Python's
# filter workload uses a fiftieth of FILTER_RUNS: filling 100,000 runs
# through its API at its create rate would take most of an hour.
set -euo pipefail
build=$(realpath "$1")
seconds=${2:-5}
filter_runs=${3:-100000}
work=$(mktemp -d /tmp/prefectd-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

wait_for() {  # URL: until /health answers
  for _ in $(seq 1 120); do
    curl -sf "$1/health" >/dev/null && return 0
    sleep 0.5
  done
  echo "no answer from $1" >&2
  return 1
}

run_prefectd() {  # NAME URL PORT
  local name=$1 database_url=$2 port=$3
  PREFECT_SERVER_DATABASE_CONNECTION_URL=$database_url PREFECT_SERVER_API_PORT=$port \
    PREFECT_LOGGING_SERVER_LEVEL=WARNING "$build/host/prefectd" serve >"$work/$name.log" 2>&1 &
  local pid=$!
  wait_for "http://127.0.0.1:$port/api"
  "$build/bench/core_api_bench" --url "http://127.0.0.1:$port/api" --threads 8 --seconds "$seconds" \
    --filter-runs "$filter_runs" --pid "$pid" | tee "$work/$name.txt"
  kill -TERM "$pid"
  wait "$pid" || true
}

echo "== prefectd, SQLite"
run_prefectd sqlite "sqlite+aiosqlite:///$work/bench.db" 4391

if [[ -n ${PREFECTD_BENCH_POSTGRES_URL:-} ]]; then
  echo "== prefectd, PostgreSQL"
  PREFECT_SERVER_DATABASE_CONNECTION_URL=$PREFECTD_BENCH_POSTGRES_URL "$build/host/prefectd" database reset -y >/dev/null
  run_prefectd postgres "$PREFECTD_BENCH_POSTGRES_URL" 4392
fi

if [[ -n ${PREFECT_REF_ENV:-} ]]; then
  echo "== Python Prefect server, SQLite"
  (
    # shellcheck disable=SC1090
    source "$PREFECT_REF_ENV"
    export PREFECT_HOME=$work/python-home PREFECT_UI_ENABLED=false PREFECT_LOGGING_SERVER_LEVEL=WARNING
    export PREFECT_API_DATABASE_CONNECTION_URL="sqlite+aiosqlite:///$work/python.db"
    exec prefect server start --host 127.0.0.1 --port 4393
  ) >"$work/python.log" 2>&1 &
  wait_for "http://127.0.0.1:4393/api"
  server_pid=$(pgrep -f "uvicorn.*4393" | head -1 || pgrep -f "prefect server start --host 127.0.0.1 --port 4393" | head -1)
  "$build/bench/core_api_bench" --url "http://127.0.0.1:4393/api" --threads 8 --seconds "$seconds" \
    --filter-runs $((filter_runs / 50)) --pid "$server_pid" | tee "$work/python.txt"
fi

python3 - "$work" <<'PY'
import os, re, sys
work = sys.argv[1]
def figures(name):
    path = os.path.join(work, name + ".txt")
    if not os.path.exists(path):
        return {}
    result = {}
    for line in open(path):
        match = re.match(r"(.+?)\s{2,}([\d.]+) ", line)
        if match:
            result[match.group(1).strip()] = float(match.group(2))
    return result
servers = {name: figures(name) for name in ("sqlite", "postgres", "python")}
rows = list(servers["sqlite"])
print()
print("| workload | prefectd SQLite | prefectd PostgreSQL | Python Prefect | prefectd SQLite vs Python |")
print("|---|---|---|---|---|")
for row in rows:
    cells = [servers[name].get(row) for name in ("sqlite", "postgres", "python")]
    lower_is_better = "filter" in row or "RSS" in row
    ratio = ""
    if cells[0] and cells[2]:
        ratio = f"{(cells[2] / cells[0]) if lower_is_better else (cells[0] / cells[2]):.1f}×"
    shown = ["—" if value is None else f"{value:,.2f}" if value < 100 else f"{value:,.0f}" for value in cells]
    print(f"| {row} | {shown[0]} | {shown[1]} | {shown[2]} | {ratio} |")
PY
