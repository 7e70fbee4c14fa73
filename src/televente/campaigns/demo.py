"""Demo campaigns of the first demo team (the supervisor `superviseur`):

- « Relance boulangeries inactives », running: inactive bakeries (all inactive customers when the
  demo has too few bakeries), with the reactivation script and the bakers' flour offer, launched
  through the service, so its targets enter the plans the supervisor generates;
- « Offre café automne », closed last month: cafés and brasseries of the team, whose targets take
  their statuses from the demo call history of that period, so its results page shows real numbers;
- « Enquête de satisfaction 2026 », a draft on the satisfaction survey, by email.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import QueryDict
from django.utils import timezone

from televente.accounts.models import Team, User
from televente.core.demo import DemoContext
from televente.customers.choices import CompanyStatus
from televente.customers.models import Company, Contact, Segment

from .choices import CampaignChannel, CampaignGoal, CampaignStatus
from .models import Campaign, CampaignTarget
from .services import OUTCOME_STATUS, REACHED_OUTCOMES, STATUS_RANK, campaign_launch

MIN_BAKERIES = 5


def _query(**params) -> str:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [str(value)])
    return query.urlencode()


def seed(ctx: DemoContext) -> None:
    supervisors = ctx.shared.get("supervisors") or list(User.objects.filter(role="supervisor").order_by("pk"))
    if not supervisors:
        return
    supervisor = supervisors[0]
    team = Team.objects.filter(supervisor=supervisor).order_by("pk").first()
    if team is None:
        return
    running = _reactivation(ctx, supervisor, team)
    closed = _coffee(ctx, supervisor, team)
    draft = _survey_draft(ctx, supervisor, team)
    ctx.log(
        f"  campaigns: « {running.name} » ({running.targets.count()} targets), "
        f"« {closed.name} » (closed, {closed.targets.count()} targets)" + (", 1 draft" if draft else "")
    )


def _reactivation(ctx: DemoContext, supervisor, team) -> Campaign:
    from televente.catalog.models import Promotion

    today = ctx.today
    bakery = Segment.objects.filter(code="boulangerie").first()
    query = _query(status="inactive")
    if bakery is not None:
        bakeries = Company.objects.filter(team=team, segment=bakery, status=CompanyStatus.INACTIVE).count()
        if bakeries >= MIN_BAKERIES:
            query = _query(status="inactive", segment=bakery.pk)
    script = None
    try:
        from televente.scripts.demo import REACTIVATION_SCRIPT
        from televente.scripts.models import Script

        script = Script.objects.filter(name=REACTIVATION_SCRIPT, is_active=True).first()
    except ImportError:
        pass
    promotion = (
        Promotion.objects.filter(valid_from__lte=today, valid_until__gte=today, segments=bakery).first()
        if bakery is not None
        else None
    ) or Promotion.objects.filter(valid_from__lte=today, valid_until__gte=today).order_by("pk").first()
    campaign = Campaign.objects.create(
        name="Relance boulangeries inactives",
        goal=CampaignGoal.REACTIVATE,
        description=(
            "Ces boulangeries ne commandent plus depuis des mois. Demandez ce qui a changé (fournisseur, "
            "prix, livraison), notez le concurrent et son prix, et proposez la farine T55 à prix spécial "
            "sur la prochaine commande."
        ),
        starts_on=today,
        ends_on=min(today + dt.timedelta(days=21), promotion.valid_until)
        if promotion
        else today + dt.timedelta(days=21),
        team=team,
        target_query=query,
        channel=CampaignChannel.PHONE,
        calls_per_rep_per_day=ctx.pick(4, 6, 8),
        script=script,
        promotion=promotion,
        objective_reached=ctx.pick(10, 60, 300),
        objective_orders=ctx.pick(4, 20, 100),
        objective_revenue=Decimal(ctx.pick(2000, 10000, 50000)),
        created_by=supervisor,
    )
    return campaign_launch(campaign=campaign, by=supervisor)


def _coffee(ctx: DemoContext, supervisor, team) -> Campaign:
    """Last month's campaign, its results taken from the calls and orders of that period."""
    from televente.calls.models import CallTask

    first_this_month = ctx.today.replace(day=1)
    ends_on = first_this_month - dt.timedelta(days=1)
    starts_on = ends_on.replace(day=1)
    segments = list(Segment.objects.filter(code="brasserie").values_list("pk", flat=True))
    campaign = Campaign.objects.create(
        name="Offre café automne",
        goal=CampaignGoal.PROMOTE,
        description="Le café en grains de torréfaction artisanale : proposer un paquet d'essai avec la commande.",
        starts_on=starts_on,
        ends_on=ends_on,
        team=team,
        target_query=_query(status="customer", segment=segments[0])
        if segments
        else _query(status="customer"),
        channel=CampaignChannel.PHONE,
        calls_per_rep_per_day=ctx.pick(3, 5, 8),
        status=CampaignStatus.CLOSED,
        created_by=supervisor,
        launched_by=supervisor,
        launched_at=timezone.make_aware(dt.datetime.combine(starts_on, dt.time(8))),
    )
    companies = dict(
        Company.objects.filter(team=team, status=CompanyStatus.CUSTOMER, segment_id__in=segments)
        .order_by("pk")
        .values_list("pk", "rep_id")[: ctx.pick(60, 400, 2000)]
    )
    contacts: dict[int, int] = {}
    for contact_id, company_id in (
        Contact.objects.filter(company_id__in=list(companies), is_active=True, opt_out_phone=False)
        .order_by("-is_decision_maker", "-is_order_contact", "pk")
        .values_list("pk", "company_id")
    ):
        contacts.setdefault(company_id, contact_id)
    targets = {
        company_id: CampaignTarget(
            campaign=campaign, company_id=company_id, rep_id=rep_id, contact_id=contacts.get(company_id)
        )
        for company_id, rep_id in companies.items()
    }
    calls = (
        CallTask.objects.filter(
            company_id__in=list(companies),
            plan__date__gte=starts_on,
            plan__date__lte=ends_on,
            attempts__gt=0,
        )
        .exclude(outcome="")
        .order_by("ended_at", "pk")
        .values_list("pk", "company_id", "rep_id", "outcome", "attempts", "started_at", "ended_at")
    )
    # The offer was pitched on the calls up to the first one that reached the customer: their
    # outcomes make the results (later calls were the customer's usual orders, not the campaign).
    for task_id, company_id, rep_id, outcome, attempts, started_at, ended_at in calls:
        target = targets[company_id]
        status = OUTCOME_STATUS.get(outcome)
        if status is None or target.reached_at is not None:
            continue
        target.attempts = min(target.attempts + attempts, 30)
        target.last_task_id = task_id
        target.last_outcome = outcome
        if target.reached_at is None:  # as the service: the target stays with who reached it
            target.rep_id = rep_id or target.rep_id
        if STATUS_RANK[status] >= STATUS_RANK.get(target.status, 0):
            target.status = status
        if outcome in REACHED_OUTCOMES and target.reached_at is None:
            target.reached_at = started_at or ended_at  # from the start of the call, as the service
    CampaignTarget.objects.bulk_create(targets.values(), batch_size=1000)
    # Objectives the supervisor could have set: some met, some missed.
    from .selectors import campaign_results

    total = campaign_results(campaign=campaign, user=supervisor).total
    campaign.objective_reached = max(1, round(len(targets) * 0.9))
    campaign.objective_orders = max(1, round(total.orders * 1.15))
    campaign.objective_revenue = max(
        Decimal("1000"), (total.revenue * Decimal("0.95")).quantize(Decimal("100"))
    )
    campaign.save(update_fields=["objective_reached", "objective_orders", "objective_revenue"])
    return campaign


def _survey_draft(ctx: DemoContext, supervisor, team) -> Campaign | None:
    survey = None
    try:
        from televente.market.demo import SATISFACTION_SURVEY_TITLE
        from televente.market.models import Survey

        survey = Survey.objects.filter(title=SATISFACTION_SURVEY_TITLE).first()
    except ImportError:
        pass
    if survey is None:
        return None
    today = ctx.today
    return Campaign.objects.create(
        name="Enquête de satisfaction 2026",
        goal=CampaignGoal.SURVEY,
        description="Recueillir l'avis des clients réguliers sur le service, les délais et les produits.",
        starts_on=today + dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=28),
        team=team,
        target_query=_query(status="customer", abc="A"),
        channel=CampaignChannel.EMAIL,
        calls_per_rep_per_day=5,
        survey=survey,
        objective_reached=ctx.pick(20, 100, 500),
        created_by=supervisor,
    )
