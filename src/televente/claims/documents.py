"""The settlement letter sent to the customer (WeasyPrint): what was decided on their claim."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Settlement


def settlement_pdf(settlement: Settlement, language: str = "fr") -> bytes:
    from weasyprint import HTML

    claim = settlement.claim
    lines = list(claim.lines.select_related("product").order_by("pk"))
    with translation.override(language):
        html = render_to_string(
            "claims/settlement_pdf.html",
            {
                "claim": claim,
                "settlement": settlement,
                "lines": lines,
                "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_settlement(object_id: str, language: str) -> tuple[str, bytes]:
    """For the outbox: the settlement's letter, named after the claim."""
    settlement = (
        Settlement.objects.select_related("claim__company__rep", "claim__order").filter(pk=object_id).first()
    )
    if settlement is None:
        raise LookupError(object_id)
    with translation.override(language):
        name = _("reclamation")  # the file name's first word, in the customer's language
        filename = f"{name}-{settlement.claim.number}.pdf"
    return filename, settlement_pdf(settlement, language)
