"""The periodic job scheduler: registry, schedules (DST), claiming by one conditional UPDATE, leases,
failures with back-off, the admin and the command. The real jobs of the apps are swapped out."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import task
from django.urls import reverse

from televente.core import scheduler
from televente.core.models import JobStatus, ScheduledJob

PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)  # a Monday, 09:00 in Paris


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def registry(monkeypatch) -> dict:
    """An empty registry: the apps' real jobs never run in these tests."""
    empty: dict = {}
    monkeypatch.setattr(scheduler, "_REGISTRY", empty)
    return empty


class Recorder:
    """A job that records its calls; `fail` makes it raise; `during` runs inside the job."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False
        self.during = None

    def __call__(self):
        self.calls += 1
        if self.during is not None:
            during, self.during = self.during, None
            during()
        if self.fail:
            raise ValueError("le fichier est introuvable")
        return {"done": self.calls}


def row(name: str) -> ScheduledJob:
    return ScheduledJob.objects.get(name=name)


@task
def sample_task() -> str:
    return "ran in-process"


# Registry ----------------------------------------------------------------------------------------------------------


def test_registration_needs_exactly_one_schedule_and_valid_values(registry):
    job = lambda: None  # noqa: E731
    with pytest.raises(ValueError, match="exactly one"):
        scheduler.register_job("a.job", job, description="x")
    with pytest.raises(ValueError, match="exactly one"):
        scheduler.register_job(
            "a.job", job, every=dt.timedelta(minutes=5), daily_at=dt.time(6), description="x"
        )
    with pytest.raises(ValueError, match="positive"):
        scheduler.register_job("a.job", job, every=dt.timedelta(0), description="x")
    with pytest.raises(ValueError, match="naive"):
        scheduler.register_job("a.job", job, daily_at=dt.time(6, tzinfo=dt.UTC), description="x")
    with pytest.raises(ValueError, match="lease"):
        scheduler.register_job(
            "a.job", job, every=dt.timedelta(minutes=5), lease=dt.timedelta(0), description="x"
        )
    with pytest.raises(ValueError, match="dotted path"):
        scheduler.register_job("a.job", "nodots", every=dt.timedelta(minutes=5), description="x")
    with pytest.raises(ValueError, match="name"):
        scheduler.register_job("", job, every=dt.timedelta(minutes=5), description="x")
    assert scheduler.jobs() == {}

    scheduler.register_job("a.job", job, every=dt.timedelta(minutes=5), description="x")
    scheduler.register_job("a.job", job, every=dt.timedelta(minutes=5), description="x")  # same: fine
    with pytest.raises(ValueError, match="already registered"):
        scheduler.register_job("a.job", job, every=dt.timedelta(minutes=10), description="x")
    assert list(scheduler.jobs()) == ["a.job"]


def test_the_apps_register_their_jobs():
    registered = scheduler.jobs()
    assert registered["claims.check_deadlines"].every == dt.timedelta(minutes=5)
    assert registered["customers.abc_classes"].daily_at == dt.time(2, 30)
    assert registered["calls.daily_plans"].daily_at == dt.time(6)
    for job in registered.values():
        assert callable(job.resolve())


@pytest.mark.django_db
def test_a_task_is_called_in_process_not_enqueued(registry):
    from django_tasks_db.models import DBTaskResult

    scheduler.register_job(
        "a.task", f"{__name__}.sample_task", every=dt.timedelta(minutes=5), description="x"
    )
    scheduler.sync_jobs(now=T0)
    [run] = scheduler.run_due(now=T0, worker_id="w1")
    assert run.ok and run.result == "ran in-process"
    assert not DBTaskResult.objects.exists()


# Schedules -----------------------------------------------------------------------------------------------------------


def test_daily_at_is_local_time_across_the_dst_changes():
    six = dt.time(6)
    # Spring: Paris goes from UTC+1 to UTC+2 on Sunday 30 March 2025.
    assert scheduler.next_daily(six, paris(2025, 3, 29, 7)) == paris(2025, 3, 30, 6)
    assert paris(2025, 3, 30, 6).astimezone(dt.UTC).hour == 4
    assert scheduler.next_daily(six, paris(2025, 3, 29, 5)).astimezone(dt.UTC) == dt.datetime(
        2025, 3, 29, 5, tzinfo=dt.UTC
    )
    assert scheduler.next_daily(six, paris(2025, 3, 30, 6)) == paris(2025, 3, 31, 6)
    # Autumn: back to UTC+1 on Sunday 26 October 2025.
    assert scheduler.next_daily(six, paris(2025, 10, 25, 7)).astimezone(dt.UTC) == dt.datetime(
        2025, 10, 26, 5, tzinfo=dt.UTC
    )
    # 02:30 does not exist on 30 March: it runs once, an hour of the clock later (03:30).
    gap = scheduler.next_daily(dt.time(2, 30), paris(2025, 3, 29, 12))
    assert gap.astimezone(PARIS).time() == dt.time(3, 30) and gap.astimezone(PARIS).day == 30
    # 02:30 happens twice on 26 October: it runs the first time only.
    first = scheduler.next_daily(dt.time(2, 30), paris(2025, 10, 25, 12))
    assert first == dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)
    assert scheduler.next_daily(dt.time(2, 30), first).astimezone(PARIS).date() == dt.date(2025, 10, 27)


@pytest.mark.django_db
def test_a_daily_job_runs_at_six_local_on_both_sides_of_the_change(registry):
    job = Recorder()
    scheduler.register_job("t.daily", job, daily_at=dt.time(6), description="x")
    scheduler.sync_jobs(now=paris(2025, 3, 29, 12))
    assert row("t.daily").next_run_at == paris(2025, 3, 30, 6)  # 04:00 UTC, summer time
    assert scheduler.run_due(now=paris(2025, 3, 30, 5, 59), worker_id="w1") == []
    scheduler.run_due(now=paris(2025, 3, 30, 6), worker_id="w1")
    assert job.calls == 1
    assert row("t.daily").next_run_at == paris(2025, 3, 31, 6)


# Running -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sync_creates_each_row_once(registry):
    scheduler.register_job("t.every", Recorder(), every=dt.timedelta(minutes=5), description="x")
    scheduler.register_job("t.daily", Recorder(), daily_at=dt.time(6), description="x")
    assert scheduler.sync_jobs(now=T0) == 2
    assert scheduler.sync_jobs(now=T0 + dt.timedelta(minutes=1)) == 0
    assert row("t.every").next_run_at == T0  # an interval job runs at the first pass
    assert row("t.daily").next_run_at == paris(2025, 1, 7, 6)
    assert ScheduledJob.objects.count() == 2


@pytest.mark.django_db
def test_a_shorter_schedule_brings_the_next_run_forward(registry):
    scheduler.register_job("t.every", Recorder(), every=dt.timedelta(hours=1), description="x")
    scheduler.sync_jobs(now=T0)
    ScheduledJob.objects.filter(name="t.every").update(next_run_at=T0 + dt.timedelta(hours=1))
    registry.clear()
    scheduler.register_job("t.every", Recorder(), every=dt.timedelta(minutes=5), description="x")
    scheduler.sync_jobs(now=T0)
    assert row("t.every").next_run_at == T0 + dt.timedelta(minutes=5)


@pytest.mark.django_db
def test_a_due_job_runs_once_and_its_next_run_advances(registry):
    job = Recorder()
    scheduler.register_job("t.every", job, every=dt.timedelta(minutes=5), description="x")
    scheduler.sync_jobs(now=T0)

    [run] = scheduler.run_due(now=T0, worker_id="w1")
    assert run.ok and run.result == {"done": 1} and run.name == "t.every"
    state = row("t.every")
    assert state.last_status == JobStatus.OK
    assert state.run_count == 1
    assert state.next_run_at == T0 + dt.timedelta(minutes=5)
    assert state.locked_until is None and state.locked_by == ""
    assert state.last_started_at == T0 and state.last_finished_at >= T0
    assert state.last_result == "{'done': 1}"

    assert scheduler.run_due(now=T0 + dt.timedelta(minutes=4), worker_id="w1") == []
    assert job.calls == 1
    scheduler.run_due(now=T0 + dt.timedelta(minutes=5), worker_id="w1")
    assert job.calls == 2 and row("t.every").run_count == 2


@pytest.mark.django_db
def test_missed_periods_run_once(registry):
    job = Recorder()
    scheduler.register_job("t.hourly", job, every=dt.timedelta(hours=1), description="x")
    scheduler.sync_jobs(now=T0)
    back = T0 + dt.timedelta(days=1, minutes=7)  # the machine was off for a day
    scheduler.run_due(now=back, worker_id="w1")
    scheduler.run_due(now=back, worker_id="w1")
    assert job.calls == 1
    assert row("t.hourly").next_run_at == back + dt.timedelta(hours=1)


@pytest.mark.django_db
def test_a_second_worker_cannot_take_a_job_being_run(registry):
    job = Recorder()
    scheduler.register_job("t.every", job, every=dt.timedelta(minutes=5), description="x")
    scheduler.sync_jobs(now=T0)
    other: list = []
    # While w1 runs the job (its lock held), w2 looks at the same due job with the same clock.
    job.during = lambda: other.extend(scheduler.run_due(now=T0, worker_id="w2"))
    runs = scheduler.run_due(now=T0, worker_id="w1")
    assert len(runs) == 1 and other == []
    assert job.calls == 1
    # The claim itself: a row locked by w1 is not updated for w2.
    ScheduledJob.objects.filter(name="t.every").update(
        next_run_at=T0, locked_by="w1", locked_until=T0 + dt.timedelta(minutes=30)
    )
    assert scheduler._claim(scheduler.get_job("t.every"), at=T0, worker_id="w2", due_only=True) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_run_a_job_once(registry):
    calls: list[str] = []

    def slow() -> None:
        calls.append(threading.current_thread().name)
        time.sleep(0.5)

    scheduler.register_job("t.slow", slow, every=dt.timedelta(minutes=5), description="x")
    scheduler.sync_jobs(now=T0)
    start = threading.Barrier(4)
    results: dict[str, list] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            start.wait()
            results[name] = scheduler.run_due(now=T0, worker_id=name)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",), name=f"w{i}") for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(calls) == 1
    assert sorted(len(r) for r in results.values()) == [0, 0, 0, 1]
    assert row("t.slow").run_count == 1


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_retried_with_back_off_then_reset(registry, caplog):
    job = Recorder()
    job.fail = True
    scheduler.register_job("t.flaky", job, every=dt.timedelta(hours=1), description="x")
    scheduler.sync_jobs(now=T0)

    with caplog.at_level(logging.ERROR, logger="televente.core.scheduler"):
        [run] = scheduler.run_due(now=T0, worker_id="w1")
    assert not run.ok
    assert any(r.exc_info and "t.flaky" in r.getMessage() for r in caplog.records)
    state = row("t.flaky")
    assert state.last_status == JobStatus.FAILED
    assert state.last_error.startswith("ValueError: le fichier est introuvable")
    assert "Traceback" in state.last_error and len(state.last_error) <= scheduler.ERROR_MAX_CHARS
    assert state.consecutive_failures == 1 and state.run_count == 1
    assert state.locked_until is None
    assert abs(state.next_run_at - (T0 + dt.timedelta(minutes=1))) < dt.timedelta(seconds=1)

    t1 = state.next_run_at
    assert scheduler.run_due(now=t1 - dt.timedelta(seconds=10), worker_id="w1") == []
    scheduler.run_due(now=t1, worker_id="w1")
    state = row("t.flaky")
    assert state.consecutive_failures == 2
    assert abs(state.next_run_at - (t1 + dt.timedelta(minutes=2))) < dt.timedelta(seconds=1)

    job.fail = False
    scheduler.run_due(now=state.next_run_at, worker_id="w1")
    state = row("t.flaky")
    assert state.last_status == JobStatus.OK
    assert state.consecutive_failures == 0 and state.last_error == ""
    assert job.calls == 3


def test_back_off_never_goes_beyond_the_schedule():
    job = scheduler.Job(name="j", func=print, description="x", every=dt.timedelta(minutes=5))
    delays = [scheduler.retry_at(job, failures=n, after=T0) - T0 for n in range(1, 6)]
    assert delays == [dt.timedelta(minutes=m) for m in (1, 2, 4, 5, 5)]
    daily = scheduler.Job(name="d", func=print, description="x", daily_at=dt.time(6))
    assert scheduler.retry_at(daily, failures=30, after=paris(2025, 1, 6, 5, 50)) == paris(2025, 1, 6, 6)


def test_a_long_traceback_is_trimmed():
    try:
        raise RuntimeError("x" * 10_000)
    except RuntimeError as exc:
        text = scheduler._error_text(exc)
    assert len(text) <= scheduler.ERROR_MAX_CHARS
    assert text.startswith("RuntimeError: xxx")


@pytest.mark.django_db
def test_a_disabled_job_never_runs(registry):
    job = Recorder()
    scheduler.register_job("t.off", job, every=dt.timedelta(minutes=5), description="x")
    scheduler.sync_jobs(now=T0)
    ScheduledJob.objects.filter(name="t.off").update(enabled=False)
    assert scheduler.run_due(now=T0 + dt.timedelta(days=3), worker_id="w1") == []
    assert job.calls == 0


@pytest.mark.django_db
def test_a_job_of_a_dead_worker_is_taken_once_its_lease_ends(registry):
    job = Recorder()
    scheduler.register_job(
        "t.leased", job, every=dt.timedelta(minutes=5), lease=dt.timedelta(minutes=10), description="x"
    )
    scheduler.sync_jobs(now=T0)
    # w1 claimed the job at T0 and died: the row stays locked until its lease ends.
    assert scheduler._claim(scheduler.get_job("t.leased"), at=T0, worker_id="w1", due_only=True)
    assert row("t.leased").last_status == JobStatus.RUNNING
    assert scheduler.run_due(now=T0 + dt.timedelta(minutes=9), worker_id="w2") == []
    [run] = scheduler.run_due(now=T0 + dt.timedelta(minutes=11), worker_id="w2")
    assert run.ok and job.calls == 1
    state = row("t.leased")
    assert state.locked_by == "" and state.locked_until is None
    assert state.next_run_at == T0 + dt.timedelta(minutes=16)


@pytest.mark.django_db
def test_a_run_that_outlives_its_lease_leaves_the_new_holders_schedule(registry):
    job = Recorder()
    scheduler.register_job(
        "t.slow", job, every=dt.timedelta(minutes=5), lease=dt.timedelta(minutes=1), description="x"
    )
    scheduler.sync_jobs(now=T0)
    later = T0 + dt.timedelta(minutes=3)
    # While w1 is still running, its lease ends and w2 runs the job.
    job.during = lambda: scheduler.run_due(now=later, worker_id="w2")
    [run] = scheduler.run_due(now=T0, worker_id="w1")
    assert job.calls == 2
    assert run.next_run_at is None
    state = row("t.slow")
    assert state.next_run_at == later + dt.timedelta(minutes=5)
    assert state.run_count == 2 and state.locked_by == ""


@pytest.mark.django_db
def test_run_job_now_runs_whatever_the_schedule_unless_someone_holds_it(registry):
    job = Recorder()
    scheduler.register_job("t.daily", job, daily_at=dt.time(6), description="x")
    run = scheduler.run_job_now("t.daily", worker_id="admin", now=T0)
    assert run.ok and job.calls == 1
    assert row("t.daily").next_run_at == paris(2025, 1, 7, 6)
    scheduler._claim(scheduler.get_job("t.daily"), at=T0, worker_id="w1", due_only=False)
    assert scheduler.run_job_now("t.daily", worker_id="admin", now=T0) is None
    with pytest.raises(KeyError):
        scheduler.run_job_now("t.unknown")


# Command -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_once_runs_the_due_jobs_and_exits(registry):
    job = Recorder()
    scheduler.register_job("t.every", job, every=dt.timedelta(minutes=5), description="x")
    call_command("run_scheduler", "--once", verbosity=0)
    assert job.calls == 1
    assert row("t.every").last_status == JobStatus.OK
    call_command("run_scheduler", "--once", verbosity=0)
    assert job.calls == 1  # not due again for 5 minutes


@pytest.mark.django_db
def test_the_command_stops_cleanly_on_sigterm(registry):
    job = Recorder()
    job.during = lambda: os.kill(os.getpid(), signal.SIGTERM)
    scheduler.register_job("t.every", job, every=dt.timedelta(minutes=5), description="x")
    before = signal.getsignal(signal.SIGTERM)
    # Should the job never run, stop the loop anyway so that the test fails instead of hanging.
    guard = threading.Timer(20, os.kill, args=(os.getpid(), signal.SIGTERM))
    guard.start()
    try:
        call_command("run_scheduler", "--interval", "0.05", verbosity=0)  # returns once SIGTERM is seen
    finally:
        guard.cancel()
    assert job.calls == 1
    assert row("t.every").last_status == JobStatus.OK  # the running job finished first
    assert signal.getsignal(signal.SIGTERM) == before


# Admin ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_administrators_see_the_jobs_and_run_one(registry, world, client):
    from televente.accounts.tests.factories import UserFactory

    job = Recorder()
    scheduler.register_job("t.daily", job, daily_at=dt.time(6), description="Tâche de test")
    scheduler.sync_jobs()
    url = reverse("admin:core_scheduledjob_changelist")

    client.force_login(UserFactory(username="staff_rep", is_staff=True))
    assert client.get(url).status_code == 403

    client.force_login(world.admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "Tâche de test" in page.content.decode()
    pk = row("t.daily").pk
    answer = client.post(url, {"action": "run_now", "_selected_action": [pk]}, follow=True)
    assert job.calls == 1
    assert "a réussi" in answer.content.decode()
    client.post(url, {"action": "disable", "_selected_action": [pk]})
    assert row("t.daily").enabled is False
