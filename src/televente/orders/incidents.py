"""Delivery incidents (seed 001 A3.6): reported by whoever hears of it (the rep on the phone, the
warehouse, the ERP), answered by the responsible service, told to the customer, resolved.

Writes follow the services' rules (keyword-only, atomic, `DomainError` with a French sentence,
messages sent after commit); the reads for the screens are at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.permissions import is_in_service
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import emit
from televente.customers.choices import InteractionKind, Outcome
from televente.customers.models import Company, Contact
from televente.customers.services import interaction_record
from televente.messaging.services import message_queue

from .choices import AlertChannel, IncidentCause, IncidentImpact, IncidentStatus, IncidentType, OrderStatus
from .models import DeliveryIncident, Order, OrderEvent

# A late delivery goes to logistics, a wrong product to the warehouse that picked it... the reporter
# may change it; this is the first guess shown on the form.
DEFAULT_SERVICE = {
    IncidentType.LATE: BackOfficeService.LOGISTICS,
    IncidentType.NOT_DELIVERED: BackOfficeService.LOGISTICS,
    IncidentType.MISSING: BackOfficeService.LOGISTICS,
    IncidentType.DAMAGED: BackOfficeService.QUALITY,
    IncidentType.WRONG_PRODUCT: BackOfficeService.LOGISTICS,
    IncidentType.WRONG_QUANTITY: BackOfficeService.SALES_ADMIN,
    IncidentType.OTHER: BackOfficeService.SALES_ADMIN,
}
REPORTABLE = (OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def _visible(incident_or_order, by) -> bool:
    company_id = incident_or_order.company_id
    return Company.objects.visible_to(by).filter(pk=company_id).exists()


def can_decide(incident: DeliveryIncident, by) -> bool:
    """The responsible service validates the solution (the admin may stand in)."""
    return is_in_service(by, incident.service)


def can_handle(incident: DeliveryIncident, by) -> bool:
    """Tell the customer, propose a solution, close: the reporter, the customer's reps, the service,
    supervisors and the admin: anyone who sees the customer, except another back-office service."""
    if getattr(by, "role", None) == Role.BACK_OFFICE and not by.is_superuser:
        return can_decide(incident, by) or incident.reported_by_id == by.pk
    return _visible(incident, by)


@transaction.atomic
def incident_open(
    *,
    order: Order,
    by,
    kind: str,
    service: str = "",
    cause: str = IncidentCause.UNKNOWN,
    impact: str = IncidentImpact.MAJOR,
    description: str = "",
    proposed_solution: str = "",
    line_ids: Iterable[int] = (),
) -> DeliveryIncident:
    """Records an incident on a confirmed order and tells the responsible service."""
    if not _visible(order, by):
        raise PermissionRefused(_("Vous ne voyez pas ce client."))
    if order.status not in REPORTABLE:
        raise DomainError(_("Un incident de livraison se signale sur une commande confirmée."))
    if kind not in IncidentType.values:
        raise DomainError(_("Choisissez le type d'incident."), field="kind")
    service = service or DEFAULT_SERVICE[kind]
    if service not in BackOfficeService.values:
        raise DomainError(_("Choisissez le service responsable."), field="service")
    if cause not in IncidentCause.values:
        raise DomainError(_("Cause inconnue."), field="cause")
    if impact not in IncidentImpact.values:
        raise DomainError(_("Impact inconnu."), field="impact")
    line_ids = set(line_ids)
    lines = list(order.lines.filter(pk__in=line_ids))
    if len(lines) != len(line_ids):
        raise DomainError(_("Ces lignes n'appartiennent pas à la commande."), field="lines")
    if kind in (IncidentType.MISSING, IncidentType.DAMAGED, IncidentType.WRONG_PRODUCT) and not lines:
        raise DomainError(_("Cochez les lignes concernées."), field="lines")
    incident = DeliveryIncident.objects.create(
        order=order,
        company_id=order.company_id,
        kind=kind,
        service=service,
        cause=cause,
        impact=impact,
        description=description.strip(),
        proposed_solution=proposed_solution.strip()[:300],
        reported_by=by,
    )
    incident.lines.set(lines)
    label = IncidentType(kind).label
    OrderEvent.objects.create(
        order=order, status=order.status, by=by, note=_("Incident signalé : %(kind)s") % {"kind": label}
    )
    interaction_record(
        company=order.company,
        kind=InteractionKind.NOTE,
        by=by,
        subject=_("Incident de livraison (%(kind)s) sur la commande %(number)s")
        % {"kind": label, "number": order.number},
        notes=incident.description,
        reference=f"orders.incident:{incident.pk}",
        touch_contact=False,
    )
    emit(
        "order.incident",
        company_id=order.company_id,
        reference=f"orders.incident:{incident.pk}",
        key=f"incident:{incident.pk}",
        incident_type=kind,
        order=order.number,
    )
    from . import tasks

    transaction.on_commit(partial(tasks.notify_incident_service.enqueue, incident.pk))
    return incident


def _locked(incident: DeliveryIncident) -> DeliveryIncident:
    return DeliveryIncident.objects.select_for_update().select_related("order", "company").get(pk=incident.pk)


@transaction.atomic
def incident_propose_solution(*, incident: DeliveryIncident, by, solution: str) -> DeliveryIncident:
    """A new proposal; it waits for the service's validation again."""
    incident = _locked(incident)
    if not can_handle(incident, by):
        raise PermissionRefused(_("Vous ne traitez pas cet incident."))
    if not incident.is_open:
        raise DomainError(_("Cet incident est résolu."))
    if not solution.strip():
        raise DomainError(_("Décrivez la solution proposée."), field="solution")
    incident.proposed_solution = solution.strip()[:300]
    incident.status = IncidentStatus.OPEN
    incident.solution_validated_by = incident.solution_validated_at = None
    incident.save()
    return incident


@transaction.atomic
def incident_decide(
    *, incident: DeliveryIncident, by, approve: bool, note: str = "", solution: str = ""
) -> DeliveryIncident:
    """The responsible service validates the solution (possibly reworded) or refuses it, saying why."""
    incident = _locked(incident)
    if not can_decide(incident, by):
        raise PermissionRefused(
            _("Seul le service %(service)s valide la solution.")
            % {"service": BackOfficeService(incident.service).label}
        )
    if not incident.is_open:
        raise DomainError(_("Cet incident est résolu."))
    if solution.strip():
        incident.proposed_solution = solution.strip()[:300]
    if approve:
        if not incident.proposed_solution:
            raise DomainError(_("Écrivez la solution que le service valide."), field="solution")
        incident.status = IncidentStatus.VALIDATED
        incident.solution_validated_by, incident.solution_validated_at = by, timezone.now()
    else:
        if not note.strip():
            raise DomainError(_("Dites pourquoi la solution est refusée."), field="note")
        incident.status = IncidentStatus.OPEN
        incident.solution_validated_by = incident.solution_validated_at = None
    incident.solution_note = note.strip()[:300]
    incident.save()
    OrderEvent.objects.create(
        order=incident.order,
        status=incident.order.status,
        by=by,
        note=(
            _("Solution validée : %(s)s") % {"s": incident.proposed_solution}
            if approve
            else _("Solution refusée : %(n)s") % {"n": note.strip()}
        )[:250],
    )
    return incident


def alert_text(incident: DeliveryIncident, contact: Contact | None, language: str = "fr") -> str:
    """The customer's message from the template, shown to the person who may reword it."""
    with translation.override(language):
        return render_to_string(
            "orders/email/incident_alert.txt",
            {"incident": incident, "order": incident.order, "contact": contact},
        ).strip()


@transaction.atomic
def incident_alert_customer(
    *, incident: DeliveryIncident, by, channel: str, message: str, contact: Contact | None = None
) -> DeliveryIncident:
    """Tells the customer: an email (queued, sent after commit, opt-out checked again at send
    time) or a phone call made now. Either way it is filed on the customer's timeline."""
    incident = _locked(incident)
    if not can_handle(incident, by):
        raise PermissionRefused(_("Vous ne traitez pas cet incident."))
    if contact is not None and contact.company_id != incident.company_id:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    if not message.strip():
        raise DomainError(_("Le message au client est vide."), field="message")
    if channel == AlertChannel.EMAIL:
        if contact is None or not contact.email:
            raise DomainError(_("Choisissez un interlocuteur qui a une adresse e-mail."), field="contact")
        if not contact.allows("email"):
            raise DomainError(
                _("Cet interlocuteur refuse les e-mails : prévenez-le par téléphone."), field="contact"
            )
    elif channel != AlertChannel.PHONE:
        raise DomainError(_("Choisissez comment le client est prévenu."), field="channel")
    incident.customer_alerted_at, incident.customer_alerted_by = timezone.now(), by
    incident.alert_channel = channel
    incident.save()
    subject = _("Client prévenu de l'incident sur la commande %(number)s") % {"number": incident.order.number}
    if channel == AlertChannel.EMAIL:
        # Through the outbox, in this transaction: the opt-out is checked again when it leaves, and
        # it is filed on the timeline once sent.
        with translation.override(contact.language or "fr"):
            email_subject = render_to_string(
                "orders/email/incident_alert_subject.txt", {"order": incident.order}
            ).strip()
        message_queue(
            channel="email",
            contact=contact,
            subject=email_subject,
            body=message.strip(),
            by=by,
            reference=f"orders.incident:{incident.pk}",
            timeline_subject=subject,
        )
    else:
        interaction_record(
            company=incident.company,
            kind=InteractionKind.CALL_OUT,
            by=by,
            contact=contact,
            outcome=Outcome.INFORMATION,
            subject=subject,
            notes=message.strip(),
            reference=f"orders.incident:{incident.pk}",
        )
    return incident


@transaction.atomic
def incident_resolve(*, incident: DeliveryIncident, by, resolution: str) -> DeliveryIncident:
    incident = _locked(incident)
    if not can_handle(incident, by):
        raise PermissionRefused(_("Vous ne traitez pas cet incident."))
    if not incident.is_open:
        return incident  # already closed: closing twice changes nothing
    if not resolution.strip():
        raise DomainError(_("Dites comment l'incident a été résolu."), field="resolution")
    incident.status = IncidentStatus.RESOLVED
    incident.resolution = resolution.strip()[:300]
    incident.resolved_at, incident.resolved_by = timezone.now(), by
    incident.save()
    OrderEvent.objects.create(
        order=incident.order,
        status=incident.order.status,
        by=by,
        note=(_("Incident résolu : %(r)s") % {"r": incident.resolution})[:250],
    )
    return incident


# Reads ---------------------------------------------------------------------------------------------------------------


def visible_incidents(user):
    return DeliveryIncident.objects.filter(company__in=Company.objects.visible_to(user))


def incident_for(*, user, pk: int) -> DeliveryIncident:
    return get_object_or_404(
        visible_incidents(user).select_related(
            "order", "order__contact", "company", "reported_by", "solution_validated_by", "resolved_by"
        ),
        pk=pk,
    )


def incident_list(*, user, status: str = "", service: str = "", kind: str = "", limit: int = 200):
    qs = visible_incidents(user).select_related("order", "company", "reported_by")
    if status == "open":
        qs = qs.exclude(status=IncidentStatus.RESOLVED)
    elif status in IncidentStatus.values:
        qs = qs.filter(status=status)
    if service:
        qs = qs.filter(service=service)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("status", "-created_at")[:limit]


def order_incidents(order: Order) -> list[DeliveryIncident]:
    return list(order.incidents.select_related("reported_by").prefetch_related("lines__product"))
