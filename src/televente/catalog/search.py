"""Catalogue text search: code, EAN, name, brand and category words, accent- and case-insensitive."""

from __future__ import annotations

from televente.core.search import TextIndex
from televente.core.text import fold

PRODUCT_INDEX = TextIndex("catalog_product")
install = PRODUCT_INDEX.install  # used by migration 0002
uninstall = PRODUCT_INDEX.uninstall


def build_search_text(product, category_name: str = "") -> str:
    words = fold(
        " ".join(p for p in (product.code, product.ean, product.name, product.brand, category_name) if p)
    ).split()
    return " " + " ".join(dict.fromkeys(words)) + " "
