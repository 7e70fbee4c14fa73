from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from televente.core import demo


class Command(BaseCommand):
    help = "Load a believable French food wholesaler (deterministic demo data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=demo.SIZES, default="small")
        parser.add_argument("--flush", action="store_true", help="Empty the database first.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has users.",
        )

    def handle(self, *args, size: str, flush: bool, if_empty: bool, **options) -> None:
        has_data = get_user_model().objects.exists()
        if has_data and if_empty:
            self.stdout.write("The database already has data: demo not loaded.")
            return
        if has_data and not flush:
            raise CommandError(
                "The database already has data. Use --flush to empty it first (everything is lost)."
            )
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write(f"Loading the {size} demo...")
        ctx = demo.make_context(size=size, today=timezone.localdate(), log=self.stdout.write)
        with transaction.atomic():
            timings = demo.run(ctx)
        # Last, after the whole demo is committed (orders' habits included): each app's `demo.build(ctx)`,
        # which writes in its own transactions (the recommendation models' training).
        for config in apps.get_app_configs():
            if config.name.startswith("televente.") and module_has_submodule(config.module, "demo"):
                build = getattr(import_module(f"{config.name}.demo"), "build", None)
                if build is not None:
                    build(ctx)
        # Fresh statistics after a bulk load: without them PostgreSQL's planner picks poor plans
        # (seen: the portfolio search at 84 ms p95 before ANALYZE, 1 ms of SQL after).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Demo loaded in {sum(timings.values()):.1f} s."))
        for line in ctx.shared.get("logins", []):
            self.stdout.write(line)
