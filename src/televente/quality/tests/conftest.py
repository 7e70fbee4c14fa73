"""Shared fixtures of the quality tests.

grids:  the shipped grids (reloaded: transactional tests truncate tables), by code
call:   a recorded outbound call of rep_a (team A, supervisor sup_a) to « Épicerie du Port », 12 min,
        with notes and a recording (calls.PhoneCall)
other_call: a call of rep_b (team B, supervisor sup_b)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from televente.customers.choices import InteractionKind, Outcome
from televente.customers.services import interaction_record
from televente.customers.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def grids(db):
    from televente.quality.models import Grid
    from televente.quality.shipped import ensure_shipped

    ensure_shipped()
    return {g.code: g for g in Grid.objects.all()}


def record_call(rep, team, name, *, minutes=12, outcome=Outcome.REACHED_NO_ORDER, recording=True, when=None):
    from televente.calls.choices import CallDirection, PhoneCallState
    from televente.calls.models import PhoneCall

    company = CompanyFactory(rep=rep, team=team, trade_name=name)
    contact = ContactFactory(company=company, first_name="Marc", last_name="Leroy", is_decision_maker=True)
    when = when or timezone.now() - dt.timedelta(hours=2)
    interaction = interaction_record(
        company=company,
        kind=InteractionKind.CALL_OUT,
        by=rep,
        outcome=outcome,
        subject="Appel du plan : commande habituelle",
        notes="Le client hésite sur la farine T65 ; proposé la T55 en promotion.",
        contact=contact,
        occurred_at=when,
        duration_seconds=minutes * 60,
    )
    if recording:
        PhoneCall.objects.create(
            external_id=f"rec-{interaction.pk}",
            direction=CallDirection.OUTBOUND,
            user=rep,
            company=company,
            state=PhoneCallState.ENDED,
            answered_at=when,
            ended_at=when + dt.timedelta(minutes=minutes),
            duration_seconds=minutes * 60,
            recording_url=f"https://pbx.example.com/rec/{interaction.pk}.mp3",
            interaction=interaction,
        )
    return interaction


@pytest.fixture
def call(world, grids):
    return record_call(world.rep_a, world.team_a, "Épicerie du Port")


@pytest.fixture
def other_call(world, grids):
    return record_call(world.rep_b, world.team_b, "Café de la Gare")


# Helpers of the evaluation tests ------------------------------------------------------------------


def c1(grids):
    """The version in service of seed 000's Compétence 1 grid."""
    return grids["cqp-televente-c1"].current_version


def items_of(version):
    from televente.quality.models import GridItem

    return list(
        GridItem.objects.filter(section__version=version).order_by("section__position", "position", "id")
    )


def all_yes(version, overrides=None):
    """Answers for `evaluation_save`: « Oui » everywhere but `overrides` ({item_id: (value, comment)})."""
    answers = {i.pk: ("yes", "") for i in items_of(version)}
    answers.update(overrides or {})
    return answers
