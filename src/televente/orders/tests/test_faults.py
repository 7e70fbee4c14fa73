"""Faults around the confirmation of an order: a process killed in the middle leaves the draft whole
and the retry (browser or API with the same Idempotency-Key) confirms it once; two reps confirming
the last units at the same moment never reserve them twice, and the second is offered substitutes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from televente.accounts import services as account_services
from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.catalog.models import ProductLink, Stock
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.messaging.models import Message
from televente.orders import services
from televente.orders.choices import OrderStatus
from televente.orders.models import Order, OrderEvent
from televente.orders.tests.factories import sellable, stock_of

WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]

# The child process: same settings and the same test database as this test, confirmation killed
# (SIGKILL, nothing runs after it) once the stock is reserved and the order numbered and saved, but
# before the transaction commits. It first reports what its own transaction had written.
CHILD_PRELUDE = textwrap.dedent(
    """
    import os, signal
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    print("media", settings.TEST_MEDIA, flush=True)
    connection.settings_dict["NAME"] = os.environ["FAULTS_TEST_DB"]
    from televente.catalog.models import Stock
    from televente.orders import services
    from televente.orders.models import Order

    def killed_inside_confirmation(**kwargs):
        reserved = sum(Stock.objects.values_list("reserved", flat=True))
        numbered = list(Order.objects.exclude(number="").values_list("number", flat=True))
        print("inside", reserved, ",".join(numbered), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    services.interaction_record = killed_inside_confirmation
    """
)


def run_killed_child(script: str) -> list[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "televente.settings.test",
        "FAULTS_TEST_DB": str(connection.settings_dict["NAME"]),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD_PRELUDE + textwrap.dedent(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    for line in lines:  # the child's temporary media folder (its atexit cleanup never ran)
        if line.startswith("media "):
            shutil.rmtree(line.removeprefix("media "), ignore_errors=True)
    assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]
    return lines


def inside(lines: list[str]) -> tuple[int, str]:
    """What the killed transaction had written: units reserved and the order number given."""
    [line] = [line for line in lines if line.startswith("inside ")]
    _word, reserved, *numbers = line.split(" ")
    return int(reserved), "".join(numbers)


def phone_draft(world, rep=None, *, product, cartons: int = 1):
    rep = rep or world.rep_a
    company = CompanyFactory(rep=rep, team=world.team_a, delivery_weekdays=WEEKDAYS)
    ContactFactory(company=company, is_order_contact=True, email=f"chef{company.pk}@resto.fr", language="fr")
    draft = services.order_start(company=company, by=rep)
    services.order_line_add(order=draft, product=product, by=rep, version=draft.version, quantity=cartons)
    draft.refresh_from_db()
    return draft


def kill_phone_confirmation(world, draft) -> None:
    lines = run_killed_child(
        f"""
        from televente.accounts.models import User
        order = Order.objects.get(pk={draft.pk})
        services.order_confirm(order=order, by=User.objects.get(pk={world.rep_a.pk}), version={draft.version})
        print("not killed", flush=True)
        """
    )
    reserved, number = inside(lines)
    assert reserved == 6 and number  # the kill came after the stock was reserved and the order numbered


def confirmation_events(order) -> int:
    return OrderEvent.objects.filter(order=order, status=OrderStatus.CONFIRMED).count()


def after_confirmation_tasks() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="after_confirmation").count()


@pytest.mark.django_db(transaction=True)
def test_a_process_killed_inside_confirmation_leaves_the_draft_whole(world):
    product = sellable(code="BEU001", stock=10)
    draft = phone_draft(world, product=product)
    tasks_before = DBTaskResult.objects.count()

    kill_phone_confirmation(world, draft)

    order = Order.objects.get(pk=draft.pk)
    assert order.status == OrderStatus.DRAFT and order.number == "" and order.confirmed_at is None
    assert order.version == draft.version  # the version taken inside the dead transaction is back
    assert stock_of(product).reserved == 0 and order.lines.get().reserved == 0
    assert confirmation_events(order) == 0
    assert not Message.objects.filter(reference=f"orders.order:{order.pk}").exists()
    assert DBTaskResult.objects.count() == tasks_before
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_browser_retry_after_a_kill_confirms_once(world, run_tasks):
    product = sellable(code="BEU001", stock=10)
    draft = phone_draft(world, product=product)
    kill_phone_confirmation(world, draft)

    browser = Client()
    browser.force_login(world.rep_a)
    url = reverse("orders:confirm", args=[draft.pk])
    response = browser.post(url, {"version": draft.version})  # the same page posted again
    assert response.status_code == 302 and response.url == reverse("orders:detail", args=[draft.pk])
    order = Order.objects.get(pk=draft.pk)
    assert order.status == OrderStatus.CONFIRMED and order.number
    assert [str(m) for m in get_messages(response.wsgi_request)][0].startswith(
        f"Commande {order.number} confirmée."
    )

    again = browser.post(url, {"version": draft.version})  # double click, or retry after a lost answer
    assert again.status_code == 302 and again.url == reverse("orders:detail", args=[draft.pk])
    info = list(get_messages(again.wsgi_request))[-1]  # after the success message, not yet shown
    assert info.level_tag == "info" and str(info) == f"Commande {order.number} déjà confirmée."
    run_tasks()

    assert stock_of(product).reserved == 6 and order.lines.get().reserved == 6
    assert confirmation_events(order) == 1
    assert Message.objects.filter(reference=f"orders.order:{order.pk}").count() == 1
    assert after_confirmation_tasks() == 1
    assert Order.objects.get(pk=draft.pk).number == order.number


@pytest.mark.django_db(transaction=True)
def test_the_same_confirmation_posted_twice_at_once_answers_already_confirmed(world):
    product = sellable(code="BEU001", stock=10)
    draft = phone_draft(world, product=product)
    url = reverse("orders:confirm", args=[draft.pk])
    start = threading.Barrier(2)
    answers: list = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            browser = Client()
            browser.force_login(world.rep_a)
            start.wait()
            response = browser.post(url, {"version": draft.version})
            answers.append(
                (response.url, [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)])
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    order = Order.objects.get(pk=draft.pk)
    detail = reverse("orders:detail", args=[order.pk])
    assert [a[0] for a in answers] == [detail, detail]
    levels = sorted(messages[0][0] for _url, messages in answers)
    assert levels == ["info", "success"]
    assert (("info", f"Commande {order.number} déjà confirmée.")) in [m for _u, ms in answers for m in ms]
    assert stock_of(product).reserved == 6 and confirmation_events(order) == 1
    assert Message.objects.filter(reference=f"orders.order:{order.pk}").count() == 1


@pytest.fixture
def erp(world):
    user = UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.SALES_ADMIN, username="erp")
    _token, raw = account_services.api_token_create(user=user, name="ERP")
    return raw


@pytest.mark.django_db(transaction=True)
def test_the_api_retry_with_the_same_idempotency_key_creates_one_order(world, erp, run_tasks):
    product = sellable(code="BEU001", stock=30)
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, delivery_weekdays=WEEKDAYS)
    ContactFactory(company=company, is_order_contact=True, email="chef@resto.fr", language="fr")
    body = {"company": company.pk, "lines": [{"product": "BEU001", "quantity": 2, "unit": "CAR"}]}
    key = "web-2042"

    lines = run_killed_child(
        f"""
        from django.test import Client
        Client().post(
            "/api/v1/orders",
            {json.dumps(body)!r},
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer {erp}",
            HTTP_IDEMPOTENCY_KEY="{key}",
        )
        print("not killed", flush=True)
        """
    )
    reserved, number = inside(lines)
    assert reserved == 12 and number  # killed inside the confirmation, after reserving
    assert not Order.objects.exists() and stock_of(product).reserved == 0

    api = Client(HTTP_AUTHORIZATION=f"Bearer {erp}")
    first = api.post("/api/v1/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "confirmed" and first.json()["number"]
    again = api.post("/api/v1/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    run_tasks()

    order = Order.objects.get(idempotency_key=key)
    assert Order.objects.count() == 1 and stock_of(product).reserved == 12
    assert confirmation_events(order) == 1
    assert Message.objects.filter(reference=f"orders.order:{order.pk}").count() == 1
    assert after_confirmation_tasks() == 1


def confirm_at_once(pairs) -> tuple[list[int], list[str], list[BaseException]]:
    """Each (draft, rep) confirmed in its own thread and database connection, released together."""
    start = threading.Barrier(len(pairs))
    confirmed: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def confirm(draft, rep) -> None:
        try:
            order = Order.objects.get(pk=draft.pk)
            start.wait()
            services.order_confirm(order=order, by=rep, version=draft.version)
            confirmed.append(draft.pk)
        except services.OrderNotConfirmable as exc:
            refused.append(exc.message)
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return confirmed, refused, errors


@pytest.mark.django_db(transaction=True)
def test_two_reps_confirming_the_last_units_at_once_reserve_them_once(world):
    for attempt in range(10):
        product = sellable(code=f"DER{attempt:03d}", stock=10)  # 10 units, each order wants a carton of 6
        drafts = [phone_draft(world, rep, product=product) for rep in (world.rep_a, world.rep_a2)]
        confirmed, refused, errors = confirm_at_once([(d, d.rep) for d in drafts])
        assert errors == [], attempt
        assert len(confirmed) == 1 and len(refused) == 1, attempt
        assert refused[0].startswith(f"Stock insuffisant pour : {product.name}.")
        stock = stock_of(product)
        assert stock.reserved == 6 and stock.reserved <= stock.on_hand
        statuses = sorted(
            Order.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)
        )
        assert statuses == [OrderStatus.CONFIRMED, OrderStatus.DRAFT]


@pytest.mark.django_db
def test_the_second_rep_sees_the_shortage_with_substitutes(client, world):
    product = sellable(code="CRE001", name="Crème fraîche épaisse", stock=10)
    substitute = sellable(code="CRE002", name="Crème fraîche légère", stock=200)
    ProductLink.objects.create(kind="substitute", product=product, target=substitute, reason="Même usage")
    first = phone_draft(world, world.rep_a2, product=product)
    second = phone_draft(world, world.rep_a, product=product)
    services.order_confirm(order=first, by=world.rep_a2, version=first.version)  # takes 6 of the 10

    client.force_login(world.rep_a)
    response = client.post(
        reverse("orders:confirm", args=[second.pk]), {"version": second.version}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("orders:recap", args=[second.pk])
    assert "Stock insuffisant pour : Crème fraîche épaisse." in page
    assert "data-shortages" in page and "4 disponibles" in page  # the short line and what is left of it
    line = second.lines.get()
    action = reverse("orders:line_substitute", args=[second.pk, line.pk])
    assert f'action="{action}"' in page and "Remplacer par Crème fraîche légère" in page
    shortage = page[page.index("data-shortages") :]
    assert "Disponible" in shortage[shortage.index("Crème fraîche légère") :]  # the substitute's availability

    second.refresh_from_db()
    replaced = client.post(action, {"version": second.version, "substitute": substitute.pk}, follow=True)
    assert replaced.redirect_chain[-1][0] == reverse("orders:recap", args=[second.pk])
    assert "data-shortages" not in replaced.content.decode()
    second.refresh_from_db()
    assert [(ln.product_id, ln.replaces_id) for ln in second.lines.all()] == [(substitute.pk, product.pk)]
    done = client.post(reverse("orders:confirm", args=[second.pk]), {"version": second.version})
    assert done.url == reverse("orders:detail", args=[second.pk])
    assert Order.objects.get(pk=second.pk).status == OrderStatus.CONFIRMED
    assert Stock.objects.get(product=product).reserved == 6 and stock_of(substitute).reserved == 6
