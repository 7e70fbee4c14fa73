"""Demo call plans: each team's planning settings, and today's plan of the demo team, published,
so that the demo rep's cockpit has a day of calls to work through. Tomorrow's plan is left for
the supervisor to generate and publish. The demo field rep has a visit coming (booked through the
service, as a rep would) and one made yesterday that still waits for its report."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from televente.accounts.models import Team, User
from televente.core.demo import DemoContext
from televente.customers.models import Company

from .appointments import appointment_book
from .choices import PlanStatus
from .models import Appointment, CallPlan, PlanSettings
from .services import plan_build


def seed(ctx: DemoContext) -> None:
    teams = list(Team.objects.order_by("pk"))
    for team in teams:
        PlanSettings.objects.get_or_create(team=team)
    _visits(ctx)
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
