from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """The price list import becomes the catalogue import (articles, price list or stock)."""

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("catalog", "0003_price_list_import"),
    ]

    operations = [
        migrations.RenameModel("PriceListImport", "CatalogImport"),
        migrations.AlterModelOptions(
            name="catalogimport",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "import catalogue",
                "verbose_name_plural": "imports catalogue",
            },
        ),
        migrations.AddField(
            model_name="catalogimport",
            name="kind",
            field=models.CharField(
                choices=[("products", "Articles"), ("prices", "Tarif"), ("stock", "Stocks")],
                default="prices",
                max_length=10,
                verbose_name="type",
            ),
        ),
        migrations.AddField(
            model_name="catalogimport",
            name="created_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="catalogimport",
            name="price_list",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="imports",
                to="catalog.pricelist",
                verbose_name="tarif",
            ),
        ),
        migrations.AlterField(
            model_name="catalogimport",
            name="file",
            field=models.FileField(upload_to="imports/catalogue/%Y/%m/"),
        ),
        migrations.AddConstraint(
            model_name="catalogimport",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "prices"), _negated=True) | models.Q(("price_list__isnull", False)),
                name="catalogimport_prices_have_list",
            ),
        ),
        # Article codes are compared in capitals from now on (search, imports, forms).
    migrations.RunSQL("UPDATE catalog_product SET code = UPPER(code)", migrations.RunSQL.noop),
]
