"""Reads of the market app for its screens: the customer's card, the competitor report and a
survey's results. Each takes the user and reads only the customers they may see."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from televente.core.text import fold
from televente.customers.models import Company

from .choices import QuestionKind, QuestionRole, ResponseChannel, Satisfaction, SurveyStatus
from .models import Competitor, CompetitorObservation, Survey, SurveyAnswer, SurveyInvitation, SurveyResponse

# The customer's card -------------------------------------------------------------------------------------------------


def company_market(*, user, company: Company) -> dict:
    """Last observations, the competitors' names (for the datalist) and the open surveys with what
    this customer already did with them."""
    observations = list(
        CompetitorObservation.objects.filter(company=company)
        .select_related("competitor", "product")
        .order_by("-observed_at")[:5]
    )
    surveys = list(Survey.objects.filter(status=SurveyStatus.OPEN).order_by("-created_at")[:5])
    ids = [s.pk for s in surveys]
    answered = dict(
        SurveyResponse.objects.filter(company=company, survey_id__in=ids)
        .order_by("submitted_at")
        .values_list("survey_id", "submitted_at")
    )
    invited = set(
        SurveyInvitation.objects.filter(company=company, survey_id__in=ids).values_list(
            "survey_id", flat=True
        )
    )
    for s in surveys:
        s.answered_at = answered.get(s.pk)
        s.invited = s.pk in invited
    contacts = [c for c in company.contacts.filter(is_active=True) if c.email and c.allows("email")]
    return {
        "observations": observations,
        "competitor_names": list(Competitor.objects.values_list("name", flat=True)[:300]),
        "open_surveys": surveys,
        "email_contacts": contacts,
    }


# The competitor report -----------------------------------------------------------------------------------------------


@dataclass
class CompetitorRow:
    pk: int
    name: str
    is_new: bool
    mentions: int = 0
    customers: set = field(default_factory=set)
    dissatisfied: int = 0
    rated: int = 0
    last_seen: dt.datetime | None = None

    @property
    def customer_count(self) -> int:
        return len(self.customers)

    @property
    def dissatisfied_share(self) -> int | None:
        """Among the mentions where the customer said how satisfied they were."""
        return round(100 * self.dissatisfied / self.rated) if self.rated else None


@dataclass
class ProductRow:
    pk: int
    code: str
    name: str
    base_price: Decimal
    base_unit: str
    prices: list = field(default_factory=list)  # competitors' prices in our base unit
    other_units: int = 0
    competitors: set = field(default_factory=set)

    @property
    def median(self) -> Decimal | None:
        return Decimal(str(statistics.median(self.prices))).quantize(Decimal("0.01")) if self.prices else None

    @property
    def minimum(self) -> Decimal | None:
        return min(self.prices) if self.prices else None

    @property
    def gap(self) -> Decimal | None:
        """How much cheaper (negative) or dearer the competitors' median is than our base price, in %."""
        median = self.median
        if median is None or not self.base_price:
            return None
        return ((median - self.base_price) * 100 / self.base_price).quantize(Decimal("0.1"))


def observations_visible(user):
    return CompetitorObservation.objects.filter(company__in=Company.objects.visible_to(user))


def competitor_report(
    *,
    user,
    since: dt.date,
    until: dt.date,
    competitor_id: int | None = None,
    zone_id: int | None = None,
    product_id: int | None = None,
) -> dict:
    """One read of the observations of the period, grouped in Python three ways (by competitor,
    by our product, by zone); a period holds a few thousand rows at most."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = observations_visible(user).filter(observed_at__gte=start, observed_at__lt=end)
    if competitor_id:
        qs = qs.filter(competitor_id=competitor_id)
    if zone_id:
        qs = qs.filter(company__zone_id=zone_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    rows = qs.values_list(
        "competitor_id",
        "competitor__name",
        "competitor__created_at",
        "company_id",
        "company__zone__name",
        "satisfaction",
        "observed_at",
        "product_id",
        "product__code",
        "product__name",
        "product__base_price",
        "product__base_unit",
        "price",
        "price_unit",
    )
    competitors: dict[int, CompetitorRow] = {}
    products: dict[int, ProductRow] = {}
    zones: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for (
        comp_id,
        comp_name,
        comp_created,
        company_id,
        zone,
        satisfaction,
        at,
        prod_id,
        code,
        name,
        base_price,
        base_unit,
        price,
        unit,
    ) in rows:
        total += 1
        row = competitors.get(comp_id)
        if row is None:
            row = competitors[comp_id] = CompetitorRow(comp_id, comp_name, start <= comp_created < end)
        row.mentions += 1
        row.customers.add(company_id)
        if satisfaction:
            row.rated += 1
            row.dissatisfied += satisfaction == Satisfaction.DISSATISFIED
        row.last_seen = max(row.last_seen or at, at)
        zones[zone or ""][comp_name] += 1
        if prod_id:
            prow = products.get(prod_id)
            if prow is None:
                prow = products[prod_id] = ProductRow(prod_id, code, name, base_price, base_unit)
            prow.competitors.add(comp_name)
            if price is not None:
                if fold(unit) == fold(base_unit) or not unit:
                    prow.prices.append(price)
                else:
                    prow.other_units += 1
    by_competitor = sorted(competitors.values(), key=lambda r: (-r.mentions, r.name))
    columns = [r.name for r in by_competitor[:8]]
    by_zone = [
        {"zone": zone, "counts": [counts.get(c, 0) for c in columns], "total": sum(counts.values())}
        for zone, counts in sorted(zones.items(), key=lambda z: (-sum(z[1].values()), z[0]))
    ]
    return {
        "total": total,
        "by_competitor": by_competitor,
        "by_product": sorted(products.values(), key=lambda p: (-len(p.prices), p.name)),
        "zone_columns": columns,
        "by_zone": by_zone,
    }


def report_rows(*, user, since: dt.date, until: dt.date, **filters):
    """The observations themselves, for the CSV export."""
    tz = timezone.get_current_timezone()
    qs = observations_visible(user).filter(
        observed_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz),
        observed_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    for key, value in filters.items():
        if value:
            qs = qs.filter(**{key: value})
    return qs.select_related("competitor", "company__zone", "product", "recorded_by").order_by("-observed_at")


# Surveys -------------------------------------------------------------------------------------------------------------


def survey_list(*, user) -> list[Survey]:
    """Every survey with its number of questions and of responses from the user's customers."""
    visible = Company.objects.visible_to(user)
    surveys = list(Survey.objects.annotate(question_count=Count("questions")).order_by("-created_at"))
    counts = dict(
        SurveyResponse.objects.filter(company__in=visible)
        .values("survey_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "n")
    )
    for s in surveys:
        s.response_count = counts.get(s.pk, 0)
    return surveys


def nps(scores: list[int]) -> float | None:
    """Net Promoter Score: % of promoters (9-10) minus % of detractors (0-6)."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


def csat(scores: list[int]) -> float | None:
    """Customer satisfaction: % of answers 8, 9 or 10 out of 10."""
    if not scores:
        return None
    return round(100 * sum(1 for s in scores if s >= 8) / len(scores), 1)


def survey_results(*, user, survey: Survey) -> dict:
    """Responses by channel, NPS, CSAT, the criteria from best to worst, the distributions of the
    choice questions and the free texts, over the customers the user may see."""
    questions = list(survey.questions.order_by("position"))
    visible = Company.objects.visible_to(user)
    responses = list(
        SurveyResponse.objects.filter(survey=survey, company__in=visible).values_list(
            "pk", "channel", "company__segment__name"
        )
    )
    segment_of = {pk: segment or "" for pk, _c, segment in responses}
    channels = Counter(channel for _pk, channel, _s in responses)
    answers = SurveyAnswer.objects.filter(response__survey=survey, response__company__in=visible).values_list(
        "response_id", "question_id", "choice", "score", "text"
    )
    by_question: dict[int, list] = defaultdict(list)
    for response_id, question_id, choice, score, text in answers:
        by_question[question_id].append((response_id, choice, score, text))
    nps_question = next((q for q in questions if q.role == QuestionRole.NPS), None)
    csat_question = next((q for q in questions if q.role == QuestionRole.CSAT), None)
    nps_scores = (
        [a[2] for a in by_question.get(nps_question.pk, []) if a[2] is not None] if nps_question else []
    )
    csat_scores = (
        [a[2] for a in by_question.get(csat_question.pk, []) if a[2] is not None] if csat_question else []
    )
    criteria = []
    for q in questions:
        if q.role == QuestionRole.CRITERION:
            scores = [a[2] for a in by_question.get(q.pk, []) if a[2] is not None]
            if scores:
                criteria.append(
                    {"label": q.criterion, "average": round(sum(scores) / len(scores), 1), "n": len(scores)}
                )
    criteria.sort(key=lambda c: (-c["average"], c["label"]))
    half = (len(criteria) + 1) // 2
    details = []
    for q in questions:
        rows = by_question.get(q.pk, [])
        item = {"question": q, "n": len(rows)}
        if q.kind == QuestionKind.CHOICE:
            counts = Counter(a[1] for a in rows)
            item["distribution"] = [
                {
                    "choice": c,
                    "n": counts.get(c, 0),
                    "share": round(100 * counts.get(c, 0) / len(rows)) if rows else 0,
                }
                for c in q.choices
            ]
        elif q.kind == QuestionKind.SCALE:
            scores = [a[2] for a in rows if a[2] is not None]
            item["average"] = round(sum(scores) / len(scores), 1) if scores else None
            item["histogram"] = [sum(1 for s in scores if s == n) for n in range(11)]
        else:
            item["texts"] = [a[3] for a in rows if a[3]][:200]
        details.append(item)
    by_segment = []
    if nps_question:
        per_segment: dict[str, list] = defaultdict(list)
        for response_id, _choice, score, _text in by_question.get(nps_question.pk, []):
            if score is not None:
                per_segment[segment_of.get(response_id, "")].append(score)
        by_segment = sorted(
            ({"segment": s, "n": len(v), "nps": nps(v)} for s, v in per_segment.items()),
            key=lambda r: (-r["n"], r["segment"]),
        )
    return {
        "count": len(responses),
        "by_channel": [(ResponseChannel(c).label, channels.get(c, 0)) for c in ResponseChannel.values],
        "nps": nps(nps_scores),
        "nps_n": len(nps_scores),
        "promoters": sum(1 for s in nps_scores if s >= 9),
        "detractors": sum(1 for s in nps_scores if s <= 6),
        "csat": csat(csat_scores),
        "csat_n": len(csat_scores),
        "criteria": criteria,
        "strengths": criteria[:half] if len(criteria) > 1 else criteria,
        "weaknesses": list(reversed(criteria[half:])) if len(criteria) > 1 else [],
        "details": details,
        "by_segment": by_segment,
    }
