#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (run as root), builds prefectd with
# warnings as errors, starts a throwaway PostgreSQL 15 on 127.0.0.1 and runs
# the whole test suite against SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

tools/install-dependencies.sh --with-postgres-server

build=${PREFECTD_BUILD_DIR:-$root/build-tests}
# shellcheck disable=SC2086 # options are separate words
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPREFECTD_WERROR=ON ${PREFECTD_CMAKE_OPTIONS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"

pg_dir=$(mktemp -d /tmp/prefectd-test-pg.XXXXXX)
chmod 755 "$pg_dir"
trap 'tools/throwaway-postgres.sh destroy "$pg_dir"' EXIT
PREFECTD_TEST_POSTGRES_URL=$(tools/throwaway-postgres.sh init "$pg_dir" "${PREFECTD_TEST_PG_PORT:-54329}")
export PREFECTD_TEST_POSTGRES_URL
export PREFECTD_TEST_PG_CONTROL="$root/tools/throwaway-postgres.sh"
export PREFECTD_TEST_PG_DIR="$pg_dir"
# Without a PostgreSQL server the PostgreSQL half of each suite would skip;
# here it must run.
export PREFECTD_TEST_REQUIRE_POSTGRES=1

ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 600
