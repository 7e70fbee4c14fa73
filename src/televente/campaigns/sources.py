"""Campaign targets offered to a day's call plan (`calls.sources`): within the period of running
campaigns, the team's targets still to call, at most `calls_per_rep_per_day` per rep, highest stakes
first (ABC class, then potential)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import CampaignChannel, CampaignStatus, TargetStatus
from .models import CampaignTarget, TargetCall
from .services import MAX_ATTEMPTS

ABC_ORDER = Case(
    When(company__habits__abc_class="A", then=Value(0)),
    When(company__habits__abc_class="B", then=Value(1)),
    When(company__habits__abc_class="C", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def campaign_calls(team, day: dt.date, rep_ids: set[int]) -> Iterator[tuple[int, str, str, str]]:
    running = {
        "company__team": team,
        "campaign__status": CampaignStatus.RUNNING,
        "campaign__starts_on__lte": day,
        "campaign__ends_on__gte": day,
        "campaign__channel__in": [CampaignChannel.PHONE, CampaignChannel.BOTH],
    }
    rows = CampaignTarget.objects.filter(
        **running,
        status__in=[TargetStatus.PENDING, TargetStatus.NOT_REACHED, TargetStatus.EMAILED],
        attempts__lt=MAX_ATTEMPTS,
    )
    # The day's campaign calls already made count against the cap: a plan rebuilt for the rest of
    # the day must not offer a full quota again. A target already called that day is still offered
    # (its retry within the day) without counting twice.
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    called_today = set(
        TargetCall.objects.filter(
            called_at__gte=start,
            called_at__lt=start + dt.timedelta(days=1),
            **{f"target__{name}": value for name, value in running.items()},
        )
        .values_list("target_id", "target__campaign_id", "target__company__rep_id")
        .distinct()
    )
    taken: dict[tuple[int, int | None], int] = defaultdict(int)
    for _target_id, campaign_id, rep_id in called_today:
        taken[(campaign_id, rep_id)] += 1
    done_ids = {target_id for target_id, _c, _r in called_today}
    rows = (
        rows.annotate(abc_rank=ABC_ORDER)
        .order_by("campaign_id", "abc_rank", F("company__potential").desc(nulls_last=True), "pk")
        .values_list(
            "pk",
            "campaign_id",
            "campaign__name",
            "campaign__calls_per_rep_per_day",
            "company_id",
            "company__rep_id",
        )
    )
    for target_id, campaign_id, name, per_rep, company_id, rep_id in rows:
        if target_id not in done_ids:
            if taken[(campaign_id, rep_id)] >= per_rep:
                continue
            taken[(campaign_id, rep_id)] += 1
        yield (
            company_id,
            "campaign",
            _("Campagne : %(name)s") % {"name": name},
            f"campaigns.campaign:{campaign_id}",
        )
