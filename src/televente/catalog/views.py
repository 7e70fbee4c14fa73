from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from televente.core import tabular
from televente.customers.models import Company
from televente.customers.search import filter_companies

from . import selectors


def _client(request: HttpRequest) -> Company | None:
    """The customer the prices are for: `client` is an id, or the start of a name the user can see."""
    raw = (request.GET.get("client") or "").strip()
    if not raw:
        return None
    visible = Company.objects.visible_to(request.user).select_related("segment")
    if raw.isdigit():
        return visible.filter(pk=int(raw)).first()
    return filter_companies(visible, raw).order_by("sort_name").first()


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    company = _client(request)
    query = request.GET.get("q", "")
    context = {
        "query": query,
        "client_query": request.GET.get("client", ""),
        "company": company,
        "rows": selectors.product_search(query=query, company=company),
        "delivery_date": selectors.next_delivery_date(),
    }
    if request.htmx and request.htmx.target == "catalog-results":
        return render(request, "catalog/search.html#catalog-results", context)
    return render(request, "catalog/search.html", context)


@login_required
@require_GET
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _client(request)
    sheet = selectors.product_sheet(product_id=pk, company=company)
    if sheet is None:
        raise Http404(_("Article introuvable."))
    return render(
        request,
        "catalog/product_detail.html",
        {
            "sheet": sheet,
            "company": company,
            "client_query": request.GET.get("client", ""),
            "delivery_date": selectors.next_delivery_date(),
        },
    )


@login_required
@require_GET
def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole catalogue with units, base prices and free stock (CSV or XLSX)."""
    header, rows = selectors.catalogue_rows()
    return tabular.download(header, rows, fmt=fmt, basename="catalogue", title=_("Catalogue"))
