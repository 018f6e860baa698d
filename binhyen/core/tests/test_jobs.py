"""Jobs run in a background thread report progress and their outcome to their owner."""

import threading

from binhyen.core import jobs


def _wait(token, owner, timeout=10):
    state = jobs.get(token, owner)
    for _ in range(timeout * 100):
        if not state.running:
            return state
        threading.Event().wait(0.01)
        state = jobs.get(token, owner)
    raise AssertionError("the job did not finish")


def test_background_job_reports_progress_then_its_outcome(settings):
    settings.BACKGROUND_JOBS = True
    release = threading.Event()

    def work(n, progress):
        progress("households", n)
        release.wait(5)
        return n * 2

    token = jobs.start(7, "count", work, 21)
    for _ in range(500):  # wait for the first progress report
        state = jobs.get(token, 7)
        if state.rows:
            break
        threading.Event().wait(0.01)
    assert state.running and (state.stage, state.rows) == ("households", 21)
    assert jobs.get(token, 8) is None  # only its owner sees it
    release.set()
    done = _wait(token, 7)
    assert done.status == jobs.DONE and done.outcome == 42


def test_failed_job_is_marked_failed_not_raised(settings):
    settings.BACKGROUND_JOBS = False

    def work(progress):
        raise RuntimeError("boom")

    token = jobs.start(1, "broken", work)
    state = jobs.get(token, 1)
    assert state.status == jobs.FAILED and state.outcome is None
