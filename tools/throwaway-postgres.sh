#!/usr/bin/env bash
# A PostgreSQL 15 server of the test suite's own, on 127.0.0.1, in its own
# data directory, with a password so that URLs carry real credentials.
#
#   throwaway-postgres.sh init DIR PORT   create and start; prints the URL
#   throwaway-postgres.sh start|stop DIR  (the ready test stops and restarts it)
#   throwaway-postgres.sh destroy DIR     stop and delete
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
command=$1
dir=$2
password='pre fect@pw'  # needs percent-encoding in a URL, on purpose

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ctl() {
  local port
  port=$(cat "$dir/port")
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" "$@"
}

case "$command" in
  init)
    port=$3
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "$port" > "$dir/port"
    printf '%s\n' "$password" > "$dir/pwfile"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -A scram-sha-256 >"$dir/initdb.log"
    pg_ctl start >/dev/null
    PGPASSWORD=$password psql -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE prefectd_test' >/dev/null
    echo "postgresql+asyncpg://postgres:pre%20fect%40pw@127.0.0.1:$port/prefectd_test"
    ;;
  start) pg_ctl start >/dev/null ;;
  stop) pg_ctl stop -m fast >/dev/null ;;
  destroy)
    if [[ -f "$dir/port" ]]; then pg_ctl stop -m immediate >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 init DIR PORT | start DIR | stop DIR | destroy DIR" >&2; exit 2 ;;
esac
