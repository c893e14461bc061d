#!/usr/bin/env python3
"""Where should database work run? Measures /api/health latency while other
requests are stuck waiting on the database, with database handlers on the
Pistache reactor threads (PREFECTD_DATABASE_WORKERS=0) and on the worker
pool (the default).

The database is made slow on purpose: another process holds SQLite's write
lock for HOLD seconds while BLOCKED csrf-token requests (which write) wait
for it; meanwhile PROBES health checks, each on a fresh connection so they
spread over the reactor threads, are timed.

Usage: bench/reactor_blocking.py build/host/prefectd
"""
import http.client
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOLD = 2.0
BLOCKED = 8
PROBES = 40


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=30):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def measure(binary, workers):
    directory = tempfile.mkdtemp(prefix="prefectd-bench-")
    database = os.path.join(directory, "bench.db")
    port = free_port()
    environment = dict(os.environ,
                       PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{database}",
                       PREFECT_SERVER_API_PORT=str(port),
                       PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED="true",
                       PREFECTD_HTTP_THREADS="2")
    if workers is not None:
        environment["PREFECTD_DATABASE_WORKERS"] = str(workers)
    server = subprocess.Popen([binary, "serve"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if get(port, "/api/health", timeout=1) == 200:
                    break
            except OSError:
                time.sleep(0.05)
        assert get(port, "/api/csrf-token?client=warm") == 200

        locker = sqlite3.connect(database, isolation_level=None, timeout=30, check_same_thread=False)
        locker.execute("BEGIN IMMEDIATE")
        blocked = [threading.Thread(target=get, args=(port, f"/api/csrf-token?client=b{i}")) for i in range(BLOCKED)]
        for thread in blocked:
            thread.start()
        time.sleep(0.2)  # let them reach the database
        release = threading.Timer(HOLD, lambda: locker.execute("ROLLBACK"))
        release.start()
        latencies = []
        for _ in range(PROBES):
            started = time.perf_counter()
            get(port, "/api/health")
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(HOLD / PROBES / 2)
        release.join()
        for thread in blocked:
            thread.join()
        latencies.sort()
        return {
            "p50_ms": statistics.median(latencies),
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
            "max_ms": latencies[-1],
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/host/prefectd"
    print(f"health-check latency while {BLOCKED} writes wait {HOLD:.0f} s for the SQLite lock "
          f"({PROBES} probes, 2 reactor threads)")
    print(f"{'database handlers run on':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, workers in (("reactor threads (WORKERS=0)", 0), ("worker pool (default, 15)", None)):
        result = measure(binary, workers)
        print(f"{label:<34} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f} {result['max_ms']:8.1f}")


if __name__ == "__main__":
    main()
