"""Runs the periodic jobs registered with `core.scheduler`: a long-running process (systemd, `make
run`) or `--once` from cron. Several may run at once, on one machine or several: each due job is
claimed by one conditional UPDATE, so it runs once."""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from televente.core import scheduler

logger = logging.getLogger("televente.core.scheduler")


def _refresh_connections() -> None:
    """Drops broken or expired connections between passes, as Django does between requests. Not
    inside a transaction (a test's): closing the connection would lose it."""
    if not connection.in_atomic_block:
        close_old_connections()


class Command(BaseCommand):
    help = "Exécute les tâches planifiées (en continu, ou une fois avec --once pour cron)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the due jobs once and exit (cron).")
        parser.add_argument(
            "--interval", type=float, default=30, help="Seconds between two looks at the due jobs (30)."
        )

    def handle(self, *args, once: bool, interval: float, **options) -> None:
        if interval <= 0:
            raise CommandError("--interval must be positive.")
        self.verbosity = options["verbosity"]
        worker_id = scheduler.worker_name()
        self.stopping = threading.Event()
        scheduler.sync_jobs()
        if once:
            self._pass(worker_id)
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        names = ", ".join(sorted(scheduler.jobs())) or "-"
        logger.info("Scheduler %s started (every %s s): %s", worker_id, interval, names)
        try:
            while not self.stopping.is_set():
                _refresh_connections()
                try:
                    self._pass(worker_id)
                except Exception:
                    # The database may be away for a while: say so and try again at the next pass.
                    logger.exception("Scheduler pass failed")
                _refresh_connections()
                self.stopping.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("Scheduler %s stopped", worker_id)

    def _pass(self, worker_id: str) -> None:
        # Each run is logged by the scheduler (failures with their traceback); stdout stays quiet
        # unless asked (-v 2), so that cron mails only the failures.
        for run in scheduler.run_due(worker_id=worker_id, stop=self.stopping.is_set):
            if self.verbosity >= 2:
                state = "ok" if run.ok else "failed"
                self.stdout.write(f"{run.name}: {state} in {run.seconds:.1f} s")

    def _stop(self, signum, frame) -> None:
        if self.stopping.is_set():
            raise KeyboardInterrupt  # asked twice: stop now, the job's lease will expire
        logger.info("Scheduler stopping after the current job (%s)", signal.Signals(signum).name)
        self.stopping.set()
