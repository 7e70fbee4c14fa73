"""Reads of the scripts screens: the runner's panel, the results per script, the objection search
with the answers' success."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from televente.calls.choices import CallOutcome
from televente.core.text import fold
from televente.customers.models import Company

from .choices import AnswerType
from .models import Objection, ObjectionAnswer, ObjectionUse, Script, ScriptRun, ScriptStep
from .selection import script_for

STATS_DAYS = 90


def scripts_list(*, user, include_inactive: bool = False) -> list[Script]:
    qs = Script.objects.annotate(step_count=Count("steps"))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("-is_active", "name"))


def script_detail(*, user, pk: int) -> tuple[Script, list[ScriptStep]]:
    script = Script.objects.get(pk=pk)
    steps = list(
        script.steps.select_related("next_step").prefetch_related("branches__goes_to").order_by("position")
    )
    return script, steps


# The runner -------------------------------------------------------------------------------------------------


@dataclass
class Runner:
    script: Script | None
    steps: list[ScriptStep]
    run: ScriptRun | None
    step: ScriptStep | None  # the step on screen
    answer: str  # the answer already given to it
    scripts: list[Script]  # to switch to
    visited: set[int] = field(default_factory=set)
    words: dict[str, str] = field(default_factory=dict)  # placeholders of the texts and their values

    def _say(self, text: str) -> str:
        for placeholder, value in self.words.items():
            if value:
                text = text.replace(placeholder, value)
        return text

    @property
    def said(self) -> str:
        """The step's text with the call's names in place of the placeholders (« [client] »...)."""
        return self._say(self.step.text) if self.step else ""

    @property
    def asked(self) -> str:
        return self._say(self.step.question) if self.step else ""

    @property
    def finished(self) -> bool:
        return self.run is not None and self.run.finished_at is not None

    @property
    def index(self) -> int:
        return next((i for i, s in enumerate(self.steps, start=1) if self.step and s.pk == self.step.pk), 0)


def runner(
    *,
    user,
    company: Company,
    task=None,
    script_id: int | None = None,
    run_id: int | None = None,
    step_id: int | None = None,
) -> Runner:
    """The script of the call (the one asked for, the one already followed in this call, or the one
    chosen for its reason), its steps and where the run stands. About six queries."""
    scripts = list(
        Script.objects.filter(is_active=True).only("pk", "name", "reasons", "is_active").order_by("name")
    )
    run = None
    if run_id is not None:
        run = ScriptRun.objects.filter(pk=run_id, company=company, task=task).first()
        if run is not None and task is None and run.rep_id != user.pk:
            run = None
    script = None
    if script_id is not None:
        script = next((s for s in scripts if s.pk == script_id), None)
        if script is None:
            # An inactive script still being followed by this run or in this call stays on screen.
            if run is None or run.script_id != script_id:
                run = (
                    ScriptRun.objects.filter(script_id=script_id, task=task).first()
                    if task is not None
                    else None
                )
            if run is not None and run.script_id == script_id:
                script = Script.objects.filter(pk=script_id).first()
        elif run is None or run.script_id != script.pk:
            run = ScriptRun.objects.filter(script=script, task=task).first() if task is not None else None
    elif run is not None:
        script = Script.objects.filter(pk=run.script_id).first()
    elif task is not None:
        run = ScriptRun.objects.filter(task=task).order_by("-updated_at").first()
        script = Script.objects.filter(pk=run.script_id).first() if run else None
        if script is None:
            script = script_for(task=task, company=company, user=user)
    if script is None:
        return Runner(None, [], None, None, "", scripts)
    if script.pk not in {s.pk for s in scripts}:
        scripts.append(script)  # an inactive script still being followed stays in the list
    steps = list(script.steps.prefetch_related("branches").order_by("position"))
    step = next((s for s in steps if s.pk == step_id), None) if step_id else None
    if step is None and run is not None and run.current_step_id:
        step = next((s for s in steps if s.pk == run.current_step_id), None)
    if step is None and steps:
        step = steps[0]
    answer = (run.answers.get(str(step.pk), "") if run and step else "") or ""
    visited = set(run.path) if run else set()
    return Runner(script, steps, run, step, answer, scripts, visited, placeholders(user, company, task))


def placeholders(user, company: Company, task=None) -> dict[str, str]:
    """What the script's placeholders stand for in this call: the rep, the customer, the person
    asked for, the seller. Unknown values leave the placeholder as written."""
    from django.conf import settings

    contact = getattr(task, "contact", None) if task is not None else None
    person = ""
    if contact is not None:
        person = " ".join(x for x in (contact.civility, contact.last_name) if x) or contact.first_name
    return {
        "[votre prénom]": user.first_name,
        "[votre nom]": user.get_full_name(),
        "[client]": company.display_name,
        "[interlocuteur]": person,
        "[société]": getattr(settings, "COMPANY_NAME", ""),
    }


# Results of a script ----------------------------------------------------------------------------------------


def script_results(*, user, script: Script, since: dt.date | None = None) -> dict:
    """Runs of the user's teams: how many, how many reached the end, where the others stopped (count
    per step, in the script's order) and how the calls ended. Four queries whatever the volume."""
    runs = ScriptRun.objects.filter(script=script, company__in=Company.objects.visible_to(user))
    if since is not None:
        runs = runs.filter(created_at__date__gte=since)
    totals = runs.aggregate(
        total=Count("pk"),
        finished=Count("pk", filter=Q(finished_at__isnull=False)),
        completed=Count("pk", filter=Q(completed_at__isnull=False)),
    )
    stopped = dict(
        # Calls still under way have not stopped anywhere yet.
        runs.filter(Q(completed_at__isnull=False) | Q(task__isnull=True), finished_at__isnull=True)
        .values_list("current_step")
        .annotate(n=Count("pk"))
        .values_list("current_step", "n")
    )
    steps = list(script.steps.order_by("position"))
    outcomes_by_step: dict[int | None, dict[str, int]] = {}
    for step_id, outcome, n in (
        # The call's own outcome (what the plan says now), not a copy that could lag behind it.
        runs.filter(task__isnull=False)
        .exclude(task__outcome="")
        .values_list("current_step", "task__outcome")
        .annotate(n=Count("pk"))
        .values_list("current_step", "task__outcome", "n")
    ):
        outcomes_by_step.setdefault(step_id, {})[outcome] = n
    outcome_totals: dict[str, int] = {}
    for by_outcome in outcomes_by_step.values():
        for outcome, n in by_outcome.items():
            outcome_totals[outcome] = outcome_totals.get(outcome, 0) + n
    total = totals["total"] or 0
    biggest = max(stopped.values(), default=0)
    funnel = [
        {
            "step": s,
            "stopped": stopped.get(s.pk, 0),
            "share": round(100 * stopped.get(s.pk, 0) / total) if total else 0,
            "orders": outcomes_by_step.get(s.pk, {}).get(CallOutcome.REACHED_ORDER, 0),
            "worst": biggest > 0 and stopped.get(s.pk, 0) == biggest,
        }
        for s in steps
    ]
    return {
        "total": total,
        "finished": totals["finished"],
        "finished_share": round(100 * totals["finished"] / total) if total else 0,
        "completed": totals["completed"],
        "funnel": funnel,
        "outcomes": [
            {"outcome": value, "label": label, "count": outcome_totals.get(value, 0)}
            for value, label in CallOutcome.choices
            if outcome_totals.get(value)
        ],
    }


# Objections -------------------------------------------------------------------------------------------------


@dataclass
class AnswerStat:
    answer: ObjectionAnswer
    used: int
    orders: int

    @property
    def score(self) -> float:
        """Success smoothed towards one half: one order out of one use does not beat 7 out of 12."""
        return (self.orders + 1) / (self.used + 2)


@dataclass
class ObjectionRow:
    objection: Objection
    answers: list[AnswerStat]


def _stats(answer_ids: list[int], since: dt.datetime) -> dict[int, tuple[int, int]]:
    rows = (
        ObjectionUse.objects.filter(answer_id__in=answer_ids, used_at__gte=since)
        .values("answer_id")
        .annotate(used=Count("pk"), orders=Count("pk", filter=Q(task__outcome=CallOutcome.REACHED_ORDER)))
        .values_list("answer_id", "used", "orders")
    )
    return {a: (u, o) for a, u, o in rows}


def _rows(objections: list[Objection], now: dt.datetime | None = None) -> list[ObjectionRow]:
    since = (now or timezone.now()) - dt.timedelta(days=STATS_DAYS)
    answers = list(
        ObjectionAnswer.objects.filter(objection__in=[o.pk for o in objections], is_active=True).order_by(
            "objection", "position", "pk"
        )
    )
    stats = _stats([a.pk for a in answers], since)
    by_objection: dict[int, list[AnswerStat]] = {}
    for a in answers:
        used, orders = stats.get(a.pk, (0, 0))
        by_objection.setdefault(a.objection_id, []).append(AnswerStat(a, used, orders))
    rows = []
    for o in objections:
        stats_of = by_objection.get(o.pk, [])
        stats_of.sort(key=lambda s: (-s.score, -s.used, s.answer.position))
        rows.append(ObjectionRow(o, stats_of))
    return rows


def objection_search(*, user, query: str, limit: int = 6) -> list[ObjectionRow]:
    """Objections whose text, keywords or family contain every word typed (accents and case
    ignored), with their answers best first. Three queries."""
    words = fold(query).split()
    if not words:
        return []
    qs = Objection.objects.filter(is_active=True)
    for word in words:
        qs = qs.filter(search_text__icontains=word)
    return _rows(list(qs.order_by("family", "text")[:limit]))


def objection_library(
    *, user, family: str = "", query: str = "", include_inactive: bool = False
) -> list[ObjectionRow]:
    qs = Objection.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if family:
        qs = qs.filter(family=family)
    for word in fold(query).split():
        qs = qs.filter(search_text__icontains=word)
    return _rows(list(qs.order_by("family", "text")))


def answer_types_with_input() -> tuple[str, ...]:
    return (AnswerType.TEXT, AnswerType.CHOICE, AnswerType.YES_NO, AnswerType.NUMBER)
