"""The automation screens with the Django test client: who may open them, the rule form (errors next to
the fields, what was typed kept), the switch, the log and its filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from televente.automation import services
from televente.automation.choices import Action, NotifyTo, Trigger
from televente.automation.models import AutomationRule, RuleFiring

from .test_services import LATE_RULE, day

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    data = {
        "name": "Client en retard de 7 jours",
        "description": "",
        "trigger": Trigger.CUSTOMER_LATE,
        "days": "7",
        "message_code": "",
        "rep": "",
        "customer_status": "",
        "min_amount": "",
        "claim_type": "",
        "action": Action.CALL_TASK,
        "template_code": "",
        "action_days": "0",
        "action_note": "Relancer le client",
        "notify_to": "",
        "notify_user": "",
        "notify_service": "",
        "hold_reason": "",
        "target_status": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["rep_a", "field_a", "bo_logistics"])
def test_only_supervisors_and_admins_open_the_screens(client, world, make_rule, who):
    rule = make_rule(**LATE_RULE)
    client.force_login(getattr(world, who))
    for url in (
        reverse("automation:list"),
        reverse("automation:new"),
        reverse("automation:log"),
        reverse("automation:edit", args=[rule.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("automation:toggle", args=[rule.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse("automation:new"), form_data()).status_code == 403
    assert AutomationRule.objects.count() == 1 and AutomationRule.objects.get().is_active


def test_the_menu_shows_the_entry_to_supervisors_only(client, world):
    client.force_login(world.rep_a)
    assert reverse("automation:list") not in client.get(reverse("accounts:home")).content.decode()
    client.force_login(world.sup_a)
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("automation:list") in page and 'data-shortcut="g u"' in page


def test_the_list_reads_each_rule_as_a_sentence(client, world, make_rule, company):
    make_rule(**LATE_RULE, teams=[world.team_a])
    make_rule(
        name="Grosse commande",
        trigger=Trigger.ORDER_CONFIRMED,
        min_amount="1000",
        action=Action.NOTIFY,
        notify_to=NotifyTo.PERSON,
        notify_user=world.sup_a,
        is_active=False,
    )
    services.rules_scan(today=day(30))
    client.force_login(world.sup_a)
    html = client.get(reverse("automation:list")).content.decode()
    assert "Client en retard de plus de 7 jours sur son rythme de commande" in html
    assert "Équipes : Équipe A" in html and "Rappel du télévendeur dès maintenant" in html
    assert (
        "Montant ≥ 1\u00a0000,00\u00a0€" in html
        and f"Prévenir {world.sup_a.get_full_name()} par e-mail" in html
    )
    assert 'aria-checked="true"' in html and 'aria-checked="false"' in html
    assert (
        "réussi" in html and f"?regle={AutomationRule.objects.get(trigger=Trigger.CUSTOMER_LATE).pk}" in html
    )


def test_a_supervisor_creates_a_rule(client, world):
    client.force_login(world.sup_a)
    assert client.get(reverse("automation:new")).status_code == 200
    answer = client.post(reverse("automation:new"), form_data())
    assert answer.status_code == 302 and answer.url == reverse("automation:list")
    rule = AutomationRule.objects.get()
    assert rule.trigger == Trigger.CUSTOMER_LATE and rule.days == 7 and rule.action == Action.CALL_TASK
    assert rule.action_note == "Relancer le client" and not rule.is_active and rule.created_by == world.sup_a


def test_a_refused_rule_keeps_what_was_typed_and_says_why_next_to_the_field(client, world):
    client.force_login(world.sup_a)
    page = client.post(reverse("automation:new"), form_data(days="", name="Ma règle à moi"))
    assert page.status_code == 422
    form = page.context["form"]
    assert form.errors == {"days": ["Indiquez le nombre de jours (N)."]}
    html = page.content.decode()
    assert 'value="Ma règle à moi"' in html and "Relancer le client" in html
    assert 'id="id_days_error"' in html
    assert not AutomationRule.objects.exists()


def test_a_template_that_does_not_fit_the_trigger_is_refused_on_its_field(client, world):
    client.force_login(world.sup_a)
    page = client.post(
        reverse("automation:new"),
        form_data(action=Action.SEND_TEMPLATE, template_code="email:order_confirmation"),
    )
    assert page.status_code == 422
    assert "porte sur" in page.context["form"].errors["template_code"][0]
    # The parts of the chosen action are shown, those of the others hidden.
    parts = page.context["parts"]
    assert parts["template_code"]["visible"] and not parts["action_days"]["visible"]
    assert parts["days"]["visible"] and not parts["claim_type"]["visible"]


def test_the_form_shows_only_the_parts_of_the_trigger_and_the_action(client, world, make_rule):
    rule = make_rule(
        name="Facture",
        trigger=Trigger.INVOICE_OVERDUE,
        days=15,
        action=Action.NOTIFY,
        notify_to=NotifyTo.SERVICE,
        notify_service="accounting",
    )
    client.force_login(world.sup_a)
    page = client.get(reverse("automation:edit", args=[rule.pk]))
    parts = page.context["parts"]
    assert parts["days"]["visible"] and parts["notify"]["visible"] and parts["notify_service"]["visible"]
    assert not parts["notify_user"]["visible"] and not parts["hold_reason"]["visible"]
    html = page.content.decode()
    assert 'data-show-if="trigger"' in html and 'data-show-values="notify"' in html
    answer = client.post(
        reverse("automation:edit", args=[rule.pk]),
        form_data(
            name="Facture",
            trigger=Trigger.INVOICE_OVERDUE,
            days="20",
            action=Action.NOTIFY,
            notify_to="service",
            notify_service="accounting",
            is_active="on",
        ),
    )
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert rule.days == 20 and rule.is_active and rule.action_note == "Relancer le client"


def test_the_switch_answers_the_row_with_htmx(client, world, make_rule):
    rule = make_rule(**LATE_RULE, is_active=False)
    client.force_login(world.sup_a)
    url = reverse("automation:toggle", args=[rule.pk])
    row = client.post(url, {"active": "1"}, headers={"HX-Request": "true"})
    assert row.status_code == 200
    html = row.content.decode()
    assert html.strip().startswith(f'<tr id="rule-{rule.pk}"') and 'aria-checked="true"' in html
    rule.refresh_from_db()
    assert rule.is_active and rule.updated_by == world.sup_a
    assert client.post(url, {"active": "0"}).status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active


def test_the_log_shows_what_each_firing_did_and_filters(client, world, make_rule, company, other_company):
    from televente.customers.models import CompanyHabits

    CompanyHabits.objects.filter(company=other_company).update(order_cycle_days=None)
    late = make_rule(**LATE_RULE)
    other = make_rule(
        name="Inactifs",
        trigger=Trigger.ACCOUNT_INACTIVE,
        days=10,
        action=Action.HOLD_ORDERS,
        hold_reason="Dormant",
    )
    services.rules_scan(today=day(30))
    assert RuleFiring.objects.count() == 3  # late: company; inactive: both
    client.force_login(world.admin)
    html = client.get(reverse("automation:log")).content.decode()
    assert "Bistrot du Port" in html and "Boulangerie Martin" in html
    assert reverse("customers:detail", args=[company.pk]) in html
    assert "Rappel pour" in html and "Nouvelles commandes bloquées : Dormant." in html

    filtered = client.get(reverse("automation:log"), {"regle": late.pk}).context["page"].firings
    assert [f.rule_id for f in filtered] == [late.pk]
    assert client.get(reverse("automation:log"), {"etat": "echec"}).context["page"].firings == []
    assert (
        len(client.get(reverse("automation:log"), {"regle": other.pk, "etat": "ok"}).context["page"].firings)
        == 2
    )

    # sup_b leads team B: only the firings on its customers.
    client.force_login(world.sup_b)
    firings = client.get(reverse("automation:log")).context["page"].firings
    assert {f.company_id for f in firings} == {other_company.pk}


def test_the_log_pages(client, world, make_rule, company, other_company, settings):
    from televente.automation import selectors

    make_rule(**LATE_RULE)
    make_rule(name="Deux", **{k: v for k, v in LATE_RULE.items() if k != "name"})
    services.rules_scan(today=day(30))
    first = selectors.firing_log(user=world.admin, limit=3)
    assert len(first.firings) == 3 and first.next_before == first.firings[-1].pk
    rest = selectors.firing_log(user=world.admin, limit=3, before=first.next_before)
    assert len(rest.firings) == 1 and rest.next_before is None
    client.force_login(world.admin)
    page = client.get(reverse("automation:log"), {"avant": first.next_before})
    assert len(page.context["page"].firings) == 1


def test_a_refused_switch_says_why_in_the_row(client, world, make_rule):
    from televente.automation.messages import REMINDER_CODE
    from televente.messaging.models import MessageTemplate

    rule = make_rule(
        name="Dormants",
        trigger=Trigger.ACCOUNT_INACTIVE,
        days=60,
        action=Action.SEND_TEMPLATE,
        template_code=REMINDER_CODE,
        is_active=False,
    )
    MessageTemplate.objects.filter(code=REMINDER_CODE).update(is_active=False)
    client.force_login(world.sup_a)
    row = client.post(
        reverse("automation:toggle", args=[rule.pk]), {"active": "1"}, headers={"HX-Request": "true"}
    )
    html = row.content.decode()
    assert row.status_code == 200 and 'aria-checked="false"' in html and "modifiez la règle" in html
    rule.refresh_from_db()
    assert not rule.is_active
