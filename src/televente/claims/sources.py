"""Claims that need a call, offered to the day's call plan (`calls.sources`): customers to keep
informed while their claim waits, and customers who did not answer the satisfaction question."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import OPEN_STATUSES, ClaimStatus
from .models import Claim

NEWS_EVERY_DAYS = 3  # an open claim's customer hears from us at least every 3 days
SURVEY_WAIT_DAYS = 3  # then a call asks the satisfaction question the email did not get answered
SURVEY_GIVE_UP_DAYS = 14


def claim_calls(team, day: dt.date, rep_ids: set[int]) -> Iterator[tuple[int, str, str]]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    quiet_since = start - dt.timedelta(days=NEWS_EVERY_DAYS)
    waiting = (
        Claim.objects.filter(team=team, status__in=OPEN_STATUSES, created_at__lt=start - dt.timedelta(days=1))
        .filter(Q(customer_notified_at__isnull=True) | Q(customer_notified_at__lt=quiet_since))
        .values_list("company_id", "number")
        .order_by("due_at")[:200]
    )
    for company_id, number in waiting:
        yield (
            company_id,
            "claim",
            _("Réclamation %(number)s : donner des nouvelles au client") % {"number": number},
        )
    unanswered = (
        Claim.objects.filter(
            team=team,
            status=ClaimStatus.CLOSED,
            satisfaction="",
            survey_sent_at__lt=start - dt.timedelta(days=SURVEY_WAIT_DAYS),
            survey_sent_at__gte=start - dt.timedelta(days=SURVEY_GIVE_UP_DAYS),
        )
        .values_list("company_id", "number")
        .order_by("survey_sent_at")[:200]
    )
    for company_id, number in unanswered:
        yield (
            company_id,
            "claim",
            _("Réclamation %(number)s : demander si le client est satisfait") % {"number": number},
        )
