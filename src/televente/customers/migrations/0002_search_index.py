from django.db import migrations

from televente.customers.search import install, uninstall


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
