"""Writes of the campaigns: save a draft, launch it (targets, messages), close it, follow its calls."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.core.errors import DomainError, PermissionRefused

from . import targeting
from .choices import CampaignChannel, CampaignGoal, CampaignStatus, TargetStatus
from .models import Campaign, CampaignTarget, TargetCall

# A target is tried at most this many times by the call plans.
MAX_ATTEMPTS = 3

# How a call's outcome (calls.choices.CallOutcome) moves its target.
OUTCOME_STATUS = {
    "reached_order": TargetStatus.POSITIVE,
    "appointment": TargetStatus.POSITIVE,
    "reached_no_order": TargetStatus.REACHED,
    "callback": TargetStatus.REACHED,
    "not_reached": TargetStatus.NOT_REACHED,
    "refused": TargetStatus.REFUSED,
    "wrong_number": TargetStatus.REFUSED,
}
REACHED_OUTCOMES = {"reached_order", "appointment", "reached_no_order", "callback", "refused"}
# A later call never brings a target back down (a positive target called again stays positive).
STATUS_RANK = {
    TargetStatus.PENDING: 0,
    TargetStatus.EMAILED: 0,
    TargetStatus.NOT_REACHED: 1,
    TargetStatus.REACHED: 2,
    TargetStatus.REFUSED: 3,
    TargetStatus.POSITIVE: 4,
}


# Permissions ----------------------------------------------------------------------------------------------------------


def can_build(user) -> bool:
    """Supervisors (for their teams) and admins build campaigns."""
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.role in (Role.ADMIN, Role.SUPERVISOR)
    )


def can_view(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.role in (Role.ADMIN, Role.SUPERVISOR, Role.REP)
    )


def buildable_teams(user):
    if user.is_superuser or user.role == Role.ADMIN:
        return Team.objects.all().order_by("name")
    if user.role == Role.SUPERVISOR:
        return Team.objects.filter(supervisor=user).order_by("name")
    return Team.objects.none()


def can_edit(user, campaign: Campaign) -> bool:
    """The admin edits any campaign; a supervisor those of the teams they lead (not "all teams")."""
    if not can_build(user):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return campaign.team_id is not None and campaign.team_id in {t.pk for t in buildable_teams(user)}


def _check_edit(user, campaign: Campaign) -> None:
    if not can_edit(user, campaign):
        raise PermissionRefused(
            _("Seul le superviseur de l'équipe ou l'administrateur modifie cette campagne.")
        )


# Drafts ---------------------------------------------------------------------------------------------------------------

FIELDS = (
    "name",
    "goal",
    "description",
    "starts_on",
    "ends_on",
    "team",
    "channel",
    "calls_per_rep_per_day",
    "script",
    "promotion",
    "survey",
    "email_subject",
    "email_body",
    "objective_reached",
    "objective_orders",
    "objective_revenue",
)


def _validate(campaign: Campaign, by: User) -> None:
    if campaign.ends_on < campaign.starts_on:
        raise DomainError(_("La fin de la campagne précède son début."), field="ends_on")
    if campaign.team_id is None and not (by.is_superuser or by.role == Role.ADMIN):
        raise DomainError(_("Choisissez l'équipe de la campagne."), field="team")
    if campaign.team_id is not None and campaign.team_id not in {t.pk for t in buildable_teams(by)}:
        raise DomainError(_("Vous ne pouvez pas préparer de campagne pour cette équipe."), field="team")
    promotion = campaign.promotion
    if promotion is not None and (
        promotion.valid_until < campaign.starts_on or promotion.valid_from > campaign.ends_on
    ):
        raise DomainError(
            _("Cette offre n'est pas valable pendant la campagne (du %(start)s au %(end)s).")
            % {
                "start": promotion.valid_from.strftime("%d/%m/%Y"),
                "end": promotion.valid_until.strftime("%d/%m/%Y"),
            },
            field="promotion",
        )
    if campaign.script is not None and not campaign.script.is_active:
        raise DomainError(_("Ce script n'est plus actif."), field="script")
    if campaign.goal == CampaignGoal.SURVEY and campaign.survey is None:
        raise DomainError(_("Choisissez l'enquête à mener."), field="survey")
    if campaign.channel != CampaignChannel.PHONE and campaign.goal != CampaignGoal.SURVEY:
        if not campaign.email_subject.strip():
            raise DomainError(_("Écrivez l'objet de l'e-mail."), field="email_subject")
        if not campaign.email_body.strip():
            raise DomainError(_("Écrivez le texte de l'e-mail."), field="email_body")
    if not campaign.calls_per_rep_per_day and campaign.channel != CampaignChannel.EMAIL:
        raise DomainError(
            _("Indiquez combien d'appels de campagne chaque télévendeur passe par jour."),
            field="calls_per_rep_per_day",
        )


@transaction.atomic
def campaign_save(
    *, by: User, data: dict, target_query: str, documents=(), campaign: Campaign | None = None
) -> Campaign:
    """Creates or changes a draft: what, when, for whom (the portfolio filters), with what."""
    if not can_build(by):
        raise PermissionRefused(_("Seuls les superviseurs et l'administrateur préparent les campagnes."))
    if campaign is None:
        campaign = Campaign(created_by=by)
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_edit(by, campaign)
        if campaign.status != CampaignStatus.DRAFT:
            raise DomainError(_("Une campagne lancée ne se modifie plus."))
    for name in FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(campaign, name, value)
    campaign.target_query = target_query
    _validate(campaign, by)
    campaign.save()
    campaign.documents.set(list(documents))
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign, by: User) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_edit(by, campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise DomainError(_("Seule une campagne en préparation peut être supprimée ; clôturez-la."))
    campaign.delete()


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User) -> Campaign:
    """Ends a running campaign: its targets leave the call plans; its results stay."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_edit(by, campaign)
    if campaign.status != CampaignStatus.RUNNING:
        raise DomainError(_("Seule une campagne lancée peut être clôturée."))
    campaign.status = CampaignStatus.CLOSED
    today = timezone.localdate()
    if campaign.ends_on > today:
        campaign.ends_on = max(today, campaign.starts_on)
    campaign.save(update_fields=["status", "ends_on", "updated_at"])
    return campaign


def campaigns_close_ended(*, today: dt.date | None = None) -> int:
    """The daily job: running campaigns whose period is over are closed (their results stay)."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(status=CampaignStatus.RUNNING, ends_on__lt=today).update(
        status=CampaignStatus.CLOSED, updated_at=timezone.now()
    )


# Launch ---------------------------------------------------------------------------------------------------------------


def launch_warnings(campaign: Campaign) -> list[str]:
    """What is allowed but worth a second look before launching."""
    warnings = []
    if campaign.channel != CampaignChannel.EMAIL and campaign.script_id is None:
        warnings.append(
            _("Pas de script : les télévendeurs appelleront avec le script habituel du motif « Campagne ».")
        )
    if campaign.goal == CampaignGoal.PROMOTE and campaign.promotion_id is None:
        warnings.append(_("Aucune offre n'est associée à cette campagne de promotion."))
    return warnings


@transaction.atomic
def campaign_launch(*, campaign: Campaign, by: User) -> Campaign:
    """Creates the targets (exclusions with their reason), queues the emails, and puts the campaign
    in the call plans of its period."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_edit(by, campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise DomainError(_("Cette campagne est déjà lancée."))
    today = timezone.localdate()
    if campaign.ends_on < today:
        raise DomainError(_("La période de la campagne est passée : changez ses dates."), field="ends_on")
    _validate(campaign, by)
    if campaign.goal == CampaignGoal.SURVEY and campaign.channel != CampaignChannel.PHONE:
        from televente.market.choices import SurveyStatus

        if campaign.survey.status != SurveyStatus.OPEN:
            raise DomainError(_("Ouvrez l'enquête avant de lancer la campagne."), field="survey")
    companies = list(
        targeting.matched_companies(
            query=campaign.target_query, user=by, team_id=campaign.team_id
        ).values_list("pk", "rep_id")
    )
    if not companies:
        raise DomainError(_("La cible ne contient aucun client : élargissez les filtres."))
    reach = targeting.reach([pk for pk, _rep in companies], campaign.channel)
    if len(reach.excluded) == len(companies):
        raise DomainError(_("Aucun client de la cible n'est joignable sur ce canal."))
    now = timezone.now()
    targets = []
    for company_id, rep_id in companies:
        why = reach.excluded.get(company_id, "")
        targets.append(
            CampaignTarget(
                campaign=campaign,
                company_id=company_id,
                contact_id=None if why else reach.contact_id.get(company_id),
                rep_id=rep_id,
                status=TargetStatus.EXCLUDED if why else TargetStatus.PENDING,
                excluded_reason=why[:200],
            )
        )
    # Launched once, even by two clicks at the same moment: only the request that moves the draft
    # creates the targets and sends the emails (the row lock above does not exist on SQLite).
    moved = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
        status=CampaignStatus.RUNNING, launched_at=now, launched_by=by, updated_at=now
    )
    if moved != 1:
        raise DomainError(_("Cette campagne est déjà lancée."))
    campaign.status = CampaignStatus.RUNNING
    campaign.launched_at = now
    campaign.launched_by = by
    CampaignTarget.objects.bulk_create(targets, batch_size=500)
    if campaign.channel != CampaignChannel.PHONE:
        _send(campaign, reach, by)
    return campaign


def _send(campaign: Campaign, reach: targeting.Reach, by: User) -> None:
    """One message per target that accepts emails (the outbox checks the opt-out again when sending)."""
    from televente.customers.models import Contact

    mailable = {
        target.pk: (target, reach.email_contact_id.get(target.company_id))
        for target in CampaignTarget.objects.filter(campaign=campaign).exclude(status=TargetStatus.EXCLUDED)
    }
    contact_ids = [cid for _t, cid in mailable.values() if cid]
    contacts = Contact.objects.select_related("company").in_bulk(contact_ids)
    if campaign.goal == CampaignGoal.SURVEY:
        from televente.market.services import survey_invite

        for target, contact_id in mailable.values():
            contact = contacts.get(contact_id)
            if contact is None:
                continue
            try:
                invitation = survey_invite(
                    survey=campaign.survey, company=contact.company, contact=contact, by=by
                )
            except DomainError:
                continue
            target.message_id = getattr(invitation, "message_id", None)
            target.status = TargetStatus.EMAILED
            target.save(update_fields=["message", "status", "updated_at"])
        return
    attachments = []
    documents = list(campaign.documents.all())
    if documents:
        try:
            from televente.knowledge.services import document_content
        except ImportError:  # the knowledge app keeps it beside its PDF rendering
            from televente.knowledge.documents import document_content

        attachments = [document_content(d) for d in documents]
    from televente.messaging.services import message_queue

    for target, contact_id in mailable.values():
        contact = contacts.get(contact_id)
        if contact is None:
            continue
        message = message_queue(
            channel="email",
            contact=contact,
            subject=campaign.email_subject,
            body=campaign.email_body,
            attachments=attachments,
            key=f"campaigns.campaign:{campaign.pk}:{target.company_id}",
            reference=f"campaigns.campaign:{campaign.pk}",
            by=by,
        )
        target.message = message
        target.status = TargetStatus.EMAILED
        target.save(update_fields=["message", "status", "updated_at"])


# Following the calls --------------------------------------------------------------------------------------------------


def target_call_record(
    *,
    company_id: int,
    key: str,
    task_id: int | None,
    outcome: str,
    rep_id: int | None,
    day: dt.date,
    started_at: dt.datetime | None = None,
) -> int:
    """A call of a campaign's target was made: counts it once per event key on every running
    campaign of that day targeting the company. Returns how many targets moved.

    A reached target is dated from the start of the call (`started_at`), not from when its outcome
    was noted: the order taken during that very call counts for the campaign. From then on the
    target stays with the rep who reached it (the orders that follow are theirs)."""
    new_status = OUTCOME_STATUS.get(outcome)
    if new_status is None:
        return 0
    now = timezone.now()
    contact_at = min(started_at, now) if started_at else now
    moved = 0
    targets = (
        CampaignTarget.objects.filter(
            company_id=company_id,
            campaign__status=CampaignStatus.RUNNING,
            campaign__starts_on__lte=day,
            campaign__ends_on__gte=day,
        )
        .exclude(status=TargetStatus.EXCLUDED)
        .values_list("pk", flat=True)
    )
    for target_id in targets:
        try:
            with transaction.atomic():
                TargetCall.objects.create(
                    target_id=target_id, key=key, task_id=task_id, outcome=outcome, rep_id=rep_id
                )
                target = CampaignTarget.objects.select_for_update().get(pk=target_id)
                target.attempts += 1
                target.last_task_id = task_id
                target.last_outcome = outcome
                if rep_id and target.reached_at is None:
                    target.rep_id = rep_id
                if STATUS_RANK[new_status] >= STATUS_RANK.get(target.status, 0):
                    target.status = new_status
                if outcome in REACHED_OUTCOMES and target.reached_at is None:
                    target.reached_at = contact_at
                target.save()
        except IntegrityError:
            continue  # the same event delivered twice
        moved += 1
    return moved


def on_business_event(sender, *, company_id=None, reference="", key="", data=None, **kwargs) -> None:
    """`call.completed` (after commit): the campaign targets of that customer follow the call."""
    if sender != "call.completed" or not company_id:
        return
    data = data or {}
    task_id = data.get("task_id")
    day = timezone.localdate()
    started_at = None
    if task_id:
        from televente.calls.models import CallTask

        plan_day, started_at = CallTask.objects.filter(pk=task_id).values_list(
            "plan__date", "started_at"
        ).first() or (None, None)
        day = plan_day or day
    target_call_record(
        company_id=company_id,
        key=key or reference,
        task_id=task_id,
        outcome=data.get("outcome", ""),
        rep_id=data.get("rep_id"),
        day=day,
        started_at=started_at,
    )
