"""Reads of the campaign screens: the list, the target's preview, the results, the cockpit's card."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.customers.models import Company

from . import targeting
from .choices import CampaignStatus, TargetStatus
from .models import Campaign, CampaignTarget

ZERO = Decimal("0")
PREVIEW_NAMES = 20
ATTRIBUTION_DAYS_AFTER = 7  # orders up to a week after the campaign's end still count


def is_rep(user) -> bool:
    return not user.is_superuser and user.role == Role.REP


def visible_campaigns(user):
    qs = Campaign.objects.visible_to(user)
    if is_rep(user):
        qs = qs.exclude(status=CampaignStatus.DRAFT)
    return qs


def own_targets_q(user) -> Q:
    return Q(targets__rep=user) | Q(targets__rep__isnull=True, targets__company__rep=user)


def sees_every_target(user) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE)


def targets_visible_to(qs, user):
    """The targets a person may read: a rep their own customers', a supervisor those of the teams
    they lead (an "all teams" campaign holds other teams' customers), back office and admin all."""
    if is_rep(user):
        return qs.filter(Q(rep=user) | Q(rep__isnull=True, company__rep=user))
    if not sees_every_target(user):
        return qs.filter(company__in=Company.objects.visible_to(user))
    return qs


def campaign_list(*, user) -> list[Campaign]:
    """Campaigns with their targets' counts (the rep's own targets for a rep)."""
    base = Q(targets__status__in=[s for s in TargetStatus.values if s != TargetStatus.EXCLUDED])
    if is_rep(user):
        base &= own_targets_q(user)
    elif not sees_every_target(user):
        base &= Q(targets__company__in=Company.objects.visible_to(user))
    qs = (
        visible_campaigns(user)
        .select_related("team")
        .annotate(
            n_targets=Count("targets", filter=base, distinct=True),
            n_called=Count("targets", filter=base & Q(targets__attempts__gt=0), distinct=True),
            n_reached=Count("targets", filter=base & Q(targets__reached_at__isnull=False), distinct=True),
            n_positive=Count(
                "targets", filter=base & Q(targets__status=TargetStatus.POSITIVE), distinct=True
            ),
        )
    )
    return list(qs.order_by("status", "-starts_on", "name"))


# Preview ---------------------------------------------------------------------------------------------------------------


@dataclass
class Preview:
    matched: int = 0
    excluded: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)
    by_rep: list[tuple[str, int]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    valid: bool = True

    @property
    def reachable(self) -> int:
        return self.matched - self.excluded


def target_preview(*, user, query: str, team_id: int | None, channel: str) -> Preview:
    """What a launch would do now: companies matched, excluded and why, split by rep, first names."""
    filterset = targeting.target_filter(query=query, user=user)
    if not filterset.is_valid():
        return Preview(valid=False)
    qs = filterset.qs.order_by()
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    rows = list(qs.order_by("sort_name", "pk").values_list("pk", "trade_name", "legal_name", "rep_id"))
    if not rows:
        return Preview()
    reach = targeting.reach([r[0] for r in rows], channel)
    reasons = Counter(reach.excluded.values())
    per_rep = Counter(r[3] for r in rows if r[0] not in reach.excluded)
    names = {
        u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=[k for k in per_rep if k])
    }
    by_rep = sorted(((names.get(k, "—"), n) for k, n in per_rep.items()), key=lambda x: (-x[1], x[0]))
    return Preview(
        matched=len(rows),
        excluded=len(reach.excluded),
        reasons=reasons.most_common(),
        by_rep=by_rep,
        names=[(r[1] or r[2]) for r in rows[:PREVIEW_NAMES]],
    )


# Results ---------------------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    label: str = ""
    targets: int = 0
    called: int = 0
    reached: int = 0
    positive: int = 0
    refused: int = 0
    emailed: int = 0
    orders: int = 0
    revenue: Decimal = ZERO
    promo_orders: int = 0
    promo_revenue: Decimal = ZERO

    @property
    def reach_rate(self) -> int | None:
        return round(100 * self.reached / self.targets) if self.targets else None

    @property
    def positive_rate(self) -> int | None:
        return round(100 * self.positive / self.reached) if self.reached else None


@dataclass
class Objective:
    label: str
    done: Decimal | int
    target: Decimal | int
    money: bool = False

    @property
    def percent(self) -> int:
        return min(100, round(100 * Decimal(self.done) / Decimal(self.target))) if self.target else 0

    @property
    def full_percent(self) -> int:
        return round(100 * Decimal(self.done) / Decimal(self.target)) if self.target else 0


@dataclass
class Results:
    total: Figures
    excluded: int
    excluded_reasons: list[tuple[str, int]]
    by_rep: list[Figures]
    objectives: list[Objective]
    orders: list[dict]


def attribution_end(campaign: Campaign) -> dt.datetime:
    """Orders confirmed before the end of the 7th day after the campaign's end are attributed."""
    last = campaign.ends_on + dt.timedelta(days=ATTRIBUTION_DAYS_AFTER + 1)
    return dt.datetime.combine(last, dt.time.min, tzinfo=timezone.get_current_timezone())


def campaign_results(*, campaign: Campaign, user) -> Results:
    """The campaign's figures: reach, outcomes, orders and revenue attributed, promotion uptake, by
    rep. Five queries whatever the campaign's size (targets, orders, their lines, reps)."""
    from django.utils.translation import gettext as _

    from televente.orders.choices import OrderStatus
    from televente.orders.models import Order, OrderLine

    targets = targets_visible_to(CampaignTarget.objects.filter(campaign=campaign), user)
    rows = list(
        targets.values_list(
            "company_id", "rep_id", "company__rep_id", "status", "excluded_reason", "attempts", "reached_at",
            "message__sent_at",
        )
    )  # fmt: skip
    total = Figures(label=_("Total"))
    per_rep: dict[int | None, Figures] = defaultdict(Figures)
    excluded_reasons: Counter = Counter()
    starts: dict[int, tuple[dt.datetime, int | None]] = {}
    for company_id, rep_id, own_rep_id, status, why, attempts, reached_at, sent_at in rows:
        if status == TargetStatus.EXCLUDED:
            excluded_reasons[why or "—"] += 1
            continue
        rep_key = rep_id or own_rep_id
        for figures in (total, per_rep[rep_key]):
            figures.targets += 1
            figures.called += attempts > 0
            figures.reached += reached_at is not None
            figures.positive += status == TargetStatus.POSITIVE
            figures.refused += status == TargetStatus.REFUSED
            figures.emailed += sent_at is not None
        since = min((d for d in (reached_at, sent_at) if d is not None), default=None)
        if since is not None:
            starts[company_id] = (since, rep_key)

    orders_out: list[dict] = []
    if starts:
        ended = attribution_end(campaign)
        earliest = min(s for s, _rep in starts.values())
        orders = [
            o
            for o in Order.objects.filter(
                company_id__in=targets.exclude(status=TargetStatus.EXCLUDED).values("company_id"),
                confirmed_at__gte=earliest,
                confirmed_at__lt=ended,
            )
            .exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
            .values_list(
                "pk", "number", "company_id", "company__trade_name", "company__legal_name", "confirmed_at",
                "total_lines", "order_discount", "order_promotion_id",
            )
            .order_by("confirmed_at", "pk")
            if o[2] in starts and o[5] >= starts[o[2]][0]
        ]  # fmt: skip
        with_promo: set[int] = set()
        if campaign.promotion_id and orders:
            with_promo = {o[0] for o in orders if o[8] == campaign.promotion_id}
            for order_id, promotions in OrderLine.objects.filter(
                order_id__in=[o[0] for o in orders]
            ).values_list("order_id", "promotions"):
                if campaign.promotion_id in (promotions or []):
                    with_promo.add(order_id)
        for pk, number, company_id, trade, legal, confirmed_at, lines, discount, _promo in orders:
            amount = (lines or ZERO) - (discount or ZERO)
            rep_key = starts[company_id][1]
            promo = pk in with_promo
            for figures in (total, per_rep[rep_key]):
                figures.orders += 1
                figures.revenue += amount
                if promo:
                    figures.promo_orders += 1
                    figures.promo_revenue += amount
            orders_out.append(
                {"pk": pk, "number": number, "company": trade or legal, "confirmed_at": confirmed_at,
                 "amount": amount, "promotion": promo}
            )  # fmt: skip

    names = {
        u.pk: u.get_full_name() or u.username
        for u in User.objects.filter(pk__in=[k for k in per_rep if k]).only(
            "first_name", "last_name", "username"
        )
    }
    by_rep = []
    for rep_key, figures in per_rep.items():
        figures.label = names.get(rep_key, "—")
        by_rep.append(figures)
    by_rep.sort(key=lambda f: (-f.revenue, -f.reached, f.label))

    objectives = []
    if campaign.objective_reached:
        objectives.append(Objective(_("Clients joints"), total.reached, campaign.objective_reached))
    if campaign.objective_orders:
        objectives.append(Objective(_("Commandes"), total.orders, campaign.objective_orders))
    if campaign.objective_revenue:
        objectives.append(Objective(_("CA HT"), total.revenue, campaign.objective_revenue, money=True))
    return Results(
        total=total,
        excluded=sum(excluded_reasons.values()),
        excluded_reasons=excluded_reasons.most_common(),
        by_rep=by_rep,
        objectives=objectives,
        orders=orders_out,
    )


def campaign_targets(*, campaign: Campaign, user, status: str = ""):
    """The targets' rows for the list and the export, filterable by status."""
    qs = targets_visible_to(
        CampaignTarget.objects.filter(campaign=campaign).select_related("company", "contact", "rep"), user
    )
    if status in TargetStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("company__sort_name", "pk")


# The cockpit's card ----------------------------------------------------------------------------------------------------


def company_campaigns(*, company: Company, user, campaign_id: int | None = None) -> list[CampaignTarget]:
    """The running campaigns (today within their period) that target this customer; the one the
    call comes from first."""
    today = timezone.localdate()
    targets = list(
        CampaignTarget.objects.filter(
            company=company,
            campaign__status=CampaignStatus.RUNNING,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
        )
        .exclude(status=TargetStatus.EXCLUDED)
        .select_related("campaign__promotion", "campaign__script")
        .prefetch_related("campaign__documents")
        .order_by("-campaign__starts_on", "pk")
    )
    targets.sort(key=lambda t: t.campaign_id != campaign_id)
    return targets
