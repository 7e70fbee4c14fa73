"""Demo call plans: each team's planning settings, the published plans of the last two months with
the calls made (the dashboards' history), and today's plan of the demo team, published, so that
the demo rep's cockpit has a day of calls to work through. Tomorrow's plan is left for the
supervisor to generate and publish. The demo field rep has a visit coming (booked through the
service, as a rep would) and one made yesterday that still waits for its report.

The history is written with bulk inserts (`core/bulk.py`), not through `call_outcome_record`
(about 10 queries a call, 170,000 calls at `large`); it follows the same rules: one call per
customer and plan, the timeline entry of each call linked from its task, a call not reached tried
again later in the day up to three times, a promised callback kept by the next call.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.core.bulk import insert_rows, next_id, reset_sequences
from televente.core.demo import SEED, DemoContext
from televente.customers.choices import CompanyStatus, InteractionKind, NextStepAction, Outcome
from televente.customers.models import CallWindow, Company, Contact, Interaction

from .appointments import appointment_book
from .candidates import ABC_WEIGHT, DURATION_FACTOR, REASON_DURATION_FACTOR, REASON_WEIGHT
from .choices import CallOutcome, CallReason, NoOrderReason, PlanStatus, SkipReason, TaskStatus, Unplanned
from .models import Appointment, CallPlan, CallTask, PlanSettings, minutes, parse_ranges
from .services import OUTCOME_TO_TIMELINE, plan_build

HISTORY_DAYS = 62  # calendar days of published plans before today: this month and the previous one


def seed(ctx: DemoContext) -> None:
    teams = list(Team.objects.order_by("pk"))
    for team in teams:
        PlanSettings.objects.get_or_create(team=team)
    _visits(ctx)
    if teams:
        _history(ctx, teams)
    if not teams or ctx.today.weekday() >= 5:
        return
    team = teams[0]
    plan, _created = CallPlan.objects.get_or_create(team=team, date=ctx.today)
    stats = plan_build(plan=plan, by=team.supervisor)
    CallPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.PUBLISHED, published_by=team.supervisor, published_at=timezone.now()
    )
    ctx.log(f"  calls: today's plan of {team.name}: {stats['planned_calls']} calls planned")


def _next_weekday(day: dt.date, offset: int) -> dt.date:
    day += dt.timedelta(days=offset)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _visits(ctx: DemoContext) -> None:
    rep = User.objects.filter(username="televendeur").first()
    field_rep = User.objects.filter(username="itinerant").first()
    if rep is None or field_rep is None:
        return
    companies = list(Company.objects.filter(rep=rep).exclude(status="lost").order_by("pk")[:2])
    if len(companies) < 2:
        return
    tz = timezone.get_current_timezone()
    coming = dt.datetime.combine(_next_weekday(ctx.today, 2), dt.time(10), tzinfo=tz)
    appointment_book(
        company=companies[0], by=rep, field_rep=field_rep, start=coming,
        purpose="Présentation de la gamme traiteur", contact=companies[0].contacts.first(),
    )  # fmt: skip
    # Yesterday's visit, made and not reported yet (written directly: a booking is never in the past).
    past = dt.datetime.combine(ctx.today - dt.timedelta(days=1), dt.time(14), tzinfo=tz)
    Appointment.objects.create(
        company=companies[1], field_rep=field_rep, booked_by=rep, start=past, end=past + dt.timedelta(hours=1),
        purpose="Dégustation des nouveautés", uid=f"{uuid.uuid4()}@televente",
    )  # fmt: skip


# The call history -----------------------------------------------------------------------------

INTERACTION_FIELDS = (
    "id", "created_at", "updated_at", "company", "contact", "kind", "occurred_at", "author", "outcome", "subject",
    "notes", "duration_seconds", "next_action", "next_action_note", "next_action_at", "next_action_owner",
    "next_action_done_at", "reference",
)  # fmt: skip
NEXT_AT, DONE_AT = INTERACTION_FIELDS.index("next_action_at"), INTERACTION_FIELDS.index("next_action_done_at")
TASK_FIELDS = (
    "id", "created_at", "updated_at", "plan", "company", "contact", "rep", "own_rep", "reason", "reasons",
    "reason_note", "priority", "expected_minutes", "windows", "fixed_time", "planned_start", "status",
    "unplanned_reason", "attempts", "started_at", "ended_at", "duration_seconds", "outcome", "no_order_reason",
    "skip_reason", "interaction", "source_reference",
)  # fmt: skip
PLAN_FIELDS = (
    "id", "created_at", "updated_at", "team", "date", "status", "progress", "stats", "generated_at",
    "generated_by", "published_at", "published_by",
)  # fmt: skip
NO_ORDER = (
    [NoOrderReason.STOCKED] * 8 + [NoOrderReason.NOT_DECIDER] * 3 + [NoOrderReason.COMPETITOR] * 3
    + [NoOrderReason.PRICE] * 2 + [NoOrderReason.CLOSED, NoOrderReason.INFORMATION, NoOrderReason.OTHER]
)  # fmt: skip
CALLBACK_NOTES = [
    "Le chef fait son inventaire, rappeler pour la commande",
    "Rappeler quand le gérant sera là",
    "Attend la carte de la semaine prochaine",
    "Veut comparer avec son autre fournisseur",
    "",
]
SKIPS = [SkipReason.ORDER_RECEIVED, SkipReason.CUSTOMER_CALLED, SkipReason.CLOSED, SkipReason.DUPLICATE]
RETRY_MINUTES = 45  # PlanSettings.retry_after_minutes by default
CALLBACK_TOLERANCE = 30 * 60  # seconds: a callback made later than this is not kept (docs/INDICATORS.md)


@dataclass
class Profile:
    """How one rep works, so that the reps of a team differ on the dashboards."""

    reach: float  # share of the calls answered
    conversion: float  # share of the answered calls that end with an order
    in_window: float  # share of the calls placed inside the customer's call windows
    kept: float  # share of the promised callbacks made within 30 minutes of the promised time
    talk: float  # factor on the segment's recommended call duration
    missed: float  # share of the planned calls never made
    monday: float = 1.0  # factor on the reach on Mondays


def _profiles(rng, reps_by_team: dict[int, list[User]]) -> dict[int, Profile]:
    """Ordinary reps, and in each team one who reaches fewer customers, one who converts fewer of
    them and one clearly weaker on Mondays (never the demo rep, whose calls run long)."""
    profiles = {}
    for reps in reps_by_team.values():
        others = [r.pk for r in reps if r.username != "televendeur"]
        weak = dict(
            zip(("reach", "conversion", "monday"), rng.sample(others, min(3, len(others))), strict=False)
        )
        for rep in reps:
            profiles[rep.pk] = Profile(
                reach=rng.uniform(0.55, 0.62) if weak.get("reach") == rep.pk else rng.uniform(0.72, 0.84),
                conversion=rng.uniform(0.46, 0.54)
                if weak.get("conversion") == rep.pk
                else rng.uniform(0.64, 0.76),
                in_window=rng.uniform(0.84, 0.98),
                kept=rng.uniform(0.65, 0.97),
                talk=1.35 if rep.username == "televendeur" else rng.uniform(0.8, 1.2),
                missed=rng.uniform(0.0, 0.05),
                monday=0.55 if weak.get("monday") == rep.pk else 1.0,
            )
    return profiles


@dataclass
class _Company:
    pk: int
    status: str
    call_minutes: int
    abc: str
    contact_id: int | None
    windows: dict[int | None, list[tuple[int, int]]]  # weekday (None: any day) -> minute ranges
    expected: dt.date | None  # next order expected (its habits): late after that day


def _history(ctx: DemoContext, teams: list[Team]) -> None:
    """The published plans of the last HISTORY_DAYS days (Monday to Friday) with the calls made."""
    started = time.perf_counter()
    today = ctx.today
    days = [today - dt.timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
    days = [d for d in days if d.weekday() < 5]
    if not days:
        return
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(days[0], dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    # The customers demo's scattered calls of these weeks give way to the plans' calls (their open
    # next steps stay: they are promises still to keep).
    Interaction.objects.filter(
        kind=InteractionKind.CALL_OUT, occurred_at__gte=low, occurred_at__lt=high, reference=""
    ).exclude(next_action_done_at__isnull=True, next_action__in=NextStepAction.values).delete()

    reps_by_team: dict[int, list[User]] = defaultdict(list)
    for rep in User.objects.filter(role=Role.REP, is_active=True, team__in=teams).order_by("pk"):
        reps_by_team[rep.team_id].append(rep)
    # Its own generator, seeded like the demo's: the later demos (claims, receivables) keep their draws.
    rng = random.Random(f"{SEED}:calls")
    writer = _HistoryWriter(ctx, rng, _companies(reps_by_team), _profiles(rng, reps_by_team))
    orders = writer.read_orders(low, high)
    # Each rep's usual number of orders a day (before the last two weeks, when the customers the
    # customers demo made late stop ordering): the rep keeps calling as many customers a day.
    usual = days[:-10] or days
    for (rep_id, day), taken in orders.items():
        if day in usual:
            writer.usual[rep_id] = writer.usual.get(rep_id, 0) + len(taken) / len(usual)
    for team in teams:
        writer.settings(team)
        for day in days:
            writer.plan(team, day, reps_by_team.get(team.pk, []), orders)
    count = writer.save()
    ctx.log(
        f"  calls: history of {len(days)} working days: {count['plans']} plans, "
        f"{count['tasks']} planned calls, {count['calls']} calls, {count['orders']} ordering calls ({time.perf_counter() - started:.1f} s)"
    )


def _companies(reps_by_team: dict[int, list[User]]) -> dict[int, list[_Company]]:
    """{rep id: the rep's companies that may be called (all but lost customers)}."""
    rep_ids = [r.pk for reps in reps_by_team.values() for r in reps]
    contacts: dict[int, int] = {}
    for company_id, contact_id in (
        Contact.objects.filter(is_active=True, opt_out_phone=False, company__rep_id__in=rep_ids)
        .order_by("company_id", "-is_decision_maker", "-is_order_contact", "pk")
        .values_list("company_id", "pk")
    ):
        contacts.setdefault(company_id, contact_id)
    windows: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    for company_id, weekday, start, end in CallWindow.objects.filter(company__rep_id__in=rep_ids).values_list(
        "company_id", "weekday", "start", "end"
    ):
        span = (minutes(start), minutes(end))
        windows[company_id][weekday].append(span)
        windows[company_id][None].append(span)
    found: dict[int, list[_Company]] = defaultdict(list)
    for pk, rep_id, status, call_minutes, abc, expected in (
        Company.objects.filter(rep_id__in=rep_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "rep_id",
            "status",
            "segment__call_minutes",
            "habits__abc_class",
            "habits__next_expected_order",
        )
    ):
        found[rep_id].append(
            _Company(
                pk, status, call_minutes or 5, abc or "", contacts.get(pk), windows.get(pk, {}), expected
            )
        )
    return found


class _HistoryWriter:
    """Builds the rows of the plans, planned calls and timeline entries, day after day, then inserts them."""

    def __init__(
        self, ctx: DemoContext, rng, companies: dict[int, list[_Company]], profiles: dict[int, Profile]
    ):
        self.rng = rng
        self.today = ctx.today
        self.tz = timezone.get_current_timezone()
        self.profiles = profiles
        self.companies = companies
        self.by_pk = {c.pk: c for cs in companies.values() for c in cs}
        self.plan_id, self.task_id, self.call_id = next_id(CallPlan), next_id(CallTask), next_id(Interaction)
        self.plans: list[tuple] = []
        self.tasks: list[tuple] = []
        self.calls: list[list] = []  # lists: a promised callback's time is set when it is made
        # Callbacks promised for a day: (rep, company, timeline row of the promise).
        self.promised: dict[dt.date, list[tuple[int, int, list]]] = defaultdict(list)
        self.failed: dict[int, set[int]] = defaultdict(set)  # rep -> companies not reached on their last day
        self.last_call: dict[int, dt.datetime] = {}
        self.ordering_calls = 0
        self.usual: dict[int, float] = {}  # rep -> orders on a usual day
        self.json: dict[str, str] = {}
        self.subjects: dict[str, str] = {}

    def read_orders(self, low: dt.datetime, high: dt.datetime) -> dict[tuple[int, dt.date], list]:
        """{(rep, day): [(order, company, seconds of the local day it was confirmed)]} of the history."""
        from televente.orders.choices import OrderSource, OrderStatus
        from televente.orders.models import Order

        found: dict[tuple[int, dt.date], list] = defaultdict(list)
        for pk, company_id, rep_id, confirmed in (
            Order.objects.filter(source=OrderSource.HISTORY, confirmed_at__gte=low, confirmed_at__lt=high)
            .exclude(status=OrderStatus.CANCELLED)
            .exclude(rep__isnull=True)
            .order_by("confirmed_at", "pk")
            .values_list("pk", "company_id", "rep_id", "confirmed_at")
        ):
            local = timezone.localtime(confirmed, self.tz)
            seconds = local.hour * 3600 + local.minute * 60 + local.second
            found[(rep_id, local.date())].append((pk, company_id, seconds))
        return found

    def settings(self, team: Team) -> None:
        conf = PlanSettings.objects.filter(team=team).first() or PlanSettings(team=team)
        self.day_start, self.day_end = minutes(conf.day_start), minutes(conf.day_end)
        # Minutes of the day a call can be placed in: the working day but the breaks.
        self.template = bytearray(b"\x01" * 1440)
        self.template[self.day_start : self.day_end] = bytes(self.day_end - self.day_start)
        for a, b in parse_ranges(conf.breaks or []):
            self.template[a:b] = b"\x01" * (b - a)
        self.open_minutes = [m for m in range(1440) if not self.template[m]]
        self.supervisor_id = team.supervisor_id

    # Helpers -------------------------------------------------------------------------------------

    def _subject(self, reason: str) -> str:
        if reason not in self.subjects:
            self.subjects[reason] = f"Appel du plan : {CallReason(reason).label}"
        return self.subjects[reason]

    def _json(self, value) -> str:
        key = repr(value)
        if key not in self.json:
            self.json[key] = json.dumps(value)
        return self.json[key]

    def _spans(self, company: _Company, weekday: int) -> list[tuple[int, int]]:
        """The windows the plan gives the call: that weekday's, else any day's (as candidates.py)."""
        return sorted(company.windows.get(weekday) or company.windows.get(None) or [])

    def _usable(self, spans) -> list[tuple[int, int]]:
        usable = [(max(a, self.day_start), min(b, self.day_end)) for a, b in spans]
        return [(a, b) for a, b in usable if b - a >= 10]

    def _minute(self, spans, in_window: float) -> int:
        """Where the plan puts a call: inside a window (within working hours) or anywhere in the day."""
        usable = self._usable(spans)
        if usable and self.rng.random() < in_window:
            a, b = self.rng.choice(usable)
            return self.rng.randint(a, b - 5)
        return self.rng.choice(self.open_minutes)

    def _slot(self, busy: bytearray, spans, in_window: float, seconds: int) -> tuple[int, int]:
        """(where the plan put the call, when it was made) in seconds of the day: a free time inside
        one of the windows when the rep keeps to them, else anywhere free in the day."""
        rng = self.rng
        usable = self._usable(spans)
        if not usable or rng.random() >= in_window:
            minute = rng.choice(self.open_minutes)
            return minute * 60, self._place(busy, minute, seconds)
        a, b = rng.choice(usable)
        minute = rng.randint(a, b - 5)
        need = max(1, math.ceil(seconds / 60))
        free = bytes(need)
        for low, high in ((minute, b), (a, b), *usable):
            found = busy.find(free, low, high)
            if found >= 0:
                busy[found : found + need] = b"\x01" * need
                return found * 60, found * 60 + rng.randint(0, 40)
        return minute * 60, self._place(busy, minute, seconds)

    def _talk(self, company: _Company, profile: Profile, factor: float = 1.0) -> int:
        return max(45, int(company.call_minutes * 60 * profile.talk * factor * self.rng.uniform(0.6, 1.4)))

    def _place(self, busy: bytearray, minute: int, seconds: int, *, earlier: bool = True) -> int:
        """The first free time for a call from `minute` (within the hour, else from the start of the
        day when `earlier`, else at `minute` anyway); returns its start in seconds of the day."""
        need = max(1, math.ceil(seconds / 60))
        free = bytes(need)
        found = busy.find(free, minute, self.day_end)
        if (found < 0 or found - minute > 60) and earlier:
            found = busy.find(free, self.day_start, self.day_end)
        if found < 0 or (not earlier and found - minute > 60):
            found = minute
        busy[found : found + need] = b"\x01" * need
        return found * 60 + self.rng.randint(0, 40)

    def _at(self, day: dt.date, seconds: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.tz) + dt.timedelta(seconds=seconds)

    def _call(
        self, day, rep_id, company: _Company, at: int, outcome: str, reason: str, duration=None, **extra
    ):
        """One timeline entry of a call; returns its row (a list)."""
        occurred = self._at(day, at)
        logged = occurred + dt.timedelta(seconds=duration or 30)
        row = [
            self.call_id, logged, logged, company.pk, company.contact_id, InteractionKind.CALL_OUT, occurred,
            rep_id, outcome, self._subject(reason), extra.get("notes", ""),
            duration, extra.get("next_action", ""), extra.get("next_action_note", ""),
            extra.get("next_action_at"), rep_id if extra.get("next_action") else None, None,
            extra.get("reference", ""),
        ]  # fmt: skip
        self.call_id += 1
        self.calls.append(row)
        if self.last_call.get(company.pk, occurred) <= occurred:
            self.last_call[company.pk] = occurred
        return row

    # One plan ------------------------------------------------------------------------------------

    def plan(self, team: Team, day: dt.date, reps: list[User], orders: dict) -> None:
        plan_id = self.plan_id
        self.plan_id += 1
        generated = self._at(day - dt.timedelta(days=3 if day.weekday() == 0 else 1), 17 * 3600 + 40 * 60)
        counts = {"planned": 0, "unplanned": 0}
        for rep in reps:
            for key, value in self._rep_day(
                plan_id, generated, day, rep.pk, orders.get((rep.pk, day), [])
            ).items():
                counts[key] += value
        rng = self.rng
        stats = {
            "candidates": counts["planned"] + counts["unplanned"], "planned_calls": counts["planned"],
            "unplanned_calls": counts["unplanned"], "reps": len(reps), "absent_reps": 0,
            "gap_to_bound_pct": round(rng.uniform(0.2, 2.5), 2), "hard_constraints_ok": True, "violations": [],
            "seconds": round(rng.uniform(2, 4) + 0.15 * len(reps), 2), "rest_of_day": False,
        }  # fmt: skip
        self.plans.append(
            (plan_id, generated, generated, team.pk, day, PlanStatus.PUBLISHED, 100, json.dumps(stats), generated,
             self.supervisor_id, generated + dt.timedelta(minutes=15), self.supervisor_id)
        )  # fmt: skip

    def _rep_day(self, plan_id: int, generated: dt.datetime, day: dt.date, rep_id: int, orders: list) -> dict:
        rng, weekday = self.rng, day.weekday()
        profile = self.profiles[rep_id]
        reach = profile.reach * (profile.monday if weekday == 0 else 1.0)
        conversion = profile.conversion * (0.85 if weekday == 0 and profile.monday < 1 else 1.0)
        busy = bytearray(self.template)
        used: set[int] = set()
        tasks: list[dict] = []
        promised: dict[int, list[list]] = defaultdict(list)
        for owner, company_id, row in self.promised.pop(day, []):
            if owner == rep_id:
                promised[company_id].append(row)
            else:
                self.promised[day].append((owner, company_id, row))

        def task(company: _Company, reason: str, **fields) -> dict:
            used.add(company.pk)
            reasons = [reason]
            if company.pk in self.failed[rep_id] and reason != CallReason.RETRY:
                reasons.append(CallReason.RETRY)
            item = {"company": company, "reason": reason, "reasons": reasons, **fields}
            tasks.append(item)
            return item

        def keep_promises(company: _Company, start: int, end: int) -> tuple[int | None, str]:
            """A promised callback is kept by this call: its time (kept or late) is set from the call."""
            rows = promised.pop(company.pk, [])
            if not rows:
                return None, ""
            late = rng.random() >= profile.kept
            ahead = (
                rng.randint(CALLBACK_TOLERANCE + 60, CALLBACK_TOLERANCE + 5400)
                if late
                else rng.randint(0, 1500)
            )
            promise = max(self.day_start * 60, end - ahead) // 300 * 300  # promised on a 5-minute mark
            for row in rows:
                row[NEXT_AT], row[DONE_AT] = self._at(day, promise), self._at(day, end)
            return promise, f"customers.interaction:{rows[0][0]}"

        # 1. The ordering calls, just before each order's confirmation.
        for order_id, company_id, confirmed in orders:
            company = self.by_pk.get(company_id)
            if company is None or company.pk in used:
                continue
            duration = self._talk(company, profile, 1.15)
            start = confirmed - duration - rng.randint(20, 120)
            need = math.ceil(duration / 60)
            busy[start // 60 : start // 60 + need] = b"\x01" * need
            promise, source = keep_promises(company, start, start + duration)
            reason = (
                CallReason.CALLBACK
                if promise is not None
                else rng.choice([CallReason.CALL_DAY] * 6 + [CallReason.LATE])
            )
            call = self._call(day, rep_id, company, start, Outcome.REACHED_ORDER, reason, duration,
                              reference=f"orders.order:{order_id}")  # fmt: skip
            task(company, reason, start=start, duration=duration, outcome=CallOutcome.REACHED_ORDER, call=call,
                 attempts=1, fixed=promise, source=source, planned=start if promise is None else promise)  # fmt: skip
            self.ordering_calls += 1

        # 2. The other callbacks promised for the day.
        for company_id in list(promised):
            company = self.by_pk[company_id]
            if company.pk in used:  # cannot happen: an ordering call keeps its promises
                continue
            promise = self._minute(self._spans(company, weekday), 1.0) * 60 // 900 * 900
            late = rng.random() >= profile.kept
            start = promise + (rng.randint(1800 + 60, 7200) if late else rng.randint(-60, 600))
            duration = self._talk(company, profile)
            start = self._place(busy, max(self.day_start, start // 60), duration)
            rows = promised.pop(company_id)
            for row in rows:
                row[NEXT_AT], row[DONE_AT] = self._at(day, promise), self._at(day, start + duration)
            outcome = CallOutcome.APPOINTMENT if rng.random() < 0.1 else CallOutcome.REACHED_NO_ORDER
            self._reached(day, rep_id, task(company, CallReason.CALLBACK, fixed=promise, planned=promise,
                          source=f"customers.interaction:{rows[0][0]}"), start, duration, outcome)  # fmt: skip

        # 3. Other calls answered: retries first, a few prospects and inactive accounts, then customers.
        reached = len(tasks)
        usual = self.usual.get(rep_id, 0) * rng.uniform(0.85, 1.1)
        others = self._round(max(len(orders), usual) / conversion - reached) or rng.randint(0, 2)
        pool = self._pool(rep_id, used, {o[1] for o in orders})
        for company in pool[:others]:
            prospect = company.status in (CompanyStatus.PROSPECT, CompanyStatus.SUSPECT)
            reason = CallReason.RETRY if company.pk in self.failed[rep_id] else (
                CallReason.PROSPECT if prospect else CallReason.INACTIVE if company.status == CompanyStatus.INACTIVE
                else CallReason.LATE if company.expected and company.expected < day
                else rng.choice([CallReason.CALL_DAY] * 5 + [CallReason.LATE]))  # fmt: skip
            draw = rng.random()
            if prospect:
                outcome = (CallOutcome.REACHED_NO_ORDER if draw < 0.55 else CallOutcome.APPOINTMENT if draw < 0.7
                           else CallOutcome.CALLBACK if draw < 0.85 else CallOutcome.REFUSED)  # fmt: skip
            else:
                outcome = (CallOutcome.REACHED_NO_ORDER if draw < 0.84 else CallOutcome.CALLBACK if draw < 0.97
                           else CallOutcome.APPOINTMENT)  # fmt: skip
            duration = self._talk(company, profile, 0.8)
            planned, start = self._slot(busy, self._spans(company, weekday), profile.in_window, duration)
            self._reached(day, rep_id, task(company, reason, planned=planned), start, duration, outcome)
        reached = len(tasks)

        # 4. Calls not answered: earlier tries of calls answered later, and calls failed after their tries.
        not_reached = self._round(reached * (1 - reach) / reach)
        for item in rng.sample(tasks, min(len(tasks), self._round(not_reached * 0.3))):
            before = item["start"] - rng.randint(RETRY_MINUTES, 120) * 60
            if before >= self.day_start * 60 and item.get("fixed") is None:
                self._call(day, rep_id, item["company"], before, Outcome.NOT_REACHED, item["reason"],
                           notes=f"Nouvel essai prévu à {self._hhmm(item['start'])}.")  # fmt: skip
                item["attempts"] = 2
                not_reached -= 1
        failed_today: set[int] = set()
        for company in pool[others:]:
            if not_reached <= 0:
                break
            tries = min(not_reached, rng.choice([1, 2, 2, 3, 3, 3]))
            not_reached -= tries
            reason = CallReason.RETRY if company.pk in self.failed[rep_id] else CallReason.CALL_DAY
            item = task(company, reason, attempts=0, outcome=CallOutcome.NOT_REACHED)
            ring = rng.randint(20, 50)
            item["planned"], start = self._slot(busy, self._spans(company, weekday), profile.in_window, ring)
            retry_minute = 0
            for attempt in range(tries):
                if attempt:  # tried again later in the day
                    start = self._place(busy, retry_minute, ring, earlier=False)
                retry_minute = start // 60 + RETRY_MINUTES + rng.randint(0, 30)
                last = attempt == tries - 1 or retry_minute >= self.day_end - 5
                notes = ("Plus d'essai possible aujourd'hui : reporté au prochain plan." if last
                         else f"Nouvel essai prévu à {self._hhmm(retry_minute * 60)}.")  # fmt: skip
                item.update(start=start, duration=ring, attempts=attempt + 1)
                item["call"] = self._call(
                    day, rep_id, company, start, Outcome.NOT_REACHED, reason, notes=notes
                )
                if last:
                    break
            item["status"] = TaskStatus.FAILED
            failed_today.add(company.pk)
        self.failed[rep_id] = failed_today

        # 5. Calls passed with a reason, planned calls never made, candidates left out of the plan.
        rest = [c for c in pool[others:] if c.pk not in used]
        made = len(tasks)
        skipped = self._round(made * 0.02)
        missed = self._round(made * profile.missed)
        left_out = self._round(made * 0.03)
        for company in rest[:skipped]:
            minute = self._minute(self._spans(company, weekday), 1.0)
            task(
                company,
                CallReason.CALL_DAY,
                status=TaskStatus.SKIPPED,
                planned=minute * 60,
                skip=rng.choice(SKIPS),
            )
        for company in rest[skipped : skipped + missed]:
            task(company, CallReason.CALL_DAY, status=TaskStatus.PLANNED,
                 planned=self._minute(self._spans(company, weekday), 1.0) * 60)  # fmt: skip
        for company in rest[skipped + missed : skipped + missed + left_out]:
            task(company, CallReason.CALL_DAY, status=TaskStatus.UNPLANNED)
        return self._write_tasks(plan_id, generated, day, rep_id, tasks)

    def _reached(self, day, rep_id, item: dict, start: int, duration: int, outcome: str) -> None:
        rng = self.rng
        company, extra = item["company"], {}
        if outcome == CallOutcome.REACHED_NO_ORDER:
            item["no_order"] = rng.choice(NO_ORDER)
            extra["notes"] = f"Sans commande : {NoOrderReason(item['no_order']).label}."
        elif outcome == CallOutcome.CALLBACK:
            extra.update(next_action=NextStepAction.CALLBACK, next_action_note=rng.choice(CALLBACK_NOTES))
        elif outcome == CallOutcome.APPOINTMENT:
            extra.update(next_action=NextStepAction.VISIT, next_action_note="Visite du commercial")
        if extra.get("next_action"):
            extra["next_action_at"] = self._at(day, start)  # replaced below
        row = self._call(
            day, rep_id, company, start, OUTCOME_TO_TIMELINE[outcome], item["reason"], duration, **extra
        )
        if outcome == CallOutcome.CALLBACK:
            # Promised for the next working day or the one after: kept by a call then, or still to come.
            promise_day = day
            for _ in range(1 if rng.random() < 0.8 else 2):
                promise_day += dt.timedelta(days=3 if promise_day.weekday() == 4 else 1)
            if promise_day < self.today:
                self.promised[promise_day].append((rep_id, company.pk, row))
            else:
                minute = self._minute(self._spans(company, promise_day.weekday()), 1.0) // 15 * 15
                row[NEXT_AT] = self._at(promise_day, minute * 60)
        elif outcome == CallOutcome.APPOINTMENT:
            # The visit was made a few days later (the field rep's report is not part of the demo).
            row[NEXT_AT] = self._at(day, start) + dt.timedelta(days=rng.randint(2, 8))
            row[DONE_AT] = row[NEXT_AT] if row[NEXT_AT] < dt.datetime.combine(
                self.today, dt.time.min, tzinfo=self.tz) else None  # fmt: skip
        item.update(
            start=start, duration=duration, outcome=outcome, call=row, attempts=item.get("attempts", 1)
        )
        item.setdefault("planned", start // 300 * 300)

    def _pool(self, rep_id: int, used: set[int], ordering: set[int]) -> list[_Company]:
        """The rep's companies to call that day, in the plan's order of stakes: yesterday's failed
        calls, one or two prospects or inactive accounts, then customers."""
        rng = self.rng
        companies = [c for c in self.companies.get(rep_id, []) if c.pk not in used and c.pk not in ordering]
        if not companies:
            return []
        failed = self.failed[rep_id]
        retries = [c for c in companies if c.pk in failed]
        rest = [c for c in companies if c.pk not in failed]
        prospects = [c for c in rest if c.status in (CompanyStatus.PROSPECT, CompanyStatus.SUSPECT)]
        inactive = [c for c in rest if c.status == CompanyStatus.INACTIVE]
        customers = [c for c in rest if c.status == CompanyStatus.CUSTOMER]
        picked = retries
        picked += rng.sample(prospects, min(len(prospects), rng.choice([0, 1, 1, 2])))
        picked += rng.sample(inactive, min(len(inactive), rng.choice([0, 0, 1])))
        picked += rng.sample(customers, min(len(customers), 120))
        return picked

    def _round(self, value: float) -> int:
        """A whole number whose average is `value`."""
        whole = int(value)
        return whole + (self.rng.random() < value - whole)

    @staticmethod
    def _hhmm(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"

    def _write_tasks(
        self, plan_id: int, generated: dt.datetime, day: dt.date, rep_id: int, tasks: list
    ) -> dict:
        counts = {"planned": 0, "unplanned": 0}
        weekday = day.weekday()
        for item in tasks:
            company: _Company = item["company"]
            reason = item["reason"]
            status = item.get("status") or (TaskStatus.DONE if item.get("call") else TaskStatus.PLANNED)
            factor = max(
                [DURATION_FACTOR.get(company.abc, 1.0)]
                + [REASON_DURATION_FACTOR.get(r, 1.0) for r in item["reasons"]]
            )
            expected = max(1, math.floor(company.call_minutes * factor / 5 + 0.5)) * 5
            priority = REASON_WEIGHT[reason] + 5 * (len(item["reasons"]) - 1) + ABC_WEIGHT.get(company.abc, 0)
            spans = self._spans(company, weekday)
            call = item.get("call")
            started = ended = planned = None
            if item.get("start") is not None:
                started = self._at(day, item["start"])
                ended = started + dt.timedelta(seconds=item["duration"])
            if status != TaskStatus.UNPLANNED:
                planned = self._at(day, item["planned"] // 300 * 300)
                counts["planned"] += 1
            else:
                counts["unplanned"] += 1
            self.tasks.append(
                (self.task_id, generated, ended or generated, plan_id, company.pk, company.contact_id,
                 rep_id if status != TaskStatus.UNPLANNED else None, rep_id, reason, self._json(item["reasons"]),
                 "", priority, expected, self._json([list(s) for s in spans]), item.get("fixed") is not None,
                 planned, status, Unplanned.CAPACITY if status == TaskStatus.UNPLANNED else "",
                 item.get("attempts", 0), started, ended, item.get("duration"), item.get("outcome", ""),
                 item.get("no_order", ""), item.get("skip", ""), call[0] if call else None, item.get("source", ""))
            )  # fmt: skip
            self.task_id += 1
        return counts

    def save(self) -> dict:
        for day, waiting in self.promised.items():  # never left open in the past (see candidates.py)
            for _rep, _company, row in waiting:
                row[NEXT_AT] = row[NEXT_AT] or self._at(day, 10 * 3600)
                row[DONE_AT] = row[NEXT_AT] + dt.timedelta(minutes=10)
        insert_rows(CallPlan, PLAN_FIELDS, self.plans)
        calls = insert_rows(Interaction, INTERACTION_FIELDS, self.calls)
        tasks = insert_rows(CallTask, TASK_FIELDS, self.tasks)
        reset_sequences(CallPlan, Interaction, CallTask)
        self._touch_companies()
        return {"plans": len(self.plans), "tasks": tasks, "calls": calls, "orders": self.ordering_calls}

    def _touch_companies(self) -> None:
        """Each called company's last contact is its last call (as `interaction_record` keeps it)."""
        current = dict(
            Company.objects.filter(last_contact_at__isnull=False).values_list("pk", "last_contact_at")
        )
        adapt = connection.ops.adapt_datetimefield_value
        rows = [
            (adapt(at), pk)
            for pk, at in self.last_call.items()
            if current.get(pk) is None or current[pk] < at
        ]
        table = Company._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(f'UPDATE "{table}" SET "last_contact_at" = %s WHERE "id" = %s', rows)
