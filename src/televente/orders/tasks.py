"""Background work for orders: what follows a confirmation, never done inside the request."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from televente.core.mail import mail_users as _mail_users


@task
def after_confirmation(order_id: int) -> None:
    """Updates the customer's habits (the confirmation email goes through the outbox)."""
    from . import habits
    from .models import Order

    company_id = Order.objects.filter(pk=order_id).values_list("company_id", flat=True).first()
    if company_id is not None:
        habits.refresh([company_id])


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
