"""The rules' services: saving, the periodic scan, business events, conditions and actions, and the
promise that a rule acts once per occurrence."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from televente.automation import services
from televente.automation.choices import Action, NotifyTo, Trigger
from televente.automation.messages import REMINDER_CODE
from televente.automation.models import AutomationRule, RuleFiring
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import business_event
from televente.customers.choices import CompanyStatus, NextStepAction
from televente.customers.models import CompanyHabits, Interaction
from televente.customers.tests.factories import CompanyFactory, SegmentFactory
from televente.messaging.choices import MessageStatus
from televente.messaging.models import Message
from televente.orders import services as order_services
from televente.orders.choices import OrderStatus
from televente.orders.models import Order
from televente.orders.tests.factories import sellable
from televente.receivables.models import Invoice

from .conftest import CYCLE, LAST_ORDER

pytestmark = pytest.mark.django_db

LATE_RULE = {
    "name": "Client en retard de 7 jours → tâche d'appel",
    "trigger": Trigger.CUSTOMER_LATE,
    "days": 7,
    "action": Action.CALL_TASK,
    "action_days": 0,
    "action_note": "Relancer : pas de commande depuis son rythme habituel",
}


def callbacks(company) -> list[Interaction]:
    return list(Interaction.objects.filter(company=company, next_action=NextStepAction.CALLBACK))


def day(n: int) -> dt.date:
    """n days after the customer's last order (expected again on day 7)."""
    return LAST_ORDER + dt.timedelta(days=n)


# The acceptance case ----------------------------------------------------------------------------------------------


def test_a_customer_late_by_7_days_gets_one_call_task_per_lateness(make_rule, company, world):
    rule = make_rule(**LATE_RULE)

    # Expected on day 7; late by 7 days on day 14 is not "more than 7 days" yet.
    assert services.rules_scan(today=day(CYCLE + 7))["fired"] == 0
    assert callbacks(company) == []

    assert services.rules_scan(today=day(CYCLE + 8))["fired"] == 1
    [task] = callbacks(company)
    assert task.next_action_owner == world.rep_a and task.next_action_done_at is None
    assert task.next_action_note == LATE_RULE["action_note"]
    assert task.author == world.sup_a and rule.name in task.subject
    firing = RuleFiring.objects.get()
    assert firing.ok and firing.rule == rule and firing.company == company
    assert firing.key == f"company:{company.pk}:late:{LAST_ORDER:%Y-%m-%d}"
    assert "Rappel pour" in firing.result and firing.outcome_reference == f"customers.interaction:{task.pk}"

    # The second and third runs (the next hours, the next day) find the same lateness: nothing new.
    assert services.rules_scan(today=day(CYCLE + 8))["fired"] == 0
    assert services.rules_scan(today=day(CYCLE + 9))["fired"] == 0
    assert len(callbacks(company)) == 1 and RuleFiring.objects.count() == 1

    # A new order (the habits task moves the last order), then a new lateness: a new occurrence.
    new_order = day(20)
    CompanyHabits.objects.filter(company=company).update(
        last_order_date=new_order, next_expected_order=new_order + dt.timedelta(days=CYCLE)
    )
    assert services.rules_scan(today=new_order + dt.timedelta(days=CYCLE + 7))["fired"] == 0
    assert services.rules_scan(today=new_order + dt.timedelta(days=CYCLE + 8))["fired"] == 1
    assert services.rules_scan(today=new_order + dt.timedelta(days=CYCLE + 9))["fired"] == 0
    assert len(callbacks(company)) == 2
    assert set(RuleFiring.objects.values_list("key", flat=True)) == {
        f"company:{company.pk}:late:{LAST_ORDER:%Y-%m-%d}",
        f"company:{company.pk}:late:{new_order:%Y-%m-%d}",
    }


def test_a_call_task_in_n_days_is_due_that_day_at_nine(make_rule, company):
    make_rule(**{**LATE_RULE, "action_days": 2})
    services.rules_scan(today=day(30))
    [task] = callbacks(company)
    local = timezone.localtime(task.next_action_at)
    assert local.date() == timezone.localdate() + dt.timedelta(days=2) and local.hour == 9


# Events -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def big_order(company, world):
    """A confirmed order of 1 200 € HT (one carton of 6 at 200 €)."""
    company.delivery_weekdays = [0, 1, 2, 3, 4]
    company.save(update_fields=["delivery_weekdays"])
    order = order_services.order_start(company=company, by=world.rep_a)
    order_services.order_line_add(
        order=order,
        product=sellable(code="TRUF01", name="Truffe noire", price="200.00"),
        by=world.rep_a,
        version=order.version,
    )
    order.refresh_from_db()
    return order_services.order_confirm(order=order, by=world.rep_a, version=order.version)


def test_an_order_rule_notifies_the_supervisor_once_even_if_the_event_comes_twice(
    make_rule, company, world, big_order, run_tasks
):
    rule = make_rule(
        name="Grosse commande",
        trigger=Trigger.ORDER_CONFIRMED,
        min_amount=Decimal("1000"),
        action=Action.NOTIFY,
        notify_to=NotifyTo.PERSON,
        notify_user=world.sup_a,
        action_note="Appeler le client pour le remercier",
    )
    assert big_order.total_ht >= Decimal("1000")
    mail.outbox.clear()
    run_tasks()  # the confirmation is committed: its event goes to the rules' task
    firing = RuleFiring.objects.get()
    assert firing.ok and firing.rule == rule and firing.reference == f"orders.order:{big_order.pk}"
    assert firing.key == f"order:{big_order.pk}:confirmed"
    notices = [m for m in mail.outbox if m.to == [world.sup_a.email]]
    assert len(notices) == 1 and "Grosse commande" in notices[0].subject
    assert (
        "Appeler le client pour le remercier" in notices[0].body
        and f"/clients/{company.pk}/" in notices[0].body
    )

    # The same event delivered again (a retried task, a second worker): nothing more.
    for _ in range(2):
        business_event.send(
            sender="order.confirmed",
            company_id=company.pk,
            reference=f"orders.order:{big_order.pk}",
            key=f"order:{big_order.pk}:confirmed",
            data={"amount": str(big_order.total_ht), "rep_id": world.rep_a.pk},
        )
    run_tasks()
    assert RuleFiring.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == [world.sup_a.email]]) == 1


def test_an_event_rule_checks_the_amount(make_rule, company, world):
    make_rule(
        trigger=Trigger.ORDER_CONFIRMED,
        min_amount=Decimal("1000"),
        action=Action.NOTIFY,
        notify_to=NotifyTo.SUPERVISOR,
    )
    small = {"name": "order.confirmed", "company_id": company.pk, "reference": "orders.order:1"}
    assert services.event_process(**small, key="order:1:confirmed", data={"amount": "999.99"}) == 0
    assert services.event_process(**small, key="order:2:confirmed", data={"amount": "1000.00"}) == 1
    assert RuleFiring.objects.get().result.endswith(f"{world.sup_a.get_full_name()}.")


def test_events_without_a_listening_rule_start_no_task(company, make_rule):
    from django_tasks_db.models import DBTaskResult

    event = {"company_id": company.pk, "reference": "orders.order:1", "key": "order:1:confirmed", "data": {}}
    assert services.event_handle(name="order.confirmed", **event) is False
    assert services.event_handle(name="something.else", **event) is False
    make_rule(trigger=Trigger.ORDER_CONFIRMED, action=Action.NOTIFY, notify_to=NotifyTo.REP, is_active=False)
    assert services.event_handle(name="order.confirmed", **event) is False
    assert DBTaskResult.objects.count() == 0
    make_rule(trigger=Trigger.ORDER_CONFIRMED, action=Action.NOTIFY, notify_to=NotifyTo.REP)
    assert services.event_handle(name="order.confirmed", **event) is True
    assert DBTaskResult.objects.count() == 1


def test_a_claim_rule_filters_on_the_claim_type(make_rule, company):
    make_rule(
        trigger=Trigger.CLAIM_CREATED,
        claim_type="damaged",
        action=Action.NOTIFY,
        notify_to=NotifyTo.SERVICE,
        notify_service="quality",
    )
    from televente.accounts.tests.factories import UserFactory

    UserFactory(username="bo_quality", role="back_office", service="quality")
    event = {"name": "claim.created", "company_id": company.pk, "reference": "claims.claim:99"}
    assert services.event_process(**event, key="claim:99:event:1", data={"claim_type": "late"}) == 0
    assert services.event_process(**event, key="claim:99:event:2", data={"claim_type": "damaged"}) == 1
    assert "Prévenu" in RuleFiring.objects.get().result


# Conditions -------------------------------------------------------------------------------------------------------


def test_conditions_filter_the_customers(make_rule, company, other_company, world):
    bakery = other_company.segment
    by_segment = make_rule(**{**LATE_RULE, "name": "Boulangeries", "segments": [bakery]})
    by_team = make_rule(**{**LATE_RULE, "name": "Équipe A", "teams": [world.team_a]})
    by_amount = make_rule(**{**LATE_RULE, "name": "Gros paniers", "min_amount": Decimal("300")})
    by_rep = make_rule(**{**LATE_RULE, "name": "Clients de rep_b", "rep": world.rep_b})
    everyone = make_rule(**{**LATE_RULE, "name": "Tous"})

    assert services.rules_scan(today=day(30))["fired"] == 6

    def fired(rule: AutomationRule) -> set[int]:
        return set(rule.firings.values_list("company_id", flat=True))

    assert fired(by_segment) == {other_company.pk}
    assert fired(by_team) == {company.pk}
    assert fired(by_amount) == {company.pk}  # average basket 450 € against 120 €
    assert fired(by_rep) == {other_company.pk}
    assert fired(everyone) == {company.pk, other_company.pk}


def test_the_same_conditions_hold_for_events(make_rule, company, other_company, world):
    rule = make_rule(
        trigger=Trigger.PROMISE_BROKEN,
        teams=[world.team_b],
        action=Action.NOTIFY,
        notify_to=NotifyTo.REP,
    )
    for target in (company, other_company):
        services.event_process(
            name="receivables.promise_broken",
            company_id=target.pk,
            reference="receivables.promise:1",
            key=f"promise:{target.pk}",
            data={"amount": "300.00"},
        )
    assert set(rule.firings.values_list("company_id", flat=True)) == {other_company.pk}


def test_late_and_inactive_scans_only_look_at_active_customers(make_rule, company):
    make_rule(**LATE_RULE)
    company.status = CompanyStatus.INACTIVE
    company.save(update_fields=["status"])
    assert services.rules_scan(today=day(60))["fired"] == 0


# Failures and switched-off rules ----------------------------------------------------------------------------------


def test_a_failing_action_is_logged_and_the_others_go_on(make_rule, company, world):
    orphan = CompanyFactory(rep=None, team=world.team_a, trade_name="Sans télévendeur")
    CompanyHabits.objects.create(company=orphan, order_cycle_days=CYCLE, last_order_date=LAST_ORDER)
    make_rule(**LATE_RULE)
    counts = services.rules_scan(today=day(30))
    assert counts["fired"] == 1 and counts["failed"] == 1
    failed = RuleFiring.objects.get(company=orphan)
    assert not failed.ok and "télévendeur attitré" in failed.result
    assert callbacks(orphan) == [] and len(callbacks(company)) == 1
    # A failed occurrence is not tried again every hour (the log shows it to a person).
    assert services.rules_scan(today=day(30)) == {"rules": 1, "fired": 0, "failed": 0, "postponed": 0}


def test_an_unexpected_error_is_logged_too(make_rule, company, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("la base a disparu")

    monkeypatch.setitem(services.ACTIONS, Action.CALL_TASK, broken)
    make_rule(**LATE_RULE)
    assert services.rules_scan(today=day(30))["failed"] == 1
    assert RuleFiring.objects.get().result == "RuntimeError: la base a disparu"


def test_switched_off_rules_never_fire(make_rule, company, world):
    rule = make_rule(**{**LATE_RULE, "is_active": False})
    assert services.rules_scan(today=day(30)) == {"rules": 0, "fired": 0, "failed": 0, "postponed": 0}
    assert services.rule_fire(rule=rule, company=company, reference="", key="x") is None
    services.rule_toggle(rule=rule, by=world.sup_a, active=True)
    services.rule_toggle(rule=rule, by=world.sup_a, active=False)
    assert services.rules_scan(today=day(30))["fired"] == 0
    assert not RuleFiring.objects.exists() and callbacks(company) == []


def test_a_firing_already_recorded_by_another_worker_means_nothing_to_do(make_rule, company):
    rule = make_rule(**LATE_RULE)
    key = f"company:{company.pk}:late:{LAST_ORDER:%Y-%m-%d}"
    RuleFiring.objects.create(rule=rule, key=key, company=company, action=rule.action)
    assert services.rule_fire(rule=rule, company=company, reference="", key=key) is None
    assert services.rules_scan(today=day(30))["fired"] == 0
    assert callbacks(company) == []


def test_a_scan_acts_on_a_bounded_number_per_rule_and_run(make_rule, company, other_company):
    make_rule(**LATE_RULE)
    assert services.rules_scan(today=day(30), limit=1) == {
        "rules": 1,
        "fired": 1,
        "failed": 0,
        "postponed": 1,
    }
    assert services.rules_scan(today=day(30), limit=1)["fired"] == 1
    assert services.rules_scan(today=day(30), limit=1)["fired"] == 0


# Actions ----------------------------------------------------------------------------------------------------------


def test_send_template_queues_the_message_in_the_outbox(make_rule, company):
    make_rule(
        name="Relance des inactifs",
        trigger=Trigger.ACCOUNT_INACTIVE,
        days=30,
        action=Action.SEND_TEMPLATE,
        template_code=REMINDER_CODE,
        channel="email",
    )
    assert services.rules_scan(today=day(30))["fired"] == 0
    assert services.rules_scan(today=day(31))["fired"] == 1
    message = Message.objects.get()
    assert message.template_code == REMINDER_CODE and message.company == company
    assert message.contact == company.chef and message.to_address == "chef@bistrot.fr"
    assert message.status == MessageStatus.QUEUED and message.idempotency_key.startswith("automation:")
    firing = RuleFiring.objects.get()
    assert firing.ok and firing.outcome_reference == f"messaging.message:{message.pk}"
    assert "chef@bistrot.fr" in firing.result or "Jean" in firing.result
    assert services.rules_scan(today=day(32))["fired"] == 0


def test_send_template_without_anybody_to_write_to_fails_visibly(make_rule, world):
    lonely = CompanyFactory(rep=world.rep_a, team=world.team_a)
    CompanyHabits.objects.create(company=lonely, last_order_date=LAST_ORDER)
    make_rule(
        trigger=Trigger.ACCOUNT_INACTIVE, days=30, action=Action.SEND_TEMPLATE, template_code=REMINDER_CODE
    )
    services.rules_scan(today=day(40))
    firing = RuleFiring.objects.get()
    assert not firing.ok and "interlocuteur" in firing.result and not Message.objects.exists()


def test_hold_orders_and_status_change(make_rule, company, other_company, world):
    make_rule(
        trigger=Trigger.ACCOUNT_INACTIVE,
        days=90,
        action=Action.HOLD_ORDERS,
        hold_reason="Compte dormant : vérifier la solvabilité",
    )
    make_rule(
        trigger=Trigger.ACCOUNT_INACTIVE, days=90, action=Action.SET_CUSTOMER_STATUS, target_status="inactive"
    )
    counts = services.rules_scan(today=day(91))
    company.refresh_from_db()
    other_company.refresh_from_db()
    assert company.orders_on_hold and company.hold_reason == "Compte dormant : vérifier la solvabilité"
    assert company.status == CompanyStatus.INACTIVE  # sup_a, the rules' author, leads team A
    # sup_a may not change a file of team B: the firing says so.
    assert other_company.status == CompanyStatus.CUSTOMER and other_company.orders_on_hold
    refused = RuleFiring.objects.get(company=other_company, action=Action.SET_CUSTOMER_STATUS)
    assert not refused.ok and "ne peut pas modifier cette fiche" in refused.result
    assert counts == {"rules": 2, "fired": 3, "failed": 1, "postponed": 0}
    # An inactive customer is no longer scanned.
    assert services.rules_scan(today=day(92))["fired"] == 0


def test_order_late_scan(make_rule, company, world):
    today = timezone.localdate()
    late = Order.objects.create(
        company=company,
        rep=world.rep_a,
        number="C-LATE",
        status=OrderStatus.SHIPPED,
        delivery_date=today - dt.timedelta(days=3),
        total_lines=Decimal("80"),
    )
    Order.objects.create(
        company=company,
        rep=world.rep_a,
        number="C-OK",
        status=OrderStatus.DELIVERED,
        delivery_date=today - dt.timedelta(days=3),
    )
    Order.objects.create(
        company=company,
        rep=world.rep_a,
        number="C-SOON",
        status=OrderStatus.CONFIRMED,
        delivery_date=today - dt.timedelta(days=2),
    )
    make_rule(trigger=Trigger.ORDER_LATE, days=2, action=Action.NOTIFY, notify_to=NotifyTo.REP)
    assert services.rules_scan(today=today)["fired"] == 1
    firing = RuleFiring.objects.get()
    assert firing.reference == f"orders.order:{late.pk}"
    assert firing.key == f"order:{late.pk}:late:{late.delivery_date:%Y-%m-%d}"
    # A new delivery date is a new occurrence.
    Order.objects.filter(pk=late.pk).update(delivery_date=today - dt.timedelta(days=4))
    assert services.rules_scan(today=today)["fired"] == 1


def test_invoice_overdue_scan(make_rule, company, world):
    today = timezone.localdate()

    def invoice(number, due_days_ago, amount, paid="0", **kw):
        return Invoice.objects.create(
            number=number,
            company=company,
            issued_on=today - dt.timedelta(days=60),
            due_on=today - dt.timedelta(days=due_days_ago),
            amount=Decimal(amount),
            paid_amount=Decimal(paid),
            **kw,
        )

    overdue = invoice("F-1", 16, "500")
    invoice("F-2", 15, "500")  # 15 days: not more than 15
    invoice("F-3", 40, "500", paid="500")  # paid up (still open in the ERP)
    invoice("F-4", 40, "500", disputed=True)
    invoice("F-5", 40, "50")  # under the minimum
    make_rule(
        trigger=Trigger.INVOICE_OVERDUE,
        days=15,
        min_amount=Decimal("100"),
        action=Action.CALL_TASK,
        action_note="Relancer la facture",
    )
    assert services.rules_scan(today=today)["fired"] == 1
    assert RuleFiring.objects.get().reference == f"receivables.invoice:{overdue.pk}"
    assert services.rules_scan(today=today)["fired"] == 0


def test_a_message_without_an_order_since(make_rule, company, world):
    from televente.messaging.models import MessageTemplate

    MessageTemplate.objects.create(
        code="promo-printemps", channel="email", language="fr", name="Promo", context="company", body="x"
    )
    now = timezone.now()

    def sent(days_ago: int, target=company) -> Message:
        at = now - dt.timedelta(days=days_ago)
        message = Message.objects.create(
            channel="email",
            status=MessageStatus.SENT,
            company=target,
            template_code="promo-printemps",
            to_address="chef@bistrot.fr",
            body_text="x",
            sent_at=at,
        )
        Message.objects.filter(pk=message.pk).update(created_at=at)
        return message

    unanswered = sent(5)
    sent(3)  # too recent
    make_rule(
        trigger=Trigger.MESSAGE_NO_REPLY,
        days=4,
        message_code="promo-printemps",
        action=Action.CALL_TASK,
        action_note="Le client a-t-il vu la promotion ?",
    )
    assert services.rules_scan()["fired"] == 1
    assert RuleFiring.objects.get().reference == f"messaging.message:{unanswered.pk}"

    # A customer who ordered after the email is not chased.
    answered = sent(6)
    Order.objects.create(
        company=company,
        rep=world.rep_a,
        number="C-1",
        status=OrderStatus.CONFIRMED,
        confirmed_at=now - dt.timedelta(days=5),
    )
    assert services.rules_scan()["fired"] == 0
    assert not RuleFiring.objects.filter(reference=f"messaging.message:{answered.pk}").exists()


# Saving -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"trigger": Trigger.CUSTOMER_LATE, "action": Action.CALL_TASK}, "days"),
        (
            {"trigger": Trigger.ORDER_CONFIRMED, "action": Action.SEND_TEMPLATE, "template_code": "nope"},
            "template_code",
        ),
        (
            {
                "trigger": Trigger.CUSTOMER_LATE,
                "days": 7,
                "action": Action.SEND_TEMPLATE,
                "template_code": "order_confirmation",
            },
            "template_code",
        ),
        ({"trigger": Trigger.ORDER_CONFIRMED, "action": Action.NOTIFY}, "notify_to"),
        ({"trigger": Trigger.ORDER_CONFIRMED, "action": Action.NOTIFY, "notify_to": "person"}, "notify_user"),
        (
            {"trigger": Trigger.ORDER_CONFIRMED, "action": Action.NOTIFY, "notify_to": "service"},
            "notify_service",
        ),
        ({"trigger": Trigger.ORDER_CONFIRMED, "action": Action.HOLD_ORDERS}, "hold_reason"),
        ({"trigger": Trigger.ORDER_CONFIRMED, "action": Action.SET_CUSTOMER_STATUS}, "target_status"),
        ({"trigger": Trigger.MESSAGE_NO_REPLY, "days": 3, "action": Action.CALL_TASK}, "message_code"),
        ({"trigger": "", "action": Action.CALL_TASK}, "trigger"),
        ({"trigger": Trigger.ORDER_CONFIRMED, "action": Action.CALL_TASK, "min_amount": "-1"}, "min_amount"),
    ],
)
def test_rule_save_refuses_with_the_field(world, data, field):
    with pytest.raises(DomainError) as refused:
        services.rule_save(by=world.sup_a, data={"name": "Règle", **data})
    assert refused.value.field == field
    assert not AutomationRule.objects.exists()


def test_rule_save_keeps_only_what_the_trigger_and_action_use(world):
    rule = services.rule_save(
        by=world.admin,
        data={
            "name": "  Commande confirmée  ",
            "trigger": Trigger.ORDER_CONFIRMED,
            "days": 12,
            "claim_type": "damaged",
            "action": Action.NOTIFY,
            "notify_to": NotifyTo.PERSON,
            "notify_user": world.sup_b,
            "notify_service": "quality",
            "hold_reason": "oublié là",
            "segments": [SegmentFactory()],
        },
    )
    assert rule.name == "Commande confirmée" and rule.days is None and rule.claim_type == ""
    assert rule.notify_service == "" and rule.hold_reason == "" and rule.notify_user == world.sup_b
    assert rule.is_active is False and rule.created_by == world.admin and rule.segments.count() == 1
    changed = services.rule_save(
        by=world.sup_a,
        rule=rule,
        data={"name": "Autre", "trigger": rule.trigger, "action": rule.action, "notify_to": "rep"},
    )
    assert changed.pk == rule.pk and changed.updated_by == world.sup_a and changed.segments.count() == 0
    assert changed.notify_user is None and changed.created_by == world.admin


def test_only_supervisors_and_admins_manage_rules(world, make_rule):
    for person in (world.rep_a, world.field_a, world.bo_logistics):
        with pytest.raises(PermissionRefused):
            services.rule_save(by=person, data={"name": "x", **LATE_RULE})
    rule = make_rule(**LATE_RULE)
    with pytest.raises(PermissionRefused):
        services.rule_toggle(rule=rule, by=world.rep_a, active=False)


def test_switching_on_a_rule_whose_template_was_switched_off_is_refused(make_rule, world):
    from televente.messaging.models import MessageTemplate

    rule = make_rule(
        trigger=Trigger.ACCOUNT_INACTIVE,
        days=30,
        action=Action.SEND_TEMPLATE,
        template_code=REMINDER_CODE,
        is_active=False,
    )
    MessageTemplate.objects.filter(code=REMINDER_CODE).update(is_active=False)
    with pytest.raises(DomainError, match="n'existe plus ou est désactivé"):
        services.rule_toggle(rule=rule, by=world.sup_a, active=True)


def test_the_scan_is_registered_with_the_scheduler():
    from televente.core import scheduler

    job = scheduler.get_job("automation.scan")
    assert job is not None and job.every == dt.timedelta(hours=1)
    assert job.resolve() is services.rules_scan


def test_merged_companies_keep_their_firings(make_rule, company, world):
    from televente.customers.services import company_merge

    make_rule(**LATE_RULE)
    services.rules_scan(today=day(30))
    kept = CompanyFactory(rep=world.rep_a, team=world.team_a)
    company_merge(kept=kept, removed=company, by=world.sup_a)
    assert RuleFiring.objects.get().company == kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_four_workers_scanning_at_the_same_moment_act_once(make_rule, company):
    make_rule(**LATE_RULE)
    start = threading.Barrier(4)
    results: list[dict] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(services.rules_scan(today=day(30)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(r["fired"] for r in results) == [0, 0, 0, 1]
    assert RuleFiring.objects.count() == 1 and len(callbacks(company)) == 1


def test_a_delivery_incident_rule_reaches_the_order_of_the_incident(make_rule, company, world):
    from televente.orders.models import DeliveryIncident

    order = Order.objects.create(
        company=company,
        rep=world.rep_a,
        contact=company.chef,
        number="C-INC",
        status=OrderStatus.SHIPPED,
        total_lines=Decimal("1500"),
    )
    incident = DeliveryIncident.objects.create(
        order=order, company=company, kind="late", service="logistics", reported_by=world.rep_a
    )
    make_rule(
        trigger=Trigger.DELIVERY_INCIDENT,
        min_amount=Decimal("1000"),
        action=Action.SEND_TEMPLATE,
        template_code="order_confirmation",
    )
    fired = services.event_process(
        name="order.incident",
        company_id=company.pk,
        reference=f"orders.incident:{incident.pk}",
        key=f"incident:{incident.pk}",
        data={"incident_type": "late", "order": order.number},
    )
    assert fired == 1
    firing = RuleFiring.objects.get()
    assert firing.ok, firing.result
    message = Message.objects.get()
    assert message.template_code == "order_confirmation" and "C-INC" in message.subject + message.body_text
