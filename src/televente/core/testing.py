"""Helpers for tests (imported by conftest and test modules only)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker


def run_pending_tasks(backend_name: str = "default") -> None:
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    ).run()
