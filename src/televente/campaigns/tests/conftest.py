"""Team A's bakeries (see the world fixture in televente/conftest.py):

    rep_a:  Fournil Inactif (inactive, A class), Mie Inactive (inactive), Boulangerie Refus (inactive,
            its only contact refuses the phone), Pain Sans Ligne (inactive, no phone number)
    rep_a2: Pâtisserie Dormante (inactive), Boulangerie Active (an active customer)
    team B: Boulangerie d'Ailleurs (inactive, rep_b)
plus a reactivation script and a promotion for bakers valid for the next month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.customers.choices import CompanyStatus
from televente.customers.models import CompanyHabits, Segment
from televente.customers.tests.factories import CompanyFactory, ContactFactory, PhoneFactory


@dataclass
class Bakeries:
    segment: object
    fournil: object
    mie: object
    refus: object
    sans_ligne: object
    dormante: object
    active: object
    ailleurs: object
    script: object
    promotion: object

    @property
    def query(self) -> str:
        return f"segment={self.segment.pk}&status=inactive"


def bakery(rep, name, *, status=CompanyStatus.INACTIVE, opt_out_phone=False, phone=True, email=True,
           opt_out_email=False, potential=None, abc=""):  # fmt: skip
    segment = Segment.objects.get(code="boulangerie")
    company = CompanyFactory(rep=rep, trade_name=name, status=status, segment=segment, potential=potential)
    company.contact = ContactFactory(
        company=company,
        is_decision_maker=True,
        opt_out_phone=opt_out_phone,
        opt_out_email=opt_out_email,
        email=f"{name.split()[-1].lower()}@pain.fr" if email else "",
    )
    if phone:
        PhoneFactory(company=company, e164="+33142685300")
    if abc:
        CompanyHabits.objects.create(company=company, abc_class=abc)
    return company


@pytest.fixture
def bakeries(world, reference_data) -> Bakeries:
    from televente.catalog.models import Promotion
    from televente.scripts.models import Script

    today = timezone.localdate()
    return Bakeries(
        segment=Segment.objects.get(code="boulangerie"),
        fournil=bakery(world.rep_a, "Fournil Inactif", potential=Decimal("30000"), abc="A"),
        mie=bakery(world.rep_a, "Mie Inactive", potential=Decimal("5000")),
        refus=bakery(world.rep_a, "Boulangerie Refus", opt_out_phone=True, opt_out_email=True),
        sans_ligne=bakery(world.rep_a, "Pain Sans Ligne", phone=False),
        dormante=bakery(world.rep_a2, "Pâtisserie Dormante"),
        active=bakery(world.rep_a2, "Boulangerie Active", status=CompanyStatus.CUSTOMER),
        ailleurs=bakery(world.rep_b, "Boulangerie Ailleurs"),
        script=Script.objects.create(name="Relance d'un compte inactif", reasons=["campaign"]),
        promotion=Promotion.objects.create(
            name="Farine T55 à prix spécial",
            description="0,79 € le kilo au lieu de 0,95 €",
            mechanic="special_price",
            amount=Decimal("0.79"),
            valid_from=today - dt.timedelta(days=2),
            valid_until=today + dt.timedelta(days=30),
        ),
    )


@pytest.fixture
def make_campaign(world, bakeries):
    from televente.campaigns import services

    def make(by=None, **data):
        today = timezone.localdate()
        values = {
            "name": "Relance boulangeries inactives",
            "goal": "reactivate",
            "description": "Rappeler la farine T55 à prix spécial.",
            "starts_on": today,
            "ends_on": today + dt.timedelta(days=14),
            "team": world.team_a,
            "channel": "phone",
            "calls_per_rep_per_day": 10,
            "script": bakeries.script,
            "promotion": bakeries.promotion,
        }
        query = data.pop("target_query", bakeries.query)
        documents = data.pop("documents", ())
        values.update(data)
        return services.campaign_save(
            by=by or world.sup_a, data=values, target_query=query, documents=documents
        )

    return make
