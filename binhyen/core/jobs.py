"""Long work (spreadsheet imports) run beside the request, with progress a page polls.

A job runs in a daemon thread of the web process, so there is no worker to install; its
state lives in the cache under an unguessable token: who started it, whether it runs,
what it is doing and how far it got, and at the end its outcome. Several web processes
need a shared cache (REDIS_URL). With settings.BACKGROUND_JOBS off — the default on
SQLite, whose long write transactions would lock every other request out, and in tests —
a job runs inline and the request waits for it; the page flow is the same.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

KEEP_SECONDS = 24 * 3600
RUNNING, DONE, FAILED = "running", "done", "failed"
log = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (stage, rows done so far)


@dataclass(frozen=True)
class JobState:
    owner_id: int
    label: str
    status: str = RUNNING
    stage: str = ""
    rows: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    outcome: Any = None  # anything picklable the work returned

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def seconds(self) -> int:
        return int((self.finished or time.time()) - self.started)


def _key(token: str) -> str:
    return f"binhyen:job:{token}"


def _put(token: str, state: JobState) -> None:
    cache.set(_key(token), state, KEEP_SECONDS)


def get(token: str, owner_id: int) -> JobState | None:
    """The job's state, only for the user who started it."""
    state = cache.get(_key(token))
    if state is None or state.owner_id != owner_id:
        return None
    return state


def start(owner_id: int, label: str, work: Callable[..., Any], *args, **kwargs) -> str:
    """Run `work(*args, progress=..., **kwargs)` as a job; returns its token. An exception
    in the work marks the job failed (and is logged), it never reaches the user raw."""
    token = secrets.token_urlsafe(18)
    _put(token, JobState(owner_id, label))
    background = getattr(settings, "BACKGROUND_JOBS", False)

    def progress(stage: str, rows: int) -> None:
        state = cache.get(_key(token))
        if state is not None:
            _put(token, replace(state, stage=stage, rows=rows))

    def run() -> None:
        try:
            outcome = work(*args, progress=progress, **kwargs)
            status = DONE
        except Exception:
            log.exception("job %s (%s) failed", token, label)
            outcome, status = None, FAILED
        finally:
            if background:
                connection.close()  # the thread's own connection
        state = cache.get(_key(token)) or JobState(owner_id, label)
        _put(token, replace(state, status=status, outcome=outcome, finished=time.time()))

    if background:
        context = contextvars.copy_context()  # the audit context (who, from where)
        threading.Thread(target=context.run, args=(run,), daemon=True).start()
    else:
        run()
    return token
