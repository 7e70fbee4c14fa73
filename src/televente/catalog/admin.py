"""Catalogue management for product managers and admins (Django's admin for now)."""

from django.contrib import admin

from .models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    Product,
    ProductLink,
    Promotion,
    QuantityBreak,
    Receipt,
    SalesUnit,
    Stock,
    Warehouse,
)


class SalesUnitInline(admin.TabularInline):
    model = SalesUnit
    extra = 0


class StockInline(admin.TabularInline):
    model = Stock
    extra = 0


class LinkInline(admin.TabularInline):
    model = ProductLink
    fk_name = "product"
    extra = 0
    raw_id_fields = ("target",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "brand", "category", "status", "base_price")
    list_filter = ("status", "category")
    search_fields = ("code", "ean", "name", "brand")
    inlines = [SalesUnitInline, StockInline, LinkInline]
    readonly_fields = ("search_text",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent")


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0
    raw_id_fields = ("product",)


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ("name", "segment", "valid_from", "valid_until", "is_active")
    inlines = [PriceListItemInline]


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("name", "mechanic", "valid_from", "valid_until", "budget", "spent")
    filter_horizontal = ("segments", "categories")
    raw_id_fields = ("companies", "products")


admin.site.register([Warehouse, Receipt, QuantityBreak, CustomerPrice])
