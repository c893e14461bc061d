#!/usr/bin/env bash
# The whole test suite, as tools/run-tests.sh runs it, on a build under
# AddressSanitizer and UndefinedBehaviorSanitizer. Every process the suite
# starts (test binaries, prefectd servers) writes what a sanitizer finds to
# its own file; the run fails if there is any. Too slow for the CI budget
# next to the ordinary run: run it by hand after changes to memory or
# thread handling (the SQLite plugin's write path, the HTTP server).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${PREFECTD_BUILD_DIR:-$root/build-sanitize}
reports=$(mktemp -d /tmp/prefectd-sanitizer.XXXXXX)

# verify_asan_link_order=0: a command-line test preloads a stand-in SQLite
# library in front of the sanitizer's runtime.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:verify_asan_link_order=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1"
# A leak in a library prefectd uses is not prefectd's to fix.
export LSAN_OPTIONS="suppressions=$root/tools/sanitizer-suppressions.txt:print_suppressions=0"

status=0
PREFECTD_BUILD_DIR=$build PREFECTD_CMAKE_OPTIONS="-DPREFECTD_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo" \
  tools/run-tests.sh || status=$?

if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports in $reports:" >&2
  for report in "$reports"/*; do
    echo "== $report" >&2
    head -n 40 "$report" >&2
  done
  exit 1
fi
rm -rf "$reports"
exit "$status"
