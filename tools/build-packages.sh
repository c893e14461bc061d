#!/usr/bin/env bash
# Builds the Debian packages (prefectd, prefectd-backend-sqlite,
# prefectd-backend-postgresql, prefectd-dev) from this checkout into
# BUILD_DIR/packages (default: build-packages/packages).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-packages}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DPREFECTD_BUILD_TESTS=OFF \
  -DPREFECTD_SEARCH_BUILD_TREE_PLUGINS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"
rm -rf "$build/packages"  # no stale packages from an earlier layout
(cd "$build" && cpack -G DEB)
ls "$build"/packages/*.deb
