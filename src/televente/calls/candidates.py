"""Who should be called on a date, why, for how long, when, and at what stake.

The candidates of a team's day (seed 000, Organisation; issue 6): customers whose call day it is
(call windows on that weekday and their call frequency), callbacks promised for that day (at their
exact time), open delivery incidents to follow up, customers late against their own order cycle,
customers not reached on the last plans, inactive accounts to relaunch and prospects to contact
(both within the supervisor's daily quotas). Reasons add up on one call per customer.

Everything is read with a handful of `values_list` queries for the whole team (a team of 20 reps
has about 8,000 companies at `large`), never per company.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.customers.choices import CallFrequency, CompanyStatus, NextStepAction
from televente.customers.models import (
    CallWindow,
    ClosurePeriod,
    Company,
    CompanyHabits,
    Contact,
    Interaction,
    Phone,
)

from .choices import CallReason, TaskStatus, Unplanned
from .models import CallTask, PlanSettings, minutes

# The stakes of each reason (seed 000 Compétence 5: priorities from commercial stakes). A promised
# callback comes first: the customer waits for it at that time.
REASON_WEIGHT = {
    CallReason.CALLBACK: 60,
    CallReason.INCIDENT: 50,
    CallReason.CLAIM: 50,
    CallReason.COLLECTION: 45,
    CallReason.CALL_DAY: 40,
    CallReason.CAMPAIGN: 30,
    CallReason.LATE: 30,
    CallReason.RETRY: 25,
    CallReason.INACTIVE: 15,
    CallReason.PROSPECT: 10,
}
ABC_WEIGHT = {"A": 30, "B": 15, "C": 5}
# Longer talks where more is at stake ("le temps de chaque entretien est adapté à l'enjeu").
DURATION_FACTOR = {"A": 1.3, "B": 1.0, "C": 0.8}
REASON_DURATION_FACTOR = {CallReason.PROSPECT: 1.8, CallReason.INACTIVE: 1.4, CallReason.INCIDENT: 1.2}
RETRY_LOOKBACK_DAYS = 3


@dataclass
class Candidate:
    company_id: int
    name: str = ""
    own_rep_id: int | None = None
    contact_id: int | None = None
    reasons: list[str] = field(default_factory=list)
    priority: int = 0
    minutes: int = 5
    windows: list[tuple[int, int]] = field(default_factory=list)  # minutes of the day, [start, end)
    fixed_minute: int | None = None  # a promised callback's time
    callback_owner_id: int | None = None
    note: str = ""
    source_reference: str = ""
    excluded: str = ""  # an Unplanned code when it cannot be called at all that day
    attempts: int = 0

    @property
    def reason(self) -> str:
        return min(self.reasons, key=lambda r: -REASON_WEIGHT[r]) if self.reasons else CallReason.CALL_DAY


def is_call_day(frequency: str, every_n_weeks: int, company_id: int, day: dt.date) -> bool:
    """Weekly customers every week; every N weeks on a fixed week of the cycle; monthly customers on
    one fixed week of the month (spread over the portfolio by id so the load is even)."""
    if frequency == CallFrequency.EVERY_N_WEEKS and every_n_weeks > 1:
        return day.isocalendar().week % every_n_weeks == company_id % every_n_weeks
    if frequency == CallFrequency.MONTHLY:
        return (day.day - 1) // 7 == company_id % 4
    return True


def team_reps(team: Team) -> list[User]:
    return list(User.objects.filter(team=team, role=Role.REP, is_active=True).order_by("last_name", "pk"))


def settings_for(team: Team) -> PlanSettings:
    found = PlanSettings.objects.filter(team=team).first()
    return found or PlanSettings(team=team)


def collect(
    *,
    team: Team,
    day: dt.date,
    conf: PlanSettings,
    rep_ids: Iterable[int],
    exclude_company_ids: Iterable[int] = (),
) -> list[Candidate]:
    """Every candidate of the team's day, merged per company, with priority, duration and windows."""
    weekday = day.weekday()
    tz = timezone.get_current_timezone()
    day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    rep_ids = set(rep_ids)
    excluded_ids = set(exclude_company_ids)
    found: dict[int, Candidate] = {}

    def add(company_id: int, reason: str, **extra) -> Candidate:
        cand = found.get(company_id)
        if cand is None:
            cand = found[company_id] = Candidate(company_id=company_id)
        if reason not in cand.reasons:
            cand.reasons.append(reason)
        for key, value in extra.items():
            if value and not getattr(cand, key):
                setattr(cand, key, value)
        return cand

    team_companies = Company.objects.filter(team=team)

    # Call days: a window on this weekday and the frequency says this week.
    for company_id, frequency, every_n in (
        CallWindow.objects.filter(weekday=weekday, company__team=team, company__status=CompanyStatus.CUSTOMER)
        .values_list("company_id", "company__call_frequency", "company__call_every_n_weeks")
        .distinct()
    ):
        if is_call_day(frequency, every_n, company_id, day):
            add(company_id, CallReason.CALL_DAY)

    # Callbacks promised for that day, at their time; those missed in the last days too (no fixed time).
    since = day_start - dt.timedelta(days=7)
    for inter_id, company_id, at, owner_id, note in Interaction.objects.filter(
        company__team=team,
        next_action=NextStepAction.CALLBACK,
        next_action_done_at__isnull=True,
        next_action_at__gte=since,
        next_action_at__lt=day_start + dt.timedelta(days=1),
    ).values_list("pk", "company_id", "next_action_at", "next_action_owner_id", "next_action_note"):
        local = timezone.localtime(at, tz)
        cand = add(
            company_id, CallReason.CALLBACK, note=note, source_reference=f"customers.interaction:{inter_id}"
        )
        if local.date() == day and cand.fixed_minute is None:
            cand.fixed_minute = local.hour * 60 + local.minute
            cand.source_reference = f"customers.interaction:{inter_id}"
            if owner_id in rep_ids:
                cand.callback_owner_id = owner_id

    # Open delivery incidents to follow up with the customer.
    from televente.orders.choices import IncidentStatus
    from televente.orders.models import DeliveryIncident

    for incident_id, company_id in (
        DeliveryIncident.objects.filter(company__team=team)
        .exclude(status=IncidentStatus.RESOLVED)
        .values_list("pk", "company_id")
    ):
        add(company_id, CallReason.INCIDENT, source_reference=f"orders.deliveryincident:{incident_id}")

    # Late against their own order cycle.
    late_days: dict[int, int] = {}
    for company_id, expected in CompanyHabits.objects.filter(
        company__team=team, company__status=CompanyStatus.CUSTOMER, next_expected_order__lt=day
    ).values_list("company_id", "next_expected_order"):
        late_days[company_id] = (day - expected).days
        add(company_id, CallReason.LATE)

    # Not reached on the last plans (all attempts used): tried again today.
    for company_id in CallTask.objects.filter(
        plan__team=team,
        plan__date__gte=day - dt.timedelta(days=RETRY_LOOKBACK_DAYS),
        plan__date__lt=day,
        status=TaskStatus.FAILED,
    ).values_list("company_id", flat=True):
        add(company_id, CallReason.RETRY)

    # Sources of other apps: campaign targets, claims to follow up (see sources.py).
    from .sources import registered

    for source in registered():
        for company_id, reason, note, *rest in source(team, day, rep_ids):
            if reason in REASON_WEIGHT:
                add(company_id, reason, note=note, source_reference=rest[0] if rest else "")

    # Quotas per rep: inactive accounts and prospects, best potential first.
    def quota(qs, reason: str, per_rep: int, order: list[str]) -> None:
        if per_rep <= 0:
            return
        taken: dict[int, int] = defaultdict(int)
        for company_id, rep_id in (
            qs.exclude(pk__in=list(found))
            .order_by(*order)
            .values_list("pk", "rep_id")[: per_rep * max(1, len(rep_ids)) * 4]
        ):
            if taken[rep_id] >= per_rep:
                continue
            taken[rep_id] += 1
            add(company_id, reason)

    relaunch_before = day_start - dt.timedelta(days=conf.inactive_after_days)
    quota(
        team_companies.filter(status=CompanyStatus.INACTIVE).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=relaunch_before)
        ),
        CallReason.INACTIVE,
        conf.relaunches_per_rep,
        ["-habits__revenue_prev_12m", "pk"],
    )
    recontact_before = day_start - dt.timedelta(days=conf.prospect_recontact_days)
    quota(
        team_companies.filter(status__in=[CompanyStatus.PROSPECT, CompanyStatus.SUSPECT]).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=recontact_before)
        ),
        CallReason.PROSPECT,
        conf.prospects_per_rep,
        ["last_contact_at", "-potential", "pk"],
    )

    for company_id in excluded_ids:
        found.pop(company_id, None)
    if not found:
        return []
    _complete(found, team=team, day=day, late_days=late_days)
    return sorted(found.values(), key=lambda c: (-c.priority, c.company_id))


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # SQLite limits the number of parameters of one query.
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _complete(found: dict[int, Candidate], *, team: Team, day: dt.date, late_days: dict[int, int]) -> None:
    """Adds what each candidate needs: owner, contact, windows, closures, stakes and duration."""
    ids = sorted(found)
    weekday = day.weekday()
    windows_today: dict[int, list[tuple[int, int]]] = defaultdict(list)
    windows_any: dict[int, set[tuple[int, int]]] = defaultdict(set)
    closed: set[int] = set()
    contacts: dict[int, list[tuple[int, bool, bool, bool]]] = defaultdict(list)
    with_phone: set[int] = set()
    facts: dict[int, tuple] = {}
    for chunk in _chunks(ids):
        for company_id, wd, start, end in CallWindow.objects.filter(company_id__in=chunk).values_list(
            "company_id", "weekday", "start", "end"
        ):
            span = (minutes(start), minutes(end))
            windows_any[company_id].add(span)
            if wd == weekday:
                windows_today[company_id].append(span)
        closed.update(
            ClosurePeriod.objects.filter(company_id__in=chunk, start__lte=day, end__gte=day).values_list(
                "company_id", flat=True
            )
        )
        for contact_id, company_id, decider, orders, opt_out in Contact.objects.filter(
            company_id__in=chunk, is_active=True
        ).values_list("pk", "company_id", "is_decision_maker", "is_order_contact", "opt_out_phone"):
            contacts[company_id].append((contact_id, decider, orders, opt_out))
        with_phone.update(
            Phone.objects.filter(company_id__in=chunk).values_list("company_id", flat=True).distinct()
        )
        for row in Company.objects.filter(pk__in=chunk).values_list(
            "pk",
            "trade_name",
            "legal_name",
            "rep_id",
            "status",
            "potential",
            "segment__call_minutes",
            "habits__abc_class",
            "habits__revenue_12m",
        ):
            facts[row[0]] = row[1:]

    for company_id, cand in found.items():
        trade, legal, rep_id, status, potential, call_minutes, abc, revenue = facts[company_id]
        cand.name = trade or legal
        cand.own_rep_id = rep_id
        if cand.callback_owner_id:
            cand.own_rep_id = cand.callback_owner_id
        # Whom to ask for: the decision maker who accepts calls, else whoever places the orders.
        reachable = [c for c in contacts[company_id] if not c[3]]
        if contacts[company_id] and not reachable:
            cand.excluded = Unplanned.OPTED_OUT
        elif company_id not in with_phone:
            cand.excluded = Unplanned.NO_PHONE
        elif company_id in closed:
            cand.excluded = Unplanned.CLOSED
        if reachable:
            best = sorted(reachable, key=lambda c: (not c[1], not c[2], c[0]))[0]
            cand.contact_id = best[0]
        # The day's windows; on another reason than the call day, the hours the customer gave for
        # any day; none given: the working day.
        cand.windows = sorted(windows_today[company_id]) or sorted(windows_any[company_id])
        # Stakes.
        base = max(REASON_WEIGHT[r] for r in cand.reasons)
        priority = base + 5 * (len(cand.reasons) - 1) + ABC_WEIGHT.get(abc or "", 0)
        if CallReason.LATE in cand.reasons:
            priority += min(late_days.get(company_id, 0), 20)
        if potential:
            priority += min(int(Decimal(potential) / 2000), 15)
        if revenue:
            priority += min(int(Decimal(revenue) / 5000), 10)
        cand.priority = max(1, priority)
        factor = DURATION_FACTOR.get(abc or "", 1.0)
        factor = max([factor] + [REASON_DURATION_FACTOR.get(r, 1.0) for r in cand.reasons])
        cand.minutes = max(3, math.ceil((call_minutes or 5) * factor))


def expected_minutes(cand: Candidate, slot_minutes: int) -> int:
    """The call's length on the plan's grid: the nearest whole number of slots, at least one.
    Rounding up would turn every 6-minute call into 10 on a 5-minute grid and lose a third of the day."""
    return max(1, math.floor(cand.minutes / slot_minutes + 0.5)) * slot_minutes
