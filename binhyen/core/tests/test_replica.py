"""Read-replica routing (ADR 0010).

The routing rules are checked against a replica alias that mirrors the test database;
`test_against_a_streaming_replica` starts a real PostgreSQL primary and a streaming
replica on free loopback ports (Debian's server binaries, as the `postgres` user when we
are root), migrates the primary, and proves the same rules there through the views.
Without the server binaries it skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from binhyen.core import db_router
from binhyen.core.db_router import (
    REPLICA,
    WROTE_COOKIE,
    ReadYourWritesMiddleware,
    reads_from_replica,
    replica_reads,
)
from binhyen.geo.models import AdminUnit

ROOT = Path(__file__).resolve().parents[3]
DEMO_PASSWORD = "replica-test-password"


@contextmanager
def replica_alias(settings_dict: dict):
    """Configure the `replica` alias (as DATABASE_REPLICA_URL does) for the block."""
    connections.settings[REPLICA] = connections.configure_settings({"default": settings_dict})[
        "default"
    ]
    try:
        yield connections[REPLICA]
    finally:
        # really closed, even on SQLite's in-memory test database (whose close() is a no-op)
        BaseDatabaseWrapper.close(connections[REPLICA])
        del connections[REPLICA]
        del connections.settings[REPLICA]


# --- The rules, with a replica alias that mirrors the test database ---------------------


def test_without_a_replica_the_scope_changes_nothing():
    assert REPLICA not in connections.settings
    with replica_reads():
        assert router.db_for_read(AdminUnit) == "default"
        assert AdminUnit.objects.all().db == "default"
    view = reads_from_replica(lambda request: HttpResponse(AdminUnit.objects.all().db))
    assert view(RequestFactory().get("/")).content == b"default"
    response = ReadYourWritesMiddleware(lambda request: HttpResponse())(RequestFactory().post("/"))
    assert WROTE_COOKIE not in response.cookies  # no replica, no marker


@pytest.fixture
def configured():
    """A replica alias that is configured but never connected to."""
    with replica_alias(dict(connections["default"].settings_dict)) as replica:
        yield replica


@pytest.fixture
def mirrored(transactional_db):
    """A replica alias on the test database itself (committed data only: transactional).
    Connected here: the test case refuses new connections to aliases it does not list."""
    with replica_alias(dict(connections["default"].settings_dict)) as replica:
        replica.connect()
        yield replica


def test_scope_reads_from_the_replica_writes_go_to_the_primary(mirrored):
    group = Group.objects.create(name="readers")  # not audited: the flush may delete it
    assert router.db_for_read(Group) == "default"  # outside the scope: the primary
    with replica_reads():
        assert Group.objects.all().db == REPLICA
        with CaptureQueriesContext(mirrored) as on_replica:
            assert Group.objects.get(pk=group.pk).name == "readers"
        assert len(on_replica) == 1
        with transaction.atomic():  # a transaction on the primary keeps its reads there
            assert Group.objects.all().db == "default"
        with CaptureQueriesContext(mirrored) as on_replica:
            Group.objects.create(name="writers")
            # after a write, the rest of the scope reads its own writes from the primary
            assert Group.objects.filter(name="writers").exists()
        assert on_replica.captured_queries == []
    assert router.allow_migrate("default", "geo") is not False
    assert router.allow_migrate(REPLICA, "geo") is False


def test_views_only_scope_reads_and_honour_the_write_marker(mirrored):
    seen = []
    view = reads_from_replica(lambda request: seen.append(Group.objects.all().db) or "ok")
    factory = RequestFactory()
    view(factory.get("/"))
    view(factory.post("/"))  # a write request is never scoped
    recent = factory.get("/")
    recent.COOKIES[WROTE_COOKIE] = str(int(time.time()))
    view(recent)
    stale = factory.get("/")
    stale.COOKIES[WROTE_COOKIE] = str(int(time.time()) - 3600)
    view(stale)
    assert seen == [REPLICA, "default", "default", REPLICA]


@pytest.mark.parametrize(
    ("method", "status", "marked"),
    [("post", 302, True), ("delete", 204, True), ("post", 400, False), ("get", 200, False)],
)
def test_the_write_marker_follows_successful_writes(configured, settings, method, status, marked):
    settings.READ_YOUR_WRITES_SECONDS = 7
    middleware = ReadYourWritesMiddleware(lambda request: HttpResponse(status=status))
    response = middleware(getattr(RequestFactory(), method)("/"))
    assert (WROTE_COOKIE in response.cookies) is marked
    if marked:
        assert response.cookies[WROTE_COOKIE]["max-age"] == 7


def test_a_get_that_writes_sets_the_marker(db, configured):
    def writes(request):
        Group.objects.create(name="written by a GET")
        return HttpResponse()

    response = ReadYourWritesMiddleware(writes)(RequestFactory().get("/"))
    assert WROTE_COOKIE in response.cookies


def test_an_unreachable_replica_falls_back_to_the_primary(django_db_blocker, monkeypatch):
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    unreachable = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "binhyen",
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": _free_port(),
        "OPTIONS": {"connect_timeout": 2},
    }
    with django_db_blocker.unblock(), replica_alias(unreachable):
        with replica_reads():
            assert AdminUnit.objects.all().db == "default"
        with replica_reads():  # not retried at once
            assert AdminUnit.objects.all().db == "default"


# --- A real streaming replica -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_bin() -> Path | None:
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    found = [p for p in found if (p / "initdb").exists() and (p / "pg_basebackup").exists()]
    return max(found, key=lambda p: int(p.parent.name), default=None)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI installs them: scripts/system-packages.sh WITH_POSTGRES=1)")
    pytest.skip(reason)


class Cluster:
    """A primary and its streaming replica in a temporary directory."""

    def __init__(self, bin_dir: Path, root: Path, as_user: list[str]):
        self.bin, self.root, self.as_user = bin_dir, root, as_user
        self.ports = {"primary": _free_port(), "replica": _free_port()}
        self.started: list[str] = []

    def run(self, tool: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin / tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}\n{result.stderr}")

    def start(self, name: str) -> None:
        options = (
            f"-p {self.ports[name]} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root} -c fsync=off"
        )
        data = str(self.root / name)
        self.started.append(name)
        try:
            self.run(
                "pg_ctl", "-D", data, "-w", "-t", "120", "-l", f"{data}.log", "-o", options, "start"
            )
        except RuntimeError as exc:
            log = Path(f"{data}.log")
            raise RuntimeError(f"{exc}\n{log.read_text() if log.exists() else ''}") from exc

    def up(self, attempts: int = 3) -> None:
        """Start both; a port taken meanwhile by another process: again on new ports."""
        for attempt in range(attempts):
            try:
                return self._up()
            except RuntimeError:
                self.down()
                for name in ("primary", "replica"):
                    shutil.rmtree(self.root / name, ignore_errors=True)
                    (self.root / f"{name}.log").unlink(missing_ok=True)
                self.ports = {"primary": _free_port(), "replica": _free_port()}
                if attempt == attempts - 1:
                    raise

    def _up(self) -> None:
        self.run(
            "initdb", "-D", str(self.root / "primary"), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "-N",
        )  # fmt: skip
        self.start("primary")
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
            "-U", "postgres", "-D", str(self.root / "replica"), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        self.start("replica")

    def down(self) -> None:
        while self.started:
            name = self.started.pop()
            with suppress(RuntimeError):  # it never started
                self.run("pg_ctl", "-D", str(self.root / name), "-m", "immediate", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[name]}/binhyen"


@pytest.fixture(scope="module")
def cluster():
    bin_dir = _server_bin()
    if bin_dir is None:
        _unavailable("PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="binhyen-replica-"))
    if os.geteuid() == 0:  # initdb refuses root: the servers run as `postgres`
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root)
            _unavailable("we run as root and there is no postgres user to run the servers")
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bin_dir, root, as_user)
    try:
        cluster.up()
        _create_database(cluster)
        _migrate(cluster)
        yield cluster
    finally:
        try:
            cluster.down()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def _create_database(cluster: Cluster) -> None:
    import psycopg

    port = cluster.ports["primary"]
    with psycopg.connect(
        host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE binhyen")


def _migrate(cluster: Cluster) -> None:
    env = {**os.environ, "DATABASE_URL": cluster.url("primary")}
    env.pop("DATABASE_REPLICA_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "binhyen.settings.test"
    result = subprocess.run(
        [sys.executable, "-m", "binhyen", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@contextmanager
def pointed_at(cluster: Cluster):
    """Django's `default` on the primary and `replica` on the replica, for the block."""
    import dj_database_url
    from django.contrib.contenttypes.models import ContentType

    saved = connections["default"]
    saved_settings = connections.settings["default"]
    fresh = connections.configure_settings(
        {
            "default": dj_database_url.parse(cluster.url("primary")),
            REPLICA: dj_database_url.parse(cluster.url("replica")),
        }
    )
    connections.settings["default"] = fresh["default"]
    connections["default"] = connections.create_connection("default")
    ContentType.objects.clear_cache()
    try:
        with replica_alias(fresh[REPLICA]):
            yield
    finally:
        connections["default"].close()
        connections.settings["default"] = saved_settings
        connections["default"] = saved
        ContentType.objects.clear_cache()


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        return cur.fetchone()[0]


def _wait_for_replay(timeout: float = 120.0) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        (lsn,) = cur.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with connections[REPLICA].cursor() as cur:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cur.fetchone()[0]:
                return
        assert time.monotonic() < deadline, f"the replica has not replayed {lsn}"
        time.sleep(0.05)


def _queries(client: Client, url: str, method: str = "get", **data):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = getattr(client, method)(url, data or None)
    return response, len(primary), len(replica)


def _province():
    from binhyen.accounts.choices import Role
    from binhyen.accounts.services import create_user, grant_role
    from binhyen.core.audit import audit_context
    from binhyen.geo.choices import Level
    from binhyen.geo.services.imports import UnitRow, import_structure

    rows = [
        UnitRow(1, "40", "Tỉnh Nghệ An", "Tỉnh", Level.PROVINCE),
        UnitRow(2, "40001", "Xã Hưng Đông", "Xã", Level.COMMUNE, "40"),
    ]
    with audit_context(source="test"):
        import_structure(rows, dt.date(2010, 1, 1), files=("test", ""))
    officer = create_user("replica.officer", DEMO_PASSWORD)
    grant_role(officer, Role.PROVINCIAL_OFFICER, AdminUnit.objects.get(code="40"))
    return officer


@pytest.mark.replica
def test_against_a_streaming_replica(cluster, django_db_blocker):
    with django_db_blocker.unblock(), pointed_at(cluster):
        # the scope reads through the standby; everything else through the primary
        with replica_reads():
            assert router.db_for_read(AdminUnit) == REPLICA
            assert _in_recovery(router.db_for_read(AdminUnit))
        assert router.db_for_read(AdminUnit) == "default"
        assert not _in_recovery("default")

        # writes go to the primary, even in the scope; the scope then reads its writes there
        with replica_reads(), CaptureQueriesContext(connections[REPLICA]) as on_replica:
            officer = _province()
            assert AdminUnit.objects.filter(code="40001").exists()
        assert on_replica.captured_queries == []

        # what the primary wrote reaches the replica
        _wait_for_replay()
        with replica_reads(), CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert AdminUnit.objects.filter(code="40001").exists()
        assert len(on_replica) == 1

        # the review page, its download, the review API and the dashboard read the replica
        client = Client()
        client.force_login(officer)
        query = "?unit=40&start=01/01/2025&end=31/12/2025"
        for url in (
            reverse("reports:review") + query,
            reverse("reports:download", args=["json"]) + query,
            reverse("api-review") + "?unit=40&from=2025-01-01&to=2025-12-31",
            reverse("portal:home"),
        ):
            response, _, on_replica = _queries(client, url)
            assert response.status_code == 200, url
            assert on_replica > 0, url

        # issuing is a write: on the primary, and the browser is marked as having written
        response, on_primary, on_replica = _queries(
            client, reverse("reports:issue") + query, "post", issuer_code="CAT"
        )
        assert response.status_code == 302
        assert on_primary > 0 and on_replica == 0
        assert WROTE_COOKIE in response.cookies
        # right after, the same browser reads the review from the primary (read-your-writes)
        response, on_primary, on_replica = _queries(client, reverse("reports:review") + query)
        assert response.status_code == 200
        assert on_primary > 0 and on_replica == 0
        # once the marker is old, the replica again
        client.cookies[WROTE_COOKIE] = str(int(time.time()) - 3600)
        _wait_for_replay()
        response, _, on_replica = _queries(client, reverse("reports:review") + query)
        assert response.status_code == 200 and on_replica > 0
