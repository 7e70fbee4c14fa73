from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.catalog.models import PriceList, PriceListItem
from televente.catalog.tests.factories import ProductFactory

CSV = "Code article;Prix HT\nBEU001;2,45\nCRE001;4.10\nNOPE99;1,00\nFAR001;abc\n"


@pytest.fixture
def catalogue(db):
    for code in ("BEU001", "CRE001", "FAR001"):
        ProductFactory(code=code)
    return PriceList.objects.create(name="Tarif restaurants")


@pytest.mark.django_db
def test_dry_run_lists_bad_rows_then_valid_rows_import(client, world, catalogue):
    client.force_login(world.admin)
    upload = SimpleUploadedFile("tarif.csv", CSV.encode())
    response = client.post(
        reverse("catalog:import_start", args=["prices"]), {"price_list": catalogue.pk, "file": upload}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "4 lignes vérifiées — valides : 2, en erreur : 2." in page.text
    assert "Article inconnu : NOPE99." in page.text and "Prix invalide : « abc »." in page.text
    assert not PriceListItem.objects.exists()
    refused = client.post(response["Location"], {})
    assert "lignes en erreur" in refused.text and not PriceListItem.objects.exists()
    client.post(response["Location"], {"valid_only": "on"})
    assert dict(PriceListItem.objects.values_list("product__code", "price")) == {
        "BEU001": Decimal("2.4500"),
        "CRE001": Decimal("4.1000"),
    }


@pytest.mark.django_db
def test_only_admin_imports_prices(client, world, catalogue):
    client.force_login(world.sup_a)
    assert client.get(reverse("catalog:import_start", args=["prices"])).status_code == 403


@pytest.mark.django_db
def test_file_without_the_columns_is_refused(client, world, catalogue):
    client.force_login(world.admin)
    upload = SimpleUploadedFile("tarif.csv", b"foo;bar\n1;2\n")
    page = client.post(
        reverse("catalog:import_start", args=["prices"]), {"price_list": catalogue.pk, "file": upload}
    )
    assert "colonne « code article »" in page.text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_imports_a_price_list_with_one_bad_row(page: Page, live_server, world, tmp_path):
    for code in ("BEU001", "CRE001"):
        ProductFactory(code=code)
    PriceList.objects.create(name="Tarif restaurants")
    path = tmp_path / "tarif.csv"
    path.write_text("Code article;Prix HT\nBEU001;2,45\nCRE001;-3\n")
    sign_in(page, live_server, "boss")
    page.goto(f"{live_server.url}/catalogue/gestion/imports/prices/")
    page.get_by_label("Tarif").select_option(label="Tarif restaurants")
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    errors = page.locator(".errors-table")
    expect(errors).to_contain_text("Prix invalide : « -3 ».")
    expect(errors).to_contain_text("3")  # the row number as in the spreadsheet
    page.screenshot(path=str(SHOTS / "price_import_errors.png"))
    page.get_by_label("Importer seulement les lignes valides").check()
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("1 prix créé ou modifié.")).to_be_visible()
