"""Demo knowledge base and documentation: about 25 articles (hygiene, cold chain, allergens and the
INCO regulation, safety, dates, procedures, commercial terms, product advice) linked to the demo
products they talk about; technical-sheet documents for the most bought products; a catalogue, a
price list and a reactivation offer for bakeries, generated here as PDFs with WeasyPrint (no
download); a few sendings per demo rep: some sent (on the customer's timeline), two due today.

Written through the models (a few hundred rows at most), not the services: the demo has no
signed-in author and does not email anyone."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from televente.accounts.choices import Role
from televente.catalog.models import Product
from televente.core.demo import DemoContext
from televente.customers.choices import InteractionKind
from televente.customers.models import Company, Contact, Interaction, Segment

from .choices import DocumentKind, SendingStatus
from .demo_articles import ARTICLES
from .models import Article, CommercialDocument, DocumentSending
from .search import ARTICLE_INDEX, build_search_text


def _pdf(title: str, intro: str, products, prices: bool) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "knowledge/demo_document.html",
        {
            "title": title,
            "intro": intro,
            "products": products,
            "prices": prices,
            "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _articles(author) -> list[Article]:
    created = []
    for title, topic, summary, body, keywords, product_names in ARTICLES:
        article = Article.objects.create(
            title=title,
            topic=topic,
            summary=summary,
            body=body,
            keywords=keywords,
            author=author,
            search_text=build_search_text(title=title, keywords=keywords, summary=summary, body=body),
        )
        products = []
        for name in product_names:
            products += list(Product.objects.filter(name__startswith=name).order_by("pk")[:2])
        article.products.set(products)
        created.append(article)
    ARTICLE_INDEX.optimize()
    return created


def _documents(ctx: DemoContext) -> list[CommercialDocument]:
    from televente.orders.models import ProductHabit

    top = list(
        ProductHabit.objects.values("product_id")
        .annotate(n=Count("company_id"))
        .order_by("-n", "product_id")
        .values_list("product_id", flat=True)[:20]
    )
    if len(top) < 20:  # no history yet: the first products of the catalogue
        top += list(
            Product.objects.exclude(pk__in=top).order_by("pk").values_list("pk", flat=True)[: 20 - len(top)]
        )
    # The demo rep's customers find the sheets of what they usually buy in their card.
    demo_rep = ctx.shared.get("reps", [None])[0] if ctx.shared.get("reps") else None
    if demo_rep is not None:
        for company_id in (
            Company.objects.filter(rep=demo_rep).order_by("pk").values_list("pk", flat=True)[:15]
        ):
            usual = ProductHabit.objects.filter(company_id=company_id).order_by("-orders_count", "product_id")
            top += [pk for pk in usual.values_list("product_id", flat=True)[:2] if pk not in top]
    products = {p.pk: p for p in Product.objects.filter(pk__in=top)}
    documents = [
        CommercialDocument(
            title=f"Fiche technique {products[pk].name}",
            kind=DocumentKind.TECHNICAL_SHEET,
            description=f"Article {products[pk].code}",
            product=products[pk],
        )
        for pk in top
        if pk in products
    ]
    CommercialDocument.objects.bulk_create(documents)

    sample = list(Product.objects.filter(status="active").order_by("category_id", "name")[:60])
    sample += list(Product.objects.filter(name__startswith="Farine").order_by("pk")[:3]) + list(
        Product.objects.filter(name__startswith="Beurre").order_by("pk")[:3]
    )
    year = ctx.today.year
    generated = [
        (
            f"Catalogue {year}",
            DocumentKind.CATALOGUE,
            "Notre sélection pour la restauration et les métiers de bouche.",
            False,
            [],
        ),
        (
            f"Tarif professionnel {ctx.today:%m/%Y}",
            DocumentKind.PRICE_LIST,
            "Prix hors taxes par unité de base, hors remises et promotions, franco à 250 € HT.",
            True,
            [],
        ),
        (
            "Offre de reprise boulangeries-pâtisseries",
            DocumentKind.OFFER,
            "Pour votre retour : -10 % sur les farines, beurres et levures pendant un mois, franco dès 150 € HT.",
            True,
            ["boulangerie"],
        ),
    ]
    for title, kind, intro, prices, segments in generated:
        chosen = sample
        if kind == DocumentKind.OFFER:
            bakery = [
                p
                for p in sample
                if p.name.startswith(("Farine", "Beurre", "Levure", "Sucre", "Œufs", "Crème"))
            ]
            chosen = bakery or sample[:15]
        document = CommercialDocument(title=title, kind=kind, description=intro[:300])
        document.file.save(f"demo-{kind}.pdf", ContentFile(_pdf(title, intro, chosen, prices)), save=False)
        document.save()
        if segments:
            document.segments.set(Segment.objects.filter(code__in=segments))
        documents.append(document)
    return documents


def _sendings(ctx: DemoContext, documents: list[CommercialDocument]) -> int:
    reps = [r for r in ctx.shared.get("reps", []) if r.role == Role.REP]
    general = [d for d in documents if d.kind != DocumentKind.TECHNICAL_SHEET]
    sheets = [d for d in documents if d.kind == DocumentKind.TECHNICAL_SHEET]
    now = timezone.now()
    count = 0
    for rep in reps:
        contacts = list(
            Contact.objects.filter(
                company__in=Company.objects.filter(rep=rep),
                is_active=True,
                opt_out_email=False,
                anonymised_at__isnull=True,
            )
            .exclude(email="")
            .select_related("company")
            .order_by("pk")[:5]
        )
        for i, contact in enumerate(contacts):
            picked = [ctx.rng.choice(sheets)] if sheets else []
            picked += [general[i % len(general)]] if general else []
            if i < 3:  # sent during a call of the last days
                when = now - dt.timedelta(days=i + 1, hours=ctx.rng.randint(0, 5))
                sending = DocumentSending.objects.create(
                    company=contact.company,
                    contact=contact,
                    requested_by=rep,
                    due_on=timezone.localdate(when),
                    status=SendingStatus.SENT,
                    sent_at=when,
                )
                Interaction.objects.create(
                    company=contact.company,
                    contact=contact,
                    kind=InteractionKind.DOCUMENT,
                    author=rep,
                    occurred_at=when,
                    subject=("Documentation envoyée : " + ", ".join(d.title for d in picked))[:200],
                    reference=f"knowledge.documentsending:{sending.pk}",
                )
            else:  # promised for today
                sending = DocumentSending.objects.create(
                    company=contact.company,
                    contact=contact,
                    requested_by=rep,
                    due_on=ctx.today,
                    note="Suite à notre appel, voici les documents promis.",
                )
            sending.documents.set(picked)
            count += 1
    return count


def seed(ctx: DemoContext) -> None:
    from televente.accounts.models import User

    author = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    articles = _articles(author)
    documents = _documents(ctx)
    sendings = _sendings(ctx, documents)
    ctx.log(f"  knowledge: {len(articles)} articles, {len(documents)} documents, {sendings} sendings")
