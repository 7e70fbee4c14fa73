"""Reads of the knowledge screens: the search, the suggestions of a call, the rep's list to send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from televente.accounts.choices import Role
from televente.catalog.models import Product
from televente.catalog.search import PRODUCT_INDEX
from televente.core.text import fold
from televente.customers.models import Company

from .choices import DocumentKind, SendingStatus
from .models import Article, CommercialDocument, DocumentSending
from .search import ranked_ids, snippet, terms_of
from .services import can_manage


@dataclass
class SearchResult:
    articles: list[Article] = field(default_factory=list)
    # (pk, code, name, id of its technical sheet document or None)
    products: list[tuple[int, str, str, int | None]] = field(default_factory=list)
    query: str = ""


def articles_for(user):
    qs = Article.objects.all()
    return qs if can_manage(user) else qs.filter(is_published=True)


def knowledge_search(
    *, user, query: str = "", topic: str = "", limit: int = 30, products: int = 6
) -> SearchResult:
    """Ranked articles (with a snippet), the catalogue products the words match and their technical
    sheet documents (at most 5 queries)."""
    result = SearchResult(query=(query or "").strip())
    qs = articles_for(user)
    if topic:
        qs = qs.filter(topic=topic)
    if not result.query:
        result.articles = list(qs.order_by("topic", "title")[:100])
        return result
    ids = ranked_ids(qs, result.query, limit=limit)
    by_id = {a.pk: a for a in Article.objects.filter(pk__in=ids)}
    result.articles = [by_id[pk] for pk in ids if pk in by_id]
    for article in result.articles:
        article.snippet = snippet(f"{article.summary} {article.body}", result.query)
    if products:
        # The index also matches category words ("crème" finds the "Crèmerie" family): articles
        # whose name carries the words come first, as in the catalogue's own search.
        candidates = list(
            PRODUCT_INDEX.filter(Product.objects.exclude(status="discontinued"), result.query)
            .order_by("name")
            .values_list("pk", "code", "name")[:200]
        )
        terms = terms_of(result.query)

        def in_name(row) -> int:
            words = fold(row[2]).split()
            return sum(any(w.startswith(t) for w in words) for t in terms)

        result.products = sorted(candidates, key=lambda row: (-in_name(row), row[2]))[:products]
    if result.products:
        sheets = dict(
            CommercialDocument.objects.filter(
                is_active=True,
                kind=DocumentKind.TECHNICAL_SHEET,
                product_id__in=[p[0] for p in result.products],
            ).values_list("product_id", "pk")
        )
        result.products = [(pk, code, name, sheets.get(pk)) for pk, code, name in result.products]
    return result


def article_page(*, user, pk: int) -> Article | None:
    return articles_for(user).prefetch_related("products").select_related("author").filter(pk=pk).first()


def visible_sendings(user):
    """A rep's own sendings; a supervisor's, their teams'; back office and admin, all."""
    qs = DocumentSending.objects.filter(company__in=Company.objects.visible_to(user))
    if getattr(user, "role", None) in (Role.REP, Role.FIELD_REP) and not user.is_superuser:
        qs = qs.filter(requested_by=user)
    return qs


def to_send(*, user, today: dt.date | None = None) -> list[DocumentSending]:
    """What is due today or earlier and not sent yet (3 queries)."""
    today = today or timezone.localdate()
    return list(
        visible_sendings(user)
        .filter(status=SendingStatus.TO_SEND, due_on__lte=today)
        .select_related("company", "contact", "requested_by")
        .prefetch_related("documents")
        .order_by("due_on", "pk")
    )


def to_send_count(*, user, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return visible_sendings(user).filter(status=SendingStatus.TO_SEND, due_on__lte=today).count()


def suggested_documents(*, company: Company, limit: int = 12) -> list[CommercialDocument]:
    """The technical sheets of what the customer usually buys first, then the documents of its
    segment or of every segment (catalogue, price list, offers)."""
    from televente.orders.models import ProductHabit

    usual = list(
        ProductHabit.objects.filter(company=company)
        .order_by("-orders_count", "-score")
        .values_list("product_id", flat=True)[:20]
    )
    rank = {pid: i for i, pid in enumerate(usual)}
    sheets = sorted(
        CommercialDocument.objects.filter(
            is_active=True, kind=DocumentKind.TECHNICAL_SHEET, product_id__in=usual
        ).select_related("product"),
        key=lambda d: rank.get(d.product_id, 99),
    )
    general = list(
        CommercialDocument.objects.filter(is_active=True)
        .exclude(kind=DocumentKind.TECHNICAL_SHEET)
        .filter(Q(segments__isnull=True) | Q(segments=company.segment_id or 0))
        .distinct()
        .order_by("kind", "title")
    )
    return (sheets[:6] + general)[:limit]


def company_recipients(company: Company) -> list:
    """Contacts who can receive an email, the order contact and decision maker first."""
    return list(
        company.contacts.filter(is_active=True, anonymised_at__isnull=True, opt_out_email=False)
        .exclude(email="")
        .order_by("-is_order_contact", "-is_decision_maker", "last_name")
    )


def company_sendings(*, company: Company, limit: int = 4) -> dict:
    qs = DocumentSending.objects.filter(company=company)
    return {
        "pending": qs.filter(status=SendingStatus.TO_SEND).count(),
        "recent": list(
            qs.exclude(status=SendingStatus.CANCELLED)
            .select_related("message", "contact")
            .prefetch_related("documents")
            .order_by("-pk")[:limit]
        ),
    }


def documents_library(*, user, kind: str = "", include_inactive: bool = False) -> list[CommercialDocument]:
    qs = CommercialDocument.objects.select_related("product").prefetch_related("segments")
    if kind:
        qs = qs.filter(kind=kind)
    if not (include_inactive and can_manage(user)):
        qs = qs.filter(is_active=True)
    return list(qs.order_by("kind", "title"))
