from decimal import Decimal

from televente.catalog.models import Product, SalesUnit, Stock
from televente.catalog.tests.factories import ProductFactory, StockFactory, WarehouseFactory


def sellable(
    *,
    code: str,
    name: str = "",
    price: str = "2.00",
    carton: int = 6,
    stock: int = 100,
    vat: str = "5.50",
    **kw,
) -> Product:
    """An article sold by the unit and by the carton, with stock in one warehouse."""
    product = ProductFactory(
        code=code, name=name or f"Article {code}", base_price=Decimal(price), vat_rate=Decimal(vat), **kw
    )
    SalesUnit.objects.create(product=product, code="UVC", label="unité", base_quantity=1)
    SalesUnit.objects.create(
        product=product, code="CAR", label=f"carton de {carton}", base_quantity=carton, is_default=True
    )
    if stock is not None:
        StockFactory(product=product, warehouse=WarehouseFactory(), on_hand=stock)
    return product


def unit(product: Product, code: str) -> SalesUnit:
    return product.units.get(code=code)


def stock_of(product: Product) -> Stock:
    return Stock.objects.get(product=product)
