"""Writes of the reporting app: objectives, corrective actions, self-assessments; and who may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.core.errors import DomainError

from .choices import ActionStatus, Cause, Metric
from .models import CorrectiveAction, Objective, SelfAssessment
from .periods import Period

# Permissions ---------------------------------------------------------------------------------


def is_manager(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMIN)
    )


def can_see_team(user, team: Team) -> bool:
    """The team's dashboards: its supervisor and the admin (a rep sees their own performance)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.SUPERVISOR and team.supervisor_id == user.pk


def can_set_objectives(user, team: Team) -> bool:
    return can_see_team(user, team)


def has_own_performance(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.REP


def teams_for(user) -> list[Team]:
    """The teams whose dashboard this person may open, by name."""
    if not is_manager(user):
        return []
    qs = Team.objects.order_by("name")
    if not (user.is_superuser or user.role == Role.ADMIN):
        qs = qs.filter(supervisor=user)
    return list(qs)


# Objectives ----------------------------------------------------------------------------------


def objectives_save(
    *, team: Team, period: Period, targets: dict[tuple[int | None, str], Decimal | None], by: User
) -> int:
    """Set the period's objectives of the team and its reps in one go: a target per (rep id or None
    for the team, metric); None removes it. All or nothing. Returns the number of objectives now set."""
    if not can_set_objectives(by, team):
        raise DomainError(_("Seul le superviseur de l'équipe fixe ses objectifs."))
    members = set(User.objects.filter(team=team).values_list("pk", flat=True))
    for (rep_id, metric), target in targets.items():
        if rep_id is not None and rep_id not in members:
            raise DomainError(_("Ce télévendeur n'est pas dans l'équipe."))
        if metric not in Metric.values:
            raise DomainError(_("Indicateur inconnu : %(metric)s.") % {"metric": metric})
        if target is not None and target < 0:
            raise DomainError(_("Un objectif ne peut pas être négatif."))
        if target is not None and metric == Metric.CROSS_SELL and target > 100:
            raise DomainError(_("Un taux ne peut pas dépasser 100 %."))
    with transaction.atomic():
        for (rep_id, metric), target in targets.items():
            lookup = {"team": team, "rep_id": rep_id, "period_kind": period.kind, "period_start": period.start,
                      "metric": metric}  # fmt: skip
            if target is None:
                Objective.objects.filter(**lookup).delete()
            else:
                Objective.objects.update_or_create(**lookup, defaults={"target": target, "set_by": by})
        return Objective.objects.filter(team=team, period_kind=period.kind, period_start=period.start).count()


def objectives_copy_previous(*, team: Team, period: Period, by: User) -> int:
    """Start the period with the previous period's objectives (the supervisor then adjusts them)."""
    previous = period.previous()
    targets = {
        (o.rep_id, o.metric): o.target
        for o in Objective.objects.filter(team=team, period_kind=period.kind, period_start=previous.start)
    }
    if not targets:
        raise DomainError(_("Aucun objectif sur la période précédente."))
    return objectives_save(team=team, period=period, targets=targets, by=by)


# Corrective actions --------------------------------------------------------------------------


def action_create(
    *,
    team: Team,
    rep: User | None,
    metric: str,
    period: Period,
    cause: str,
    description: str,
    owner: User,
    due_on: dt.date,
    gap: str = "",
    by: User,
) -> CorrectiveAction:
    if not can_see_team(by, team):
        raise DomainError(_("Seul le superviseur de l'équipe enregistre ses actions correctives."))
    if rep is not None and rep.team_id != team.pk:
        raise DomainError(_("Ce télévendeur n'est pas dans l'équipe."))
    if cause not in Cause.values:
        raise DomainError(_("Choisissez la cause de l'écart."))
    if not description.strip():
        raise DomainError(_("Décrivez l'action décidée."))
    if due_on < timezone.localdate():
        raise DomainError(_("L'échéance est déjà passée."))
    return CorrectiveAction.objects.create(
        team=team, rep=rep, metric=metric, period_kind=period.kind, period_start=period.start, gap=gap[:200],
        cause=cause, description=description.strip(), owner=owner, due_on=due_on, created_by=by,
    )  # fmt: skip


def action_close(*, action: CorrectiveAction, status: str, result: str, by: User) -> CorrectiveAction:
    """Mark an action done or dropped, with what was seen; reopening is allowed."""
    if not (can_see_team(by, action.team) or by.pk == action.owner_id):
        raise DomainError(_("Seuls le superviseur et le responsable de l'action la mettent à jour."))
    if status not in ActionStatus.values:
        raise DomainError(_("État inconnu."))
    if status != ActionStatus.OPEN and not result.strip():
        raise DomainError(_("Notez le résultat constaté avant de clore l'action."))
    action.status = status
    action.result = result.strip()
    action.done_at = timezone.now() if status != ActionStatus.OPEN else None
    action.save(update_fields=["status", "result", "done_at", "updated_at"])
    return action


# Self-assessment -----------------------------------------------------------------------------


def self_assessment_save(
    *, rep: User, period: Period, difficulties: str, progress: str, next_steps: str, figures: dict, by: User
) -> SelfAssessment:
    if by.pk != rep.pk:
        raise DomainError(_("Seul le télévendeur écrit son auto-évaluation."))
    if not (difficulties.strip() or progress.strip() or next_steps.strip()):
        raise DomainError(_("Écrivez au moins une difficulté, un progrès ou un point à travailler."))
    assessment, _created = SelfAssessment.objects.update_or_create(
        rep=rep,
        period_kind=period.kind,
        period_start=period.start,
        defaults={
            "difficulties": difficulties.strip(),
            "progress": progress.strip(),
            "next_steps": next_steps.strip(),
            "figures": figures,
        },
    )
    return assessment


def self_assessment_comment(*, assessment: SelfAssessment, comment: str, by: User) -> SelfAssessment:
    team = assessment.rep.team
    if team is None or not can_see_team(by, team):
        raise DomainError(_("Seul le superviseur de l'équipe commente une auto-évaluation."))
    assessment.supervisor_comment = comment.strip()
    assessment.save(update_fields=["supervisor_comment", "updated_at"])
    return assessment
