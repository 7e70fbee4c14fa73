"""Reads of quality and coaching: the calls to evaluate, evaluations with their grid and answers,
what a call produced (orders, promotions, substitutes, claims, campaign), sessions and calibrations."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.customers.choices import InteractionKind
from televente.customers.models import Interaction

from . import scoring
from .choices import EvaluationKind, EvaluationStatus
from .grids import version_structure
from .models import (
    Calibration,
    CoachingSession,
    Evaluation,
    EvaluationAnswer,
    GridItem,
    GridSection,
)
from .permissions import can_evaluate, is_admin

CALL_KINDS = (InteractionKind.CALL_OUT, InteractionKind.CALL_IN)
# An order taken by the rep for the customer up to this long after the call's end comes from the call.
ORDER_WINDOW = dt.timedelta(minutes=30)


# Grids ----------------------------------------------------------------------------------------------------------------


# People ---------------------------------------------------------------------------------------------------------------


def evaluable_reps(*, user):
    """The reps a user may evaluate: those of the teams they lead; the admin, every rep."""
    qs = User.objects.filter(is_active=True, role=Role.REP).select_related("team")
    if is_admin(user):
        return qs.order_by("last_name", "first_name")
    if user.role == Role.SUPERVISOR:
        return qs.filter(team__supervisor=user).order_by("last_name", "first_name")
    return qs.none()


# Calls ----------------------------------------------------------------------------------------------------------------


def calls_to_evaluate(
    *, user, rep=None, days: int = 30, outcome: str | None = None, pending_only: bool = False
):
    """The calls of the reps the user may evaluate, most recent first, with their recording and
    whether they already have a supervisor evaluation."""
    reps = evaluable_reps(user=user)
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    # Only calls that happened: a timeline entry dated later (a planned call) has nothing to listen to.
    qs = Interaction.objects.filter(
        kind__in=CALL_KINDS, occurred_at__gte=since, occurred_at__lte=now, author__in=reps
    )
    if rep is not None:
        qs = qs.filter(author=rep)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if pending_only:
        evaluated = Evaluation.objects.filter(interaction=OuterRef("pk"), kind=EvaluationKind.SUPERVISOR)
        qs = qs.filter(~Exists(evaluated))
    # Only the ids: the page's rows are read by `with_call_details`. Sorting the period's calls (33,000
    # for a team of 20 at `large`) with their customer and contact columns took 70 ms on SQLite; the
    # ids alone sort in under a millisecond.
    return qs.only("pk").order_by("-occurred_at", "-id")


def with_call_details(calls) -> list[Interaction]:
    """The calls of a page (from `calls_to_evaluate`) read in full, in the same order, with their
    customer, contact, rep, `recording_url` and `already_evaluated`: three queries."""
    from televente.calls.models import PhoneCall

    ids = [c.pk for c in calls]
    rows = Interaction.objects.select_related("company", "contact", "author").in_bulk(ids)
    calls = [rows[pk] for pk in ids if pk in rows]
    recordings = dict(
        PhoneCall.objects.filter(interaction_id__in=ids)
        .exclude(recording_url="")
        .order_by("pk")  # the latest recording of a call wins
        .values_list("interaction_id", "recording_url")
    )
    evaluated = set(
        Evaluation.objects.filter(interaction_id__in=ids, kind=EvaluationKind.SUPERVISOR).values_list(
            "interaction_id", flat=True
        )
    )
    for call in calls:
        call.recording_url = recordings.get(call.pk, "")
        call.already_evaluated = call.pk in evaluated
    return calls


def visible_calls(*, user):
    """The calls a user may open in quality (evaluate or calibrate): any call for the admin, the
    teams' calls for a supervisor; supervisors also reach any call under an open calibration."""
    qs = Interaction.objects.filter(kind__in=CALL_KINDS).select_related("company", "contact", "author")
    if is_admin(user):
        return qs
    if user.role == Role.SUPERVISOR:
        calibrated = Calibration.objects.filter(interaction=OuterRef("pk"))
        return qs.filter(Q(author__team__supervisor=user) | Exists(calibrated))
    return qs.filter(author=user)


def call_recording(interaction) -> str:
    from televente.calls.models import PhoneCall

    return (
        PhoneCall.objects.filter(interaction=interaction)
        .exclude(recording_url="")
        .order_by("-pk")
        .values_list("recording_url", flat=True)
        .first()
        or ""
    )


def _ref_pk(reference: str, prefix: str) -> int | None:
    if reference and reference.startswith(prefix):
        tail = reference[len(prefix) :]
        if tail.isdigit():
            return int(tail)
    return None


@dataclass
class OrderResult:
    order: object
    total: Decimal
    promotion_lines: list = field(default_factory=list)
    substitute_lines: list = field(default_factory=list)
    complement_lines: list = field(default_factory=list)


@dataclass
class CallResults:
    orders: list[OrderResult] = field(default_factory=list)
    claims: list = field(default_factory=list)
    campaign_target: object = None

    @property
    def empty(self) -> bool:
        return not (self.orders or self.claims or self.campaign_target)

    @property
    def order_total(self) -> Decimal:
        return sum((o.total for o in self.orders), Decimal(0))


def call_results(*, interaction) -> CallResults:
    """What the call produced: the order (referenced by the entry, else the rep's confirmed orders
    for the customer taken between the call's start and 30 minutes after its end) with its promotion,
    substitute and complement lines; the claim referenced; the campaign target called."""
    from televente.campaigns.models import TargetCall
    from televente.claims.models import Claim, Settlement
    from televente.orders.choices import LineOrigin, OrderStatus
    from televente.orders.models import Order, OrderLine

    results = CallResults()
    start = interaction.occurred_at
    end = start + dt.timedelta(seconds=interaction.duration_seconds or 0) + ORDER_WINDOW
    lines = Prefetch(
        "lines", queryset=OrderLine.objects.select_related("product", "replaces").order_by("position", "pk")
    )
    order_pk = _ref_pk(interaction.reference, "orders.order:")
    orders = Order.objects.prefetch_related(lines).select_related("order_promotion")
    if order_pk is not None:
        orders = orders.filter(pk=order_pk)
    else:
        # Taken during the call: started or confirmed between its start and 30 min after its end
        # (an order prepared beforehand and confirmed on the phone counts too).
        orders = orders.filter(
            Q(created_at__range=(start, end)) | Q(confirmed_at__range=(start, end)),
            company_id=interaction.company_id,
            rep_id=interaction.author_id,
            confirmed_at__isnull=False,
        ).exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
    for order in orders.order_by("created_at"):
        r = OrderResult(order=order, total=order.total_ht)
        for line in order.lines.all():
            if line.origin == LineOrigin.PROMOTION or line.promotions or line.promotion_discount:
                r.promotion_lines.append(line)
            if line.replaces_id or line.origin == LineOrigin.SUBSTITUTE:
                r.substitute_lines.append(line)
            if line.origin == LineOrigin.COMPLEMENT:
                r.complement_lines.append(line)
        results.orders.append(r)

    claim_pk = _ref_pk(interaction.reference, "claims.claim:")
    if claim_pk is not None:
        results.claims = list(
            Claim.objects.filter(pk=claim_pk).prefetch_related(
                Prefetch("settlements", queryset=Settlement.objects.order_by("created_at"))
            )
        )

    # The campaign this very call counted for: the call of the plan task that made this entry, else
    # a campaign call of the same rep to the same customer recorded while (or just after) it ran.
    # A customer merely being targeted by a running campaign says nothing about this call.
    target_call = (
        TargetCall.objects.filter(
            Q(task__interaction=interaction)
            | Q(
                target__company_id=interaction.company_id,
                rep_id=interaction.author_id,
                called_at__range=(start, end),
            )
        )
        .select_related("target__campaign")
        .order_by("-called_at", "-pk")
        .first()
    )
    if target_call is not None:
        results.campaign_target = target_call.target
    return results


# Evaluations ----------------------------------------------------------------------------------------------------------


def visible_evaluations(*, user):
    """`Evaluation.visible_to`, less the drafts of others' self-assessments: a rep's self-assessment
    reaches the supervisor when the rep submits it."""
    return Evaluation.objects.visible_to(user).exclude(
        Q(kind=EvaluationKind.SELF, status=EvaluationStatus.DRAFT) & ~Q(evaluator=user)
    )


def evaluation_list(*, user, rep=None, grid=None, status: str = "", kind: str = ""):
    qs = visible_evaluations(user=user).select_related(
        "rep", "evaluator", "grid_version__grid", "interaction__company", "session"
    )
    if rep is not None:
        qs = qs.filter(rep=rep)
    if grid is not None:
        qs = qs.filter(grid_version__grid=grid)
    if status:
        qs = qs.filter(status=status)
    # Without a kind asked for, calibration scores stay on their calibration page.
    qs = qs.filter(kind=kind) if kind else qs.exclude(kind=EvaluationKind.CALIBRATION)
    return qs.order_by("-evaluated_on", "-id")


def get_evaluation(*, user, pk: int) -> Evaluation:
    return get_object_or_404(
        visible_evaluations(user=user).select_related(
            "rep__team",
            "evaluator",
            "grid_version__grid",
            "interaction__company",
            "interaction__contact",
            "interaction__author",
            "session",
            "calibration",
        ),
        pk=pk,
    )


@dataclass
class Row:
    item: GridItem
    answer: EvaluationAnswer | None

    @property
    def value(self) -> str:
        return self.answer.value if self.answer else ""

    @property
    def comment(self) -> str:
        return self.answer.comment if self.answer else ""


def evaluation_rows(evaluation: Evaluation) -> list[tuple[GridSection, list[Row]]]:
    """The grid of the evaluation with its answers, section by section (3 queries)."""
    answers = {a.item_id: a for a in EvaluationAnswer.objects.filter(evaluation=evaluation)}
    return [
        (section, [Row(item, answers.get(item.pk)) for item in items])
        for section, items in version_structure(version=evaluation.grid_version_id)
    ]


def section_rates(rows) -> dict[int, Decimal]:
    return scoring.rates_by(
        scoring.ItemAnswer(weight=r.item.weight, critical=r.item.critical, value=r.value, key=section.pk)
        for section, section_rows in rows
        for r in section_rows
    )


def evaluation_detail(*, user, pk: int) -> dict:
    """Everything the evaluation page shows: the evaluation, its grid and answers, the call with its
    recording and results, and the other view of the same call (self-assessment ↔ supervisor)."""
    evaluation = get_evaluation(user=user, pk=pk)
    rows = evaluation_rows(evaluation)
    rates = section_rates(rows)
    for section, _rows in rows:
        section.rate = rates.get(section.pk)
    interaction = evaluation.interaction
    companions = []
    if interaction is not None and evaluation.kind in (EvaluationKind.SUPERVISOR, EvaluationKind.SELF):
        other = (
            EvaluationKind.SELF if evaluation.kind == EvaluationKind.SUPERVISOR else EvaluationKind.SUPERVISOR
        )
        companions = list(
            visible_evaluations(user=user)
            .filter(interaction=interaction, kind=other)
            .select_related("evaluator", "grid_version__grid")
        )
    return {
        "evaluation": evaluation,
        "rows": rows,
        "rates": rates,
        "interaction": interaction,
        "recording_url": call_recording(interaction) if interaction else "",
        "results": call_results(interaction=interaction) if interaction else None,
        "companions": companions,
    }


def my_calls(*, user, days: int = 30):
    """A rep's own recent calls, for a self-assessment."""
    since = timezone.now() - dt.timedelta(days=days)
    return (
        Interaction.objects.filter(author=user, kind__in=CALL_KINDS, occurred_at__gte=since)
        .select_related("company")
        .order_by("-occurred_at", "-id")
    )


# Home -----------------------------------------------------------------------------------------------------------------


HOME_ROWS = 8  # rows of each list of the supervisor's home; the rest behind a link


def home_supervisor(*, user) -> dict:
    drafts = list(
        Evaluation.objects.filter(evaluator=user, status=EvaluationStatus.DRAFT)
        .exclude(kind=EvaluationKind.CALIBRATION)
        .select_related("rep", "grid_version__grid", "interaction__company")
        .order_by("-updated_at")[:20]
    )
    pending_calls = calls_to_evaluate(user=user, days=7, pending_only=True)
    visible = Evaluation.objects.visible_to(user)
    waiting_qs = visible.filter(kind=EvaluationKind.SUPERVISOR, status=EvaluationStatus.SHARED)
    waiting = list(waiting_qs.select_related("rep", "grid_version__grid").order_by("shared_at")[:HOME_ROWS])
    self_assessments = list(
        visible.filter(kind=EvaluationKind.SELF, status=EvaluationStatus.SHARED)
        .exclude(rep=user)
        .select_related("rep", "grid_version__grid")
        .order_by("-shared_at")[:10]
    )
    calibrations = list(
        Calibration.objects.filter(closed_at__isnull=True)
        .select_related("interaction__company", "interaction__author", "grid_version__grid", "created_by")
        .annotate(n_scores=Count("evaluations"))
        .order_by("-created_at")[:10]
    )
    return {
        "drafts": drafts,
        "pending_calls": with_call_details(pending_calls[:5]),
        "pending_count": pending_calls.count(),
        "waiting": waiting,
        "waiting_count": len(waiting) if len(waiting) < HOME_ROWS else waiting_qs.count(),
        "self_assessments": self_assessments,
        "calibrations": calibrations,
    }


def home_rep(*, user) -> dict:
    mine = Evaluation.objects.visible_to(user).select_related(
        "evaluator", "grid_version__grid", "interaction__company"
    )
    return {
        "to_acknowledge": list(
            mine.filter(kind=EvaluationKind.SUPERVISOR, status=EvaluationStatus.SHARED).order_by("shared_at")
        ),
        "recent": list(mine.exclude(status=EvaluationStatus.DRAFT, kind=EvaluationKind.SUPERVISOR)[:10]),
        "self_drafts": list(mine.filter(kind=EvaluationKind.SELF, status=EvaluationStatus.DRAFT)[:5]),
    }


# Sessions -------------------------------------------------------------------------------------------------------------


def session_list(*, user):
    return (
        CoachingSession.objects.visible_to(user)
        .select_related("rep", "evaluator", "block")
        .annotate(n_evaluations=Count("evaluations"))
        .order_by("-held_on", "-id")
    )


def session_detail(*, user, pk: int) -> dict:
    from .services import session_requirements

    session = get_object_or_404(
        CoachingSession.objects.visible_to(user).select_related("rep", "evaluator", "block"), pk=pk
    )
    evaluations = list(
        visible_evaluations(user=user)
        .filter(session=session)
        .select_related("grid_version__grid", "interaction__company", "evaluator")
        .order_by("created_at")
    )
    return {
        "session": session,
        "evaluations": evaluations,
        # Counted on every evaluation of the session, whoever reads the page.
        "requirements": session_requirements(session),
    }


# Calibration ----------------------------------------------------------------------------------------------------------


def calibration_list(*, user):
    if not can_evaluate(user):
        return Calibration.objects.none()
    return (
        Calibration.objects.select_related(
            "interaction__company", "interaction__author", "grid_version__grid", "created_by"
        )
        .annotate(n_scores=Count("evaluations"))
        .order_by("closed_at", "-created_at")
    )


def get_calibration(*, user, pk: int) -> Calibration:
    return get_object_or_404(
        calibration_list(user=user).select_related("interaction__contact"),
        pk=pk,
    )


def _pct(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _pairs(values: list[str]) -> tuple[int, int]:
    """Agreeing pairs and all pairs among the answers given."""
    n = len(values)
    counts = Counter(values)
    return sum(c * (c - 1) // 2 for c in counts.values()), n * (n - 1) // 2


def calibration_comparison(*, calibration: Calibration) -> dict:
    """Items × participants: each one's answer, whether they disagree, the agreement per item (share
    of agreeing pairs of participants) and overall, each one's score and the spread of the scores."""
    evaluations = list(calibration.evaluations.select_related("evaluator").order_by("created_at", "id"))
    answers: dict[tuple[int, int], EvaluationAnswer] = {
        (a.evaluation_id, a.item_id): a
        for a in EvaluationAnswer.objects.filter(evaluation__calibration=calibration)
    }
    sections = []
    agree_total, pairs_total, n_disagree = 0, 0, 0
    for section, items in version_structure(version=calibration.grid_version_id):
        rows = []
        for item in items:
            cells = [answers.get((e.pk, item.pk)) for e in evaluations]
            given = [c.value for c in cells if c is not None and c.value]
            agree, pairs = _pairs(given)
            disagree = len(set(given)) > 1
            n_disagree += disagree
            agree_total += agree
            pairs_total += pairs
            rows.append({"item": item, "cells": cells, "disagree": disagree, "agreement": _pct(agree, pairs)})
        sections.append((section, rows))
    scores = [e.score for e in evaluations if e.score is not None]
    return {
        "participants": evaluations,
        "sections": sections,
        "agreement": _pct(agree_total, pairs_total),
        "disagreements": n_disagree,
        "spread": (max(scores) - min(scores)) if len(scores) >= 2 else None,
    }
