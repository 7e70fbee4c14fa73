"""Helpers for tests (imported by conftest and test modules only)."""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker


def run_pending_tasks(backend_name: str = "default") -> None:
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    if connection.in_atomic_block:
        # Inside a test's transaction the worker must not close the connection between tasks
        # (PostgreSQL would lose the test's transaction); a real worker does close it.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            worker.run()
    else:
        worker.run()


def run_commit_callbacks() -> None:
    """Run what services queued with `transaction.on_commit`, as the commit of a real request would
    (a test's transaction never commits), including callbacks queued by those callbacks."""
    while connection.run_on_commit:
        callbacks, connection.run_on_commit = connection.run_on_commit, []
        for _sids, callback, _robust in callbacks:
            callback()
