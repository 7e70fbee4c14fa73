"""Reference data: the usual typologies of a food wholesaler's customers and a default zone list.
Admins adapt them; they are data, not demo data."""

from django.db import migrations

from televente.customers.reference import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(apps.get_model("customers", "Segment"), apps.get_model("customers", "Zone"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_index")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
