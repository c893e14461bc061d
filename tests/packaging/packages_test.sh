#!/usr/bin/env bash
# Builds the Debian packages from the source tree, checks their contents and
# relations, unpacks them into a throwaway root, runs the installed prefectd
# from there on SQLite, and builds a plugin against the installed SDK alone.
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

"$source_dir/tools/build-packages.sh" "$work/build" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "packages did not build"; }
packages="$work/build/packages"
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

# The installed server, on SQLite, with its plugins from the unpacked tree.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PREFECTD_PLUGIN_PATH="$root/$plugin_dir" PREFECT_HOME="$work/home" PREFECT_SERVER_API_PORT=$port \
  "$root/usr/bin/prefectd" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  if [[ $(curl -s "http://127.0.0.1:$port/api/health" || true) == true ]]; then break; fi
  sleep 0.1
done
[[ $(curl -s "http://127.0.0.1:$port/api/health") == true ]] || { cat "$work/server.log"; fail "installed prefectd does not answer /api/health"; }
[[ $(curl -s "http://127.0.0.1:$port/api/ready") == '{"message":"OK"}' ]] || fail "installed prefectd is not ready"
[[ -f "$work/home/prefect.db" ]] || fail "the default database is not under PREFECT_HOME"
kill -TERM "$server_pid"
wait "$server_pid" || fail "installed prefectd did not exit 0 on SIGTERM"
server_pid=

# A third-party plugin, built only from the unpacked SDK: the header and the
# pkg-config file, no path into the source tree.
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_PATH="$root/usr/lib/$multiarch/pkgconfig"
cflags=$(pkg-config --cflags prefectd-plugin)
[[ $cflags == *"$root/usr/include"* ]] || fail "pkg-config gives $cflags"
mkdir -p "$work/third-party"
cc -std=c99 -Wall -Wextra -Werror -shared -fPIC $cflags "$root/usr/share/doc/prefectd-dev/examples/minimal_backend.c" \
  -o "$work/third-party/libprefectd-backend-example.so"
listing=$(PREFECTD_PLUGIN_PATH="$work/third-party:$root/$plugin_dir" "$root/usr/bin/prefectd" plugins)
grep -q 'name: example  version: 0.1.0  ABI: 1.0  schemes: example' <<<"$listing" || { echo "$listing"; fail "example plugin not listed"; }
grep -A1 'libprefectd-backend-example.so' <<<"$listing" | tail -1 >/dev/null
set +e
opened=$(PREFECTD_PLUGIN_PATH="$work/third-party" PREFECT_SERVER_DATABASE_CONNECTION_URL=example://x "$root/usr/bin/prefectd" serve 2>&1)
status=$?
set -e
[[ $status -eq 5 && $opened == *"only shows the plugin structure"* ]] || fail "example plugin was not the one asked to open: $status $opened"
echo "1 passed, 0 failed"
