#!/usr/bin/env bash
# Installs the Debian 12 packages prefectd builds and runs with, skipping
# apt entirely when they are all present. With --with-postgres-server it
# adds the PostgreSQL 15 server the test suite starts.
set -euo pipefail

packages=(build-essential cmake pkg-config libpistache-dev libwslay-dev libpq-dev libsqlite3-dev rapidjson-dev
          libspdlog-dev libfmt-dev libgtest-dev libcurl4-openssl-dev zlib1g-dev libssl-dev curl python3 dpkg-dev)
if [[ "${1:-}" == "--with-postgres-server" ]]; then
  packages+=(postgresql-15 postgresql-client-15)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "error: missing packages (${missing[*]}); run as root or install them with apt-get" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The postgresql package would start a cluster on 5432 through its own
# service; the tests start their own instead, so keep that one from starting.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}"
