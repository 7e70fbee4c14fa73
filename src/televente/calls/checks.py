"""An independent check of a stored plan against the hard rules of issue 6, read back from the
database (not from the optimiser's inputs): used by the tests and by the benchmark.

Each planned call must be: with a rep of the plan's team, present that day; inside the customer's
window and the working day; clear of breaks and slack periods; not overlapping another call of the
same rep; at the promised time for a callback; never to a customer closed that day or whose
contacts all refuse the phone.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.customers.models import ClosurePeriod, Contact

from .candidates import settings_for
from .choices import TaskStatus
from .models import CallPlan, CallTask, RepAbsence, minutes, parse_ranges


def plan_violations(plan: CallPlan) -> list[str]:
    conf = settings_for(plan.team)
    day_start, day_end = minutes(conf.day_start), minutes(conf.day_end)
    blocked = parse_ranges(conf.breaks or []) + parse_ranges(conf.slack_periods or [])
    team_reps = set(User.objects.filter(team=plan.team, role=Role.REP).values_list("pk", flat=True))
    absences = defaultdict(list)
    for user_id, start, end in RepAbsence.objects.filter(date=plan.date).values_list(
        "user_id", "start", "end"
    ):
        absences[user_id].append((minutes(start) if start else 0, minutes(end) if end else 24 * 60))
    tasks = list(
        CallTask.objects.filter(plan=plan, status=TaskStatus.PLANNED).values_list(
            "pk", "company_id", "rep_id", "planned_start", "expected_minutes", "windows", "fixed_time"
        )
    )
    company_ids = [t[1] for t in tasks]
    closed, refusing, reachable = set(), set(), set()
    for i in range(0, len(company_ids), 900):
        chunk = company_ids[i : i + 900]
        closed |= set(
            ClosurePeriod.objects.filter(
                company_id__in=chunk, start__lte=plan.date, end__gte=plan.date
            ).values_list("company_id", flat=True)
        )
        for company_id, opt_out in Contact.objects.filter(company_id__in=chunk, is_active=True).values_list(
            "company_id", "opt_out_phone"
        ):
            (refusing if opt_out else reachable).add(company_id)
    problems: list[str] = []
    by_rep: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pk, company_id, rep_id, start, length, windows, fixed in tasks:
        local = timezone.localtime(start)
        a = local.hour * 60 + local.minute
        b = a + length
        where = f"call {pk} (company {company_id}) at {local:%H:%M}"
        if local.date() != plan.date:
            problems.append(f"{where}: not on the plan's day")
        if rep_id not in team_reps:
            problems.append(f"{where}: rep {rep_id} is not a rep of the team")
        if a < day_start or b > day_end:
            problems.append(f"{where}: outside the working day")
        if any(x < b and a < y for x, y in blocked):
            problems.append(f"{where}: in a break or a slack period")
        if any(x < b and a < y for x, y in absences.get(rep_id, [])):
            problems.append(f"{where}: the rep is absent")
        if windows and not fixed and not any(x <= a and b <= y for x, y in windows):
            problems.append(f"{where}: outside the customer's windows {windows}")
        if company_id in closed:
            problems.append(f"{where}: the customer is closed that day")
        if company_id in refusing and company_id not in reachable:
            problems.append(f"{where}: every contact refuses the phone")
        by_rep[rep_id].append((a, b, pk))
    for rep_id, spans in by_rep.items():
        spans.sort()
        latest_end, latest = -1, None
        for a, b, pk in spans:
            if a < latest_end:
                problems.append(f"calls {latest} and {pk} of rep {rep_id} overlap")
            if b > latest_end:
                latest_end, latest = b, pk
    return problems
