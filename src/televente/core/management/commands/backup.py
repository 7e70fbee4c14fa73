"""`manage.py backup [--output PATH]`: the database and the uploaded files in one archive (see core/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from televente.core import backup


class Command(BaseCommand):
    help = "Backs up the database and the uploaded files into one .tar archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="archive to write (default: var/backups/televente-<date>.tar)"
        )

    def handle(self, *args, **options):
        try:
            path, manifest = backup.backup(options["output"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"{path}: {manifest.engine} database, {len(manifest.tables)} tables, {rows} rows, "
            f"{manifest.media_files} uploaded files"
        )
