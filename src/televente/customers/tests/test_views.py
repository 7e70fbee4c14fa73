import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.customers.choices import InteractionKind
from televente.customers.models import Company, Contact, GdprLog, SavedFilter
from televente.customers.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def company(world):
    return CompanyFactory(rep=world.rep_a, trade_name="Brasserie du Port")


def as_user(client, user):
    client.force_login(user)
    return client


# (who, url name, expected): the same customer of team A, opened by URL by every role.
FILE_PERMISSIONS = [
    ("rep_a", "customers:detail", 200),
    ("rep_a2", "customers:detail", 200),
    ("field_a", "customers:detail", 200),
    ("sup_a", "customers:detail", 200),
    ("bo_logistics", "customers:detail", 200),
    ("admin", "customers:detail", 200),
    ("rep_b", "customers:detail", 404),
    ("sup_b", "customers:detail", 404),
    ("rep_a", "customers:edit", 200),
    ("rep_b", "customers:edit", 404),
    ("bo_logistics", "customers:edit", 404),
    ("rep_b", "customers:call_windows", 404),
    ("rep_b", "customers:qualify", 404),
    ("rep_b", "customers:contact_create", 404),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url_name", "expected"), FILE_PERMISSIONS)
def test_customer_file_permissions_by_url(client, world, company, who, url_name, expected):
    response = as_user(client, getattr(world, who)).get(reverse(url_name, kwargs={"pk": company.pk}))
    assert response.status_code == expected


@pytest.mark.django_db
def test_other_team_cannot_post_a_contact(client, world, company):
    response = as_user(client, world.rep_b).post(
        reverse("customers:log", kwargs={"pk": company.pk}), {"kind": "note"}
    )
    assert response.status_code == 404
    assert not company.interactions.exists()


@pytest.mark.django_db
def test_portfolio_search_partial_with_htmx(client, world, company):
    CompanyFactory(rep=world.rep_b, trade_name="Brasserie Ailleurs")
    response = as_user(client, world.rep_a).get(
        reverse("customers:portfolio"),
        {"q": "brass"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="portfolio-results",
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Brasserie du Port" in response.text
    assert "Ailleurs" not in response.text  # another team's customer


@pytest.mark.django_db
def test_log_a_call_with_a_callback_tomorrow_updates_the_timeline(client, world, company):
    contact = ContactFactory(company=company)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = as_user(client, world.rep_a).post(
        reverse("customers:log", kwargs={"pk": company.pk}),
        {
            "kind": "call_out",
            "contact": contact.pk,
            "outcome": "callback",
            "notes": "Rappeler pour la commande",
            "next_action": "callback",
            "next_action_date": tomorrow.isoformat(),
            "next_action_time": "10:00",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="activity"' in response.text and "<html" not in response.text
    assert "Rappeler pour la commande" in response.text
    entry = company.interactions.get(kind=InteractionKind.CALL_OUT)
    assert timezone.localtime(entry.next_action_at).time() == dt.time(10, 0)
    assert timezone.localtime(entry.next_action_at).date() == tomorrow


@pytest.mark.django_db
def test_log_form_error_keeps_what_was_typed(client, world, company):
    response = as_user(client, world.rep_a).post(
        reverse("customers:log", kwargs={"pk": company.pk}),
        {"kind": "call_out", "outcome": "callback", "notes": "Texte important"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Texte important" in response.text
    assert "Un rappel promis doit avoir sa date" in response.text
    assert not company.interactions.filter(kind="call_out").exists()


@pytest.mark.django_db
def test_edit_form_rejects_bad_siret_and_phone_and_keeps_input(client, world, company):
    response = as_user(client, world.rep_a).post(
        reverse("customers:edit", kwargs={"pk": company.pk}),
        {
            "legal_name": "SARL Nouveau Nom",
            "siret": "12345678901234",
            "phone_main": "12 34",
            "status": "customer",
            "payment_terms": "30d",
            "credit_limit": "1000",
            "preferred_channel": "phone",
            "call_frequency": "weekly",
            "call_every_n_weeks": "1",
            "engagement": "loyal",
        },
    )
    assert response.status_code == 200
    assert "clé de contrôle incorrecte" in response.text
    assert "Numéro de téléphone invalide" in response.text
    assert 'value="SARL Nouveau Nom"' in response.text
    company.refresh_from_db()
    assert company.legal_name != "SARL Nouveau Nom"


@pytest.mark.django_db
def test_create_company_and_contact(client, world):
    as_user(client, world.rep_a)
    response = client.post(
        reverse("customers:create"),
        {
            "legal_name": "SAS Chez Paul",
            "trade_name": "Chez Paul",
            "siret": "",
            "status": "prospect",
            "postcode": "75011",
            "city": "Paris",
            "payment_terms": "30d",
            "credit_limit": "0",
            "preferred_channel": "phone",
            "call_frequency": "weekly",
            "call_every_n_weeks": "1",
            "engagement": "not_contacted",
            "phone_main": "0142685300",
        },
    )
    company = Company.objects.get(trade_name="Chez Paul")
    assert response.status_code == 302
    response = client.post(
        reverse("customers:contact_create", kwargs={"pk": company.pk}),
        {
            "last_name": "Paul",
            "first_name": "Jean",
            "is_decision_maker": "on",
            "email": "jean@example.fr",
            "phone_mobile": "06 12 34 56 78",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(company=company)
    assert contact.is_decision_maker
    assert contact.phones.get().e164 == "+33612345678"
    detail = client.get(reverse("customers:detail", kwargs={"pk": company.pk}))
    assert 'href="tel:+33612345678"' in detail.text


@pytest.mark.django_db
def test_export_csv_neutralises_formulas_and_is_logged(client, world):
    CompanyFactory(rep=world.rep_a, trade_name='=HYPERLINK("http://evil")')
    response = as_user(client, world.rep_a).get(reverse("customers:export", kwargs={"fmt": "csv"}))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert GdprLog.objects.filter(action="bulk_export", by=world.rep_a).exists()


@pytest.mark.django_db
def test_export_xlsx(client, world, company):
    response = as_user(client, world.rep_a).get(reverse("customers:export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


@pytest.mark.django_db
def test_saved_filters_are_personal(client, world):
    as_user(client, world.rep_a)
    client.post(reverse("customers:saved_filter_create"), {"name": "Mes retards", "query": "late=true"})
    saved = SavedFilter.objects.get(user=world.rep_a)
    assert saved.query == "late=true"
    as_user(client, world.rep_b)
    assert client.post(reverse("customers:saved_filter_delete", kwargs={"pk": saved.pk})).status_code == 404


@pytest.mark.django_db
def test_customer_file_query_count(client, world, company, django_assert_max_num_queries):
    for _ in range(3):
        ContactFactory(company=company)
    as_user(client, world.rep_a)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("customers:detail", kwargs={"pk": company.pk}))
    assert response.status_code == 200


@pytest.mark.django_db
def test_rep_cannot_export_personal_data_but_supervisor_can(client, world, company):
    contact = ContactFactory(company=company)
    url = reverse(
        "customers:contact_export", kwargs={"pk": company.pk, "contact_pk": contact.pk, "fmt": "json"}
    )
    assert as_user(client, world.rep_a).get(url).status_code == 403
    response = as_user(client, world.sup_a).get(url)
    assert response.status_code == 200
    assert response.json()["contact"]["last_name"] == contact.last_name


@pytest.mark.django_db
def test_duplicates_screen_and_merge(client, world):
    a = CompanyFactory(rep=world.rep_a, trade_name="Brasserie du Port", postcode="13001")
    b = CompanyFactory(rep=world.rep_a, trade_name="BRASSERIE DU PORT", postcode="13001")
    ContactFactory(company=b)
    assert as_user(client, world.rep_a).get(reverse("customers:duplicates")).status_code == 403
    page = as_user(client, world.sup_a).get(reverse("customers:duplicates"))
    assert "nom proche, même code postal" in page.text
    response = client.post(reverse("customers:merge"), {"kept": a.pk, "removed": b.pk})
    assert response.status_code == 302
    assert not Company.objects.filter(pk=b.pk).exists()
    assert a.contacts.count() == 1
    as_user(client, world.sup_b)  # another team's supervisor cannot merge them
    c = CompanyFactory(rep=world.rep_a)
    assert client.post(reverse("customers:merge"), {"kept": a.pk, "removed": c.pk}).status_code == 404


@pytest.mark.django_db
def test_gdpr_review_lists_and_purges_old_prospects(client, world):
    old = CompanyFactory(rep=world.rep_a, status="prospect", trade_name="Vieux prospect")
    Company.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=1200))
    page = as_user(client, world.sup_a).get(reverse("customers:gdpr"))
    assert "Vieux prospect" in page.text
    client.post(reverse("customers:gdpr"), {"company": [old.pk]})
    assert not Company.objects.filter(pk=old.pk).exists()
    assert GdprLog.objects.filter(action="purge").exists()


@pytest.mark.django_db
def test_older_timeline_entries_load_as_a_partial(client, world, company):
    from televente.customers import services

    base = timezone.now()
    for n in range(20):
        services.interaction_record(
            company=company,
            kind="note",
            by=world.rep_a,
            notes=f"note {n}",
            occurred_at=base - dt.timedelta(hours=n),
        )
    as_user(client, world.rep_a)
    first = client.get(reverse("customers:detail", kwargs={"pk": company.pk}))
    assert "note 0" in first.text and "note 19" not in first.text
    last_shown = company.interactions.order_by("-occurred_at", "-id")[14]
    response = client.get(
        reverse("customers:timeline", kwargs={"pk": company.pk}),
        {"before_at": last_shown.occurred_at.isoformat(), "before_id": last_shown.pk},
        HTTP_HX_REQUEST="true",
    )
    assert "<html" not in response.text
    assert "note 19" in response.text and "note 14" not in response.text


@pytest.mark.django_db
def test_delivery_addresses_and_closures(client, world, company):
    as_user(client, world.rep_a)
    url = reverse("customers:delivery_create", kwargs={"pk": company.pk})
    bad = client.post(
        url, {"label": "Cuisine", "address_line1": "2 rue du Port", "postcode": "750", "city": "Paris"}
    )
    assert "5 chiffres" in bad.text and 'value="2 rue du Port"' in bad.text
    for label in ("Cuisine", "Réserve"):
        client.post(
            url,
            {
                "label": label,
                "address_line1": "2 rue du Port",
                "postcode": "75011",
                "city": "Paris",
                "is_default": "on",
            },
        )
    assert list(company.delivery_addresses.filter(is_default=True).values_list("label", flat=True)) == [
        "Réserve"
    ]
    page = client.get(reverse("customers:detail", kwargs={"pk": company.pk}))
    assert "Cuisine" in page.text and "Réserve" in page.text

    closures = reverse("customers:closure_create", kwargs={"pk": company.pk})
    wrong = client.post(closures, {"start": "2026-08-20", "end": "2026-08-01", "reason": "Congés"})
    assert "La fin de la fermeture doit suivre son début." in wrong.text
    client.post(closures, {"start": "2026-08-01", "end": "2026-08-20", "reason": "Congés"})
    assert company.closures.get().reason == "Congés"
    assert company.interactions.filter(subject__startswith="Fermeture ajoutée").exists()
    as_user(client, world.rep_b)
    assert client.post(closures, {"start": "2026-08-01", "end": "2026-08-20"}).status_code == 404
