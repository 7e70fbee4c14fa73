"""Background work for orders: what follows a confirmation, never done inside the request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


@task
def after_confirmation(order_id: int) -> None:
    """Updates the customer's habits and sends the confirmation email with its PDF."""
    from . import habits
    from .models import Order

    order = Order.objects.select_related("company", "contact", "rep").filter(pk=order_id).first()
    if order is None:
        return
    habits.refresh([order.company_id])
    send_confirmation(order)


def send_confirmation(order) -> bool:
    """To the order contact, unless they refused emails (checked at send time). Filed on the timeline."""
    from televente.customers.choices import InteractionKind
    from televente.customers.services import interaction_record

    from .documents import confirmation_pdf

    contact = order.contact
    if contact is None or not contact.email or not contact.allows("email"):
        return False
    language = contact.language or "fr"
    with translation.override(language):
        context = {
            "order": order,
            "contact": contact,
            "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
        }
        subject = render_to_string("orders/email/confirmation_subject.txt", context).strip()
        body = render_to_string("orders/email/confirmation.txt", context)
        filename = f"{_('commande')}-{order.number}.pdf"
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[contact.email]
    )
    message.attach(filename, confirmation_pdf(order, language), "application/pdf")
    message.send()
    interaction_record(
        company=order.company,
        kind=InteractionKind.DOCUMENT,
        by=order.confirmed_by or order.rep,
        contact=contact,
        subject=_("Confirmation de la commande %(number)s envoyée à %(email)s")
        % {"number": order.number, "email": contact.email},
        reference=f"orders.order:{order.pk}",
        touch_contact=False,
    )
    return True
