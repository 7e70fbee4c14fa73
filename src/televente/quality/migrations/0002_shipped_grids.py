"""Load the grids and certification blocks transcribed from the seeds (see quality/shipped.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from televente.quality.shipped import ensure_shipped

    ensure_shipped(apps)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
