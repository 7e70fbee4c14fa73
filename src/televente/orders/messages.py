"""What orders offer the messaging app: the order's template variables, its confirmation document
and the default confirmation email (registered from `OrdersConfig.ready()`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from televente.messaging.defaults import DefaultTemplate, register_default
from televente.messaging.documents import Document, register_document
from televente.messaging.variables import Context, register_context

CONFIRMATION_TEMPLATE = "order_confirmation"
CONFIRMATION_DOCUMENT = "orders.confirmation"


def _values(order) -> dict:
    return {
        "number": order.number,
        "delivery_date": order.delivery_date,
        "total_ht": order.total_ht,
        "total_ttc": order.total_ttc,
        "lines_count": order.lines_count,
        "customer_reference": order.customer_reference,
        "confirmed_at": order.confirmed_at,
    }


def _samples(user):
    from .selectors import visible_orders

    return (
        visible_orders(user)
        .exclude(number="")
        .select_related("company", "contact", "rep")
        .order_by("-confirmed_at", "-pk")
    )


def _render_confirmation(object_id: str, language: str) -> tuple[str, bytes]:
    from django.utils import translation

    from .documents import confirmation_pdf
    from .models import Order

    order = Order.objects.select_related("company", "contact", "rep").filter(pk=object_id).first()
    if order is None:
        raise LookupError(object_id)
    with translation.override(language):
        name = _("commande")  # the file name's first word, in the customer's language
        filename = f"{name}-{order.number}.pdf"
    return filename, confirmation_pdf(order, language)


def register() -> None:
    register_context(
        Context(
            name="order",
            label=gettext_lazy("Une commande"),
            fields={
                "number": gettext_lazy("numéro"),
                "delivery_date": gettext_lazy("date de livraison"),
                "total_ht": gettext_lazy("montant HT"),
                "total_ttc": gettext_lazy("montant TTC"),
                "lines_count": gettext_lazy("nombre de lignes"),
                "customer_reference": gettext_lazy("référence client (bon de commande)"),
                "confirmed_at": gettext_lazy("date de confirmation"),
            },
            values=_values,
            company=lambda order: order.company,
            contact=lambda order: order.contact,
            rep=lambda order: order.rep,
            samples=_samples,
            describe=lambda order: f"{order.number} – {order.company}",
        )
    )
    register_document(
        Document(
            kind=CONFIRMATION_DOCUMENT,
            label=gettext_lazy("Confirmation de commande (PDF)"),
            context="order",
            render=_render_confirmation,
        )
    )
    register_default(
        DefaultTemplate(
            code=CONFIRMATION_TEMPLATE,
            context="order",
            document=CONFIRMATION_DOCUMENT,
            name={"fr": "Confirmation de commande", "en": "Order confirmation"},
            subject={
                "fr": "Confirmation de votre commande {{ order.number }} – {{ seller.name }}",
                "en": "Your order {{ order.number }} is confirmed – {{ seller.name }}",
            },
            body={
                "fr": (
                    "Bonjour {{ contact.greeting }},\n\n"
                    "Nous vous confirmons votre commande {{ order.number }}, livrée le {{ order.delivery_date }}.\n"
                    "Montant : {{ order.total_ht }} HT, {{ order.total_ttc }} TTC.\n\n"
                    "Le détail est dans le document joint. Merci de votre confiance.\n\n"
                    "{{ rep.full_name }}\n{{ seller.name }}"
                ),
                "en": (
                    "Dear {{ contact.greeting }},\n\n"
                    "We confirm your order {{ order.number }}, delivered on {{ order.delivery_date }}.\n"
                    "Amount: {{ order.total_ht }} excl. VAT, {{ order.total_ttc }} incl. VAT.\n\n"
                    "The details are in the attached document. Thank you for your trust.\n\n"
                    "{{ rep.full_name }}\n{{ seller.name }}"
                ),
            },
        )
    )
