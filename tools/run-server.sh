#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (run as root), builds prefectd and starts
# it on the embedded default: SQLite under ~/.prefect, 127.0.0.1:4200.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-dependencies.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPREFECTD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
exec build/host/prefectd serve
