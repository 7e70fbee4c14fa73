"""Mail about claims, sent by the task worker after the change is committed; and the periodic
deadline check (`manage.py claims_check_deadlines`, or the `check_deadlines` task)."""

from __future__ import annotations

from django.core import signing
from django.tasks import task
from django.utils.translation import gettext_lazy as _

from televente.core.mail import mail_users

SURVEY_SALT = "claims.survey"
SURVEY_MAX_AGE = 60 * 24 * 3600  # the link answers for 60 days


def survey_token(claim_id: int) -> str:
    return signing.dumps(claim_id, salt=SURVEY_SALT)


def survey_claim_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SURVEY_SALT, max_age=SURVEY_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _claim(claim_id: int):
    from .models import Claim

    return (
        Claim.objects.select_related("company", "team__supervisor", "assignee", "contact", "created_by")
        .filter(pk=claim_id)
        .first()
    )


def _service_people(claim):
    from televente.accounts.models import User

    if claim.assignee_id and claim.assignee.is_active:
        return [claim.assignee]
    return list(User.objects.filter(is_active=True, role="back_office", service=claim.service))


def _supervisors(claim):
    from televente.accounts.models import User

    if claim.team_id and claim.team.supervisor_id and claim.team.supervisor.is_active:
        return [claim.team.supervisor]
    return list(User.objects.filter(is_active=True, role="admin"))


@task
def notify_routed(claim_id: int) -> int:
    claim = _claim(claim_id)
    if claim is None or not claim.service:
        return 0
    return mail_users(
        _service_people(claim),
        _("Réclamation %(number)s de %(company)s")
        % {"number": claim.number, "company": claim.company.display_name},
        "claims/email/service_notice.txt",
        {"claim": claim, "why": "routed"},
    )


@task
def notify_reminder(claim_id: int) -> int:
    claim = _claim(claim_id)
    if claim is None:
        return 0
    people = _service_people(claim) if claim.service else _supervisors(claim)
    return mail_users(
        people,
        _("Échéance proche : réclamation %(number)s") % {"number": claim.number},
        "claims/email/service_notice.txt",
        {"claim": claim, "why": "reminder"},
    )


@task
def notify_escalation(claim_id: int) -> int:
    claim = _claim(claim_id)
    if claim is None:
        return 0
    return mail_users(
        _supervisors(claim),
        _("Échéance dépassée : réclamation %(number)s") % {"number": claim.number},
        "claims/email/service_notice.txt",
        {"claim": claim, "why": "escalated"},
    )


@task
def notify_approval(settlement_id: int) -> int:
    """A settlement beyond its proposer's authority: to the team's supervisor, or to the admins
    when it is beyond the supervisor's too."""
    from televente.accounts.models import User

    from .models import Settlement

    settlement = Settlement.objects.select_related("claim", "proposed_by").filter(pk=settlement_id).first()
    if settlement is None:
        return 0
    claim = _claim(settlement.claim_id)
    if settlement.approver_role == "admin":
        people = list(User.objects.filter(is_active=True, role="admin"))
    else:
        people = _supervisors(claim)
    return mail_users(
        people,
        _("Accord demandé : réclamation %(number)s") % {"number": claim.number},
        "claims/email/approval.txt",
        {"claim": claim, "settlement": settlement, "decided": False},
    )


@task
def notify_decision(settlement_id: int) -> int:
    from .models import Settlement

    settlement = (
        Settlement.objects.select_related("claim", "proposed_by", "decided_by")
        .filter(pk=settlement_id)
        .first()
    )
    if settlement is None or settlement.proposed_by is None:
        return 0
    claim = _claim(settlement.claim_id)
    return mail_users(
        [settlement.proposed_by],
        _("Décision sur le règlement de la réclamation %(number)s") % {"number": claim.number},
        "claims/email/approval.txt",
        {"claim": claim, "settlement": settlement, "decided": True},
    )


@task
def check_deadlines() -> dict:
    from .services import claims_check_deadlines

    return claims_check_deadlines()
