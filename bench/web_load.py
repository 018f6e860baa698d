"""Benchmark: the web server under a bounded concurrent load on loopback.

It prepares a database (a SQLite file by default, or its own PostgreSQL database
`binhyen_bench_web`), migrates, loads the demo, starts the app under gunicorn on a free
loopback port and drives, one endpoint after the other, `--requests` requests at
`--concurrency` client threads (each phase stopped after `--max-seconds`):

- `/healthz/`, the trivial endpoint (the baseline);
- the public tip form: POST /tips/report/ (the CSRF token from one GET per client);
- the public tip API: POST /api/v1/requests/ (Open311, JSON);
- the dashboard: GET / signed in as the demo user pv05 (one sign-in per client).

It prints requests, errors, requests per second, p50 and p99 latency and p99 ÷ the
trivial endpoint's p99, then checks in the database that every acknowledged tip (tip
code returned to the client) is stored exactly once and that no other tip appeared.
Exit status 1 when a tip is lost or duplicated.

    .venv/bin/python bench/web_load.py                                  # SQLite, 2,000 per endpoint
    .venv/bin/python bench/web_load.py --small --requests 20 --concurrency 2   # smoke size
    .venv/bin/python bench/web_load.py --database-url postgres://postgres@127.0.0.1:5432/binhyen_bench_web

`--small` loads only the demo geography and accounts (no registry, tips, outcomes…):
fast, but the dashboard then has little to count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_NAME = "binhyen_bench_web"
DEMO_USER, DEMO_PASSWORD = "pv05", "binhyen-demo"
UNLIMITED = "1000000/m"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt-code"[^>]*>(.*?)</p>', re.S)
SPAN = re.compile(r"<span>([^<]+)</span>")


# ---- the database -----------------------------------------------------------------------


def prepare(url: str, var_dir: Path, small: bool) -> float:
    """A fresh database with the demo loaded; returns the seconds it took."""
    started = time.perf_counter()
    os.environ.update(server_env(url, var_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhyen.settings.base")
    sys.path.insert(0, str(ROOT))
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        from import_groups import recreate_database

        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if small:
        from binhyen.core.audit import audit_context
        from binhyen.portal.demo import load_demo

        with audit_context(source="demo"):
            load_demo()
    else:
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return time.perf_counter() - started


def place() -> tuple[str, str]:
    """A province and one of its communes in force today (for the tip forms)."""
    from binhyen.geo import queries as geo_queries
    from binhyen.tips.forms.public import communes

    today = geo_queries.today()
    commune = communes("99", today)[0]
    return "99", commune.unit.code


def tip_count() -> int:
    from binhyen.tips.models import Tip

    return Tip.objects.count()


def stored_codes(codes: list[str]) -> int:
    from binhyen.tips.models import Tip

    found = 0
    for i in range(0, len(codes), 500):
        found += Tip.objects.filter(code__in=codes[i : i + 500]).count()
    return found


def database_label() -> str:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"


# ---- the server -------------------------------------------------------------------------


def server_env(url: str, var_dir: Path) -> dict[str, str]:
    env = {
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "BINHYEN_VAR_DIR": str(var_dir),
        "LOGIN_RATE": UNLIMITED,
        "PUBLIC_TIP_SUBMIT_RATE": UNLIMITED,
        "LOG_LEVEL": "WARNING",
    }
    if not os.environ.get("FIELD_ENCRYPTION_KEYS"):
        from cryptography.fernet import Fernet

        env["FIELD_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "binhyen.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--timeout=120",
        "--log-level=warning",
    ]
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT
        )


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz/ in time")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---- the client -------------------------------------------------------------------------


class Client:
    """One keep-alive connection with its cookies (one per client thread)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            # a server may close an idle keep-alive connection as a request goes out:
            # a GET is retried once on a new connection (never a POST: it may have been
            # stored; the tip check would then see it as unacknowledged)
            if reused and method == "GET" and isinstance(exc, STALE):
                return self.request(method, path, body, headers)
            raise
        for raw in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return response.status, response, data

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def csrf(self, path: str) -> str:
        status, _, data = self.request("GET", path)
        found = CSRF_FIELD.search(data.decode())
        if status != 200 or not found:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return found.group(1)


STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Endpoint:
    name: str
    path: str

    def open(self, client: Client) -> dict:
        """Per-client preparation (a CSRF token, a sign-in); not measured."""
        return {}

    def call(self, client: Client, state: dict) -> str | None:
        """One measured request; raises on failure; returns the tip code acknowledged."""
        status, _, _ = client.request("GET", self.path)
        expect(status, 200)
        return None


def expect(status: int, wanted: int) -> None:
    if status != wanted:
        raise RuntimeError(f"HTTP {status}")


@dataclass
class TipForm(Endpoint):
    province: str = ""
    commune: str = ""

    def open(self, client):
        return {"token": client.csrf(self.path)}

    def call(self, client, state):
        body = urlencode(
            {
                "csrfmiddlewaretoken": state["token"],
                "category": "drugs",
                "province": self.province,
                "commune": self.commune,
                "residential_area": "",
                "description": "Benchmark: a tip sent through the public form.",
            }
        ).encode()
        status, _, data = client.request("POST", self.path, body, FORM)
        expect(status, 200)
        found = RECEIPT.search(data.decode())
        if not found:
            raise RuntimeError("no tip code in the receipt")
        return "-".join(SPAN.findall(found.group(1)))


@dataclass
class TipAPI(Endpoint):
    commune: str = ""

    def call(self, client, state):
        body = json.dumps(
            {
                "service_code": "theft",
                "description": "Benchmark: a tip sent through the Open311 API.",
                "unit_code": self.commune,
            }
        ).encode()
        status, _, data = client.request(
            "POST", self.path, body, {"Content-Type": "application/json"}
        )
        expect(status, 201)
        return json.loads(data)[0]["service_request_id"]


@dataclass
class Dashboard(Endpoint):
    def open(self, client):
        token = client.csrf("/login/")
        body = urlencode(
            {"csrfmiddlewaretoken": token, "username": DEMO_USER, "password": DEMO_PASSWORD}
        ).encode()
        status, _, _ = client.request("POST", "/login/", body, FORM)
        if status != 302 or "sessionid" not in client.cookies:
            raise RuntimeError(f"sign-in as {DEMO_USER} failed ({status})")
        return {}

    def call(self, client, state):
        status, _, _ = client.request("GET", self.path)
        expect(status, 200)  # a lost session would redirect to the sign-in page
        return None


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    def percentile(self, p: int) -> float:
        values = sorted(self.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def drive(endpoint: Endpoint, port: int, requests: int, concurrency: int, seconds: float):
    """`requests` measured calls spread over `concurrency` threads, stopped at the deadline."""
    result = Result(endpoint.name)
    lock = threading.Lock()
    remaining = [requests]
    ready = threading.Barrier(concurrency + 1)

    def worker():
        client = Client(port)
        try:
            state = endpoint.open(client)
        except Exception as exc:  # noqa: BLE001 - reported as an error of the phase
            with lock:
                result.errors.append(f"open: {exc}")
            state = None
        ready.wait()
        while state is not None:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > deadline:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                code = endpoint.call(client, state)
            except Exception as exc:  # noqa: BLE001 - counted, the load goes on
                with lock:
                    result.errors.append(str(exc) or type(exc).__name__)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                if code:
                    result.acknowledged.append(code)
        client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + seconds + 3600  # set for real once every client is ready
    ready.wait()
    started = time.perf_counter()
    deadline = time.monotonic() + seconds
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


# ---- report -----------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value * 1000:,.1f} ms"


def report(results: list[Result]) -> None:
    base = results[0].percentile(99)
    print("| endpoint | requests | errors | req/s | p50 | p99 | p99 ÷ trivial p99 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        rate = len(r.latencies) / r.seconds if r.seconds else 0.0
        ratio = r.percentile(99) / base if base else float("nan")
        print(
            f"| {r.name} | {r.requests:,} | {len(r.errors):,} | {rate:,.1f} | "
            f"{ms(r.percentile(50))} | {ms(r.percentile(99))} | {ratio:,.1f}× |"
        )
    for r in results:
        if r.errors:
            kinds: dict[str, int] = {}
            for e in r.errors:
                kinds[e] = kinds.get(e, 0) + 1
            print(f"errors of {r.name}: {kinds}")


def check_tips(results: list[Result], before: int) -> bool:
    acknowledged = [code for r in results for code in r.acknowledged]
    unique = set(acknowledged)
    stored = stored_codes(sorted(unique))
    new = tip_count() - before
    lost = len(unique) - stored
    print(
        f"tips acknowledged: {len(acknowledged):,} ({len(unique):,} distinct codes); "
        f"stored of them: {stored:,}; new tips in the database: {new:,}"
    )
    duplicated = len(acknowledged) - len(unique)
    unacknowledged = new - stored
    print(
        f"lost tips: {lost}; duplicated codes: {duplicated}; "
        f"stored but unacknowledged: {unacknowledged}"
    )
    return lost == 0 and duplicated == 0 and unacknowledged == 0


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


# ---- main -------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="postgres://… (default: SQLite file)")
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--max-seconds", type=float, default=120, help="bound of each phase")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--small", action="store_true", help="demo geography and accounts only")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="binhyen-web-"))
    (work / "static").mkdir()  # STATIC_ROOT: nothing collected, nothing served from it
    if args.database_url:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(args.database_url)
        url = urlunsplit(parts._replace(path=f"/{PG_NAME}"))
    else:
        url = f"sqlite:///{work / 'web.sqlite3'}"
    server = None
    try:
        loaded = prepare(url, work, args.small)
        province, commune = place()
        label = database_label()
        before = tip_count()
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_server(port, args.workers, args.threads, work / "gunicorn.log")
        wait_until_up(port, server)
        print(f"machine: {machine()}")
        print(
            f"database: {label}; demo: {'small' if args.small else 'full'}, "
            f"loaded in {loaded:.0f} s; "
            f"gunicorn {args.workers} workers × {args.threads} threads on 127.0.0.1:{port}; "
            f"{args.requests:,} requests per endpoint at concurrency {args.concurrency}, "
            f"at most {args.max_seconds:g} s each"
        )
        endpoints = [
            Endpoint("/healthz/ (trivial)", "/healthz/"),
            TipForm("tip form POST /tips/report/", "/tips/report/", province, commune),
            TipAPI("tip API POST /api/v1/requests/", "/api/v1/requests/", commune),
            Dashboard("dashboard GET / (pv05)", "/"),
        ]
        warm = [drive(e, port, args.concurrency, args.concurrency, 60) for e in endpoints]
        results = [
            drive(e, port, args.requests, args.concurrency, args.max_seconds) for e in endpoints
        ]
        for w in warm:
            if w.errors:
                print(f"warm-up errors of {w.name}: {w.errors[:3]}")
        print()
        report(results)
        print()
        ok = check_tips(warm + results, before)
        log = (work / "gunicorn.log").read_text()
        if log.strip():
            print(f"gunicorn said (last lines):\n{log[-2000:]}")
        print("every acknowledged tip is stored exactly once" if ok else "TIPS LOST OR DUPLICATED")
        return 0 if ok else 1
    except Exception:
        log = work / "gunicorn.log"
        if log.exists():
            print(log.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        if server is not None:
            stop_server(server)
        if args.database_url and not args.keep:
            from django.db import connections

            connections.close_all()
            from import_groups import drop_database

            drop_database(url)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
