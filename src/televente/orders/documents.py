"""Order documents rendered to PDF (WeasyPrint): the confirmation sent to the customer."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Order


def confirmation_context(order: Order) -> dict:
    lines = list(order.lines.select_related("product", "unit", "replaces").order_by("position", "pk"))
    return {
        "order": order,
        "company": order.company,
        "lines": lines,
        "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
    }


def confirmation_pdf(order: Order, language: str = "fr") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string("orders/confirmation_pdf.html", confirmation_context(order))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
