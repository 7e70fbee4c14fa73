"""Catalogue and stock file imports: the row-by-row check writes nothing; then all or valid rows."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.catalog import imports, selectors
from televente.catalog.models import CatalogImport, Category, Product, SalesUnit, Stock
from televente.catalog.tests.factories import (
    CategoryFactory,
    ProductFactory,
    SalesUnitFactory,
    StockFactory,
    WarehouseFactory,
)
from televente.core import tabular
from televente.core.errors import DomainError, PermissionRefused

Kind = CatalogImport.Kind


def upload(text: str, name: str = "articles.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


@pytest.fixture
def purchasing(db):
    return UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.PURCHASING, username="achats")


@pytest.fixture
def tree(db):
    cremerie = CategoryFactory(code="cremerie", name="Crèmerie")
    return {
        "cremes": Category.objects.create(code="cremes", name="Crèmes", parent=cremerie),
        "beurres": Category.objects.create(code="beurres", name="Beurres", parent=cremerie),
    }


ARTICLES = (
    "Code article;Désignation;Famille;Catégorie;Prix de base HT;Unité de base;TVA (%);Unités commercialisables;Allergènes;EAN\n"
    "CRE100;Crème fraîche épaisse 1 L;Crèmerie;Crèmes;4,20;litre;5,5;litre (1), carton de 6 (6);Lait;3017620422003\n"
    "BEU100;Beurre doux 250 g;Crèmerie;Beurres;2,10;plaquette;5,5;;lait;\n"
    "BAD1;Sans catégorie;Crèmerie;Inconnue;1;;;;;\n"
    "BAD2;EAN faux;Crèmerie;Crèmes;1;;;;;1234567890123\n"
    "BAD3;Allergène;Crèmerie;Crèmes;1;;;;Poussière;\n"
    "CRE100;Doublon;Crèmerie;Crèmes;1;;;;;\n"
    "BAD4;;Crèmerie;Crèmes;1;;;;;\n"
    "BAD5;Unités;Crèmerie;Crèmes;1;;;carton de douze;;\n"
)


@pytest.mark.django_db
def test_article_import_checks_every_row_then_creates_the_valid_ones(world, tree):
    job = imports.import_check(by=world.admin, kind=Kind.PRODUCTS, upload=upload(ARTICLES))
    assert not Product.objects.exists()
    assert (job.total_rows, job.valid_rows, job.error_rows) == (8, 2, 6)
    by_row = {e["row"]: (e["column"], e["message"]) for e in job.errors}
    assert by_row[4] == ("Catégorie", "Catégorie inconnue : Inconnue.")
    assert by_row[5] == ("EAN", "EAN invalide : 1234567890123.")
    assert by_row[6] == ("Allergènes", "Allergène inconnu : Poussière.")
    assert by_row[7] == ("Code article", "Article déjà présent ligne 2.")
    assert by_row[8] == ("Désignation", "Désignation obligatoire pour un nouvel article.")
    assert by_row[9][0] == "Unités commercialisables" and "illisibles" in by_row[9][1]

    with pytest.raises(DomainError):
        imports.import_apply(job=job, by=world.admin, valid_only=False)
    assert not Product.objects.exists()

    job = imports.import_apply(job=job, by=world.admin, valid_only=True)
    assert (job.applied_count, job.created_count) == (2, 2)
    creme = Product.objects.get(code="CRE100")
    assert creme.category == tree["cremes"] and creme.base_price == Decimal("4.2000")
    assert creme.allergens == ["milk"] and creme.ean == "3017620422003"
    units = list(creme.units.order_by("base_quantity").values_list("label", "base_quantity", "is_default"))
    assert units == [("litre", 1, True), ("carton de 6", 6, False)]
    beurre = Product.objects.get(code="BEU100")
    assert list(beurre.units.values_list("label", "base_quantity")) == [("plaquette", 1)]
    # The new article is found by the catalogue search at once.
    assert [r.product.code for r in selectors.product_search(query="creme fraiche")] == ["CRE100"]


@pytest.mark.django_db
def test_updating_articles_leaves_empty_cells_alone_and_keeps_units(world, tree):
    product = ProductFactory(
        code="CRE100", name="Crème", category=tree["cremes"], brand="Elle & Vire", allergens=["milk"]
    )
    SalesUnitFactory(product=product, code="UVC", label="litre", base_quantity=1, is_default=True)
    text = "Code;Article;Marque;Prix de base HT;Unités commercialisables;Statut\nCRE100;Crème entière 1 L;;3,95;carton de 6 (6);Saisonnier\n"
    job = imports.import_check(by=world.admin, kind=Kind.PRODUCTS, upload=upload(text))
    assert job.errors == []
    job = imports.import_apply(job=job, by=world.admin, valid_only=False)
    product.refresh_from_db()
    assert (job.applied_count, job.created_count) == (1, 0)
    assert product.name == "Crème entière 1 L" and product.brand == "Elle & Vire"  # empty cell: unchanged
    assert product.base_price == Decimal("3.9500") and product.status == "seasonal"
    assert product.allergens == ["milk"]
    assert list(
        product.units.order_by("base_quantity").values_list("code", "base_quantity", "is_default")
    ) == [
        ("UVC", 1, True),
        ("CAR6", 6, False),
    ]


@pytest.mark.django_db
def test_the_catalogue_export_reimports_without_any_change(world, tree):
    product = ProductFactory(
        code="CRE100", name="Crème", category=tree["cremes"], allergens=["milk", "eggs"], ean="3017620422003"
    )
    SalesUnitFactory(product=product, code="UVC", label="litre", base_quantity=1, is_default=True)
    SalesUnitFactory(product=product, code="CAR", label="carton de 6", base_quantity=6)
    StockFactory(product=product, on_hand=40)
    header, rows = selectors.catalogue_rows()
    data = tabular.to_xlsx(header, rows, title="Catalogue")
    job = imports.import_check(
        by=world.admin, kind=Kind.PRODUCTS, upload=SimpleUploadedFile("catalogue.xlsx", data)
    )
    assert job.errors == [] and job.valid_rows == 1
    job = imports.import_apply(job=job, by=world.admin, valid_only=False)
    assert job.applied_count == 0


@pytest.mark.django_db
def test_formula_cells_are_refused(world, tree):
    job = imports.import_check(
        by=world.admin,
        kind=Kind.PRODUCTS,
        upload=upload("Code;Article;Catégorie;Prix\nX1;=HYPERLINK(1);Crèmes;1\n"),
    )
    assert job.errors == [{"row": 2, "column": "Article", "message": "Formule de tableur refusée."}]


@pytest.mark.django_db
def test_stock_import_sets_absolute_levels_and_refuses_below_reserved(world):
    rungis = WarehouseFactory(code="rungis")
    beurre = ProductFactory(code="BEU001")
    creme = ProductFactory(code="CRE001")
    StockFactory(product=creme, warehouse=rungis, on_hand=50, reserved=30)
    text = "Code article;Entrepôt;En stock\nBEU001;rungis;120\nCRE001;rungis;10\nNOPE;rungis;5\nBEU001;lyon;5\nBEU001;rungis;-4\n"
    job = imports.import_check(by=world.bo_logistics, kind=Kind.STOCK, upload=upload(text, "stocks.csv"))
    messages = {e["row"]: e["message"] for e in job.errors}
    assert messages == {
        3: "30 unités sont déjà réservées pour des commandes confirmées.",
        4: "Article inconnu : NOPE.",
        5: "Entrepôt inconnu : lyon.",
        6: "Quantité entière positive attendue (unités de base) : « -4 ».",
    }
    job = imports.import_apply(job=job, by=world.bo_logistics, valid_only=True)
    assert job.applied_count == 1
    assert Stock.objects.get(product=beurre).on_hand == 120
    assert Stock.objects.get(product=creme).on_hand == 50


@pytest.mark.django_db
def test_who_may_import_what(world, purchasing):
    assert imports.can_import(purchasing, Kind.PRODUCTS) and imports.can_import(purchasing, Kind.STOCK)
    assert imports.can_import(world.bo_logistics, Kind.STOCK)
    assert not imports.can_import(world.bo_logistics, Kind.PRICES)
    assert not imports.can_import(world.rep_a, Kind.STOCK) and not imports.can_import(
        world.sup_a, Kind.PRODUCTS
    )
    with pytest.raises(PermissionRefused):
        imports.import_check(by=world.rep_a, kind=Kind.PRODUCTS, upload=upload("Code\nX\n"))


@pytest.mark.django_db
def test_import_screens(client, world, tree):
    client.force_login(world.bo_logistics)
    assert client.get(reverse("catalog:import_start", args=["products"])).status_code == 403
    page = client.get(reverse("catalog:manage"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("catalog:import_start", args=["stock"])
    assert "Importer des articles" not in page.text  # the tabs only show what this person may open
    client.force_login(world.admin)
    response = client.post(
        reverse("catalog:import_start", args=["products"]),
        {"file": upload("Code;Désignation;Catégorie;Prix de base HT\nN1;Nouveau;Crèmes;1,5\nN2;;Crèmes;1\n")},
    )
    detail = client.get(response["Location"])
    assert "2 lignes vérifiées — valides : 1, en erreur : 1." in detail.text
    done = client.post(response["Location"], {"valid_only": "on"}, follow=True)
    assert "1 article créé ou modifié" in done.text and "(dont 1 nouveau)." in done.text
    assert client.get(reverse("catalog:import_start", args=["bogus"])).status_code == 404
    missing = client.post(reverse("catalog:import_start", args=["stock"]), {"file": upload("a;b\n1;2\n")})
    assert "« entrepôt »" in missing.text
    assert SalesUnit.objects.filter(product__code="N1", base_quantity=1, is_default=True).exists()
