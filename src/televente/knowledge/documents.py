"""What a commercial document contains when it is sent: the uploaded PDF, or for a technical sheet
the product's sheet rendered now (WeasyPrint), so the customer always gets the current sheet."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import CommercialDocument


def technical_sheet_pdf(product, language: str = "fr") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "knowledge/technical_sheet.html",
            {
                "product": product,
                "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
                "today": timezone.localdate(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def document_content(document: CommercialDocument, language: str = "fr") -> tuple[str, bytes, str]:
    """(file name, bytes, content type) of a document as it is attached to an email."""
    if document.product_id and not document.file:
        product = document.product
        with translation.override(language):
            name = _("fiche-technique")  # the file name's first word, in the customer's language
        return (
            f"{name}-{slugify(product.code)}.pdf",
            technical_sheet_pdf(product, language),
            "application/pdf",
        )
    with document.file.open("rb") as handle:
        content = handle.read()
    filename = f"{slugify(document.title) or 'document'}.pdf"
    return filename, content, "application/pdf"
