"""`manage.py backup` / `restore`: an archive restores the same data and the same uploaded files, on
SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore); bad archives are refused with
their reason and nothing is changed."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from televente.core import backup
from televente.customers.models import Company
from televente.customers.tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "claims").mkdir(parents=True)
    (root / "claims" / "photo.jpg").write_bytes(b"\xff\xd8\xff photo")
    settings.MEDIA_ROOT = str(root)
    return root


def test_restore_brings_back_the_same_data_and_files(tmp_path, media):
    kept = CompanyFactory(trade_name="Boulangerie Martin")
    archive = tmp_path / "nightly.tar"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "1 uploaded files" in out.getvalue()
    manifest = backup.read_manifest(archive)
    assert manifest.engine == connection.vendor
    assert manifest.tables["customers_company"] == 1 and manifest.migrations["customers"].startswith("00")

    # Life goes on: the company renamed, another created, the photo deleted.
    Company.objects.filter(pk=kept.pk).update(trade_name="Renommée")
    CompanyFactory(trade_name="Créée après la sauvegarde")
    (media / "claims" / "photo.jpg").unlink()

    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "(checked)" in out.getvalue()
    assert list(Company.objects.values_list("pk", "trade_name")) == [(kept.pk, "Boulangerie Martin")]
    assert (media / "claims" / "photo.jpg").read_bytes() == b"\xff\xd8\xff photo"
    # The site keeps working on the restored base: a new row gets a fresh key.
    assert CompanyFactory().pk > kept.pk


def test_restore_asks_for_confirmation_and_changes_nothing_without_it(tmp_path, media):
    CompanyFactory(trade_name="Avant")
    archive = tmp_path / "b.tar"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    CompanyFactory(trade_name="Après")
    with pytest.raises(CommandError, match="REPLACES the whole current database"):
        call_command("restore", str(archive))
    assert Company.objects.count() == 2


def test_backup_never_overwrites_an_archive(tmp_path, media):
    archive = tmp_path / "b.tar"
    archive.write_bytes(b"precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"precious"


def _rewrite_manifest(source, target, **changes):
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                content = json.loads(data)
                content.update(changes)
                data = json.dumps(content).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)


def test_restore_refuses_other_engines_newer_schemas_and_non_archives(tmp_path, media):
    CompanyFactory(trade_name="Gardée")
    archive = tmp_path / "b.tar"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    wrong_engine = tmp_path / "engine.tar"
    _rewrite_manifest(archive, wrong_engine, engine=other)
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(wrong_engine), "--yes")

    manifest = backup.read_manifest(archive)
    newer = tmp_path / "newer.tar"
    _rewrite_manifest(archive, newer, migrations={**manifest.migrations, "customers": "9999_future"})
    with pytest.raises(CommandError, match="newer version of the application"):
        call_command("restore", str(newer), "--yes")

    not_an_archive = tmp_path / "notes.tar"
    not_an_archive.write_text("hello")
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(not_an_archive), "--yes")
    assert list(Company.objects.values_list("trade_name", flat=True)) == ["Gardée"]
