"""What receivables offer the messaging app: variables about a customer's overdue debt ("dunning")
and a payment plan, the dunning letter and the payment plan as PDF, and the default templates."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from televente.core.templatetags.televente import money
from televente.messaging.defaults import DefaultTemplate, register_default
from televente.messaging.documents import Document, register_document
from televente.messaging.variables import Context, register_context


def _dunning_values(company) -> dict:
    from .services import overdue_invoices

    today = timezone.localdate()
    invoices = list(overdue_invoices(company, today))
    lines = [
        _("%(number)s du %(issued)s, échue le %(due)s : %(balance)s")
        % {
            "number": i.number,
            "issued": i.issued_on.strftime("%d/%m/%Y"),
            "due": i.due_on.strftime("%d/%m/%Y"),
            "balance": money(i.balance),
        }
        for i in invoices
    ]
    return {
        "overdue_amount": sum((i.balance for i in invoices), Decimal("0")),
        "outstanding": company.outstanding,
        "invoices": "\n".join(lines),
        "invoices_count": len(invoices),
        "oldest_due_date": invoices[0].due_on if invoices else None,
        "days_overdue": (today - invoices[0].due_on).days if invoices else 0,
    }


def _plan_values(plan) -> dict:
    instalments = list(plan.instalments.order_by("position"))
    return {
        "number": plan.number,
        "total": plan.total,
        "instalments_count": len(instalments),
        "instalments": "\n".join(
            f"{i.position}. {i.due_on.strftime('%d/%m/%Y')} : {money(i.amount)}" for i in instalments
        ),
        "first_due_date": instalments[0].due_on if instalments else None,
        "invoices": ", ".join(plan.invoices.order_by("number").values_list("number", flat=True)),
    }


def _dunning_samples(user):
    from televente.customers.models import Company

    from .choices import InvoiceStatus

    return (
        Company.objects.visible_to(user)
        .filter(invoices__status=InvoiceStatus.OPEN, invoices__due_on__lt=timezone.localdate())
        .distinct()
        .order_by("-outstanding")
    )


def _plan_samples(user):
    from televente.customers.models import Company

    from .models import PaymentPlan

    return PaymentPlan.objects.filter(company__in=Company.objects.visible_to(user)).select_related("company")


def _render_letter(object_id: str, language: str) -> tuple[str, bytes]:
    from televente.customers.models import Company

    from .documents import dunning_letter_pdf

    company = Company.objects.filter(pk=object_id).first()
    if company is None:
        raise LookupError(object_id)
    with translation.override(language):
        name = _("relance")  # the file name's first word, in the customer's language
        filename = f"{name}-{timezone.localdate():%Y%m%d}-{company.pk}.pdf"
    return filename, dunning_letter_pdf(company, language)


def _render_plan(object_id: str, language: str) -> tuple[str, bytes]:
    from .documents import payment_plan_pdf
    from .models import PaymentPlan

    plan = PaymentPlan.objects.select_related("company").filter(pk=object_id).first()
    if plan is None:
        raise LookupError(object_id)
    with translation.override(language):
        name = _("echeancier")  # the file name's first word, in the customer's language
        filename = f"{name}-{plan.number}.pdf"
    return filename, payment_plan_pdf(plan, language)


SIGNATURE = "\n\n{{ rep.full_name }}\n{{ seller.name }}"


def register() -> None:
    register_context(
        Context(
            name="dunning",
            label=gettext_lazy("Les impayés d'un client"),
            fields={
                "overdue_amount": gettext_lazy("montant échu"),
                "outstanding": gettext_lazy("encours total"),
                "invoices": gettext_lazy("liste des factures échues"),
                "invoices_count": gettext_lazy("nombre de factures échues"),
                "oldest_due_date": gettext_lazy("plus ancienne échéance"),
                "days_overdue": gettext_lazy("jours de retard"),
            },
            values=_dunning_values,
            company=lambda company: company,
            contact=lambda company: None,
            samples=_dunning_samples,
            describe=str,
        )
    )
    register_context(
        Context(
            name="payment_plan",
            label=gettext_lazy("Un échéancier"),
            fields={
                "number": gettext_lazy("numéro"),
                "total": gettext_lazy("montant total"),
                "instalments_count": gettext_lazy("nombre d'échéances"),
                "instalments": gettext_lazy("liste des échéances"),
                "first_due_date": gettext_lazy("première échéance"),
                "invoices": gettext_lazy("factures concernées"),
            },
            values=_plan_values,
            company=lambda plan: plan.company,
            contact=lambda plan: None,
            samples=_plan_samples,
            describe=lambda plan: f"{plan.number} – {plan.company}",
        )
    )
    register_document(
        Document(
            kind="receivables.dunning_letter",
            label=gettext_lazy("Lettre de relance / mise en demeure (PDF)"),
            context="dunning",
            render=_render_letter,
        )
    )
    register_document(
        Document(
            kind="receivables.payment_plan",
            label=gettext_lazy("Échéancier (PDF)"),
            context="payment_plan",
            render=_render_plan,
        )
    )
    register_default(
        DefaultTemplate(
            code="dunning_reminder",
            context="dunning",
            name={"fr": "Relance amiable", "en": "Payment reminder"},
            subject={
                "fr": "Factures échues : {{ dunning.overdue_amount }} – {{ seller.name }}",
                "en": "Overdue invoices: {{ dunning.overdue_amount }} – {{ seller.name }}",
            },
            body={
                "fr": "Bonjour {{ contact.greeting }},\n\nSauf erreur de notre part, les factures suivantes "
                "restent impayées :\n{{ dunning.invoices }}\n\nMontant échu : {{ dunning.overdue_amount }}.\n"
                "Merci de procéder à leur règlement ou de nous appeler si vous rencontrez une difficulté ; "
                "si votre paiement est parti, ne tenez pas compte de ce message." + SIGNATURE,
                "en": "Dear {{ contact.greeting }},\n\nUnless we are mistaken, the following invoices are "
                "still unpaid:\n{{ dunning.invoices }}\n\nAmount overdue: {{ dunning.overdue_amount }}.\n"
                "Please settle them or call us if anything is wrong; if your payment is on its way, please "
                "disregard this message." + SIGNATURE,
            },
        )
    )
    register_default(
        DefaultTemplate(
            code="dunning_reminder",
            channel="sms",
            context="dunning",
            name={"fr": "Relance amiable (SMS)", "en": "Payment reminder (SMS)"},
            subject={"fr": "", "en": ""},
            body={
                "fr": "{{ seller.name }} : {{ dunning.invoices_count }} facture(s) échue(s), "
                "{{ dunning.overdue_amount }}. Merci de nous appeler si besoin. {{ rep.full_name }}",
                "en": "{{ seller.name }}: {{ dunning.invoices_count }} overdue invoice(s), "
                "{{ dunning.overdue_amount }}. Please call us if needed. {{ rep.full_name }}",
            },
        )
    )
    register_default(
        DefaultTemplate(
            code="dunning_letter",
            context="dunning",
            document="receivables.dunning_letter",
            name={"fr": "Mise en demeure", "en": "Formal notice"},
            subject={
                "fr": "Mise en demeure de payer – {{ customer.legal_name }}",
                "en": "Formal notice to pay – {{ customer.legal_name }}",
            },
            body={
                "fr": "Bonjour {{ contact.greeting }},\n\nMalgré nos relances, {{ dunning.overdue_amount }} "
                "restent impayés depuis le {{ dunning.oldest_due_date }}. Vous trouverez ci-joint notre "
                "mise en demeure de payer sous huit jours." + SIGNATURE,
                "en": "Dear {{ contact.greeting }},\n\nDespite our reminders, {{ dunning.overdue_amount }} "
                "remain unpaid since {{ dunning.oldest_due_date }}. Please find attached our formal notice "
                "to pay within eight days." + SIGNATURE,
            },
        )
    )
    register_default(
        DefaultTemplate(
            code="payment_plan",
            context="payment_plan",
            document="receivables.payment_plan",
            name={"fr": "Échéancier pour accord", "en": "Payment plan for agreement"},
            subject={
                "fr": "Votre échéancier {{ payment_plan.number }} – {{ seller.name }}",
                "en": "Your payment plan {{ payment_plan.number }} – {{ seller.name }}",
            },
            body={
                "fr": "Bonjour {{ contact.greeting }},\n\nComme convenu au téléphone, voici l'échéancier "
                "de {{ payment_plan.total }} en {{ payment_plan.instalments_count }} échéances :\n"
                "{{ payment_plan.instalments }}\n\nMerci de nous retourner le document ci-joint signé, ou "
                "de répondre à ce message pour donner votre accord." + SIGNATURE,
                "en": "Dear {{ contact.greeting }},\n\nAs agreed on the phone, here is the payment plan of "
                "{{ payment_plan.total }} in {{ payment_plan.instalments_count }} instalments:\n"
                "{{ payment_plan.instalments }}\n\nPlease return the attached document signed, or reply to "
                "this message to give your agreement." + SIGNATURE,
            },
        )
    )
