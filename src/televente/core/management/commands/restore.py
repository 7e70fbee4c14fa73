"""`manage.py restore PATH --yes`: replaces the database with a backup's and puts back its uploaded
files (stop the site and its workers first; see docs/DEPLOY.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from televente.core import backup


class Command(BaseCommand):
    help = "Restores a backup archive made by `manage.py backup` (replaces the whole database)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current database is replaced"
        )

    def handle(self, *args, **options):
        path = options["archive"]
        try:
            manifest = backup.read_manifest(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            raise CommandError(
                f"{path} holds a backup of {manifest.created_at}: it REPLACES the whole current database. "
                "Stop the site and its workers, then run again with --yes."
            )
        try:
            manifest = backup.restore(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {path}: {len(manifest.tables)} tables, {sum(manifest.tables.values())} rows "
            f"(checked), {manifest.media_files} uploaded files."
        )
