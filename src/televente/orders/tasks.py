"""Background work for orders: what follows a confirmation, never done inside the request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from televente.core.mail import mail_users as _mail_users


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


@task
def notify_incident_service(incident_id: int) -> int:
    """Tells the responsible service that an incident waits for its solution."""
    from televente.accounts.models import User

    from .models import DeliveryIncident

    incident = (
        DeliveryIncident.objects.select_related("order", "company", "reported_by")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        return 0
    users = User.objects.filter(is_active=True, role="back_office", service=incident.service)
    with translation.override("fr"):
        subject = _("Incident de livraison sur la commande %(number)s") % {"number": incident.order.number}
    return _mail_users(users, subject, "orders/email/incident_service.txt", {"incident": incident})


@task
def send_incident_alert(incident_id: int, contact_id: int, message: str) -> bool:
    """The customer's notice, checked again at send time (the contact may have opted out since)."""
    from televente.customers.models import Contact

    from .models import DeliveryIncident

    incident = DeliveryIncident.objects.select_related("order").filter(pk=incident_id).first()
    contact = Contact.objects.filter(pk=contact_id).first()
    if incident is None or contact is None or not contact.email or not contact.allows("email"):
        return False
    with translation.override(contact.language or "fr"):
        subject = render_to_string(
            "orders/email/incident_alert_subject.txt", {"order": incident.order}
        ).strip()
    EmailMessage(
        subject=subject, body=message, from_email=settings.DEFAULT_FROM_EMAIL, to=[contact.email]
    ).send()
    return True


@task
def notify_discount(order_id: int, decided: bool) -> int:
    """A request goes to the team's supervisor; a decision goes back to the rep who asked."""
    from televente.accounts.models import User

    from .models import Order

    order = (
        Order.objects.select_related("company", "rep", "team__supervisor", "discount_approval_by")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return 0
    if decided:
        users = [order.rep] if order.rep else []
    else:
        supervisor = order.team.supervisor if order.team and order.team.supervisor_id else None
        users = [supervisor] if supervisor else list(User.objects.filter(is_active=True, role="admin"))
    with translation.override("fr"):
        subject = _("Remise sur la commande de %(company)s") % {"company": order.company.display_name}
    return _mail_users(
        users, subject, "orders/email/discount_notice.txt", {"order": order, "decided": decided}
    )
