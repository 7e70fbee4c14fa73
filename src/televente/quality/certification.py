"""Training actions and certification (seed 002, CQP RNCP 32391): the services and the daily
reminder job.

- A supervisor plans and edits the training actions of the reps of their teams (admin: anybody's);
  the rep sees theirs and may mark one done with a short result (« bilan »), nothing else.
- A certification record exists per rep and block, created on its first save. « Validé » needs a
  validation date not in the future; the expiry is that date plus the block's validity (5 years).
  Only the rep's supervisor and admin write; the rep reads.
- Reminders: each day, validated blocks that expire within 90 days (and not yet expired) send one
  email to the rep and their supervisor, once per validation: `reminded_at` is set then, and only
  a renewal (a new expiry date, see `certification_save`) clears it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.errors import DomainError, PermissionRefused

from .choices import CertificationStatus, EvaluationKind, EvidenceKind, TrainingStatus
from .models import (
    CertificationBlock,
    CertificationEvidence,
    CertificationRecord,
    CoachingSession,
    Competency,
    Evaluation,
    TrainingAction,
)
from .permissions import can_evaluate_rep
from .scoring import is_failure

REMINDER_DAYS = 90


# --- Training actions -----------------------------------------------------------------------------


def _check_rep_manager(by, rep) -> None:
    if not can_evaluate_rep(by, rep):
        raise PermissionRefused(_("Seul le superviseur du télévendeur ou un administrateur peut faire cela."))


def _check_evaluation(evaluation, rep) -> None:
    if evaluation is None:
        return
    if evaluation.rep_id != rep.pk:
        raise DomainError(_("Cette évaluation concerne un autre télévendeur."), field="evaluation")
    if evaluation.kind == EvaluationKind.CALIBRATION:
        raise DomainError(
            _("Une note de calibrage n'engage pas le télévendeur : partez d'une évaluation transmise."),
            field="evaluation",
        )


@transaction.atomic
def training_create(
    *,
    by,
    rep,
    title: str,
    planned_on: dt.date,
    competency: Competency | None = None,
    description: str = "",
    evaluation: Evaluation | None = None,
) -> TrainingAction:
    _check_rep_manager(by, rep)
    _check_evaluation(evaluation, rep)
    if not (title or "").strip():
        raise DomainError(_("Indiquez l'action prévue."), field="title")
    if planned_on is None:
        raise DomainError(_("Indiquez la date prévue."), field="planned_on")
    return TrainingAction.objects.create(
        rep=rep,
        competency=competency,
        evaluation=evaluation,
        title=title.strip(),
        description=description,
        planned_on=planned_on,
        created_by=by,
    )


@transaction.atomic
def training_update(
    *,
    by,
    action: TrainingAction,
    title: str,
    planned_on: dt.date,
    status: str,
    competency: Competency | None = None,
    description: str = "",
    done_on: dt.date | None = None,
    result: str = "",
) -> TrainingAction:
    _check_rep_manager(by, action.rep)
    if not (title or "").strip():
        raise DomainError(_("Indiquez l'action prévue."), field="title")
    if planned_on is None:
        raise DomainError(_("Indiquez la date prévue."), field="planned_on")
    if status not in TrainingStatus.values:
        raise DomainError(_("État inconnu."), field="status")
    if status == TrainingStatus.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise DomainError(_("Une action ne peut pas être réalisée dans le futur."), field="done_on")
    else:
        done_on = None
    action.title = title.strip()
    action.planned_on = planned_on
    action.status = status
    action.competency = competency
    action.description = description
    action.done_on = done_on
    action.result = result
    action.save()
    return action


@transaction.atomic
def training_done(
    *, by, action: TrainingAction, result: str = "", done_on: dt.date | None = None
) -> TrainingAction:
    """The rep (or their supervisor) marks a planned action done, with what came out of it."""
    if by.pk != action.rep_id:
        _check_rep_manager(by, action.rep)
    if action.status != TrainingStatus.PLANNED:
        raise DomainError(_("Seule une action prévue peut être marquée réalisée."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise DomainError(_("Une action ne peut pas être réalisée dans le futur."), field="done_on")
    action.status = TrainingStatus.DONE
    action.done_on = done_on
    if result:
        action.result = result
    action.save(update_fields=["status", "done_on", "result", "updated_at"])
    return action


def training_prefill(evaluation: Evaluation | None) -> dict:
    """What a new training action decided at an evaluation starts with: its agreed actions and the
    competency of its first section with a failed item (else of its first section)."""
    if evaluation is None:
        return {}
    data = {"evaluation": evaluation}
    actions = (evaluation.agreed_actions or "").strip()
    if actions:
        data["title"] = actions.splitlines()[0][:200]
        data["description"] = actions
    competency_id, first = None, None
    for value, comp_id in evaluation.answers.order_by(
        "item__section__position", "item__section_id", "item__position"
    ).values_list("value", "item__section__competency_id"):
        first = first or comp_id
        if comp_id and is_failure(value):
            competency_id = comp_id
            break
    competency_id = competency_id or first
    if competency_id is None:
        section = evaluation.grid_version.sections.order_by("position").first()
        competency_id = section.competency_id if section else None
    if competency_id:
        data["competency"] = Competency.objects.filter(pk=competency_id).first()
    return data


# --- Certification --------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def expiry_for(block: CertificationBlock, validated_on: dt.date) -> dt.date:
    return add_years(validated_on, block.validity_years)


def _check_certifier(by, rep) -> None:
    if not can_evaluate_rep(by, rep):
        raise PermissionRefused(
            _("Seul le superviseur du télévendeur ou un administrateur enregistre la certification.")
        )


@transaction.atomic
def certification_save(
    *,
    by,
    rep,
    block: CertificationBlock,
    status: str,
    validated_on: dt.date | None = None,
    jury: str = "",
    certificate_number: str = "",
    notes: str = "",
) -> CertificationRecord:
    _check_certifier(by, rep)
    if status not in CertificationStatus.values:
        raise DomainError(_("État inconnu."), field="status")
    expires_on = None
    if status == CertificationStatus.VALIDATED:
        if validated_on is None:
            raise DomainError(_("Un bloc validé a une date de validation."), field="validated_on")
        if validated_on > timezone.localdate():
            raise DomainError(
                _("La date de validation ne peut pas être dans le futur."), field="validated_on"
            )
        expires_on = expiry_for(block, validated_on)
    elif status == CertificationStatus.NOT_VALIDATED:
        if validated_on is not None and validated_on > timezone.localdate():
            raise DomainError(_("La date du jury ne peut pas être dans le futur."), field="validated_on")
    else:
        validated_on = None
    record = CertificationRecord.objects.select_for_update().filter(rep=rep, block=block).first()
    if record is None:
        record = CertificationRecord(rep=rep, block=block)
    if record.expires_on != expires_on:
        record.reminded_at = None  # a renewal starts a new reminder cycle
    record.status = status
    record.validated_on = validated_on
    record.expires_on = expires_on
    record.jury = jury
    record.certificate_number = certificate_number
    record.notes = notes
    record.updated_by = by
    record.save()
    return record


def evidence_choices(*, rep, block: CertificationBlock):
    """The evaluations of `rep` that may back `block`: official or certification-session ones whose
    grid covers a competency of the block; and the rep's coaching sessions."""
    evaluations = (
        Evaluation.objects.filter(
            rep=rep,
            kind=EvaluationKind.SUPERVISOR,
            grid_version__sections__competency__block=block,
        )
        .exclude(status="draft")
        .select_related("grid_version__grid")
        .distinct()
        .order_by("-evaluated_on", "-pk")
    )
    sessions = CoachingSession.objects.filter(rep=rep).order_by("-held_on", "-pk")
    return evaluations, sessions


@transaction.atomic
def evidence_add(
    *,
    by,
    rep,
    block: CertificationBlock,
    kind: str,
    dated: dt.date,
    title: str,
    notes: str = "",
    evaluation: Evaluation | None = None,
    session: CoachingSession | None = None,
) -> CertificationEvidence:
    _check_certifier(by, rep)
    if kind not in EvidenceKind.values:
        raise DomainError(_("Type de preuve inconnu."), field="kind")
    if dated is None:
        raise DomainError(_("Indiquez la date de la preuve."), field="dated")
    if dated > timezone.localdate():
        raise DomainError(_("La date d'une preuve ne peut pas être dans le futur."), field="dated")
    if evaluation is not None:
        evaluations, _sessions = evidence_choices(rep=rep, block=block)
        if not evaluations.filter(pk=evaluation.pk).exists():
            raise DomainError(
                _("Cette évaluation ne porte pas sur une compétence de ce bloc ou sur ce télévendeur."),
                field="evaluation",
            )
    if session is not None and session.rep_id != rep.pk:
        raise DomainError(_("Cette séance concerne un autre télévendeur."), field="session")
    if not (title or "").strip():
        if evaluation is None and session is None:
            raise DomainError(_("Donnez un intitulé à la preuve."), field="title")
        title = str(evaluation or session)
    record = CertificationRecord.objects.filter(rep=rep, block=block).first()
    if record is None:
        record = CertificationRecord.objects.create(rep=rep, block=block, updated_by=by)
    return CertificationEvidence.objects.create(
        record=record,
        kind=kind,
        dated=dated,
        title=title.strip(),
        notes=notes,
        evaluation=evaluation,
        session=session,
        added_by=by,
    )


@transaction.atomic
def evidence_delete(*, by, evidence: CertificationEvidence) -> None:
    _check_certifier(by, evidence.record.rep)
    evidence.delete()


# --- Reminders (daily job) ------------------------------------------------------------------------


def certification_send_reminders(now=None) -> str:
    """Emails the rep and their supervisor about each validated block expiring within 90 days, once
    per validation (a renewal starts a new cycle); returns a one-line summary for the job log. The
    day is today in Europe/Paris, whatever the hour in UTC."""
    from televente.core.mail import mail_users

    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        CertificationRecord.objects.filter(
            status=CertificationStatus.VALIDATED,
            rep__is_active=True,  # nobody to remind once the rep has left
            expires_on__gte=today,
            expires_on__lt=today + dt.timedelta(days=REMINDER_DAYS),
        )
        .filter(reminded_at__isnull=True)
        .select_related("rep__team__supervisor", "block")
        .order_by("expires_on", "pk")
    )
    records = emails = 0
    for record in due:
        rep = record.rep
        people = [rep]
        supervisor = rep.team.supervisor if rep.team_id else None
        if supervisor is not None and supervisor.is_active:
            people.append(supervisor)
        emails += mail_users(
            people,
            _("Bloc de certification à renouveler"),
            "quality/email/certification_reminder.txt",
            {
                "record": record,
                "rep": rep,
                "cert_block": record.block,
                "days_left": (record.expires_on - today).days,
            },
        )
        record.reminded_at = now
        record.save(update_fields=["reminded_at", "updated_at"])
        records += 1
    return f"{records} block(s) expiring soon, {emails} email(s) sent"
