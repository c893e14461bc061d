#!/usr/bin/env bash
# Builds the Debian packages from the source tree, checks their contents and
# relations, unpacks them into a throwaway root, runs the installed prefectd
# from there on SQLite, builds plugins against the installed SDK alone, and
# serves the core API through a third-party plugin.
#
#   packages_test.sh SOURCE_DIR [BUILD_DIR]
# BUILD_DIR: a tools/build-packages.sh build directory whose packages are
# already built, to skip the build while working on this script.
set -euo pipefail
source_dir=$1
work=$(mktemp -d /tmp/prefectd-packages.XXXXXX)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if [[ -n ${2:-} ]]; then
  build=$2
else
  build="$work/build"
  "$source_dir/tools/build-packages.sh" "$build" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "packages did not build"; }
fi
packages="$build/packages"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
plugin_dir="usr/lib/$multiarch/prefectd/backends"

deb() { ls "$packages"/"$1"_*.deb 2>/dev/null | head -1; }
for name in prefectd prefectd-backend-sqlite prefectd-backend-postgresql prefectd-dev; do
  [[ -n $(deb "$name") ]] || fail "no $name package in $(ls "$packages")"
done

contains() {  # package, path
  dpkg -c "$(deb "$1")" | awk '{print $6}' | grep -qx "./$2" || fail "$1 lacks /$2"
}
contains prefectd usr/bin/prefectd
contains prefectd usr/lib/systemd/system/prefectd.service
contains prefectd etc/prefectd/prefectd.env
contains prefectd usr/share/man/man1/prefectd.1.gz
contains prefectd-backend-sqlite "$plugin_dir/libprefectd-backend-sqlite.so"
contains prefectd-backend-postgresql "$plugin_dir/libprefectd-backend-postgres.so"
contains prefectd-dev usr/include/prefectd/backend.h
contains prefectd-dev "usr/lib/$multiarch/pkgconfig/prefectd-plugin.pc"
contains prefectd-dev usr/share/doc/prefectd-dev/SDK.md
contains prefectd-dev usr/share/doc/prefectd-dev/ABI.md
if dpkg -c "$(deb prefectd-backend-sqlite)" | grep -q 'usr/bin/'; then fail "a backend package ships a binary"; fi

field() { dpkg-deb -f "$(deb "$1")" "$2"; }
[[ $(field prefectd Depends) == *"prefectd-backend-sqlite (= "* ]] || fail "prefectd must depend on the SQLite backend: $(field prefectd Depends)"
[[ $(field prefectd Recommends) == *prefectd-backend-postgresql* ]] || fail "prefectd must recommend the PostgreSQL backend"
[[ $(field prefectd Depends) == *libpistache0* ]] || fail "shlibs: prefectd should depend on libpistache0: $(field prefectd Depends)"
[[ $(field prefectd Depends) == *libwslay1* ]] || fail "shlibs: prefectd should depend on libwslay1 (websocket framing): $(field prefectd Depends)"
[[ $(field prefectd-backend-postgresql Depends) == *libpq5* ]] || fail "shlibs: the PostgreSQL backend should depend on libpq5"
[[ $(field prefectd-backend-sqlite Depends) == *libsqlite3-0* ]] || fail "shlibs: the SQLite backend should depend on libsqlite3-0"
[[ $(field prefectd-dev Architecture) == "$(dpkg --print-architecture)" ]] || fail "prefectd-dev names this architecture's plugin directory, so it is architecture-specific"
for name in prefectd prefectd-backend-sqlite prefectd-backend-postgresql prefectd-dev; do
  contains "$name" "usr/share/doc/$name/changelog.Debian.gz"
done
dpkg-deb -e "$(deb prefectd)" "$work/control"
grep -q 'run/systemd/system' "$work/control/postinst" || fail "postinst must not start the service without systemd"
grep -qx '/etc/prefectd/prefectd.env' "$work/control/conffiles" || fail "the env file must be a conffile"
for directive in NoNewPrivileges=true ProtectSystem=strict StateDirectory=prefectd Restart=on-failure \
                 EnvironmentFile=/etc/prefectd/prefectd.env User=prefectd; do
  dpkg --fsys-tarfile "$(deb prefectd)" | tar -xO ./usr/lib/systemd/system/prefectd.service | grep -qx "$directive" \
    || fail "the unit lacks $directive"
done

root="$work/root"
for package in "$packages"/*.deb; do dpkg -x "$package" "$root"; done
# The build directory may be under /tmp, where anyone could plant a library.
listing=$(PREFECTD_PLUGIN_PATH="$root/$plugin_dir" "$root/usr/bin/prefectd" plugins)
if grep -qF "$build" <<<"$listing"; then echo "$listing"; fail "the packaged prefectd searches its build tree for plugins"; fi

# The manual page: readable, and naming every setting --help lists.
manual=$(zcat "$root/usr/share/man/man1/prefectd.1.gz")
[[ $(head -c 2 "$root/usr/share/man/man1/prefectd.1.gz" | od -An -tx1 | tr -d ' ') == 1f8b ]] || fail "the manual page is not gzip"
warnings=$(zcat "$root/usr/share/man/man1/prefectd.1.gz" | groff -man -ww -z 2>&1 | grep -v "can't break line" || true)
[[ -z $warnings ]] || fail "groff warns about the manual page: $warnings"
for setting in $("$root/usr/bin/prefectd" --help | sed -n 's/^  \([A-Z][A-Z0-9_]*\)$/\1/p'); do
  grep -q "^\.B ${setting}\$" <<<"$manual" || fail "the manual page does not describe $setting, which prefectd --help lists"
done

# The installed server, started from the unpacked tree with the environment
# given as arguments; sets port and server_pid, waits until it is healthy.
start_server() {  # log file, VAR=value...
  local log=$1
  shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  env PREFECT_SERVER_API_PORT="$port" "$@" "$root/usr/bin/prefectd" serve >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    if [[ $(curl -s "http://127.0.0.1:$port/api/health" || true) == true ]]; then return; fi
    sleep 0.1
  done
  cat "$log"
  fail "installed prefectd does not answer /api/health"
}
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || fail "installed prefectd did not exit 0 on SIGTERM"
  server_pid=
}

# On SQLite, with its plugins from the unpacked tree.
start_server "$work/server.log" PREFECTD_PLUGIN_PATH="$root/$plugin_dir" PREFECT_HOME="$work/home"
[[ $(curl -s "http://127.0.0.1:$port/api/ready") == '{"message":"OK"}' ]] || fail "installed prefectd is not ready"
[[ -f "$work/home/prefect.db" ]] || fail "the default database is not under PREFECT_HOME"
stop_server

# A third-party plugin, built only from the unpacked SDK: the header and the
# pkg-config file, no path into the source tree.
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_PATH="$root/usr/lib/$multiarch/pkgconfig"
cflags=$(pkg-config --cflags prefectd-plugin)
[[ $cflags == *"$root/usr/include"* ]] || fail "pkg-config gives $cflags"
mkdir -p "$work/third-party"
cc -std=c99 -Wall -Wextra -Werror -shared -fPIC $cflags "$root/usr/share/doc/prefectd-dev/examples/minimal_backend.c" \
  -o "$work/third-party/libprefectd-backend-example.so"
listing=$(PREFECTD_PLUGIN_PATH="$work/third-party:$root/$plugin_dir" "$root/usr/bin/prefectd" plugins)
grep -q 'name: example  version: 0.1.0  ABI: 1.1  schemes: example' <<<"$listing" || { echo "$listing"; fail "example plugin not listed"; }
grep -A1 'libprefectd-backend-example.so' <<<"$listing" | tail -1 >/dev/null
set +e
opened=$(PREFECTD_PLUGIN_PATH="$work/third-party" PREFECT_SERVER_DATABASE_CONNECTION_URL=example://x "$root/usr/bin/prefectd" serve 2>&1)
status=$?
set -e
[[ $status -eq 5 && $opened == *"only shows the plugin structure"* ]] || fail "example plugin was not the one asked to open: $status $opened"

# A third-party plugin that really stores data: sqlite-test (see
# sqlite_test_plugin/README.md), built in a directory of its own from the
# unpacked SDK alone and served by the unpacked, unmodified prefectd.
cp -r "$source_dir/tests/packaging/sqlite_test_plugin" "$work/sqlite-test"
make -C "$work/sqlite-test" CFLAGS="-O2 -Werror" >"$work/sqlite-test.log" 2>&1 || { cat "$work/sqlite-test.log"; fail "sqlite-test did not build"; }
if grep -qF "$source_dir" "$work/sqlite-test.log"; then cat "$work/sqlite-test.log"; fail "the sqlite-test build reached into the source tree"; fi
grep -qF "$root/$plugin_dir/libprefectd-backend-sqlite.so" "$work/sqlite-test.log" \
  || fail "sqlite-test does not wrap the SQLite backend in the plugin directory pkg-config names"
mkdir -p "$work/plugins"
cp "$work/sqlite-test/libprefectd-backend-sqlite-test.so" "$work/plugins/"

listing=$(PREFECTD_PLUGIN_PATH="$work/plugins" "$root/usr/bin/prefectd" plugins)
grep -A2 -Fx "$work/plugins/libprefectd-backend-sqlite-test.so" <<<"$listing" \
  | grep -q 'name: sqlite-test  version: 0.1.0  ABI: 1.1  schemes: sqlite-test' || { echo "$listing"; fail "sqlite-test not listed with its scheme"; }
grep -A2 -Fx "$work/plugins/libprefectd-backend-sqlite-test.so" <<<"$listing" | grep -q 'status: usable' \
  || { echo "$listing"; fail "sqlite-test is not usable"; }

# The core API over HTTP. `call METHOD PATH [BODY]` prints the response body
# and fails the test unless the status is $expected (default 200).
call() {
  local status
  status=$(curl -s -o "$work/response" -w '%{http_code}' -X "$1" -H 'content-type: application/json' \
    ${3:+--data "$3"} "http://127.0.0.1:$port/api$2")
  [[ $status == "${expected:-200}" ]] || fail "$1 $2 answered $status, not ${expected:-200}: $(cat "$work/response")"
  cat "$work/response"
}
json() {  # KEY... : the value at that path of the JSON on stdin
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[int(key)] if isinstance(value, list) else value[key]
print(value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))' "$@"
}
set_state() {  # runs (flow_runs|task_runs), id, state type: expects 201 ACCEPT
  local answer
  answer=$(expected=201 call POST "/$1/$2/set_state" "{\"state\": {\"type\": \"$3\"}}")
  [[ $(json status <<<"$answer") == ACCEPT && $(json state type <<<"$answer") == "$3" ]] \
    || fail "$1 $2 to $3 was not accepted: $answer"
}
state_types() {  # runs (flow|task), id
  call GET "/$1_run_states/?$1_run_id=$2" | python3 -c 'import json, sys; print(" ".join(s["type"] for s in json.load(sys.stdin)))'
}

database="$work/sqlite-test-data/flows.sqlite"
sqlite_test_server() {  # log file
  start_server "$1" PREFECTD_PLUGIN_PATH="$work/plugins" PREFECT_HOME="$work/sqlite-test-home" \
    PREFECT_SERVER_LOGGING_LEVEL=INFO PREFECT_SERVER_DATABASE_CONNECTION_URL="sqlite-test:///$database"
}
sqlite_test_server "$work/sqlite-test-server.log"
grep -qF "backend sqlite-test 0.1.0 (plugin ABI 1.1) from $work/plugins/libprefectd-backend-sqlite-test.so" \
  "$work/sqlite-test-server.log" || { cat "$work/sqlite-test-server.log"; fail "the server did not load sqlite-test"; }
[[ -f $database ]] || fail "sqlite-test did not create $database"
[[ ! -e "$work/sqlite-test-home/prefect.db" ]] || fail "the data went to the default SQLite database"

flow_id=$(expected=201 call POST /flows/ '{"name": "PackagedFlow"}' | json id)
flow_run=$(expected=201 call POST /flow_runs/ "{\"flow_id\": \"$flow_id\", \"name\": \"packaged-run\", \"state\": {\"type\": \"PENDING\"}}")
flow_run_id=$(json id <<<"$flow_run")
[[ $(json state_type <<<"$flow_run") == PENDING ]] || fail "the flow run was not created PENDING: $flow_run"
set_state flow_runs "$flow_run_id" RUNNING
task_run_id=$(expected=201 call POST /task_runs/ "{\"flow_run_id\": \"$flow_run_id\", \"task_key\": \"packaged-task\", \"dynamic_key\": \"0\", \"state\": {\"type\": \"PENDING\"}}" | json id)
set_state task_runs "$task_run_id" RUNNING
set_state task_runs "$task_run_id" COMPLETED
expected=201 call POST /logs/ "[{\"name\": \"packaged\", \"level\": 20, \"message\": \"stored by sqlite-test\", \"timestamp\": \"2024-01-01T00:00:00Z\", \"flow_run_id\": \"$flow_run_id\", \"task_run_id\": \"$task_run_id\"}]" >/dev/null
set_state flow_runs "$flow_run_id" COMPLETED

# The host composes ILIKE from the plugin's own QueryComponents piece.
[[ $(call POST /flows/filter '{"flows": {"name": {"like_": "packaged"}}}' | json 0 id) == "$flow_id" ]] \
  || fail "a case-insensitive name filter does not find the flow"
grep -q 'sqlite-test dialect: ILIKE spelled as LIKE' "$work/sqlite-test-server.log" || fail "the host did not use sqlite-test's ILIKE"

check_stored() {  # what the first server stored, read back through the API
  [[ $(call GET "/flow_runs/$flow_run_id" | json state_type) == COMPLETED ]] || fail "the flow run is not COMPLETED"
  [[ $(call GET "/task_runs/$task_run_id" | json state_type) == COMPLETED ]] || fail "the task run is not COMPLETED"
  [[ $(state_types flow "$flow_run_id") == "PENDING RUNNING COMPLETED" ]] || fail "flow run states: $(state_types flow "$flow_run_id")"
  [[ $(state_types task "$task_run_id") == "PENDING RUNNING COMPLETED" ]] || fail "task run states: $(state_types task "$task_run_id")"
  [[ $(call GET "/flows/$flow_id" | json name) == PackagedFlow ]] || fail "the flow is gone"
  [[ $(call POST /flow_runs/filter '{"flow_runs": {"name": {"any_": ["packaged-run"]}}}' | json 0 id) == "$flow_run_id" ]] \
    || fail "the flow run filter does not find the run"
  [[ $(call POST /logs/filter "{\"logs\": {\"flow_run_id\": {\"any_\": [\"$flow_run_id\"]}}}" | json 0 message) == "stored by sqlite-test" ]] \
    || fail "the log is not stored"
}
check_stored
stop_server

# A second server on the same URL finds everything the first one stored.
sqlite_test_server "$work/sqlite-test-restart.log"
check_stored
stop_server

# Errors from the plugin reach the operator through pd_error.
set +e
opened=$(PREFECTD_PLUGIN_PATH="$work/plugins" PREFECT_HOME="$work/sqlite-test-home" \
  PREFECT_SERVER_DATABASE_CONNECTION_URL="sqlite-test+fast:///$database" "$root/usr/bin/prefectd" serve 2>&1)
status=$?
set -e
[[ $status -eq 5 && $opened == *"sqlite-test URLs take no +driver"* ]] || fail "a sqlite-test URL with a driver: $status $opened"
mkdir -p "$work/broken-plugins"
make -C "$work/sqlite-test" clean >/dev/null
make -C "$work/sqlite-test" CFLAGS="-O2 -Werror" WRAPPED_BACKEND=/nonexistent/libprefectd-backend-sqlite.so >/dev/null 2>&1
cp "$work/sqlite-test/libprefectd-backend-sqlite-test.so" "$work/broken-plugins/"
set +e
opened=$(PREFECTD_PLUGIN_PATH="$work/broken-plugins" PREFECT_HOME="$work/sqlite-test-home" \
  PREFECT_SERVER_DATABASE_CONNECTION_URL="sqlite-test:///$database" "$root/usr/bin/prefectd" serve 2>&1)
status=$?
set -e
[[ $status -eq 5 && $opened == *"cannot load the SQLite backend /nonexistent/"*"install prefectd-backend-sqlite"* ]] \
  || fail "sqlite-test without the SQLite backend: $status $opened"
echo "1 passed, 0 failed"
