from decimal import Decimal

import factory

from televente.catalog.models import Category, Product, SalesUnit, Stock, Warehouse


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "cremerie"
    name = "Crèmerie"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"A{n:05d}")
    name = factory.Sequence(lambda n: f"Article {n}")
    category = factory.SubFactory(CategoryFactory)
    base_price = Decimal("2.5000")


class SalesUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesUnit

    product = factory.SubFactory(ProductFactory)
    code = "CAR"
    label = "carton de 12"
    base_quantity = 12


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    code = "rungis"
    name = "Rungis"


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    product = factory.SubFactory(ProductFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    on_hand = 100
    reserved = 0
