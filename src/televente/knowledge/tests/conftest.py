"""A customer of team A (rep_a) with an order contact, a few articles and documents."""

from __future__ import annotations

import pytest

from televente.catalog.tests.factories import ProductFactory
from televente.customers.tests.factories import CompanyFactory, ContactFactory, SegmentFactory
from televente.knowledge import services
from televente.knowledge.choices import ArticleTopic, DocumentKind
from televente.knowledge.models import CommercialDocument

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def company(world):
    company = CompanyFactory(
        rep=world.rep_a, team=world.team_a, trade_name="Boulangerie du Marché", segment=SegmentFactory()
    )
    company.chef = ContactFactory(
        company=company,
        first_name="Paul",
        last_name="Martin",
        is_order_contact=True,
        email="paul@boulangerie.fr",
    )
    return company


@pytest.fixture
def articles(world):
    return {
        "allergens": services.article_save(
            by=world.sup_a,
            title="Les 14 allergènes à déclarer",
            topic=ArticleTopic.ALLERGENS,
            summary="Règlement INCO 1169/2011 : information obligatoire du consommateur.",
            body="Les allergènes à signaler au client : Gluten, crustacés, œufs, poissons, arachides, soja, lait, fruits à coque, céleri, "
            "moutarde, sésame, sulfites, lupin, mollusques.\n\nLe client doit pouvoir informer par écrit.",
            keywords="INCO étiquetage",
        ),
        "cream": services.article_save(
            by=world.sup_a,
            title="Crème fraîche ou crème liquide ?",
            topic=ArticleTopic.PRODUCT,
            body="La crème liquide UHT 35 % monte en chantilly ; la crème épaisse lie les sauces.",
        ),
        "cold": services.article_save(
            by=world.sup_a,
            title="Chaîne du froid",
            topic=ArticleTopic.COLD_CHAIN,
            body="Produits frais entre 0 et 4 °C, surgelés à -18 °C. Refuser un colis décongelé.",
        ),
    }


@pytest.fixture
def sheet(db):
    product = ProductFactory(
        code="BEU001",
        name="Beurre doux 250 g",
        characteristics="Beurre pâtissier 82 % MG",
        allergens=["milk"],
        storage="Entre 0 et 4 °C",
    )
    return CommercialDocument.objects.create(
        title="Fiche technique Beurre doux", kind=DocumentKind.TECHNICAL_SHEET, product=product
    )


@pytest.fixture
def catalogue(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return services.document_save(
        by=world.sup_a,
        title="Catalogue 2026",
        kind=DocumentKind.CATALOGUE,
        upload=SimpleUploadedFile("cat.pdf", PDF, content_type="application/pdf"),
    )


@pytest.fixture
def usual(company, sheet):
    """The customer usually buys the product of the technical sheet."""
    from django.utils import timezone

    from televente.orders.models import ProductHabit

    return ProductHabit.objects.create(
        company=company,
        product=sheet.product,
        usual_quantity=2,
        orders_count=9,
        share="0.9",
        last_ordered=timezone.localdate(),
    )
