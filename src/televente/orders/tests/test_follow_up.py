"""After the call: orders received by the API (idempotent, checked when they cannot be confirmed),
follow-up statuses, delivery incidents from report to resolution, discount approvals."""

from decimal import Decimal

import pytest
from django.urls import reverse

from televente.accounts import services as account_services
from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.models import Interaction
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.orders import incidents, services, tasks
from televente.orders.choices import ApprovalStatus, IncidentStatus, OrderSource, OrderStatus
from televente.orders.models import DeliveryIncident, Order
from televente.orders.tests.factories import sellable, stock_of


@pytest.fixture
def company(world):
    return CompanyFactory(rep=world.rep_a, team=world.team_a, delivery_weekdays=[0, 1, 2, 3, 4])


@pytest.fixture
def confirmed(company, world):
    ContactFactory(company=company, is_order_contact=True, email="chef@resto.fr")
    order = services.order_start(company=company, by=world.rep_a)
    services.order_line_add(
        order=order, product=sellable(code="BEU001"), by=world.rep_a, version=order.version
    )
    services.order_line_add(
        order=order, product=sellable(code="CRE001"), by=world.rep_a, version=order.version
    )
    return services.order_confirm(order=order, by=world.rep_a, version=order.version)


@pytest.fixture
def erp(client, world):
    """The ERP's integration account: back office, sales administration."""
    user = UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.SALES_ADMIN, username="erp")
    _token, raw = account_services.api_token_create(user=user, name="ERP")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client.user = user
    return client


def post_order(api, company, key, lines=None, **extra):
    body = {
        "company": company.pk,
        "lines": lines or [{"product": "beu001", "quantity": 2, "unit": "CAR"}],
        **extra,
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post("/api/v1/orders", body, content_type="application/json", **headers)


# Orders from elsewhere -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_order_posted_twice_with_the_same_key_exists_once(erp, company):
    sellable(code="BEU001")
    first = post_order(erp, company, "web-1001", external_ref="WEB-1001")
    again = post_order(erp, company, "web-1001", external_ref="WEB-1001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Order.objects.count() == 1
    body = first.json()
    assert body["status"] == "confirmed" and body["number"] and body["lines"][0]["base_quantity"] == 12
    other = post_order(erp, company, "web-1001", lines=[{"product": "BEU001", "quantity": 3, "unit": "CAR"}])
    assert other.status_code == 409 and other.json()["error"]["code"] == "conflict"
    missing = post_order(erp, company, None)
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["error"]["message"]


@pytest.mark.django_db
def test_a_bad_line_is_reported_by_position_and_nothing_is_written(erp, company):
    sellable(code="BEU001")
    response = post_order(
        erp, company, "k", lines=[{"product": "BEU001", "quantity": 1}, {"product": "NOPE", "quantity": 1}]
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "lines.1.product", "message": "Article inconnu : NOPE."}
    ]
    assert Order.objects.count() == 0
    invalid = post_order(erp, company, "k2", lines=[{"product": "BEU001", "quantity": 0}])
    assert invalid.status_code == 422 and Order.objects.count() == 0


@pytest.mark.django_db
def test_an_order_that_cannot_be_confirmed_waits_for_a_check(erp, company, world):
    sellable(code="BEU001", stock=3)
    response = post_order(erp, company, "web-2", external_ref="WEB-2")
    body = response.json()
    assert (
        response.status_code == 201
        and body["status"] == "draft"
        and "Stock insuffisant" in body["review_note"]
    )
    order = Order.objects.get()
    assert order.source == OrderSource.PLATFORM and stock_of(order.lines.get().product).reserved == 0
    # Listed for checking; sales administration completes and confirms it on the order screen.
    erp.force_login(erp.user)
    listing = erp.get(reverse("orders:incoming"))
    assert "WEB-2" in listing.text and "Stock insuffisant" in listing.text
    page = erp.get(reverse("orders:detail", args=[order.pk]))
    assert "non confirmée automatiquement" in page.text
    line = order.lines.get()
    line.order = order
    services.order_line_update(
        line=line, by=erp.user, version=order.version, quantity=1, unit=line.product.units.get(code="UVC")
    )
    order.refresh_from_db()
    order = services.order_confirm(order=order, by=erp.user, version=order.version)
    assert order.status == OrderStatus.CONFIRMED and order.review_note == ""
    assert "Aucune commande reçue à vérifier" in erp.get(reverse("orders:incoming")).text


@pytest.mark.django_db
def test_the_erp_reads_orders_and_moves_them_along(erp, company, confirmed, world):
    other = CompanyFactory(team=world.team_b)
    listing = erp.get("/api/v1/orders", {"company": company.pk, "status": "confirmed"})
    assert [o["number"] for o in listing.json()] == [confirmed.number]
    assert erp.get("/api/v1/orders", {"company": other.pk}).json() == []
    since = erp.get("/api/v1/orders", {"since": "2100-01-01T00:00:00Z"})
    assert since.status_code == 200 and since.json() == []
    assert erp.get("/api/v1/orders", {"status": "bogus"}).status_code == 422
    url = f"/api/v1/orders/{confirmed.pk}/status"
    shipped = erp.post(
        url, {"status": "shipped", "carrier": "Transports Martin"}, content_type="application/json"
    )
    assert shipped.status_code == 200 and shipped.json()["status"] == "shipped"
    assert (
        erp.post(url, {"status": "shipped"}, content_type="application/json").status_code == 200
    )  # idempotent
    back = erp.post(url, {"status": "confirmed"}, content_type="application/json")
    assert back.status_code == 400 and "Passage impossible" in back.json()["error"]["message"]
    assert stock_of(confirmed.lines.first().product).reserved == 0


@pytest.mark.django_db
def test_a_rep_cancels_a_confirmed_order_but_does_not_ship(company, confirmed, world):
    assert services.allowed_statuses(confirmed, world.rep_a) == [OrderStatus.CANCELLED]
    assert services.allowed_statuses(confirmed, world.bo_logistics)[0] == OrderStatus.PREPARED
    with pytest.raises(PermissionRefused):
        services.order_set_status(order=confirmed, status=OrderStatus.SHIPPED, by=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.order_set_status(order=confirmed, status=OrderStatus.CANCELLED, by=world.rep_b)
    services.order_set_status(order=confirmed, status=OrderStatus.CANCELLED, by=world.rep_a)
    assert stock_of(confirmed.lines.first().product).reserved == 0


# Delivery incidents --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_incident_goes_from_report_to_resolution(
    company, confirmed, world, mailoutbox, django_capture_on_commit_callbacks
):
    line = confirmed.lines.first()
    with pytest.raises(DomainError, match="lignes concernées"):
        incidents.incident_open(order=confirmed, by=world.rep_a, kind="missing")
    with django_capture_on_commit_callbacks() as queued:
        incident = incidents.incident_open(
            order=confirmed,
            by=world.rep_a,
            kind="missing",
            cause="picking",
            description="Le client n'a reçu qu'un carton sur deux.",
            proposed_solution="Relivraison demain matin",
            line_ids=[line.pk],
        )
    assert len(queued) == 2  # the notice (a background task) and the event for the rules, after commit
    tasks.notify_incident_service.call(incident.pk)
    assert incident.service == BackOfficeService.LOGISTICS  # from the type
    assert [m.to for m in mailoutbox] == [[world.bo_logistics.email]]
    assert "/commandes/incidents/" in mailoutbox[0].body
    # Only the responsible service validates; a refusal says why.
    with pytest.raises(PermissionRefused):
        incidents.incident_decide(incident=incident, by=world.rep_a, approve=True)
    with pytest.raises(DomainError, match="pourquoi"):
        incidents.incident_decide(incident=incident, by=world.bo_logistics, approve=False)
    incident = incidents.incident_decide(
        incident=incident, by=world.bo_logistics, approve=True, solution="Relivraison demain avant 9 h"
    )
    assert incident.status == IncidentStatus.VALIDATED and incident.proposed_solution.endswith("9 h")
    # The customer is told with the template, then it is closed.
    contact = confirmed.contact
    text = incidents.alert_text(incident, contact)
    assert confirmed.number in text and "Relivraison demain avant 9 h" in text and "Article BEU001" in text
    with django_capture_on_commit_callbacks() as queued:
        incidents.incident_alert_customer(
            incident=incident, by=world.rep_a, channel="email", message=text, contact=contact
        )
    assert len(queued) == 1
    from televente.messaging.models import Message
    from televente.messaging.services import outbox_send

    alert = Message.objects.get(reference=f"orders.incident:{incident.pk}")
    assert outbox_send(alert.pk) == "sent"
    assert mailoutbox[-1].to[0].endswith("<chef@resto.fr>") and confirmed.number in mailoutbox[-1].subject
    assert Interaction.objects.filter(reference=f"orders.incident:{incident.pk}").count() == 1  # reported
    assert Interaction.objects.filter(
        reference=f"messaging.message:{alert.pk}", kind="email"
    ).exists()  # sent
    incident = incidents.incident_resolve(
        incident=incident, by=world.rep_a, resolution="Relivré le lendemain"
    )
    assert incident.status == IncidentStatus.RESOLVED and incident.customer_alerted_at is not None
    assert confirmed.events.filter(note__startswith="Incident résolu").exists()


@pytest.mark.django_db
def test_a_contact_who_refused_emails_is_called_instead(company, confirmed, world):
    contact = confirmed.contact
    contact.opt_out_email = True
    contact.save()
    incident = incidents.incident_open(order=confirmed, by=world.rep_a, kind="late")
    with pytest.raises(DomainError, match="refuse les e-mails"):
        incidents.incident_alert_customer(
            incident=incident, by=world.rep_a, channel="email", message="x", contact=contact
        )
    incidents.incident_alert_customer(
        incident=incident, by=world.rep_a, channel="phone", message="Prévenu du retard", contact=contact
    )
    call = Interaction.objects.get(reference=f"orders.incident:{incident.pk}", kind="call_out")
    assert call.notes == "Prévenu du retard"


@pytest.mark.django_db
def test_incidents_are_reported_on_confirmed_orders_only_and_by_those_who_see_them(company, world):
    draft = services.order_start(company=company, by=world.rep_a)
    with pytest.raises(DomainError, match="commande confirmée"):
        incidents.incident_open(order=draft, by=world.rep_a, kind="late")
    with pytest.raises(PermissionRefused):
        incidents.incident_open(order=draft, by=world.rep_b, kind="late")


@pytest.mark.django_db
def test_the_erp_reports_an_incident(erp, confirmed):
    url = f"/api/v1/orders/{confirmed.pk}/incidents"
    response = erp.post(
        url,
        {"kind": "damaged", "products": ["cre001"], "description": "Carton écrasé"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["service"] == "quality"
    incident = DeliveryIncident.objects.get()
    assert [line.product.code for line in incident.lines.all()] == ["CRE001"]
    bad = erp.post(url, {"kind": "damaged", "products": ["ZZZ"]}, content_type="application/json")
    assert bad.status_code == 400 and "pas dans cette commande" in bad.json()["error"]["message"]


# Screens -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_incident_screens_from_the_late_list_to_the_closed_incident(client, company, confirmed, world):
    from django.utils import timezone

    Order.objects.filter(pk=confirmed.pk).update(
        delivery_date=timezone.localdate() - timezone.timedelta(days=2)
    )
    client.force_login(world.rep_a)
    listing = client.get(reverse("orders:list"))
    new_url = reverse("orders:incident_new", args=[confirmed.pk])
    assert f"{new_url}?type=late" in listing.text
    form = client.get(new_url + "?type=late")
    assert 'value="late" selected' in form.text
    # A missing product without its line: the message, and what was typed stays.
    kept = client.post(
        new_url, {"kind": "missing", "cause": "picking", "impact": "major", "description": "Un carton manque"}
    )
    assert (
        kept.status_code == 200
        and "Cochez les lignes concernées" in kept.text
        and "Un carton manque" in kept.text
    )
    created = client.post(new_url, {"kind": "late", "cause": "carrier", "impact": "blocking"})
    incident = DeliveryIncident.objects.get()
    assert created.url == reverse("orders:incident", args=[incident.pk])
    page = client.get(created.url)
    assert (
        "pas encore prévenu" in page.text and "Valider la solution" not in page.text
    )  # rep: not the service
    alert = reverse("orders:incident_action", args=[incident.pk, "alert"])
    empty = client.post(alert, {"channel": "phone", "message": ""})
    assert empty.status_code == 422
    client.post(
        alert, {"channel": "phone", "message": "Appelé : livraison demain", "contact": confirmed.contact_id}
    )
    client.force_login(world.bo_logistics)
    listing = client.get(reverse("orders:incidents"))
    assert confirmed.number in listing.text  # the logistics list shows its own service by default
    assert "Valider la solution" in client.get(created.url).text
    refused = client.post(
        reverse("orders:incident_action", args=[incident.pk, "decide"]), {"decision": "refuse"}
    )
    assert refused.status_code == 422 and "pourquoi" in refused.text
    client.post(
        reverse("orders:incident_action", args=[incident.pk, "decide"]),
        {"decision": "approve", "solution": "Livraison demain 8 h par navette"},
    )
    client.post(reverse("orders:incident_action", args=[incident.pk, "resolve"]), {"resolution": "Livré"})
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and incident.alert_channel == "phone"
    assert client.post(reverse("orders:incident_action", args=[incident.pk, "bogus"])).status_code == 404


@pytest.mark.django_db
def test_the_supervisor_decides_discounts_from_one_list(
    client, company, world, mailoutbox, django_capture_on_commit_callbacks
):
    order = services.order_start(company=company, by=world.rep_a)
    line = services.order_line_add(
        order=order, product=sellable(code="BEU001"), by=world.rep_a, version=order.version
    )
    line.order = order
    services.order_line_update(
        line=line, by=world.rep_a, version=order.version, manual_discount=Decimal("12")
    )
    with django_capture_on_commit_callbacks() as queued:
        services.order_request_discount_approval(order=order, by=world.rep_a, note="Concurrent à -10 %")
    assert len(queued) == 1
    tasks.notify_discount.call(order.pk, False)
    assert mailoutbox[-1].to == [world.sup_a.email] and "12" in mailoutbox[-1].body
    client.force_login(world.rep_a)
    assert client.get(reverse("orders:approvals")).status_code == 403
    client.force_login(world.sup_b)
    assert "Aucune remise" in client.get(reverse("orders:approvals")).text  # another team's order
    client.force_login(world.sup_a)
    page = client.get(reverse("orders:approvals"))
    assert "Concurrent à -10 %" in page.text and "BEU001" in page.text
    refused = client.post(reverse("orders:discount_decide", args=[order.pk]), {"note": ""}, follow=True)
    assert "pourquoi" in refused.text
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("orders:discount_decide", args=[order.pk]), {"approve": "on"})
    assert len(queued) == 1
    tasks.notify_discount.call(order.pk, True)
    order.refresh_from_db()
    assert order.discount_approval == ApprovalStatus.APPROVED and mailoutbox[-1].to == [world.rep_a.email]
    assert "Aucune remise" in client.get(reverse("orders:approvals")).text


@pytest.mark.django_db
def test_the_follow_up_screens_do_not_grow_with_their_rows(
    client, company, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Each list answers in a bounded number of queries, with 1 row or 6."""
    ContactFactory(company=company, is_order_contact=True, email="chef@resto.fr")
    products = [sellable(code=f"P{n:03d}", stock=1000) for n in range(12)]

    def one_of_each(n):
        order = services.order_start(
            company=CompanyFactory(rep=world.rep_a, team=world.team_a), by=world.rep_a
        )
        services.order_line_add(order=order, product=products[n], by=world.rep_a, version=order.version)
        order = services.order_confirm(order=order, by=world.rep_a, version=order.version)
        incidents.incident_open(order=order, by=world.rep_a, kind="late")
        services.order_create_incoming(
            company=company,
            lines=[services.IncomingLine(products[n].code, 2000, "UVC")],  # more than the stock: to check
            by=world.admin,
            idempotency_key=f"k{n}",
            fingerprint=f"f{n}",
        )
        draft = services.order_start(
            company=CompanyFactory(rep=world.rep_a, team=world.team_a), by=world.rep_a
        )
        line = services.order_line_add(
            order=draft, product=products[n + 6], by=world.rep_a, version=draft.version
        )
        line.order = draft
        services.order_line_update(
            line=line, by=world.rep_a, version=draft.version, manual_discount=Decimal("9")
        )
        services.order_request_discount_approval(order=draft, by=world.rep_a)
        return order

    pages = {
        "orders:list": (world.rep_a, 10),
        "orders:incoming": (world.rep_a, 5),
        "orders:incidents": (world.rep_a, 5),
        "orders:approvals": (world.sup_a, 7),
    }
    with django_capture_on_commit_callbacks():
        orders = [one_of_each(0)]
    for rows in (1, 6):
        for name, (user, limit) in pages.items():
            client.force_login(user)
            with django_assert_max_num_queries(limit):
                response = client.get(reverse(name))
            assert response.status_code == 200
        client.force_login(world.rep_a)
        with django_assert_max_num_queries(9):
            assert client.get(reverse("orders:detail", args=[orders[-1].pk])).status_code == 200
        incident = DeliveryIncident.objects.first()
        with django_assert_max_num_queries(9):
            assert client.get(reverse("orders:incident", args=[incident.pk])).status_code == 200
        if rows == 1:
            with django_capture_on_commit_callbacks():
                orders += [one_of_each(n) for n in range(1, 6)]
    assert DeliveryIncident.objects.count() == 6
