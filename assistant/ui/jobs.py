"""Uploads indexed in the background: the page returns at once and shows progress; questions are never blocked.

A job is a thread that runs one build; the store lock makes builds from several sessions take turns. Jobs live
in this module (one dict per server process), so a session that reruns or changes page still finds its job.
"""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

_JOBS: dict[str, "Job"] = {}
_LOCK = threading.Lock()
KEEP_SECONDS = 3600  # finished jobs are forgotten after an hour


@dataclass
class Job:
    id: str
    filename: str
    done: int = 0
    total: int = 0
    outcome: object | None = None  # an UploadOutcome once finished
    started: float = field(default_factory=time.time)
    finished: float = 0.0

    @property
    def running(self) -> bool:
        return self.outcome is None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total


def start(filename: str, work: Callable[[Callable[[int, int], None]], object],
          on_error: Callable[[Exception], object]) -> Job:
    """Run `work(progress)` in a thread; its return value (or `on_error(exc)`) becomes the job's outcome."""
    job = Job(uuid.uuid4().hex[:12], filename)

    def run() -> None:
        try:
            job.outcome = work(job.progress)
        except Exception as exc:  # noqa: BLE001 - the page shows one sentence; the thread must not die silently
            job.outcome = on_error(exc)
        job.finished = time.time()

    with _LOCK:
        now = time.time()
        for key in [k for k, j in _JOBS.items() if j.finished and now - j.finished > KEEP_SECONDS]:
            del _JOBS[key]
        _JOBS[job.id] = job
    threading.Thread(target=run, name=f"upload-{job.id}", daemon=True).start()
    return job


def get(job_id: str) -> Job | None:
    with _LOCK:
        return _JOBS.get(job_id)
