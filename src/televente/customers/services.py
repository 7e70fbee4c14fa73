"""Writes on the customer file. Every change is attributable (auditlog) and shows on the timeline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.accounts.permissions import is_supervisor_or_admin
from televente.core.errors import DomainError, PermissionRefused
from televente.core.phones import to_e164
from televente.core.text import fold

from .choices import (
    Channel,
    CompanyStatus,
    ConsentSource,
    Engagement,
    GdprAction,
    InteractionKind,
    Outcome,
    PhoneLabel,
)
from .models import (
    CONTACT_EDITABLE_FIELDS,
    CallWindow,
    ClosurePeriod,
    Company,
    CompanyHabits,
    ConsentEvent,
    Contact,
    DeliveryAddress,
    GdprLog,
    Interaction,
    Phone,
    SavedFilter,
)
from .search import build_search_text
from .signals import company_merged

COMPANY_FIELDS = {
    "legal_name",
    "trade_name",
    "siret",
    "vat_number",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "country",
    "zone",
    "segment",
    "size",
    "employees",
    "seats",
    "annual_revenue",
    "status",
    "engagement",
    "buying_motives",
    "potential",
    "needs",
    "competitor",
    "rep",
    "field_rep",
    "payment_terms",
    "credit_limit",
    "preferred_channel",
    "delivery_weekdays",
    "call_frequency",
    "call_every_n_weeks",
    "notes",
}
CONTACT_FIELDS = set(CONTACT_EDITABLE_FIELDS)
CONTACT_KINDS = {
    InteractionKind.CALL_OUT,
    InteractionKind.CALL_IN,
    InteractionKind.EMAIL,
    InteractionKind.VISIT,
}


def _trace(company: Company, by: User | None, subject: str, contact: Contact | None = None) -> Interaction:
    """A change to the file, on its timeline (who, when, what)."""
    return interaction_record(
        company=company,
        kind=InteractionKind.SYSTEM,
        by=by,
        subject=subject,
        contact=contact,
        touch_contact=False,
    )


def _check_can_edit(company: Company, by: User) -> None:
    if not Company.objects.editable_by(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas modifier cette fiche."))


def _check_assignment(rep: User | None, field_rep: User | None, by: User) -> None:
    people = [p for p in (rep, field_rep) if p is not None]
    if people and not by.is_admin_role:
        visible = set(
            User.objects.visible_to(by).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
        )
        if any(p.pk not in visible for p in people):
            raise PermissionRefused(_("Vous ne pouvez confier une fiche qu'à une personne de vos équipes."))
    if rep is not None and rep.role != Role.REP:
        raise DomainError(_("Le télévendeur assigné doit avoir le rôle télévendeur."), field="rep")
    if field_rep is not None and field_rep.role != Role.FIELD_REP:
        raise DomainError(_("Le commercial itinérant assigné doit avoir ce rôle."), field="field_rep")


def _apply(company: Company, data: Mapping[str, Any]) -> list[str]:
    """Set the known fields; return the verbose names of those that changed."""
    changed = []
    for name, value in data.items():
        if name not in COMPANY_FIELDS:
            continue
        if getattr(company, name) != value:
            setattr(company, name, value)
            changed.append(str(Company._meta.get_field(name).verbose_name))
    return changed


def _finish_company(company: Company) -> None:
    company.sort_name = fold(company.display_name)[:160]
    company.siren = company.siret[:9] if company.siret else ""
    if company.rep_id:
        company.team_id = company.rep.team_id
        if company.field_rep_id is None and company.rep.paired_field_rep_id:
            company.field_rep_id = company.rep.paired_field_rep_id


def company_refresh_search(*, company: Company) -> None:
    contacts = list(company.contacts.all()) if company.pk else []
    phones = list(company.phones.all()) if company.pk else []
    text = build_search_text(company, contacts, phones)
    if company.search_text != text:
        company.search_text = text
        if company.pk:
            Company.objects.filter(pk=company.pk).update(search_text=text)


@transaction.atomic
def company_create(*, by: User, data: Mapping[str, Any], phones: Iterable[tuple[str, str]] = ()) -> Company:
    if by.role == Role.BACK_OFFICE and not by.is_superuser:
        raise PermissionRefused(_("Le back office consulte les fiches mais ne les crée pas."))
    data = dict(data)
    if by.role == Role.REP and not data.get("rep"):
        data["rep"] = by  # a rep's new prospect lands in their own portfolio
    _check_assignment(data.get("rep"), data.get("field_rep"), by)
    company = Company()
    _apply(company, data)
    _finish_company(company)
    if by.role == Role.SUPERVISOR and company.team_id is None:
        company.team = by.led_teams.order_by("pk").first()
    company.full_clean(exclude=["sort_name", "search_text"])
    with set_actor(by):
        company.save()
        for label, raw in phones:
            _phone_add(company=company, contact=None, label=label, raw=raw)
    company_refresh_search(company=company)
    _trace(company, by, _("Fiche créée"))
    return company


@transaction.atomic
def company_update(*, company: Company, by: User, data: Mapping[str, Any]) -> Company:
    _check_can_edit(company, by)
    company = Company.objects.select_for_update().get(pk=company.pk)
    _check_assignment(data.get("rep", company.rep), data.get("field_rep", company.field_rep), by)
    old_status = company.status
    changed = _apply(company, data)
    if not changed:
        return company
    if company.status != old_status:
        company.status_changed_at = timezone.now()
    _finish_company(company)
    company.full_clean(exclude=["sort_name", "search_text"])
    with set_actor(by):
        company.save()
    company_refresh_search(company=company)
    _trace(company, by, _("Fiche modifiée : %(fields)s") % {"fields": ", ".join(changed)})
    return company


def company_convert_to_customer(*, company: Company, by: User) -> Company:
    """A prospect's first order or agreement: it becomes a customer and keeps its whole history."""
    if not company.is_prospect:
        raise DomainError(_("Seul un prospect peut être converti en client."))
    return company_update(
        company=company, by=by, data={"status": CompanyStatus.CUSTOMER, "engagement": Engagement.FIRST_ORDER}
    )


def _phone_add(*, company: Company, contact: Contact | None, label: str, raw: str) -> Phone | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    e164 = to_e164(raw)
    if e164 is None:
        raise DomainError(
            _("Le numéro « %(raw)s » n'est pas un numéro de téléphone valide.") % {"raw": raw}, field="phone"
        )
    return Phone.objects.create(company=company, contact=contact, label=label or PhoneLabel.OFFICE, e164=e164)


@transaction.atomic
def company_phones_set(*, company: Company, by: User, phones: Iterable[tuple[str, str]]) -> None:
    """Replace the company's own numbers (switchboard...), not its contacts'."""
    _check_can_edit(company, by)
    with set_actor(by):
        company.phones.filter(contact__isnull=True).delete()
        for label, raw in phones:
            _phone_add(company=company, contact=None, label=label, raw=raw)
    company_refresh_search(company=company)


@transaction.atomic
def contact_save(
    *,
    company: Company,
    by: User,
    data: Mapping[str, Any],
    phones: Iterable[tuple[str, str]] | None = None,
    contact: Contact | None = None,
) -> Contact:
    """Create or update a contact with its phones (replaced when given)."""
    _check_can_edit(company, by)
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."))
    if contact is not None and contact.anonymised_at:
        raise DomainError(_("Cet interlocuteur a été anonymisé : il ne peut plus être modifié."))
    creating = contact is None
    contact = contact or Contact(company=company)
    for name, value in data.items():
        if name in CONTACT_FIELDS:
            setattr(contact, name, value)
    contact.full_clean()
    with set_actor(by):
        contact.save()
        if phones is not None:
            contact.phones.all().delete()
            for label, raw in phones:
                _phone_add(company=company, contact=contact, label=label, raw=raw)
    company_refresh_search(company=company)
    _trace(
        company,
        by,
        (_("Interlocuteur ajouté : %(name)s") if creating else _("Interlocuteur modifié : %(name)s"))
        % {"name": contact},
        contact=contact,
    )
    return contact


@transaction.atomic
def contact_set_consent(
    *,
    contact: Contact,
    by: User,
    channel: str,
    granted: bool,
    source: str = ConsentSource.PHONE_CALL,
    note: str = "",
) -> ConsentEvent:
    """Record consent or opt-out for a channel; an opt-out is obeyed by every feature from now on."""
    _check_can_edit(contact.company, by)
    if channel not in Channel.values:
        raise DomainError(_("Canal inconnu."), field="channel")
    event = ConsentEvent.objects.create(
        contact=contact, channel=channel, granted=granted, source=source, note=note, recorded_by=by
    )
    with set_actor(by):
        setattr(contact, f"opt_out_{channel}", not granted)
        contact.save(update_fields=[f"opt_out_{channel}", "updated_at"])
    label = dict(Channel.choices)[channel]
    _trace(
        contact.company,
        by,
        (_("%(name)s accepte : %(channel)s") if granted else _("%(name)s refuse : %(channel)s"))
        % {"name": contact, "channel": label},
        contact=contact,
    )
    return event


@transaction.atomic
def call_windows_set(
    *, company: Company, by: User, windows: Iterable[tuple[int, time, time]]
) -> list[CallWindow]:
    """Replace the call windows; overlapping windows on one day are refused."""
    _check_can_edit(company, by)
    rows = sorted(windows)
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(rows, rows[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise DomainError(_("Deux créneaux du même jour se chevauchent."), field="windows")
    for _day, start, end in rows:
        if end <= start:
            raise DomainError(
                _("L'heure de fin d'un créneau doit suivre son heure de début."), field="windows"
            )
    with set_actor(by):
        company.call_windows.all().delete()
        created = CallWindow.objects.bulk_create(
            [CallWindow(company=company, weekday=d, start=s, end=e) for d, s, e in rows]
        )
    _trace(company, by, _("Créneaux d'appel modifiés"))
    return created


@transaction.atomic
def closure_add(*, company: Company, by: User, start, end, reason: str = "") -> ClosurePeriod:
    _check_can_edit(company, by)
    if end < start:
        raise DomainError(_("La fin de la fermeture doit suivre son début."), field="end")
    closure = ClosurePeriod(company=company, start=start, end=end, reason=reason)
    closure.full_clean()
    with set_actor(by):
        closure.save()
    _trace(company, by, _("Fermeture ajoutée : %(period)s") % {"period": closure})
    return closure


@transaction.atomic
def closure_delete(*, closure: ClosurePeriod, by: User) -> None:
    _check_can_edit(closure.company, by)
    label = str(closure)
    with set_actor(by):
        closure.delete()
    _trace(closure.company, by, _("Fermeture supprimée : %(period)s") % {"period": label})


@transaction.atomic
def delivery_address_save(
    *, company: Company, by: User, data: Mapping[str, Any], address: DeliveryAddress | None = None
) -> DeliveryAddress:
    """Add or change a delivery address; the one marked default replaces the previous default."""
    _check_can_edit(company, by)
    address = address or DeliveryAddress(company=company)
    if address.company_id != company.pk:
        raise DomainError(_("Cette adresse appartient à une autre fiche."))
    for name in ("label", "address_line1", "address_line2", "postcode", "city", "instructions", "is_default"):
        if name in data:
            setattr(address, name, data[name])
    address.full_clean(validate_constraints=False)
    with set_actor(by):
        if address.is_default:
            company.delivery_addresses.exclude(pk=address.pk).filter(is_default=True).update(is_default=False)
        address.save()
    _trace(company, by, _("Adresse de livraison enregistrée : %(label)s") % {"label": address.label})
    return address


@transaction.atomic
def delivery_address_delete(*, address: DeliveryAddress, by: User) -> None:
    _check_can_edit(address.company, by)
    label = address.label
    with set_actor(by):
        address.delete()
    _trace(address.company, by, _("Adresse de livraison supprimée : %(label)s") % {"label": label})


@transaction.atomic
def interaction_record(
    *,
    company: Company,
    kind: str,
    by: User | None,
    outcome: str = Outcome.NONE,
    subject: str = "",
    notes: str = "",
    contact: Contact | None = None,
    occurred_at: datetime | None = None,
    duration_seconds: int | None = None,
    next_action: str = "",
    next_action_note: str = "",
    next_action_at: datetime | None = None,
    next_action_owner: User | None = None,
    reference: str = "",
    touch_contact: bool = True,
) -> Interaction:
    """Add an entry to the timeline. Calls, emails and visits also update the last contact date and
    move a never-contacted prospect to "contacted"."""
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    if next_action and next_action_at is None:
        raise DomainError(_("Indiquez la date de la prochaine étape."), field="next_action_at")
    if next_action and next_action_owner is None:
        next_action_owner = by
    occurred_at = occurred_at or timezone.now()
    interaction = Interaction(
        company=company,
        contact=contact,
        kind=kind,
        occurred_at=occurred_at,
        author=by,
        outcome=outcome,
        subject=subject[:200],
        notes=notes,
        duration_seconds=duration_seconds,
        next_action=next_action,
        next_action_note=next_action_note,
        next_action_at=next_action_at,
        next_action_owner=next_action_owner,
        reference=reference,
    )
    interaction.full_clean()
    interaction.save()
    if touch_contact and kind in CONTACT_KINDS:
        Company.objects.filter(pk=company.pk).update(last_contact_at=occurred_at)
        Company.objects.filter(pk=company.pk, engagement=Engagement.NOT_CONTACTED).update(
            engagement=Engagement.CONTACTED
        )
        company.last_contact_at = occurred_at
    return interaction


def interaction_log(*, company: Company, by: User, data: Mapping[str, Any]) -> Interaction:
    """A person logs a contact from the file ("log a contact" form)."""
    _check_can_edit(company, by)
    if data.get("kind") not in dict(InteractionKind.loggable()):
        raise DomainError(_("Ce type de contact ne se saisit pas à la main."), field="kind")
    return interaction_record(company=company, by=by, **data)


@transaction.atomic
def next_step_done(*, interaction: Interaction, by: User) -> Interaction:
    _check_can_edit(interaction.company, by)
    if not interaction.next_action:
        raise DomainError(_("Ce contact n'a pas de prochaine étape."))
    if interaction.next_action_done_at is None:
        interaction.next_action_done_at = timezone.now()
        interaction.save(update_fields=["next_action_done_at", "updated_at"])
    return interaction


@transaction.atomic
def saved_filter_save(*, user: User, name: str, query: str) -> SavedFilter:
    name = name.strip()
    if not name:
        raise DomainError(_("Donnez un nom au filtre."), field="name")
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"query": query[:1000]}
    )
    return saved


def saved_filter_delete(*, saved: SavedFilter, by: User) -> None:
    if saved.user_id != by.pk:
        raise PermissionRefused(_("Ce filtre appartient à quelqu'un d'autre."))
    saved.delete()


# Habits ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def habits_assign_abc() -> dict[str, int]:
    """ABC classes from a Pareto of 12-month revenue: A makes the first 80 % of revenue, B the next
    15 %, C the rest; no revenue, no class. Run nightly and after imports (a background task)."""
    rows = list(
        CompanyHabits.objects.filter(revenue_12m__gt=0)
        .order_by("-revenue_12m", "pk")
        .values_list("pk", "revenue_12m")
    )
    total = sum((r for _pk, r in rows), Decimal("0"))
    classes: dict[str, list[int]] = {"A": [], "B": [], "C": []}
    running = Decimal("0")
    for pk, revenue in rows:
        share = running / total if total else Decimal("1")
        classes["A" if share < Decimal("0.80") else "B" if share < Decimal("0.95") else "C"].append(pk)
        running += revenue
    CompanyHabits.objects.filter(revenue_12m__lte=0).exclude(abc_class="").update(abc_class="")
    for letter, pks in classes.items():
        for start in range(0, len(pks), 900):
            CompanyHabits.objects.filter(pk__in=pks[start : start + 900]).update(abc_class=letter)
    return {letter: len(pks) for letter, pks in classes.items()}


# Merge ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def company_merge(*, kept: Company, removed: Company, by: User) -> Company:
    """Merge a duplicate into the record to keep: every contact, phone, timeline entry and (through
    the `company_merged` signal) every order or claim moves; blank fields of `kept` are filled."""
    if kept.pk == removed.pk:
        raise DomainError(_("Choisissez deux fiches différentes."))
    if not is_supervisor_or_admin(by):
        raise PermissionRefused(_("La fusion de fiches est réservée aux superviseurs et administrateurs."))
    visible = Company.objects.editable_by(by)
    locked = {c.pk: c for c in visible.select_for_update().filter(pk__in=sorted([kept.pk, removed.pk]))}
    if len(locked) != 2:
        raise PermissionRefused(_("Vous ne pouvez pas fusionner ces fiches."))
    kept, removed = locked[kept.pk], locked[removed.pk]
    filled = []
    for field in (
        "trade_name",
        "siret",
        "vat_number",
        "address_line1",
        "address_line2",
        "postcode",
        "city",
        "needs",
        "competitor",
        "zone",
        "segment",
        "size",
        "employees",
        "seats",
        "potential",
        "rep",
        "field_rep",
    ):
        if not getattr(kept, field) and getattr(removed, field):
            setattr(kept, field, getattr(removed, field))
            filled.append(field)
    if removed.notes:
        kept.notes = (kept.notes + "\n\n" + removed.notes).strip()
    kept.buying_motives = sorted(set(kept.buying_motives) | set(removed.buying_motives))
    if removed.last_contact_at and (
        not kept.last_contact_at or removed.last_contact_at > kept.last_contact_at
    ):
        kept.last_contact_at = removed.last_contact_at
    _finish_company(kept)
    summary = {"removed_id": removed.pk, "removed_name": removed.display_name, "removed_siret": removed.siret}
    with set_actor(by):
        Contact.objects.filter(company=removed).update(company=kept)
        Phone.objects.filter(company=removed).update(company=kept)
        Interaction.objects.filter(company=removed).update(company=kept)
        removed.delivery_addresses.update(company=kept, is_default=False)
        removed.closures.update(company=kept)
        if not kept.call_windows.exists():
            removed.call_windows.update(company=kept)
        _merge_habits(kept, removed)
        company_merged.send(sender=Company, kept=kept, removed=removed, by=by)
        kept.save()
        removed.delete()
    company_refresh_search(company=kept)
    _trace(
        kept,
        by,
        _("Fusion avec la fiche en double « %(name)s » (n° %(id)s)")
        % {"name": summary["removed_name"], "id": summary["removed_id"]},
    )
    return kept


def _merge_habits(kept: Company, removed: Company) -> None:
    other = CompanyHabits.objects.filter(company=removed).first()
    if other is None:
        return
    mine, _created = CompanyHabits.objects.get_or_create(company=kept)
    mine.orders_12m += other.orders_12m
    mine.revenue_12m += other.revenue_12m
    mine.revenue_prev_12m += other.revenue_prev_12m
    if other.last_order_date and (not mine.last_order_date or other.last_order_date > mine.last_order_date):
        mine.last_order_date = other.last_order_date
        mine.next_expected_order = other.next_expected_order
    mine.save()


# GDPR -----------------------------------------------------------------------------------------------------------


def contact_personal_data(*, contact: Contact, by: User) -> dict[str, Any]:
    """Everything held on a person (GDPR right of access), logged."""
    data = {
        "contact": {
            "id": contact.pk,
            "company": contact.company.display_name,
            "civility": contact.civility,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "job_title": contact.job_title,
            "email": contact.email,
            "best_time": contact.best_time,
            "language": contact.language,
            "is_decision_maker": contact.is_decision_maker,
            "created_at": contact.created_at.isoformat(),
            "updated_at": contact.updated_at.isoformat(),
        },
        "phones": [{"label": p.label, "number": p.e164} for p in contact.phones.all()],
        "consents": [
            {
                "channel": e.channel,
                "granted": e.granted,
                "source": e.source,
                "note": e.note,
                "at": e.created_at.isoformat(),
            }
            for e in contact.consent_events.all()
        ],
        "interactions": [
            {
                "at": i.occurred_at.isoformat(),
                "kind": i.kind,
                "outcome": i.outcome,
                "subject": i.subject,
                "notes": i.notes,
            }
            for i in contact.interactions.order_by("occurred_at")
        ],
    }
    GdprLog.objects.create(
        action=GdprAction.EXPORT, subject=str(contact), detail={"contact_id": contact.pk}, by=by
    )
    return data


@transaction.atomic
def contact_erase(*, contact: Contact, by: User) -> Contact:
    """Right to erasure: the person's data is anonymised; the company, its orders and invoices stay
    (accounting records must be kept), and the timeline keeps its entries without the name."""
    _check_can_edit(contact.company, by)
    if contact.anonymised_at:
        return contact
    with set_actor(by):
        contact.phones.all().delete()
        contact.civility = ""
        contact.first_name = ""
        contact.last_name = _("Interlocuteur anonymisé")
        contact.job_title = ""
        contact.email = ""
        contact.best_time = ""
        contact.opt_out_phone = contact.opt_out_email = contact.opt_out_sms = True
        contact.is_active = False
        contact.is_decision_maker = contact.is_order_contact = False
        contact.anonymised_at = timezone.now()
        contact.save()
        contact.consent_events.update(note="")
        contact.interactions.update(notes="")
    company_refresh_search(company=contact.company)
    GdprLog.objects.create(
        action=GdprAction.ERASE,
        subject=f"contact #{contact.pk}",
        detail={"company_id": contact.company_id},
        by=by,
    )
    _trace(contact.company, by, _("Interlocuteur anonymisé (RGPD)"))
    return contact


@transaction.atomic
def prospects_purge(*, companies: Iterable[Company], by: User) -> int:
    """Delete prospects without contact for 3 years (CNIL); customers are never purged here."""
    if not is_supervisor_or_admin(by):
        raise PermissionRefused(_("La purge est réservée aux superviseurs et administrateurs."))
    from .selectors import purgeable_prospects

    allowed = purgeable_prospects(user=by).filter(pk__in=[c.pk for c in companies])
    names = list(allowed.values_list("pk", "legal_name"))
    count = len(names)
    with set_actor(by):
        for company in allowed:
            company.delete()
    GdprLog.objects.create(
        action=GdprAction.PURGE,
        subject=_("%(n)s prospect(s)") % {"n": count},
        detail={"ids": [pk for pk, _n in names]},
        by=by,
    )
    return count


def bulk_export_logged(*, by: User, what: str, count: int) -> None:
    GdprLog.objects.create(action=GdprAction.BULK_EXPORT, subject=what, detail={"rows": count}, by=by)


@transaction.atomic
def company_hold_orders(*, company: Company, by: User | None, hold: bool, reason: str = "") -> Company:
    """Blocks (or releases) new orders for this customer, with the reason shown at the order screen;
    filed on the timeline. `by` is empty when the dunning ladder does it."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    reason = (reason or "").strip()[:200]
    if hold and not reason:
        raise DomainError(_("Indiquez le motif du blocage."), field="hold_reason")
    if company.orders_on_hold == hold and (not hold or company.hold_reason == reason):
        return company
    company.orders_on_hold, company.hold_reason = hold, reason if hold else ""
    company.save(update_fields=["orders_on_hold", "hold_reason", "updated_at"])
    author = by or company.rep
    if author is not None:
        interaction_record(
            company=company,
            kind=InteractionKind.SYSTEM,
            by=author,
            subject=(_("Commandes bloquées : %(reason)s") % {"reason": reason})
            if hold
            else _("Commandes débloquées"),
            touch_contact=False,
        )
    return company


def company_outstanding_set(*, amounts: Mapping[int, Decimal]) -> int:
    """The receivables' total per customer, as the ERP's invoices and payments say (the order screen's
    credit check reads it). Only the changed rows are written, a thousand per statement."""
    ids = list(amounts)
    current: dict[int, Decimal] = {}
    for start in range(0, len(ids), 5000):  # SQLite limits a statement's parameters
        current.update(
            Company.objects.filter(pk__in=ids[start : start + 5000]).values_list("pk", "outstanding")
        )
    changed = [
        Company(pk=pk, outstanding=amount)
        for pk, amount in amounts.items()
        if pk in current and current[pk] != amount
    ]
    if changed:
        Company.objects.bulk_update(changed, ["outstanding"], batch_size=1000)
    return len(changed)
