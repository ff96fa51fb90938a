#!/usr/bin/env python3
"""Load test: gunicorn (2 workers, DEBUG off) on PostgreSQL, driven from 127.0.0.1 for 30 s.

    .venv/bin/python bench/load.py [--seconds 30] [--concurrency 8] [--mix preview,shared,csv]

It creates the database if needed, migrates, collects static files, starts gunicorn on a free
loopback port, saves one estimate through POST /api/v1/estimates, then sends the mix round-robin
from --concurrency threads until --seconds pass or --max-requests are sent. It prints requests,
requests per second, p50 and p99 latency and errors (non-2xx or no answer) per endpoint and
overall, always stops gunicorn, and exits 1 if there was any error. Standard library only, besides
psycopg to create the database. No traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/costcalc_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HOST = "127.0.0.1"

# What the editor posts on each keystroke: the documented formset body.
PREVIEW_FORM = urlencode(
    {
        "free_tier": "on",
        "card-TOTAL_FORMS": "1",
        "card-INITIAL_FORMS": "0",
        "card-MIN_NUM_FORMS": "0",
        "card-MAX_NUM_FORMS": "200",
        "card-0-service": "kms",
        "card-0-region": "us-east-1",
        "card-0-group": "",
        "card-0-keys": "10",
        "card-0-symmetric_requests": "2000000",
    }
).encode()
QUOTE_BODY = {
    "free_tier": True,
    "items": [
        {
            "service": "kms",
            "region": "us-east-1",
            "group": "prod",
            "usage": {"keys": 10, "symmetric_requests": 2_000_000},
        },
        {
            "service": "secrets_manager",
            "region": "us-east-1",
            "group": "prod",
            "usage": {"secrets": 25, "api_calls": 1_000_000},
        },
    ],
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    # A right answer holds these bytes; a 200 without them is counted as an error.
    expect: bytes = b""


@dataclass
class Tally:
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.requests += other.requests
        self.latencies.extend(other.latencies)
        self.errors += other.errors
        self.samples.extend(other.samples[: 5 - len(self.samples)])


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def request(connection: http.client.HTTPConnection, endpoint: Endpoint) -> tuple[int, bytes]:
    headers = {"Host": HOST}
    if endpoint.content_type:
        headers["Content-Type"] = endpoint.content_type
    connection.request(endpoint.method, endpoint.path, body=endpoint.body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def ensure_database(database_url: str) -> None:
    """CREATE DATABASE on the loopback server when it is missing."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = (
        parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    )
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
        version = connection.execute("SHOW server_version").fetchone()[0]
    where = f"{parts.hostname}:{parts.port or 5432}/{name}"
    print(f"database  {where} (PostgreSQL {version})")


def django_environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) over plain HTTP on loopback."""
    environment = {
        key: value
        for key, value in os.environ.items()
        # Not a test run; and one process's cache is enough for one machine.
        if key not in {"PYTEST_VERSION", "REDIS_URL", "STATIC_MANIFEST"}
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
    )
    return environment


def manage(environment: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=300,
    )


def wait_until_healthy(process: subprocess.Popen, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            status, _ = request(connection, Endpoint("healthz", "GET", "/healthz"))
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {seconds:.0f} s")


def save_estimate(port: int) -> tuple[str, str]:
    """POST /api/v1/estimates once; the shared page's and CSV export's paths."""
    body = json.dumps({**QUOTE_BODY, "name": "Load test"}).encode()
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    endpoint = Endpoint("save", "POST", "/api/v1/estimates", body, "application/json")
    status, content = request(connection, endpoint)
    connection.close()
    if status != 201:
        raise RuntimeError(f"POST /api/v1/estimates answered {status}: {content[:300]!r}")
    saved = json.loads(content)
    return urlsplit(saved["url"]).path, urlsplit(saved["csv_url"]).path


def endpoints_for(mix: list[str], port: int) -> list[Endpoint]:
    shared_path = csv_path = ""
    if {"shared", "csv"} & set(mix):
        shared_path, csv_path = save_estimate(port)
        print(f"saved     {shared_path}")
    catalog = {
        "preview": Endpoint(
            "POST /preview",
            "POST",
            "/preview",
            PREVIEW_FORM,
            "application/x-www-form-urlencoded",
            # 10 keys at $1 and 1,980,000 billable requests at $0.03 per 10,000.
            expect=b"15.94",
        ),
        "shared": Endpoint("GET /e/<uuid>/", "GET", shared_path, expect=b"Load test"),
        "csv": Endpoint("GET /e/<uuid>/export.csv", "GET", csv_path, expect=b"kms"),
        "quote": Endpoint(
            "POST /api/v1/quote",
            "POST",
            "/api/v1/quote",
            json.dumps(QUOTE_BODY).encode(),
            "application/json",
            expect=b'"monthly_total"',
        ),
    }
    return [catalog[name] for name in mix]


def drive(
    port: int, endpoints: list[Endpoint], concurrency: int, seconds: float, max_requests: int
) -> tuple[dict[str, Tally], float]:
    """Send the mix from `concurrency` threads until the time or the request budget runs out."""
    budget = max(1, max_requests // concurrency)
    results = [defaultdict(Tally) for _ in range(concurrency)]
    start_line = threading.Barrier(concurrency + 1)
    deadline_holder: list[float] = []

    def worker(index: int) -> None:
        tallies = results[index]
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        start_line.wait()
        deadline = deadline_holder[0]
        for sent in range(budget):
            if time.monotonic() >= deadline:
                break
            endpoint = endpoints[(index + sent) % len(endpoints)]
            tally = tallies[endpoint.name]
            tally.requests += 1
            began = time.perf_counter()
            try:
                status, content = request(connection, endpoint)
            except (OSError, http.client.HTTPException) as error:
                tally.errors += 1
                if len(tally.samples) < 5:
                    tally.samples.append(f"{type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            tally.latencies.append(time.perf_counter() - began)
            if not 200 <= status < 300 or not content or endpoint.expect not in content:
                tally.errors += 1
                if len(tally.samples) < 5:
                    tally.samples.append(f"{status}: {content[:120]!r}")
        connection.close()

    threads = [
        threading.Thread(target=worker, args=(index,), daemon=True) for index in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline_holder.append(began + seconds)
    start_line.wait()
    for thread in threads:
        # Each request has a 10 s timeout, so a thread ends at most that long after the deadline.
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - began
    merged: dict[str, Tally] = defaultdict(Tally)
    for tallies in results:
        for name, tally in tallies.items():
            merged[name].add(tally)
    return merged, elapsed


def report(endpoints: list[Endpoint], merged: dict[str, Tally], elapsed: float) -> int:
    header = (
        f"{'endpoint':<28}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
    )
    print(header)
    print("-" * len(header))
    overall = Tally()
    for endpoint in endpoints:
        tally = merged[endpoint.name]
        overall.add(tally)
        print_row(endpoint.name, tally, elapsed)
    print("-" * len(header))
    print_row("overall", overall, elapsed)
    for endpoint in endpoints:
        for sample in merged[endpoint.name].samples:
            print(f"error     {endpoint.name}: {sample}")
    return overall.errors


def print_row(name: str, tally: Tally, elapsed: float) -> None:
    latencies = sorted(tally.latencies)
    print(
        f"{name:<28}{tally.requests:>10}{tally.requests / elapsed:>10.1f}"
        f"{percentile(latencies, 0.50) * 1000:>10.1f}{percentile(latencies, 0.99) * 1000:>10.1f}"
        f"{tally.errors:>8}"
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to gunicorn's process group (master and workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to drive (30)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--mix",
        default="preview,shared,csv",
        help="comma-separated, sent round-robin: preview, shared, csv, quote (preview,shared,csv)",
    )
    parser.add_argument(
        "--max-requests", type=int, default=500_000, help="stop after this many in all (500000)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"a PostgreSQL database on this machine (DATABASE_URL, or {DEFAULT_DATABASE_URL})",
    )
    arguments = parser.parse_args()
    arguments.mix = [name.strip() for name in arguments.mix.split(",") if name.strip()]
    unknown = set(arguments.mix) - {"preview", "shared", "csv", "quote"}
    if unknown or not arguments.mix:
        parser.error(f"--mix: unknown {', '.join(sorted(unknown)) or 'empty mix'}")
    if not 0 < arguments.seconds <= 600:
        parser.error("--seconds must be between 0 and 600")
    if not 0 < arguments.concurrency <= 256:
        parser.error("--concurrency must be between 1 and 256")
    parts = urlsplit(arguments.database_url)
    if parts.scheme not in {"postgres", "postgresql"} or parts.hostname not in LOOPBACK:
        parser.error("--database-url must be PostgreSQL on this machine (127.0.0.1)")
    return arguments


def start_gunicorn(workers: int, port: int, environment: dict[str, str], log) -> subprocess.Popen:
    """gunicorn in its own process group, so that stop() reaches the master and its workers."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "costcalc.wsgi"]
        + ["--workers", str(workers), "--bind", f"{HOST}:{port}"]
        + ["--access-logfile", log.name, "--error-logfile", log.name],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main() -> int:
    arguments = parse_arguments()
    machine = f"{platform.platform()}, {os.cpu_count()} CPUs"
    print(f"machine   {machine}, Python {platform.python_version()}")
    ensure_database(arguments.database_url)
    environment = django_environment(arguments.database_url)
    manage(environment, "migrate", "--noinput")
    manage(environment, "collectstatic", "--noinput")
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="costcalc-bench-", suffix=".log", delete=False) as log:
        process = start_gunicorn(arguments.workers, port, environment, log)
        try:
            wait_until_healthy(process, port, 30)
            print(f"gunicorn  {arguments.workers} workers on http://{HOST}:{port}, DEBUG off")
            print(f"log       {log.name}")
            endpoints = endpoints_for(arguments.mix, port)
            names = ", ".join(endpoint.name for endpoint in endpoints)
            print(
                f"load      {arguments.concurrency} threads for {arguments.seconds:g} s, "
                f"round-robin: {names}\n"
            )
            merged, elapsed = drive(
                port, endpoints, arguments.concurrency, arguments.seconds, arguments.max_requests
            )
            errors = report(endpoints, merged, elapsed)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
            print(f"failed    {error}", file=sys.stderr)
            tail = Path(log.name).read_text(errors="replace").splitlines()[-20:]
            print("\n".join(tail), file=sys.stderr)
            return 2
        finally:
            stop(process)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
