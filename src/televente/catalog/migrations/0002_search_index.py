from django.db import migrations

from televente.catalog.search import install, uninstall


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
