"""The messaging screens with the Django test client: who sees the outbox and a message, retry and
cancel, the document, the templates (refused with an unknown variable, keeping what was typed), the
variable palette per context, the preview with a real record, and the links of the timeline."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from televente.customers.actions import reference_url
from televente.customers.models import Interaction
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.messaging import selectors, services
from televente.messaging.choices import MessageStatus
from televente.messaging.models import Message, MessageTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(world):
    """A customer of team B."""
    company = CompanyFactory(rep=world.rep_b, team=world.team_b, trade_name="La Brasserie B")
    company.chef = ContactFactory(company=company, first_name="Paul", last_name="Bernard", email="paul@b.fr")
    return company


def queue(company, **kw) -> Message:
    args = {"channel": "email", "contact": company.chef, "subject": "Votre devis", "body": "Bonjour,\nVoici."}
    args.update(kw)
    return services.message_queue(**args)


def form_data(**changes) -> dict:
    data = {
        "code": "relance-devis",
        "name": "Relance devis",
        "channel": "email",
        "language": "fr",
        "context": "company",
        "document": "",
        "subject": "Votre devis, {{ customer.name }}",
        "body": "Bonjour {{ contact.greeting }},\nJe reviens vers vous.\n{{ rep.full_name }}",
        "is_active": "on",
    }
    data.update(changes)
    return data


# Who sees what ---------------------------------------------------------------------------------------------------


def test_reps_do_not_open_the_outbox_nor_edit_templates(client, world, company):
    template = MessageTemplate.objects.get(code="order_confirmation", language="fr")
    client.force_login(world.rep_a)
    assert client.get(reverse("messaging:outbox")).status_code == 403
    assert client.get(reverse("messaging:templates")).status_code == 403
    assert client.get(reverse("messaging:template_new")).status_code == 403
    assert client.get(reverse("messaging:template_edit", args=[template.pk])).status_code == 403
    assert client.post(reverse("messaging:template_preview"), form_data()).status_code == 403
    # Back office follows the outbox and reads the templates, but does not write them.
    client.force_login(world.bo_logistics)
    assert client.get(reverse("messaging:outbox")).status_code == 200
    page = client.get(reverse("messaging:templates"))
    assert page.status_code == 200 and "Confirmation de commande" in page.content.decode()
    assert reverse("messaging:template_edit", args=[template.pk]) not in page.content.decode()
    assert client.get(reverse("messaging:template_new")).status_code == 403


def test_a_rep_reads_the_messages_of_their_customers_only(client, world, company, other):
    mine, theirs = queue(company), queue(other)
    client.force_login(world.rep_a)
    page = client.get(reverse("messaging:detail", args=[mine.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Votre devis" in html and "lucie@bistrot.fr" in html
    assert "Renvoyer" not in html and "Annuler" not in html  # acting on the outbox is not theirs
    assert client.get(reverse("messaging:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("messaging:html", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("messaging:cancel", args=[mine.pk])).status_code == 403
    mine.refresh_from_db()
    assert mine.status == MessageStatus.QUEUED
    # A supervisor watching the outbox reads every message, whatever the team.
    client.force_login(world.sup_a)
    assert client.get(reverse("messaging:detail", args=[theirs.pk])).status_code == 200


# The outbox ------------------------------------------------------------------------------------------------------


def test_the_outbox_lists_newest_first_with_counts_and_filters(client, world, company, other):
    sent = queue(company, subject="Confirmation 1")
    failed = queue(other, subject="Relance impayé")
    sms = queue(company, channel="sms", to_address="+33612345678", body="Votre livraison arrive demain.")
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, attempts=1)
    Message.objects.filter(pk=failed.pk).update(
        status=MessageStatus.FAILED, attempts=7, last_error="Connection refused"
    )
    client.force_login(world.sup_a)
    page = client.get(reverse("messaging:outbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Votre livraison arrive") < html.index("Relance impayé") < html.index("Confirmation 1")
    assert "Connection refused" in html and reverse("customers:detail", args=[other.pk]) in html
    assert reverse("messaging:templates") in html  # the templates are one click away
    counts = {key: n for key, _label, n in page.context["tabs"]}
    assert counts == {
        "a-envoyer": 1, "envoyes": 1, "echecs": 1, "non-envoyes": 0, "annules": 0, "tous": 3,
    }  # fmt: skip
    failures = client.get(reverse("messaging:outbox"), {"etat": "echecs"}).content.decode()
    assert "Relance impayé" in failures and "Confirmation 1" not in failures
    by_channel = client.get(reverse("messaging:outbox"), {"canal": "sms"}).content.decode()
    assert "Votre livraison arrive" in by_channel and "Relance impayé" not in by_channel
    searched = client.get(reverse("messaging:outbox"), {"q": "paul@b"}).content.decode()
    assert "Relance impayé" in searched and "Confirmation 1" not in searched
    assert sms.pk


def test_the_outbox_pages_with_a_cursor(world, company):
    made = [queue(company, subject=f"Message {n}").pk for n in range(12)]
    first = selectors.outbox(user=world.sup_a, limit=5)
    assert [m.pk for m in first.rows] == made[::-1][:5] and first.next_cursor
    at, pk = first.next_cursor
    from django.utils.dateparse import parse_datetime

    second = selectors.outbox(user=world.sup_a, limit=5, before=(parse_datetime(at), pk))
    assert [m.pk for m in second.rows] == made[::-1][5:10]


def test_older_messages_are_one_link_away(client, world, company, monkeypatch):
    monkeypatch.setattr(selectors, "OUTBOX_PAGE", 5)
    for n in range(7):
        queue(company, subject=f"Message n°{n}")
    client.force_login(world.sup_a)
    first = client.get(reverse("messaging:outbox"))
    assert "Message n°6" in first.content.decode() and "Message n°1" not in first.content.decode()
    link = re.search(r'href="\?([^"]*avant=[^"]*)">Plus anciens', first.content.decode()).group(1)
    older = client.get(reverse("messaging:outbox") + "?" + unescape(link)).content.decode()
    assert "Message n°1" in older and "Message n°0" in older and "Message n°6" not in older
    assert "Les plus récents" in older


def test_the_outbox_of_30_messages_in_a_bounded_number_of_queries(
    client, world, company, other, django_assert_max_num_queries
):
    for n in range(30):
        queue(company if n % 2 else other, subject=f"Message {n}")
    client.force_login(world.sup_a)
    with django_assert_max_num_queries(6):  # session, user, counts per status, the page
        page = client.get(reverse("messaging:outbox"))
    assert page.status_code == 200 and page.content.decode().count('<tr data-href="') == 30


# A message: retry, cancel, HTML, document ------------------------------------------------------------------------


def test_a_failed_message_is_sent_again_or_cancelled_from_its_page(client, world, company):
    message = queue(company)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, attempts=7, last_error="refusé")
    client.force_login(world.sup_a)
    page = client.get(reverse("messaging:detail", args=[message.pk])).content.decode()
    assert "Renvoyer" in page and "Annuler" in page
    answer = client.post(reverse("messaging:retry", args=[message.pk]), follow=True)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and "Le message repart" in answer.content.decode()
    client.post(reverse("messaging:cancel", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    # Refused by the service: the page says why.
    answer = client.post(reverse("messaging:retry", args=[message.pk]), follow=True)
    assert answer.status_code == 200
    assert escape("Ce message est déjà envoyé ou en cours d'envoi.") in answer.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED


def test_the_html_version_is_served_sandboxed(client, world, company):
    message = queue(company, body="Bonjour <b>Lucie</b>")
    client.force_login(world.rep_a)
    page = client.get(reverse("messaging:detail", args=[message.pk])).content.decode()
    assert f'sandbox src="{reverse("messaging:html", args=[message.pk])}"' in page
    html = client.get(reverse("messaging:html", args=[message.pk]))
    assert html["Content-Type"].startswith("text/html")
    assert (
        html["Content-Security-Policy"].startswith("sandbox;")
        and "script-src" not in html["Content-Security-Policy"]
    )
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert "Bonjour &lt;b&gt;Lucie&lt;/b&gt;" in html.content.decode()


def test_the_document_is_downloaded_as_sent(client, world, company, other):
    message = queue(company)
    message.document_kind = "orders.confirmation"
    message.document_name = "commande-C0042.pdf"
    message.document_file.save("commande-C0042.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    client.force_login(world.rep_a)
    page = client.get(reverse("messaging:detail", args=[message.pk])).content.decode()
    assert reverse("messaging:document", args=[message.pk]) in page and "commande-C0042.pdf" in page
    answer = client.get(reverse("messaging:document", args=[message.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert (
        answer["Content-Disposition"].startswith("attachment")
        and "commande-C0042.pdf" in answer["Content-Disposition"]
    )
    assert b"".join(answer.streaming_content) == b"%PDF-1.7 test"
    client.force_login(world.rep_b)
    assert client.get(reverse("messaging:document", args=[message.pk])).status_code == 404
    without = queue(other)
    client.force_login(world.sup_a)
    assert client.get(reverse("messaging:document", args=[without.pk])).status_code == 404


def test_attachment_names_are_listed(client, world, company):
    message = queue(company, attachments=[("invitation.ics", b"BEGIN:VCALENDAR", "text/calendar")])
    client.force_login(world.rep_a)
    page = client.get(reverse("messaging:detail", args=[message.pk])).content.decode()
    assert "invitation.ics" in page and "text/calendar" in page


# Templates -------------------------------------------------------------------------------------------------------


def test_a_template_with_an_unknown_variable_is_refused_and_keeps_what_was_typed(client, world):
    client.force_login(world.sup_a)
    body = "Bonjour {{ contact.prenom }},\nMerci de votre visite."
    page = client.post(reverse("messaging:template_new"), form_data(body=body))
    assert page.status_code == 422
    html = page.content.decode()
    assert "Variable inconnue : {{ contact.prenom }}" in html and "first_name" in html
    assert "Merci de votre visite." in html and 'value="relance-devis"' in html
    assert page.context["form"].errors["body"]
    assert not MessageTemplate.objects.filter(code="relance-devis").exists()


def test_a_template_is_created_then_changed(client, world):
    client.force_login(world.sup_a)
    answer = client.post(reverse("messaging:template_new"), form_data())
    assert answer.status_code == 302 and answer.url == reverse("messaging:templates")
    template = MessageTemplate.objects.get(code="relance-devis")
    assert template.updated_by == world.sup_a and template.context == "company" and template.is_active
    page = client.get(reverse("messaging:templates")).content.decode()
    assert "Relance devis" in page and "Un client" in page
    url = reverse("messaging:template_edit", args=[template.pk])
    assert 'value="relance-devis"' in client.get(url).content.decode()
    assert client.post(url, form_data(name="Relance du devis", is_active="")).status_code == 302
    template.refresh_from_db()
    assert template.name == "Relance du devis" and not template.is_active
    # The same code twice for the same channel and language: refused next to the code.
    clash = client.post(reverse("messaging:template_new"), form_data())
    assert clash.status_code == 422 and clash.context["form"].errors["code"]


def test_a_provided_template_keeps_its_code(client, world):
    template = MessageTemplate.objects.get(code="order_confirmation", language="fr")
    client.force_login(world.admin)
    url = reverse("messaging:template_edit", args=[template.pk])
    data = form_data(
        code="autre", name=template.name, context="order", document=template.document, subject=template.subject,
        body=template.body,
    )  # fmt: skip
    assert client.post(url, data).status_code == 302
    template.refresh_from_db()
    assert template.code == "order_confirmation" and template.is_system


def test_the_palette_and_documents_follow_the_context(client, world):
    client.force_login(world.sup_a)
    page = client.get(reverse("messaging:template_new")).content.decode()
    assert 'data-insert-variable="{{ contact.first_name }}"' in page
    assert "{{ order.number }}" not in page
    part = client.get(
        reverse("messaging:template_variables"),
        {"context": "order", "document": ""},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert part.strip().startswith('<aside id="variable-palette"')
    assert 'data-insert-variable="{{ order.number }}"' in part
    assert 'id="document-field" hx-swap-oob="true"' in part and 'value="orders.confirmation"' in part


def test_the_preview_shows_a_real_record_without_saving(client, world, company):
    client.force_login(world.sup_a)
    answer = client.post(reverse("messaging:template_preview"), {**form_data(), "preview_key": "k1"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.strip().startswith('<input type="hidden" name="preview_key" value="k1">')
    assert "Votre devis, Le Bistrot" in html and "Bonjour Madame Martin," in html
    assert answer.context["record"] == company
    assert not MessageTemplate.objects.filter(code="relance-devis").exists()
    # The HTML version, kept in the person's session for the sandboxed frame.
    frame = client.get(reverse("messaging:preview_html", args=["k1"]))
    assert frame["Content-Security-Policy"].startswith("sandbox;")
    assert "Bonjour Madame Martin,<br>" in frame.content.decode()
    # Another contact of the customer; a mistake shows in the preview too.
    ContactFactory(company=company, civility="Monsieur", first_name="Marc", last_name="Petit")
    marc = company.contacts.get(first_name="Marc")
    answer = client.post(
        reverse("messaging:template_preview"),
        {
            **form_data(body="Bonjour {{ contact.greeting }} {{ contact.prenom }}"),
            "preview_key": "k1",
            "record_context": "company",
            "record": company.pk,
            "record_contact": marc.pk,
        },
    )
    html = answer.content.decode()
    assert "Bonjour Monsieur Petit" in html and "Variable inconnue : {{ contact.prenom }}" in html


def test_the_preview_picks_among_the_records_the_person_sees(client, world, company, other):
    client.force_login(world.sup_b)  # leads team B: sees the brasserie, not the bistrot
    answer = client.post(
        reverse("messaging:template_preview"),
        {**form_data(), "record_context": "company", "record": company.pk},
    )
    assert answer.context["record"] == other
    assert "Le Bistrot" not in answer.content.decode()


# Timeline links --------------------------------------------------------------------------------------------------


def test_timeline_entries_link_to_the_message_order_or_claim(client, world, company, run_tasks):
    message = queue(company)
    run_tasks()
    entry = Interaction.objects.get(reference=f"messaging.message:{message.pk}")
    assert entry.reference_url == reverse("messaging:detail", args=[message.pk])
    assert reference_url("orders.order:42") == reverse("orders:detail", args=[42])
    assert reference_url("claims.claim:7") == reverse("claims:detail", args=[7])
    assert reference_url("orders.lostsale:3") is None and reference_url("") is None
    assert reference_url("orders.order:abc") is None
    client.force_login(world.rep_a)
    page = client.get(reverse("customers:detail", args=[company.pk])).content.decode()
    assert f'<a href="{reverse("messaging:detail", args=[message.pk])}">' in page


def test_a_message_page_in_a_bounded_number_of_queries(client, world, company, django_assert_max_num_queries):
    message = queue(company)
    client.force_login(world.sup_a)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("messaging:detail", args=[message.pk]))
    assert page.status_code == 200
