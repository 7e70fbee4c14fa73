"""What claims offer the messaging app: the claim's template variables, the settlement letter and a
default template (registered from `ClaimsConfig.ready()`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from televente.messaging.defaults import DefaultTemplate, register_default
from televente.messaging.documents import Document, register_document
from televente.messaging.variables import Context, register_context

SETTLEMENT_DOCUMENT = "claims.settlement"


def _values(claim) -> dict:
    return {
        "number": claim.number,
        "type": claim.get_claim_type_display(),
        "received_date": claim.created_at,
        "due_date": claim.due_at.date() if claim.due_at else None,
        "order_number": claim.order.number if claim.order_id else "",
        "amount": claim.amount,
        "status": claim.get_status_display(),
    }


def _samples(user):
    from .models import Claim

    return (
        Claim.objects.visible_to(user).select_related("company", "contact", "order").order_by("-created_at")
    )


def register() -> None:
    from .documents import render_settlement

    register_context(
        Context(
            name="claim",
            label=gettext_lazy("Une réclamation"),
            fields={
                "number": gettext_lazy("numéro"),
                "type": gettext_lazy("type"),
                "received_date": gettext_lazy("date de réception"),
                "due_date": gettext_lazy("date de réponse promise"),
                "order_number": gettext_lazy("commande concernée"),
                "amount": gettext_lazy("montant en cause"),
                "status": gettext_lazy("état"),
            },
            values=_values,
            company=lambda claim: claim.company,
            contact=lambda claim: claim.contact,
            samples=_samples,
            describe=lambda claim: f"{claim.number} – {claim.company}",
        )
    )
    # The letter renders a settlement, chosen by the claim's person when they tell the customer; the
    # document is offered to templates about claims only through that notice (not by a template).
    register_document(
        Document(
            kind=SETTLEMENT_DOCUMENT,
            label=gettext_lazy("Règlement de réclamation (PDF)"),
            context="settlement",
            render=render_settlement,
        )
    )
    register_default(
        DefaultTemplate(
            code="claim_received",
            context="claim",
            name={"fr": "Accusé de réception de réclamation", "en": "Claim acknowledgement"},
            subject={
                "fr": "Votre réclamation {{ claim.number }} – {{ seller.name }}",
                "en": "Your claim {{ claim.number }} – {{ seller.name }}",
            },
            body={
                "fr": (
                    "Bonjour {{ contact.greeting }},\n\n"
                    "Nous avons bien enregistré votre réclamation {{ claim.number }} ({{ claim.type }}).\n"
                    "Elle est confiée au service compétent ; vous aurez notre réponse au plus tard le "
                    "{{ claim.due_date }}.\n\n"
                    "Nous vous prions de nous excuser pour ce désagrément.\n\n{{ rep.full_name }}\n{{ seller.name }}"
                ),
                "en": (
                    "Dear {{ contact.greeting }},\n\n"
                    "We have registered your claim {{ claim.number }} ({{ claim.type }}).\n"
                    "It is with the department in charge; you will have our answer by {{ claim.due_date }} at "
                    "the latest.\n\n"
                    "We apologise for the inconvenience.\n\n{{ rep.full_name }}\n{{ seller.name }}"
                ),
            },
        )
    )
