"""Writes of the rep's day: generating, adjusting and publishing plans; working through the calls.

Services follow the project's rules (keyword-only, atomic, `DomainError` with a French sentence,
side effects after commit). Generating a plan is a background task (`tasks.generate_plan`) that
calls `plan_build`: it reads the candidates, solves per rep with CP-SAT (`planning.solve_plan`),
checks the result with the independent validator and stores the calls in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.accounts.permissions import is_admin
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import emit
from televente.customers.choices import Channel, ConsentSource, InteractionKind, NextStepAction, Outcome
from televente.customers.models import Company, Interaction
from televente.customers.services import contact_set_consent, interaction_record

from . import candidates as cands
from . import planning
from .choices import (
    CallDirection,
    CallOutcome,
    CallReason,
    PauseReason,
    PlanStatus,
    SkipReason,
    TaskStatus,
    Unplanned,
)
from .grid import Grid, availability
from .models import CallPlan, CallTask, PlanSettings, RepAbsence, RepPause

# Seconds of solver time per rep: 50 reps fit in the 30 s target with the candidates' reading.
SOLVE_SECONDS_PER_REP = 0.4


# Who may do what ------------------------------------------------------------------------------------------------------


def can_plan(user, team: Team) -> bool:
    """The team's supervisor (or the admin) generates, adjusts and publishes its plans."""
    return is_admin(user) or (user.role == Role.SUPERVISOR and team.supervisor_id == user.pk)


def _check_plan(user, team: Team) -> None:
    if not can_plan(user, team):
        raise PermissionRefused(_("Seul le superviseur de l'équipe peut modifier ses plans d'appels."))


def _check_caller(task: CallTask, by: User) -> None:
    if task.rep_id != by.pk and not can_plan(by, task.plan.team):
        raise PermissionRefused(_("Cet appel est dans le plan d'un autre télévendeur."))


# Settings and absences -----------------------------------------------------------------------------------------------


@transaction.atomic
def plan_settings_save(*, team: Team, by: User, data: dict) -> PlanSettings:
    _check_plan(by, team)
    conf, _created = PlanSettings.objects.get_or_create(team=team)
    for key, value in data.items():
        setattr(conf, key, value)
    conf.full_clean()
    conf.save()
    return conf


@transaction.atomic
def absence_record(
    *, user: User, day: dt.date, by: User, start=None, end=None, reason: str = ""
) -> RepAbsence:
    """A rep away: recorded, and if that day's plan exists its rest is planned again without them."""
    if user.team is None or not can_plan(by, user.team):
        raise PermissionRefused(_("Seul le superviseur de l'équipe peut saisir une absence."))
    absence = RepAbsence(user=user, date=day, start=start, end=end, reason=reason)
    absence.full_clean()
    absence.save()
    plan = CallPlan.objects.filter(team=user.team, date=day).exclude(status=PlanStatus.EMPTY).first()
    if plan is not None and plan.status != PlanStatus.GENERATING:
        plan_generate_request(plan=plan, by=by, rest_of_day=True)
    return absence


# Generation -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_get_or_create(*, team: Team, day: dt.date, by: User) -> CallPlan:
    _check_plan(by, team)
    plan, _created = CallPlan.objects.get_or_create(team=team, date=day)
    return plan


@transaction.atomic
def plan_generate_request(*, plan: CallPlan, by: User, rest_of_day: bool = False) -> CallPlan:
    """Queues the generation (a background task with progress); the screen polls the plan."""
    _check_plan(by, plan.team)
    plan = CallPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.GENERATING:
        raise DomainError(_("Ce plan est déjà en cours de génération."))
    if plan.date < timezone.localdate():
        raise DomainError(_("On ne planifie pas un jour passé."))
    was_published = plan.status == PlanStatus.PUBLISHED
    plan.status = PlanStatus.GENERATING
    plan.progress = 0
    plan.message = _("En file d'attente…")
    plan.save(update_fields=["status", "progress", "message", "updated_at"])
    from .tasks import generate_plan

    transaction.on_commit(
        partial(
            generate_plan.enqueue,
            plan_id=plan.pk,
            by_id=by.pk,
            rest_of_day=rest_of_day,
            keep_published=was_published,
        )
    )
    return plan


def _reps_and_absences(team: Team, day: dt.date) -> tuple[list[User], dict[int, list[RepAbsence]]]:
    reps = cands.team_reps(team)
    absences: dict[int, list[RepAbsence]] = defaultdict(list)
    for absence in RepAbsence.objects.filter(date=day, user__in=reps):
        absences[absence.user_id].append(absence)
    return reps, absences


def plan_build(
    *,
    plan: CallPlan,
    by: User | None,
    rest_of_day: bool = False,
    keep_published: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    solve_seconds_per_rep: float = SOLVE_SECONDS_PER_REP,
) -> dict:
    """Builds (or rebuilds the rest of the day of) a plan. Returns the optimisation's figures.

    Calls already made, skipped or being made stay as they are; the rest is planned again from now
    (rest of the day) or from the start of the day.
    """
    started = time.perf_counter()
    team, day = plan.team, plan.date
    conf = cands.settings_for(team)
    grid = Grid.of(conf, day)
    now = now or timezone.now()
    from_slot = 0
    if rest_of_day and day == timezone.localdate(now):
        from_slot = grid.slot_at_or_after(timezone.localtime(now).hour * 60 + timezone.localtime(now).minute)

    kept = list(
        CallTask.objects.filter(plan=plan).filter(status__in=TaskStatus.closed())
        | CallTask.objects.filter(plan=plan, status=TaskStatus.PLANNED, started_at__isnull=False)
    )
    kept_ids = {t.pk for t in kept}
    previous_attempts = dict(
        CallTask.objects.filter(plan=plan, attempts__gt=0)
        .exclude(pk__in=kept_ids)
        .values_list("company_id", "attempts")
    )
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for task in kept:
        if task.status == TaskStatus.PLANNED and task.rep_id:
            s = grid.slot_of(task.planned_start)
            busy[task.rep_id].append((s, s + max(1, task.expected_minutes // grid.step)))

    reps, absences = _reps_and_absences(team, day)
    rep_ids = [r.pk for r in reps]
    solver_reps = []
    for rep in reps:
        ranges = availability(grid, conf, absences.get(rep.pk, []), from_slot=from_slot, busy=busy[rep.pk])
        if ranges:
            solver_reps.append(planning.Rep(rep=rep.pk, available=tuple(ranges)))

    found = cands.collect(
        team=team, day=day, conf=conf, rep_ids=rep_ids, exclude_company_ids={t.company_id for t in kept}
    )
    read_seconds = time.perf_counter() - started
    calls = []
    for cand in found:
        cand.attempts = previous_attempts.get(cand.company_id, 0)
        if cand.excluded:
            continue
        duration = max(1, cands.expected_minutes(cand, grid.step) // grid.step)
        if cand.fixed_minute is not None:
            fixed = grid.slot_at_or_before(cand.fixed_minute)
            windows: tuple[tuple[int, int], ...] = ((fixed, fixed + duration),)
        else:
            fixed = None
            windows = grid.window_slots(cand.windows) if cand.windows else ((0, grid.slots),)
        key = str(cand.company_id)
        calls.append(
            planning.Call(
                key=key,
                own_rep=cand.own_rep_id if cand.own_rep_id in rep_ids else None,
                duration=duration,
                windows=windows,
                priority=cand.priority,
                fixed_start=fixed,
            )
        )
    budget = max(5.0, solve_seconds_per_rep * max(1, len(solver_reps)))
    result = planning.solve_plan(
        calls,
        solver_reps,
        time_limit_per_solve=max(0.2, solve_seconds_per_rep * 2),
        total_time_limit=budget,
        progress=progress,
    )
    violations = planning.validate_plan(calls, solver_reps, result.assignments)
    stats = {
        "candidates": len(found),
        "planned_calls": len(result.assignments) + sum(1 for t in kept if t.status == TaskStatus.PLANNED),
        "unplanned_calls": len(result.unplanned) + sum(1 for c in found if c.excluded),
        "objective": result.objective,
        "bound": result.bound,
        "gap_to_bound_pct": round(result.gap_pct, 2),
        "hard_constraints_ok": not violations,
        "violations": [f"{v.rule}: {v.detail}" for v in violations[:20]],
        "solves": result.solves,
        "fallback_solves": result.fallback_solves,
        "solve_seconds": round(result.seconds, 2),
        "read_seconds": round(read_seconds, 2),
        "reps": len(solver_reps),
        "absent_reps": len(reps) - len(solver_reps),
        "rest_of_day": rest_of_day,
    }
    placed = {a.key: a for a in result.assignments}
    rows = []
    for cand in found:
        key = str(cand.company_id)
        assignment = placed.get(key)
        task = CallTask(
            plan=plan,
            company_id=cand.company_id,
            contact_id=cand.contact_id,
            own_rep_id=cand.own_rep_id if cand.own_rep_id in rep_ids else None,
            reason=cand.reason,
            reasons=cand.reasons,
            reason_note=cand.note[:200],
            priority=cand.priority,
            expected_minutes=cands.expected_minutes(cand, grid.step),
            windows=[list(w) for w in cand.windows],
            fixed_time=cand.fixed_minute is not None,
            source_reference=cand.source_reference,
            attempts=cand.attempts,
        )
        if assignment is not None:
            task.rep_id = assignment.rep
            task.planned_start = grid.when(assignment.start)
            task.status = TaskStatus.PLANNED
        else:
            task.status = TaskStatus.UNPLANNED
            task.rep_id = None
            task.unplanned_reason = cand.excluded or _unplanned_code(
                result.unplanned.get(key, ""), cand, rep_ids
            )
        rows.append(task)
    with transaction.atomic():
        CallTask.objects.filter(plan=plan).exclude(pk__in=kept_ids).delete()
        CallTask.objects.bulk_create(rows, batch_size=1000)
        stats["seconds"] = round(time.perf_counter() - started, 2)
        CallPlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.PUBLISHED if keep_published else PlanStatus.DRAFT,
            stats=stats,
            progress=100,
            generated_at=timezone.now(),
            generated_by=by,
            message="",
            updated_at=timezone.now(),
        )
    return stats


def _unplanned_code(code: str, cand: cands.Candidate, rep_ids: list[int]) -> str:
    if code in Unplanned.values:
        if code == Unplanned.NO_REP and cand.own_rep_id in rep_ids:
            return Unplanned.REP_ABSENT
        return code
    return Unplanned.CAPACITY


@transaction.atomic
def plan_publish(*, plan: CallPlan, by: User) -> CallPlan:
    _check_plan(by, plan.team)
    plan = CallPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PUBLISHED):
        raise DomainError(_("Générez le plan avant de le publier."))
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = by
    plan.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return plan


# Adjusting by hand ----------------------------------------------------------------------------------------------------


def _free_for(task: CallTask, rep: User, start: dt.datetime) -> str | None:
    """None when `rep` can take `task` at `start` under the plan's hard rules, else why not."""
    plan = task.plan
    if task.unplanned_reason in (Unplanned.CLOSED, Unplanned.OPTED_OUT, Unplanned.NO_PHONE):
        # Not a matter of time: this customer cannot be called that day at all.
        return str(Unplanned(task.unplanned_reason).label)
    conf = cands.settings_for(plan.team)
    grid = Grid.of(conf, plan.date)
    local = timezone.localtime(start)
    if local.date() != plan.date:
        return _("L'appel doit rester le jour du plan.")
    begin = local.hour * 60 + local.minute
    end = begin + task.expected_minutes
    if task.windows and not any(a <= begin and end <= b for a, b in task.windows):
        return _("Cette heure est hors des créneaux d'appel du client (%(w)s).") % {
            "w": ", ".join(task.window_labels())
        }
    absences = list(RepAbsence.objects.filter(user=rep, date=plan.date))
    ranges = availability(grid, conf, absences)
    s, e = (begin - grid.start) / grid.step, (end - grid.start) / grid.step
    if not any(a <= s and e <= b for a, b in ranges):
        return _("%(rep)s ne travaille pas à cette heure (horaires, pause, période réservée ou absence).") % {
            "rep": rep
        }
    for other in CallTask.objects.filter(plan=plan, rep=rep, status=TaskStatus.PLANNED).exclude(pk=task.pk):
        o_begin = timezone.localtime(other.planned_start)
        ob = o_begin.hour * 60 + o_begin.minute
        if ob < end and begin < ob + other.expected_minutes:
            return _("%(rep)s a déjà un appel à %(time)s.") % {"rep": rep, "time": o_begin.strftime("%H:%M")}
    return None


@transaction.atomic
def task_move(*, task: CallTask, by: User, rep: User, start: dt.datetime) -> CallTask:
    """The supervisor moves or reassigns a call (or places an unplanned one) by hand."""
    _check_plan(by, task.plan.team)
    task = CallTask.objects.select_for_update(of=("self",)).select_related("plan__team").get(pk=task.pk)
    if task.status not in (TaskStatus.PLANNED, TaskStatus.UNPLANNED):
        raise DomainError(_("Cet appel est déjà traité."))
    if rep.team_id != task.plan.team_id or rep.role != Role.REP:
        raise DomainError(_("Choisissez un télévendeur de l'équipe."), field="rep")
    problem = _free_for(task, rep, start)
    if problem:
        raise DomainError(problem, field="start")
    task.rep = rep
    task.planned_start = start
    task.status = TaskStatus.PLANNED
    task.unplanned_reason = ""
    task.save(update_fields=["rep", "planned_start", "status", "unplanned_reason", "updated_at"])
    return task


# The rep's calls ------------------------------------------------------------------------------------------------------


@transaction.atomic
def call_start(*, task: CallTask, by: User) -> CallTask:
    """The rep dials: the timer starts (kept if the page is reloaded)."""
    task = CallTask.objects.select_for_update(of=("self",)).select_related("plan__team").get(pk=task.pk)
    _check_caller(task, by)
    if task.status != TaskStatus.PLANNED:
        raise DomainError(_("Cet appel est déjà traité."))
    if task.started_at is None:
        task.started_at = timezone.now()
        task.save(update_fields=["started_at", "updated_at"])
    return task


OUTCOME_TO_TIMELINE = {
    CallOutcome.REACHED_ORDER: Outcome.REACHED_ORDER,
    CallOutcome.REACHED_NO_ORDER: Outcome.REACHED_NO_ORDER,
    CallOutcome.NOT_REACHED: Outcome.NOT_REACHED,
    CallOutcome.WRONG_NUMBER: Outcome.WRONG_NUMBER,
    CallOutcome.CALLBACK: Outcome.CALLBACK,
    CallOutcome.APPOINTMENT: Outcome.APPOINTMENT,
    CallOutcome.REFUSED: Outcome.REFUSED,
}
# A next step is mandatory (issue 6) but for these: a retry is planned by itself, and a refusal
# means the customer is not to be called again.
NO_NEXT_STEP = (CallOutcome.NOT_REACHED, CallOutcome.REFUSED)


def next_call_day(company: Company, after: dt.date) -> dt.datetime | None:
    """The customer's next call day and the start of its window: the default next step after a call."""
    windows = list(company.call_windows.all())
    if not windows:
        return None
    tz = timezone.get_current_timezone()
    for offset in range(1, 29):
        day = after + dt.timedelta(days=offset)
        todays = sorted((w for w in windows if w.weekday == day.weekday()), key=lambda w: w.start)
        if todays and cands.is_call_day(company.call_frequency, company.call_every_n_weeks, company.pk, day):
            return dt.datetime.combine(day, todays[0].start, tzinfo=tz)
    return None


def _retry_slot(task: CallTask, now: dt.datetime) -> dt.datetime | None:
    """The first free time for another try, inside the customer's windows, after the retry delay."""
    plan = task.plan
    conf = cands.settings_for(plan.team)
    grid = Grid.of(conf, plan.date)
    local_now = timezone.localtime(now)
    if local_now.date() != plan.date:
        return None
    earliest = local_now.hour * 60 + local_now.minute + conf.retry_after_minutes
    busy = []
    for other in CallTask.objects.filter(plan=plan, rep_id=task.rep_id, status=TaskStatus.PLANNED).exclude(
        pk=task.pk
    ):
        s = grid.slot_of(other.planned_start)
        busy.append((s, s + max(1, other.expected_minutes // grid.step)))
    absences = list(RepAbsence.objects.filter(user_id=task.rep_id, date=plan.date))
    ranges = availability(grid, conf, absences, from_slot=grid.slot_at_or_after(earliest), busy=busy)
    duration = max(1, task.expected_minutes // grid.step)
    windows = grid.window_slots(task.windows) if task.windows else ((0, grid.slots),)
    for s in range(grid.slot_at_or_after(earliest), grid.slots):
        fits_window = any(a <= s and s + duration <= b for a, b in windows)
        if fits_window and any(a <= s and s + duration <= b for a, b in ranges):
            return grid.when(s)
    return None


@transaction.atomic
def call_outcome_record(
    *,
    task: CallTask,
    by: User,
    outcome: str,
    notes: str = "",
    no_order_reason: str = "",
    next_action: str = "",
    next_action_at: dt.datetime | None = None,
    next_action_note: str = "",
    reference: str = "",
    now: dt.datetime | None = None,
) -> CallTask:
    """Closes a call with its outcome and next step, writes it on the timeline, and updates the plan:
    a call not reached comes back later inside its window (up to the team's number of tries)."""
    task = (
        CallTask.objects.select_for_update(of=("self",))
        .select_related("plan__team", "company", "contact")
        .get(pk=task.pk)
    )
    _check_caller(task, by)
    if task.status != TaskStatus.PLANNED:
        raise DomainError(_("Cet appel est déjà traité."))
    if outcome not in CallOutcome.values:
        raise DomainError(_("Choisissez l'issue de l'appel."), field="outcome")
    if outcome == CallOutcome.REACHED_NO_ORDER and not no_order_reason:
        raise DomainError(_("Indiquez pourquoi le client n'a pas commandé."), field="no_order_reason")
    if outcome == CallOutcome.CALLBACK:
        if next_action_at is None:
            raise DomainError(_("Indiquez la date et l'heure du rappel."), field="next_action_at")
        next_action = NextStepAction.CALLBACK
    if outcome == CallOutcome.APPOINTMENT:
        next_action = next_action or NextStepAction.VISIT
    if outcome not in NO_NEXT_STEP:
        if not next_action:
            raise DomainError(_("Une prochaine étape est obligatoire."), field="next_action")
        if next_action_at is None:
            raise DomainError(_("Indiquez la date de la prochaine étape."), field="next_action_at")
    now = now or timezone.now()
    if next_action_at is not None and next_action_at < now - dt.timedelta(minutes=1):
        raise DomainError(_("La prochaine étape doit être dans le futur."), field="next_action_at")
    conf = cands.settings_for(task.plan.team)
    duration = int((now - task.started_at).total_seconds()) if task.started_at else None
    if outcome == CallOutcome.REACHED_ORDER and not reference:
        reference = _order_taken(task, by, now)
    task.attempts += 1
    retry_at = None
    if outcome == CallOutcome.NOT_REACHED and task.attempts < conf.max_attempts:
        retry_at = _retry_slot(task, now)
    note_parts = [notes.strip()]
    if outcome == CallOutcome.NOT_REACHED:
        if retry_at:
            note_parts.append(
                _("Nouvel essai prévu à %(time)s.") % {"time": timezone.localtime(retry_at).strftime("%H:%M")}
            )
        else:
            note_parts.append(_("Plus d'essai possible aujourd'hui : reporté au prochain plan."))
    if no_order_reason:
        from .choices import NoOrderReason

        note_parts.append(_("Sans commande : %(reason)s.") % {"reason": NoOrderReason(no_order_reason).label})
    interaction = interaction_record(
        company=task.company,
        kind=InteractionKind.CALL_OUT,
        by=by,
        outcome=OUTCOME_TO_TIMELINE[outcome],
        subject=_("Appel du plan : %(reason)s") % {"reason": task.reason_label},
        notes="\n".join(p for p in note_parts if p),
        contact=task.contact,
        occurred_at=task.started_at or now,
        duration_seconds=duration,
        next_action="" if outcome in NO_NEXT_STEP else next_action,
        next_action_at=None if outcome in NO_NEXT_STEP else next_action_at,
        next_action_note=next_action_note,
        next_action_owner=by if outcome not in NO_NEXT_STEP else None,
        reference=reference,
    )
    # The telephony system's call (duration, recording) belongs to this timeline entry.
    from .telephony import attach_call

    phone_call = attach_call(interaction=interaction, user=by, direction=CallDirection.OUTBOUND)
    if phone_call is not None:
        interaction.refresh_from_db(fields=["duration_seconds", "notes"])
        duration = phone_call.duration_seconds or duration  # the telephony system measures it best
    # A promised callback is kept by this call.
    if task.source_reference.startswith("customers.interaction:") and outcome != CallOutcome.NOT_REACHED:
        Interaction.objects.filter(
            pk=int(task.source_reference.split(":")[1]), next_action_done_at__isnull=True
        ).update(next_action_done_at=now)
    if outcome == CallOutcome.REFUSED and task.contact is not None:
        contact_set_consent(
            contact=task.contact, by=by, channel=Channel.PHONE, granted=False, source=ConsentSource.PHONE_CALL,
            note=_("Refus exprimé pendant un appel du plan."),
        )  # fmt: skip
    task.interaction = interaction
    task.duration_seconds = duration
    task.ended_at = now
    task.outcome = outcome
    task.no_order_reason = no_order_reason if outcome == CallOutcome.REACHED_NO_ORDER else ""
    if retry_at is not None:
        # Tried again later inside the window: same call, next attempt.
        task.planned_start = retry_at
        task.started_at = None
        task.status = TaskStatus.PLANNED
    elif outcome == CallOutcome.NOT_REACHED:
        task.status = TaskStatus.FAILED
    else:
        task.status = TaskStatus.DONE
    if outcome == CallOutcome.CALLBACK and timezone.localtime(next_action_at).date() == task.plan.date:
        # Called back today at the promised time: the same call comes back in the plan then.
        task.planned_start = next_action_at
        task.started_at = None
        task.fixed_time = True
        task.status = TaskStatus.PLANNED
        task.reason = CallReason.CALLBACK
    task.save()
    # Campaigns, scripts and surveys follow their calls from this event (after commit).
    emit(
        "call.completed",
        company_id=task.company_id,
        reference=f"calls.calltask:{task.pk}",
        key=f"calls.calltask:{task.pk}:{task.attempts}",
        task_id=task.pk,
        outcome=outcome,
        rep_id=by.pk,
        interaction_id=interaction.pk,
        order_reference=reference,
    )
    return task


def _order_taken(task: CallTask, by: User, now: dt.datetime) -> str:
    """The order this call produced: the customer's latest order confirmed or drafted today."""
    from televente.orders.models import Order

    order = (
        Order.objects.filter(company=task.company, updated_at__date=timezone.localtime(now).date())
        .exclude(status="cancelled")
        .order_by("-updated_at")
        .only("pk")
        .first()
    )
    return f"orders.order:{order.pk}" if order else ""


@transaction.atomic
def call_skip(*, task: CallTask, by: User, reason: str, note: str = "") -> CallTask:
    """The rep passes a call with a reason; it is traced on the customer's timeline."""
    task = (
        CallTask.objects.select_for_update(of=("self",))
        .select_related("plan__team", "company")
        .get(pk=task.pk)
    )
    _check_caller(task, by)
    if task.status != TaskStatus.PLANNED:
        raise DomainError(_("Cet appel est déjà traité."))
    if reason not in SkipReason.values:
        raise DomainError(_("Indiquez pourquoi cet appel est passé."), field="reason")
    task.status = TaskStatus.SKIPPED
    task.skip_reason = reason
    task.ended_at = timezone.now()
    task.save(update_fields=["status", "skip_reason", "ended_at", "updated_at"])
    interaction_record(
        company=task.company,
        kind=InteractionKind.NOTE,
        by=by,
        subject=_("Appel du plan passé : %(reason)s") % {"reason": SkipReason(reason).label},
        notes=note,
        touch_contact=False,
    )
    return task


# Pauses ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def pause_start(*, by: User, reason: str) -> RepPause:
    if reason not in PauseReason.values:
        raise DomainError(_("Choisissez le motif de la pause."), field="reason")
    if RepPause.objects.select_for_update().filter(user=by, ended_at__isnull=True).exists():
        raise DomainError(_("Vous êtes déjà en pause."))
    return RepPause.objects.create(user=by, started_at=timezone.now(), reason=reason)


@transaction.atomic
def pause_end(*, by: User) -> RepPause | None:
    pause = RepPause.objects.select_for_update().filter(user=by, ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at = timezone.now()
        pause.save(update_fields=["ended_at", "updated_at"])
    return pause
