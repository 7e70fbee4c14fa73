"""Periodic jobs, run by `manage.py run_scheduler` on one machine or several, with no other service.

Each app registers its jobs from its `AppConfig.ready()` with `register_job()`, so `core` imports no
app of ours. The state of each job (next run, lock, last outcome) is a `ScheduledJob` row, created
by `sync_jobs()`. `run_due()` claims each due job with one conditional UPDATE (whoever changes the
row runs the job; everybody else sees 0 rows), runs it in this process and records the outcome.

- A job's lock is a lease (`locked_until`): a process that died while running a job holds it until
  the lease ends, then another process takes the job.
- The next run is computed from the time of this run, never from the former `next_run_at`: a machine
  that was off for a day runs each missed job once, not once per missed period.
- A job that raises is logged, marked failed with its traceback, and tried again with a back-off
  (1, 2, 4, 8... minutes, never later than its normal schedule).
- `daily_at` is a wall-clock time in `settings.TIME_ZONE`: 06:00 stays 06:00 across daylight saving
  changes. A time skipped by the spring change (02:30 on the last Sunday of March in Paris) runs at
  the same distance after the change (03:30); a time met twice in autumn runs the first time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F, Q
from django.tasks import Task
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_LEASE = dt.timedelta(minutes=30)
FIRST_RETRY = dt.timedelta(minutes=1)
ERROR_MAX_CHARS = 4000
RESULT_MAX_CHARS = 500
NAME_MAX_CHARS = 100  # ScheduledJob.name


@dataclass(frozen=True)
class Job:
    """A registered periodic job: what to call and when (`every` or `daily_at`, exactly one)."""

    name: str
    func: Callable[[], Any] | str
    description: str | Promise
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    lease: dt.timedelta = DEFAULT_LEASE

    def resolve(self) -> Callable[[], Any]:
        """The function to call (a dotted path is imported at run time, a `django.tasks` task is run
        in this process with `.call`, never enqueued)."""
        target = import_string(self.func) if isinstance(self.func, str) else self.func
        if isinstance(target, Task):
            return target.call
        if not callable(target):
            raise TypeError(f"{self.func!r} is not callable")
        return target

    def next_run(self, after: dt.datetime) -> dt.datetime:
        """The first time strictly after `after` when the job is due (aware, UTC)."""
        if self.every is not None:
            return after + self.every
        return next_daily(self.daily_at, after)


@dataclass
class JobRun:
    """The outcome of one run, as returned by `run_due()` and `run_job_now()`."""

    name: str
    ok: bool
    started_at: dt.datetime
    finished_at: dt.datetime
    result: Any = None
    error: str = ""
    next_run_at: dt.datetime | None = None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


_REGISTRY: dict[str, Job] = {}


def register_job(
    name: str,
    func: Callable[[], Any] | str,
    *,
    every: dt.timedelta | None = None,
    daily_at: dt.time | None = None,
    description: str | Promise,
    lease: dt.timedelta = DEFAULT_LEASE,
) -> Job:
    """Registers a periodic job (from an `AppConfig.ready()`). `func` takes no argument; a dotted
    path is imported only when the job runs, so registering never imports the app's services."""
    if not name or len(name) > NAME_MAX_CHARS:
        raise ValueError(f"A job needs a name of 1 to {NAME_MAX_CHARS} characters: {name!r}")
    if (every is None) == (daily_at is None):
        raise ValueError(f"Job {name}: give exactly one of every= and daily_at=")
    if every is not None and (not isinstance(every, dt.timedelta) or every <= dt.timedelta(0)):
        raise ValueError(f"Job {name}: every= must be a positive timedelta")
    if daily_at is not None and (not isinstance(daily_at, dt.time) or daily_at.tzinfo is not None):
        raise ValueError(f"Job {name}: daily_at= is a naive time, read in settings.TIME_ZONE")
    if not isinstance(lease, dt.timedelta) or lease <= dt.timedelta(0):
        raise ValueError(f"Job {name}: lease= must be a positive timedelta")
    if isinstance(func, str):
        if "." not in func:
            raise ValueError(f"Job {name}: {func!r} is not a dotted path")
    elif not callable(func):
        raise ValueError(f"Job {name}: func must be callable or a dotted path")
    job = Job(name=name, func=func, description=description, every=every, daily_at=daily_at, lease=lease)
    known = _REGISTRY.get(name)
    if known is not None and known != job:
        raise ValueError(f"Job {name} is already registered with another definition")
    _REGISTRY[name] = job
    return job


def jobs() -> dict[str, Job]:
    """The registered jobs by name."""
    return dict(_REGISTRY)


def get_job(name: str) -> Job | None:
    return _REGISTRY.get(name)


def worker_name() -> str:
    """hostname:pid, the `locked_by` of a process's runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


# Time ---------------------------------------------------------------------------------------------------------------


def _local_at(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    # fold=0: of a time met twice (autumn), the first. A time skipped in spring does not exist:
    # zoneinfo reads it with the offset before the change, so it lands after the change by the gap.
    return dt.datetime.combine(day, at).replace(tzinfo=tz).astimezone(dt.UTC)


def next_daily(at: dt.time, after: dt.datetime) -> dt.datetime:
    """The first wall-clock `at` in settings.TIME_ZONE strictly after `after`."""
    tz = ZoneInfo(settings.TIME_ZONE)
    day = after.astimezone(tz).date()
    candidate = _local_at(day, at, tz)
    while candidate <= after:
        day += dt.timedelta(days=1)
        candidate = _local_at(day, at, tz)
    return candidate


def first_run(job: Job, now: dt.datetime) -> dt.datetime:
    """A new interval job runs at once; a daily job at its next time."""
    return now if job.every is not None else job.next_run(now)


def retry_at(job: Job, *, failures: int, after: dt.datetime) -> dt.datetime:
    """Back-off after the n-th failure in a row: 1, 2, 4... minutes, never later than the schedule."""
    delay = FIRST_RETRY * 2 ** min(max(failures, 1) - 1, 20)
    return min(job.next_run(after), after + delay)


# Database -----------------------------------------------------------------------------------------------------------


def sync_jobs(*, now: dt.datetime | None = None) -> int:
    """Creates the missing `ScheduledJob` rows (several processes may do it at once) and brings a
    row's next run forward when its schedule became earlier. Returns how many rows were created."""
    from .models import ScheduledJob

    now = now or timezone.now()
    registered = jobs()
    existing = set(ScheduledJob.objects.filter(name__in=registered).values_list("name", flat=True))
    missing = [
        ScheduledJob(name=name, next_run_at=first_run(job, now))
        for name, job in registered.items()
        if name not in existing
    ]
    ScheduledJob.objects.bulk_create(missing, ignore_conflicts=True)
    for name, job in registered.items():
        if name in existing:
            soonest = job.next_run(now)
            ScheduledJob.objects.filter(name=name, next_run_at__gt=soonest).update(next_run_at=soonest)
    return len(missing)


def _free(at: dt.datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lt=at)


def _claim(job: Job, *, at: dt.datetime, worker_id: str, due_only: bool) -> dt.datetime | None:
    """One conditional UPDATE: the process that changes the row runs the job. Returns the lease's end."""
    from .models import JobStatus, ScheduledJob

    until = at + job.lease
    rows = ScheduledJob.objects.filter(_free(at), name=job.name)
    if due_only:
        rows = rows.filter(enabled=True, next_run_at__lte=at)
    claimed = rows.update(
        locked_until=until, locked_by=worker_id[:200], last_started_at=at, last_status=JobStatus.RUNNING
    )
    return until if claimed == 1 else None


def _short_repr(value: Any) -> str:
    text = "" if value is None else repr(value)
    return text if len(text) <= RESULT_MAX_CHARS else text[: RESULT_MAX_CHARS - 1] + "…"


def _error_text(exc: BaseException) -> str:
    """The exception's text first (the admin list shows it), then the end of the traceback."""
    head = f"{type(exc).__name__}: {exc}"[:1000]
    trace = "".join(traceback.format_exception(exc))
    room = ERROR_MAX_CHARS - len(head) - 2
    if len(trace) > room:
        trace = "…" + trace[-(room - 1) :]
    return f"{head}\n\n{trace}"


def _execute(job: Job, *, at: dt.datetime, until: dt.datetime, worker_id: str) -> JobRun:
    """Runs a claimed job and records its outcome; the lock is released only if still ours."""
    from .models import JobStatus, ScheduledJob

    failures = (
        ScheduledJob.objects.filter(name=job.name).values_list("consecutive_failures", flat=True).first()
    )
    clock = time.monotonic()
    try:
        value = job.resolve()()
    except Exception as exc:
        finished = at + dt.timedelta(seconds=time.monotonic() - clock)
        logger.exception("Scheduled job %s failed (worker %s)", job.name, worker_id)
        failures = (failures or 0) + 1
        run = JobRun(job.name, False, at, finished, error=_error_text(exc))
        run.next_run_at = retry_at(job, failures=failures, after=finished)
        history = {
            "last_status": JobStatus.FAILED,
            "last_error": run.error,
            "last_result": "",
            "consecutive_failures": F("consecutive_failures") + 1,
        }
    else:
        finished = at + dt.timedelta(seconds=time.monotonic() - clock)
        run = JobRun(job.name, True, at, finished, result=value)
        run.next_run_at = job.next_run(at)
        if run.next_run_at <= finished:  # the run took longer than its period
            run.next_run_at = job.next_run(finished)
        logger.info("Scheduled job %s done in %.1f s: %s", job.name, run.seconds, _short_repr(value))
        history = {
            "last_status": JobStatus.OK,
            "last_error": "",
            "last_result": _short_repr(value),
            "consecutive_failures": 0,
        }
    history.update(last_finished_at=finished, run_count=F("run_count") + 1)

    def record() -> None:
        mine = ScheduledJob.objects.filter(name=job.name, locked_by=worker_id[:200], locked_until=until)
        if not mine.update(next_run_at=run.next_run_at, locked_until=None, locked_by="", **history):
            # The lease ran out and another process took the job: keep its lock and schedule.
            logger.warning(
                "Scheduled job %s outlived its lease of %s (worker %s)", job.name, job.lease, worker_id
            )
            ScheduledJob.objects.filter(name=job.name).update(**history)
            run.next_run_at = None

    _with_retries(record)
    return run


def _with_retries(write: Callable[[], None], attempts: int = 3) -> None:
    """The outcome of a run must not be lost to a busy SQLite file or a dropped connection (the job
    would stay locked until its lease ends): try again on a fresh connection."""
    for attempt in range(1, attempts + 1):
        try:
            write()
            return
        except DatabaseError:
            if attempt == attempts or connection.in_atomic_block:
                raise
            logger.warning("Could not record a scheduled job's outcome, trying again", exc_info=True)
            close_old_connections()
            time.sleep(attempt)


def run_due(
    *, now: dt.datetime | None = None, worker_id: str, stop: Callable[[], bool] | None = None
) -> list[JobRun]:
    """Runs, in this process, every registered job that is due and that no other process holds.
    `now` fixes the clock (tests); otherwise each claim reads the time again. `stop()` true ends the
    pass between two jobs (a signal asked the scheduler to stop)."""
    from .models import ScheduledJob

    registered = jobs()
    at = now or timezone.now()
    due = list(
        ScheduledJob.objects.filter(_free(at), name__in=registered, enabled=True, next_run_at__lte=at)
        .order_by("next_run_at", "name")
        .values_list("name", flat=True)
    )
    runs = []
    for name in due:
        if stop is not None and stop():
            break
        at = now or timezone.now()
        job = registered[name]
        until = _claim(job, at=at, worker_id=worker_id, due_only=True)
        if until is None:
            continue  # another process took it, or it changed since the read
        runs.append(_execute(job, at=at, until=until, worker_id=worker_id))
    return runs


def run_job_now(name: str, *, worker_id: str | None = None, now: dt.datetime | None = None) -> JobRun | None:
    """Runs one job now in this process, whatever its schedule (even disabled: someone asked).
    Returns None when another process is running it. The next run is computed from now."""
    job = get_job(name)
    if job is None:
        raise KeyError(name)
    sync_jobs(now=now)
    at = now or timezone.now()
    worker_id = worker_id or worker_name()
    until = _claim(job, at=at, worker_id=worker_id, due_only=False)
    if until is None:
        return None
    return _execute(job, at=at, until=until, worker_id=worker_id)
