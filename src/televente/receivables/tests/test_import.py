"""The invoice and payment file for back office: French CSV (semicolons, decimal comma, UTF-8 or
Windows-1252) or XLSX, one row per invoice or per payment, all or nothing with line numbers."""

from __future__ import annotations

import io
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.receivables.choices import InvoiceStatus
from televente.receivables.imports import ImportRefused, invoices_import
from televente.receivables.models import Invoice, Payment

from .conftest import day

pytestmark = pytest.mark.django_db

HEADER = (
    "numero_facture;client_id;numero_commande;date_facture;echeance;montant_ttc;"
    "reference_paiement;date_paiement;montant_paiement"
)
URL = reverse("receivables:import")


@pytest.fixture
def accounting(db):
    return UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.ACCOUNTING, username="compta")


def fr(offset: int) -> str:
    return day(offset).strftime("%d/%m/%Y")


def csv_file(lines: list[str], name: str = "factures.csv", encoding: str = "cp1252") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding), "text/csv")


def test_a_french_csv_groups_payment_lines_by_invoice(client, company, accounting):
    upload = csv_file(
        [
            f"F001;{company.pk};;{fr(-40)};{fr(-10)};1 234,56;VIR-1;{fr(-5)};234,56",
            f"F001;{company.pk};;{fr(-40)};{fr(-10)};1234,56;CHQ-Hélène-2;{fr(-1)};500,00",
            f"F002;{company.pk};;{fr(-5)};{fr(25)};89,90;;;",
        ]
    )
    client.force_login(accounting)
    answer = client.post(URL, {"file": upload})
    assert answer.status_code == 302
    message = str(list(answer.wsgi_request._messages)[0])
    assert "« factures.csv » importé" in message and "2 facture(s) créée(s)" in message
    assert "2 paiement(s)" in message
    f001 = Invoice.objects.get(number="F001")
    assert (f001.amount, f001.paid_amount, f001.status) == (
        Decimal("1234.56"),
        Decimal("734.56"),
        InvoiceStatus.OPEN,
    )
    assert sorted(Payment.objects.values_list("reference", flat=True)) == ["CHQ-Hélène-2", "VIR-1"]
    company.refresh_from_db()
    assert company.outstanding == Decimal("589.90")
    # The same lines again (here saved in UTF-8) change nothing.
    again = invoices_import(
        by=accounting,
        upload=csv_file(
            [
                f"F002;{company.pk};;{fr(-5)};{fr(25)};89,90;;;",
                f"F001;{company.pk};;{fr(-40)};{fr(-10)};1234,56;CHQ-Hélène-2;{fr(-1)};500,00",
            ],
            encoding="utf-8-sig",
        ),
    )
    assert (again.result.created, again.result.unchanged, again.result.payments) == (0, 2, 0)


def test_wrong_lines_are_listed_with_their_numbers_and_nothing_is_written(client, company, accounting):
    upload = csv_file(
        [
            f"F001;{company.pk};;{fr(-40)};{fr(-10)};100,00;;;",
            f"F002;{company.pk};;{fr(-40)};{fr(-10)};cent euros;;;",
            f"F003;999999;;{fr(-40)};{fr(-10)};10,00;;;",
            f"F001;{company.pk};;{fr(-40)};{fr(-10)};120,00;VIR-9;{fr(-1)};12",
            f"F004;{company.pk};;{fr(-40)};{fr(-10)};10,00;VIR-8;demain;12",
        ],
        name="relevé élodie.csv",
    )
    client.force_login(accounting)
    answer = client.post(URL, {"file": upload})
    html = unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "« relevé élodie.csv » : 4 ligne(s) refusée(s), rien n'a été enregistré." in html
    errors = [(e.line, e.column) for e in answer.context["errors"]]
    assert errors == [(3, "montant_ttc"), (4, "client_id"), (5, "montant_ttc"), (6, "date_paiement")]
    assert "Client inconnu : 999999" in html and "diffère de la ligne 2" in html
    assert not Invoice.objects.exists() and not Payment.objects.exists()


def test_an_xlsx_keeps_every_digit_and_finds_the_customer_by_siret(company, accounting):
    from openpyxl import Workbook

    company.siret = "73282932000074"
    company.save()
    book = Workbook()
    sheet = book.active
    sheet.append(["Numéro facture", "SIRET", "Date facture", "Échéance", "Montant TTC"])
    sheet.append(["F100", "73282932000074", day(-30), day(-1), 12345.67])
    buffer = io.BytesIO()
    book.save(buffer)
    done = invoices_import(by=accounting, upload=SimpleUploadedFile("erp.xlsx", buffer.getvalue()))
    assert done.result.created == 1
    invoice = Invoice.objects.get(number="F100")
    assert invoice.company == company and invoice.amount == Decimal("12345.67")
    assert invoice.due_on == day(-1)


def test_missing_columns_and_unreadable_files_are_said_at_upload(client, accounting):
    client.force_login(accounting)
    bad = SimpleUploadedFile("x.csv", b"facture;montant\r\nF1;12\r\n")
    html = unescape(client.post(URL, {"file": bad}).content.decode())
    assert "Colonnes manquantes" in html and "echeance" in html
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4")
    assert "Format non reconnu" in client.post(URL, {"file": pdf}).content.decode()
    with pytest.raises(ImportRefused):
        invoices_import(by=accounting, upload=csv_file([";1;;;;;;;"]))


def test_only_accounting_and_admin_import_invoices(client, world, accounting):
    client.force_login(world.rep_a)
    assert client.get(URL).status_code == 403
    client.force_login(world.sup_a)
    assert client.get(URL).status_code == 403
    client.force_login(accounting)
    assert client.get(URL).status_code == 200
    client.force_login(world.admin)
    assert client.get(URL).status_code == 200
    assert URL in client.get(reverse("receivables:dashboard")).content.decode()
