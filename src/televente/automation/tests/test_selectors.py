"""The screens' reads stay within a fixed number of queries whatever the number of rules and firings."""

from __future__ import annotations

import pytest

from televente.automation import selectors, services
from televente.automation.choices import Action, NotifyTo, Trigger
from televente.automation.messages import REMINDER_CODE

from .test_services import LATE_RULE, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(make_rule, world, company, other_company):
    for n in range(4):
        make_rule(**{**LATE_RULE, "name": f"Retard {n}"}, teams=[world.team_a, world.team_b])
    make_rule(
        name="Message",
        trigger=Trigger.ACCOUNT_INACTIVE,
        days=10,
        action=Action.SEND_TEMPLATE,
        template_code=REMINDER_CODE,
    )
    make_rule(
        name="Alerte",
        trigger=Trigger.ORDER_CONFIRMED,
        action=Action.NOTIFY,
        notify_to=NotifyTo.PERSON,
        notify_user=world.sup_a,
    )
    services.rules_scan(today=day(30))


def test_the_rules_list_in_five_queries(busy, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        rules = selectors.rules(user=world.sup_a)
        texts = [
            (r.trigger_text, r.conditions_text, r.action_text, r.firings_count, r.last_ok) for r in rules
        ]
    assert len(texts) == 6
    counts = {r.name: r.firings_count for r in rules}
    assert counts["Retard 0"] == 1  # sup_a sees team A's customer only
    assert {r.name: r.firings_count for r in selectors.rules(user=world.admin)}["Retard 0"] == 2


def test_the_log_in_one_query(busy, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        page = selectors.firing_log(user=world.admin)
        rows = [(f.rule.name, f.company.display_name, f.about_url, f.outcome_url) for f in page.firings]
    assert len(rows) == 10
