"""Order services: lines priced and totalled incrementally, optimistic locking, substitution,
authority limits, credit check, stock reservation, idempotent incoming orders, follow-up."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.catalog.models import Promotion, Receipt
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.models import CompanyHabits, Interaction
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.orders import habits, services
from televente.orders.choices import LineOrigin, OrderSource, OrderStatus
from televente.orders.models import LostSale, Order, OrderLine, ProductHabit
from televente.orders.tests.factories import sellable, stock_of, unit


@pytest.fixture
def company(world):
    return CompanyFactory(rep=world.rep_a, team=world.team_a, delivery_weekdays=[0, 1, 2, 3, 4])


@pytest.fixture
def draft(company, world):
    return services.order_start(company=company, by=world.rep_a)


def add(order, product, by, **kw):
    order.refresh_from_db()
    return services.order_line_add(order=order, product=product, by=by, version=order.version, **kw)


@pytest.mark.django_db
def test_a_draft_is_reused_and_proposes_terms(company, world, draft):
    assert draft.status == OrderStatus.DRAFT and draft.delivery_date > timezone.localdate()
    assert draft.payment_terms == company.payment_terms
    assert services.order_start(company=company, by=world.rep_a) == draft
    with pytest.raises(PermissionRefused):
        services.order_start(company=company, by=world.rep_b)


@pytest.mark.django_db
def test_lines_are_priced_and_totals_follow_each_change(draft, world):
    beurre = sellable(code="BEU001", price="2.10")
    line = add(draft, beurre, world.rep_a)
    assert (line.unit.code, line.quantity, line.base_quantity) == ("CAR", 1, 6)
    assert line.amount == Decimal("12.60") and line.vat_amount == Decimal("0.69")
    draft.refresh_from_db()
    assert (draft.lines_count, draft.total_lines, draft.total_vat) == (1, Decimal("12.60"), Decimal("0.69"))
    line = services.order_line_update(line=line, by=world.rep_a, version=draft.version, quantity=3)
    draft.refresh_from_db()
    assert draft.total_lines == Decimal("37.80") and line.base_quantity == 18
    services.order_line_update(
        line=line, by=world.rep_a, version=draft.version, unit=unit(beurre, "UVC"), quantity=5
    )
    draft.refresh_from_db()
    assert draft.total_lines == Decimal("10.50")
    services.order_line_remove(line=OrderLine.objects.get(), by=world.rep_a, version=draft.version)
    draft.refresh_from_db()
    assert (draft.lines_count, draft.total_lines, draft.total_vat) == (0, Decimal("0"), Decimal("0"))


@pytest.mark.django_db
def test_minimum_and_multiple_are_checked(draft, world):
    product = sellable(code="EAU001")
    carton = unit(product, "CAR")
    carton.min_quantity, carton.multiple = 2, 2
    carton.save()
    with pytest.raises(DomainError, match="Minimum 2"):
        add(draft, product, world.rep_a, quantity=1, unit=carton)
    with pytest.raises(DomainError, match="multiple de 2"):
        add(draft, product, world.rep_a, quantity=3, unit=carton)
    assert add(draft, product, world.rep_a).quantity == 2  # the minimum when there is no habit


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_is_lost(draft, world):
    product = sellable(code="BEU001")
    line = add(draft, product, world.rep_a)
    stale = draft.version - 1
    with pytest.raises(services.OrderChanged):
        services.order_line_update(line=line, by=world.rep_a, version=stale, quantity=9)
    line.refresh_from_db()
    assert line.quantity == 1


@pytest.mark.django_db
def test_promotions_apply_to_lines_and_to_the_order_amount(company, draft, world):
    product = sellable(code="CRE001", price="10")
    today = timezone.localdate()
    promo = Promotion.objects.create(
        name="-10 %",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
        mechanic="percent",
        percent=10,
    )
    promo.products.add(product)
    Promotion.objects.create(
        name="5 % dès 100 €",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
        mechanic="order_threshold",
        percent=5,
        threshold=100,
    )
    line = add(draft, product, world.rep_a, quantity=2)  # 12 × 10 € = 120 €, -10 % = 108 €
    assert line.amount == Decimal("108.00") and line.promotions == [promo.pk]
    draft.refresh_from_db()
    assert draft.order_discount == Decimal("5.40") and draft.total_ht == Decimal("102.60")


@pytest.mark.django_db
def test_substitution_records_what_it_replaces_and_lost_sales_call_back(company, draft, world):
    short = sellable(code="CRE001", stock=0)
    Receipt.objects.create(
        product=short,
        warehouse=stock_of(short).warehouse,
        quantity=50,
        expected_on=timezone.localdate() + dt.timedelta(days=20),
    )
    substitute = sellable(code="CRE002", carton=12)
    line = add(draft, short, world.rep_a, quantity=2)
    assert line.availability == "unavailable" and line.eta is not None
    new = services.order_line_substitute(
        line=line, substitute=substitute, by=world.rep_a, version=draft.version
    )
    assert (new.product, new.replaces, new.origin) == (substitute, short, LineOrigin.SUBSTITUTE)
    assert new.base_quantity >= 12 and OrderLine.objects.count() == 1
    lost = services.lost_sale_record(
        order=draft, product=short, base_quantity=12, reason="shortage", by=world.rep_a, callback_on=line.eta
    )
    assert LostSale.objects.get() == lost
    callback = Interaction.objects.get(reference=f"orders.lostsale:{lost.pk}")
    assert callback.next_action == "callback" and callback.next_action_at.date() == line.eta


@pytest.mark.django_db
def test_confirmation_reserves_stock_numbers_and_files_the_order(
    company, draft, world, django_capture_on_commit_callbacks
):
    product = sellable(code="BEU001", stock=10)
    add(draft, product, world.rep_a, quantity=1)  # a carton of 6
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        order = services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    assert order.status == OrderStatus.CONFIRMED and order.number.startswith("C")
    assert stock_of(product).reserved == 6 and order.lines.get().reserved == 6
    assert Interaction.objects.filter(
        company=company, kind="order", reference=f"orders.order:{order.pk}"
    ).exists()
    assert len(callbacks) == 2  # the habits task and the event for the rules run after commit
    with pytest.raises(DomainError, match="déjà confirmée"):
        add(order, product, world.rep_a)


@pytest.mark.django_db
def test_short_stock_refuses_confirmation_and_keeps_nothing(company, draft, world):
    product = sellable(code="BEU001", stock=4)
    add(draft, product, world.rep_a, quantity=1)  # 6 wanted, 4 in stock, nothing expected
    draft.refresh_from_db()
    with pytest.raises(services.OrderNotConfirmable, match="Stock insuffisant"):
        services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    assert stock_of(product).reserved == 0
    draft.refresh_from_db()
    assert draft.status == OrderStatus.DRAFT


@pytest.mark.django_db
def test_a_receipt_before_the_delivery_date_covers_what_is_missing(company, draft, world):
    product = sellable(code="BEU001", stock=4)
    Receipt.objects.create(
        product=product, warehouse=stock_of(product).warehouse, quantity=10, expected_on=timezone.localdate()
    )
    add(draft, product, world.rep_a, quantity=1)
    draft.refresh_from_db()
    order = services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    assert order.lines.get().reserved == 4 and stock_of(product).reserved == 4


@pytest.mark.django_db
def test_discount_beyond_authority_needs_a_supervisor(company, draft, world):
    product = sellable(code="BEU001")
    line = add(draft, product, world.rep_a)
    draft.refresh_from_db()
    services.order_line_update(
        line=line, by=world.rep_a, version=draft.version, manual_discount=Decimal("12")
    )
    draft.refresh_from_db()
    with pytest.raises(DomainError, match="dépasse votre limite"):
        services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    services.order_request_discount_approval(order=draft, by=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.order_decide_discount(order=draft, by=world.rep_a2, approve=True)
    services.order_decide_discount(order=draft, by=world.sup_a, approve=True)
    draft.refresh_from_db()
    assert services.order_confirm(order=draft, by=world.rep_a, version=draft.version).status == "confirmed"


@pytest.mark.django_db
def test_credit_limit_blocks_unless_a_supervisor_overrides(world):
    company = CompanyFactory(
        rep=world.rep_a, team=world.team_a, credit_limit=Decimal("100"), outstanding=Decimal("90")
    )
    draft = services.order_start(company=company, by=world.rep_a)
    add(draft, sellable(code="BEU001", price="5"), world.rep_a)  # 31,65 € TTC
    draft.refresh_from_db()
    with pytest.raises(DomainError, match="Encours dépassé"):
        services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    draft.refresh_from_db()
    order = services.order_confirm(
        order=draft, by=world.sup_a, version=draft.version, credit_override_reason="Client fidèle"
    )
    assert order.credit_override_by == world.sup_a


@pytest.mark.django_db
def test_incoming_order_is_created_once_per_idempotency_key(company, world):
    sellable(code="BEU001")
    lines = [services.IncomingLine("beu001", 2, "CAR")]
    first, created = services.order_create_incoming(
        company=company,
        lines=lines,
        by=world.admin,
        idempotency_key="k-1",
        fingerprint="f1",
        source=OrderSource.PLATFORM,
    )
    again, created_again = services.order_create_incoming(
        company=company, lines=lines, by=world.admin, idempotency_key="k-1", fingerprint="f1"
    )
    assert created and not created_again and first == again and Order.objects.count() == 1
    assert first.status == OrderStatus.CONFIRMED and first.lines.get().base_quantity == 12
    with pytest.raises(services.IdempotencyMismatch):
        services.order_create_incoming(
            company=company, lines=lines, by=world.admin, idempotency_key="k-1", fingerprint="f2"
        )
    with pytest.raises(DomainError) as bad:
        services.order_create_incoming(
            company=company,
            lines=[services.IncomingLine("NOPE", 1)],
            by=world.admin,
            idempotency_key="k-2",
            fingerprint="x",
        )
    assert bad.value.details[0]["message"] == "Article inconnu : NOPE." and Order.objects.count() == 1


@pytest.mark.django_db
def test_follow_up_ships_the_reserved_stock_and_cancel_releases_it(company, draft, world):
    product = sellable(code="BEU001", stock=20)
    add(draft, product, world.rep_a, quantity=2)
    draft.refresh_from_db()
    order = services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    services.order_set_status(
        order=order, status=OrderStatus.SHIPPED, by=world.bo_logistics, carrier="Transports Martin"
    )
    stock = stock_of(product)
    assert (stock.on_hand, stock.reserved) == (8, 0)
    services.order_set_status(order=order, status=OrderStatus.SHIPPED, by=world.bo_logistics)  # idempotent
    with pytest.raises(DomainError, match="Passage impossible"):
        services.order_set_status(order=order, status=OrderStatus.CANCELLED, by=world.bo_logistics)

    other = services.order_start(company=company, by=world.rep_a)
    add(other, product, world.rep_a, quantity=1)
    other.refresh_from_db()
    other = services.order_confirm(order=other, by=world.rep_a, version=other.version)
    assert stock_of(product).reserved == 6
    services.order_set_status(order=other, status=OrderStatus.CANCELLED, by=world.rep_a)
    assert stock_of(product).reserved == 0 and stock_of(product).on_hand == 8


@pytest.mark.django_db
def test_habits_come_from_the_history(company, world):
    beurre, creme, rare = sellable(code="BEU001"), sellable(code="CRE001"), sellable(code="RAR001")
    today = timezone.localdate()
    for weeks in range(8, 0, -1):
        order = Order.objects.create(
            company=company, status=OrderStatus.DELIVERED, source=OrderSource.HISTORY,
            delivery_date=today - dt.timedelta(weeks=weeks), total_lines=Decimal("50"),
        )  # fmt: skip
        for product, qty in ((beurre, 3), (creme, 1 if weeks % 2 else 2)):
            OrderLine.objects.create(
                order=order, product=product, unit=unit(product, "CAR"), quantity=qty, base_quantity=qty * 6,
                unit_price=Decimal("2"), vat_rate=Decimal("5.5"), amount=Decimal("25"),
            )  # fmt: skip
    OrderLine.objects.create(
        order=order, product=rare, unit=unit(rare, "CAR"), quantity=1, base_quantity=6,
        unit_price=Decimal("2"), vat_rate=Decimal("5.5"), amount=Decimal("12"),
    )  # fmt: skip
    assert habits.refresh([company.pk], today=today) == 1
    found = {h.product.code: h for h in ProductHabit.objects.select_related("product")}
    assert set(found) == {"BEU001", "CRE001"}
    assert (found["BEU001"].usual_quantity, found["BEU001"].cycle_days, found["BEU001"].orders_count) == (
        3,
        7,
        8,
    )
    mine = CompanyHabits.objects.get(company=company)
    assert mine.order_cycle_days == 7 and mine.orders_12m == 8 and mine.top_products[0] == "Article BEU001"
    assert mine.last_order_date == today - dt.timedelta(weeks=1)
    # The usual quantity is proposed when the article is added.
    draft = services.order_start(company=company, by=world.rep_a)
    assert add(draft, beurre, world.rep_a).quantity == 3


@pytest.mark.django_db
def test_contact_of_the_order_gets_the_confirmation_unless_opted_out(company, world, mailoutbox):
    from televente.messaging.choices import MessageStatus
    from televente.messaging.models import Message
    from televente.messaging.services import outbox_send

    contact = ContactFactory(company=company, is_order_contact=True, email="chef@resto.fr")
    draft = services.order_start(company=company, by=world.rep_a)
    assert draft.contact == contact
    add(draft, sellable(code="BEU001"), world.rep_a)
    draft.refresh_from_db()
    order = services.order_confirm(order=draft, by=world.rep_a, version=draft.version)
    queued = Message.objects.get(reference=f"orders.order:{order.pk}")
    assert queued.template_code == "order_confirmation" and queued.status == MessageStatus.QUEUED
    assert outbox_send(queued.pk) == MessageStatus.SENT
    message = mailoutbox[-1]
    assert order.number in message.subject and message.to[0].endswith("<chef@resto.fr>")
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF"
    # The opt-out is checked when the message leaves, not when it was queued.
    other = services.order_start(company=company, by=world.rep_a)
    add(other, sellable(code="BEU002"), world.rep_a)
    other.refresh_from_db()
    other = services.order_confirm(order=other, by=world.rep_a, version=other.version)
    contact.opt_out_email = True
    contact.save()
    blocked = Message.objects.get(reference=f"orders.order:{other.pk}")
    assert outbox_send(blocked.pk) == MessageStatus.BLOCKED
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_unit_used_by_orders_cannot_be_deleted_from_the_catalogue(client, company, draft, world):
    from django.urls import reverse

    product = sellable(code="BEU001")
    line = add(draft, product, world.rep_a)
    units = list(product.units.order_by("base_quantity"))
    data = {
        "p-code": "BEU001", "p-name": product.name, "p-category": product.category_id, "p-status": "active",
        "p-base_unit": "unité", "p-vat_rate": "5,50", "p-base_price": "2", "p-lead_time_days": "0",
        "units-TOTAL_FORMS": "2", "units-INITIAL_FORMS": "2", "breaks-TOTAL_FORMS": "0", "breaks-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "0", "links-INITIAL_FORMS": "0",
    }  # fmt: skip
    for i, u in enumerate(units):
        data.update({f"units-{i}-id": u.pk, f"units-{i}-code": u.code, f"units-{i}-label": u.label,
                     f"units-{i}-base_quantity": u.base_quantity, f"units-{i}-min_quantity": 1, f"units-{i}-multiple": 1})  # fmt: skip
    data[f"units-{units.index(line.unit)}-DELETE"] = "on"
    client.force_login(world.admin)
    page = client.post(reverse("catalog:manage_product", args=[product.pk]), data)
    assert page.status_code == 200 and "ne peut pas être supprimée" in page.text
    assert product.units.count() == 2
