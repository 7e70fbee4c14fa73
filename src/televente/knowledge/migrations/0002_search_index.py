"""The article search index: an FTS5 table with its sync triggers on SQLite, a full-text GIN index on
PostgreSQL (see knowledge/search.py). Created by RunPython, which checks the database vendor."""

from django.db import migrations

from televente.knowledge.search import install, uninstall


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
