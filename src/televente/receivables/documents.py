"""Receivables documents rendered to PDF (WeasyPrint): the formal dunning letter and the payment plan."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


def _pdf(template: str, context: dict, language: str) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            template,
            {
                **context,
                "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
                "today": timezone.localdate(),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def dunning_letter_pdf(company, language: str = "fr") -> bytes:
    from .services import overdue_invoices

    invoices = list(overdue_invoices(company))
    total = sum((i.balance for i in invoices), 0)
    return _pdf(
        "receivables/dunning_letter_pdf.html",
        {"company": company, "invoices": invoices, "total": total},
        language,
    )


def payment_plan_pdf(plan, language: str = "fr") -> bytes:
    return _pdf(
        "receivables/payment_plan_pdf.html",
        {
            "plan": plan,
            "company": plan.company,
            "instalments": list(plan.instalments.order_by("position")),
            "invoices": list(plan.invoices.order_by("due_on", "number")),
        },
        language,
    )
