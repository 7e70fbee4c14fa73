from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from televente.accounts.permissions import is_admin
from televente.core import tabular
from televente.core.errors import DomainError
from televente.customers.models import Company
from televente.customers.search import filter_companies

from . import price_import, selectors
from .forms import PriceImportConfirmForm, PriceImportForm
from .models import PriceListImport


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


def _admin_only(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def price_import_start(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = PriceImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = price_import.price_import_check(
                by=request.user, price_list=form.cleaned_data["price_list"], upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file" if exc.field == "file" else None, exc.message)
        else:
            return redirect("catalog:price_import", pk=job.pk)
    return render(request, "catalog/price_import_start.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def price_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    job = get_object_or_404(
        PriceListImport.objects.select_related("price_list"), pk=pk, created_by=request.user
    )
    form = PriceImportConfirmForm(
        request.POST if request.method == "POST" else None, initial={"valid_only": bool(job.errors)}
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            job = price_import.price_import_apply(
                job=job, by=request.user, valid_only=form.cleaned_data["valid_only"]
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("catalog:price_import", pk=job.pk)
    return render(request, "catalog/price_import_detail.html", {"job": job, "form": form, "error": error})


@login_required
@require_GET
def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole catalogue with units, base prices and free stock (CSV or XLSX)."""
    header, rows = selectors.catalogue_rows()
    return tabular.download(header, rows, fmt=fmt, basename="catalogue", title=_("Catalogue"))
