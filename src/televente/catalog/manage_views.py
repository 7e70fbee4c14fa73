"""Catalogue management screens: articles, price lists, promotions, file imports.

For product managers (back office, purchasing) and the admin; stock imports also for the rest of
the back office. The rules live in services, pricing and imports; these views only wire forms.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from televente.accounts.permissions import can_manage_catalogue, can_push_stock
from televente.core.errors import DomainError, add_form_error

from . import imports, selectors, services
from .forms import (
    CatalogImportConfirmForm,
    CatalogImportForm,
    PriceItemForm,
    PriceListForm,
    ProductFilterForm,
    ProductForm,
    ProductLinkFormSet,
    PromotionForm,
    QuantityBreakFormSet,
    SalesUnitFormSet,
)
from .models import CatalogImport, PriceList, PriceListItem, Product, Promotion

PAGE_SIZE = 50


def manager_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_manage_catalogue(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _post(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# Articles ----------------------------------------------------------------------------------------------------------


@login_required
def manage_home(request: HttpRequest) -> HttpResponse:
    """The product list for managers; the back office outside purchasing only sees the stock import."""
    if not can_manage_catalogue(request.user):
        if can_push_stock(request.user):
            return redirect("catalog:import_start", kind=CatalogImport.Kind.STOCK)
        raise PermissionDenied
    filters = ProductFilterForm(request.GET or None)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {}) or {}
    products = selectors.managed_products(query=data.get("q", ""), status=data.get("status", ""))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/manage/products.html", {"filters": filters, "page": page})


def _product_forms(request: HttpRequest, product: Product | None):
    instance = product or Product()
    data = _post(request)
    form = ProductForm(data, instance=instance, prefix="p")
    formsets = [
        SalesUnitFormSet(data, instance=instance, prefix="units"),
        QuantityBreakFormSet(data, instance=instance, prefix="breaks"),
        ProductLinkFormSet(
            data,
            instance=instance,
            prefix="links",
            queryset=instance.links.select_related("target") if product else None,
        ),
    ]
    return form, formsets


@manager_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk) if pk else None
    form, formsets = _product_forms(request, product)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        try:
            product = services.product_save(by=request.user, form=form, formsets=formsets)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Article « %(name)s » enregistré.") % {"name": product.name})
            return redirect("catalog:manage_product", pk=product.pk)
    units, breaks, links = formsets
    return render(
        request,
        "catalog/manage/product_form.html",
        {"form": form, "units": units, "breaks": breaks, "links": links, "product": product},
    )


# Price lists -------------------------------------------------------------------------------------------------------


@manager_required
def price_lists(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/manage/price_lists.html", {"price_lists": selectors.price_lists()})


@manager_required
@require_http_methods(["GET", "POST"])
def price_list_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    price_list = get_object_or_404(PriceList, pk=pk) if pk else None
    form = PriceListForm(_post(request), instance=price_list or PriceList(), prefix="pl")
    if request.method == "POST" and form.is_valid():
        price_list = services.price_list_save(by=request.user, form=form)
        messages.success(request, _("Tarif « %(name)s » enregistré.") % {"name": price_list.name})
        return redirect("catalog:manage_price_list", pk=price_list.pk)
    return _price_list_page(request, price_list, form, PriceItemForm(prefix="item"))


def _price_list_page(request, price_list, form, item_form, status: int = 200) -> HttpResponse:
    context = {
        "price_list": price_list,
        "form": form,
        "item_form": item_form,
        "query": request.GET.get("q", ""),
    }
    if price_list is not None:
        items = selectors.price_list_items(price_list=price_list, query=context["query"])
        context["page"] = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/manage/price_list_form.html", context, status=status)


@manager_required
@require_POST
def price_item_set(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = get_object_or_404(PriceList, pk=pk)
    item_form = PriceItemForm(request.POST, prefix="item")
    if item_form.is_valid():
        product, price = item_form.cleaned_data["product"], item_form.cleaned_data["price"]
        try:
            services.price_item_set(by=request.user, price_list=price_list, product=product, price=price)
        except DomainError as exc:
            item_form.add_error("price", exc.message)
        else:
            messages.success(
                request,
                _("Prix de %(code)s enregistré : %(price)s € HT.") % {"code": product.code, "price": price},
            )
            return redirect("catalog:manage_price_list", pk=price_list.pk)
    form = PriceListForm(instance=price_list, prefix="pl")
    return _price_list_page(request, price_list, form, item_form, status=422)


@manager_required
@require_POST
def price_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(PriceListItem.objects.select_related("product"), pk=item_pk, price_list_id=pk)
    services.price_item_delete(by=request.user, item=item)
    messages.success(request, _("Prix de %(code)s retiré du tarif.") % {"code": item.product.code})
    return redirect("catalog:manage_price_list", pk=pk)


# Promotions --------------------------------------------------------------------------------------------------------


@manager_required
def promotions(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/manage/promotions.html", {"rows": selectors.promotions_overview()})


def _preview_from(form: PromotionForm):
    """The targeting typed so far, even when another field is still wrong."""
    cleaned = getattr(form, "cleaned_data", {})
    return selectors.promotion_preview(
        segment_ids=[s.pk for s in cleaned.get("segments") or []],
        company_ids=[c.pk for c in cleaned.get("company_refs") or []],
        category_ids=[c.pk for c in cleaned.get("categories") or []],
        product_ids=[p.pk for p in cleaned.get("product_codes") or []],
    )


@manager_required
@require_http_methods(["GET", "POST"])
def promotion_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    promotion = get_object_or_404(Promotion, pk=pk) if pk else None
    form = PromotionForm(_post(request), instance=promotion or Promotion(), prefix="promo")
    if request.method == "POST" and form.is_valid():
        promotion = services.promotion_save(by=request.user, form=form)
        messages.success(request, _("Offre « %(name)s » enregistrée.") % {"name": promotion.name})
        return redirect("catalog:manage_promotion", pk=promotion.pk)
    if request.method == "GET":
        preview = (
            selectors.promotion_preview(
                segment_ids=list(promotion.segments.values_list("pk", flat=True)),
                company_ids=list(promotion.companies.values_list("pk", flat=True)),
                category_ids=list(promotion.categories.values_list("pk", flat=True)),
                product_ids=list(promotion.products.values_list("pk", flat=True)),
            )
            if promotion
            else None
        )
    else:
        preview = _preview_from(form)
    return render(
        request,
        "catalog/manage/promotion_form.html",
        {"form": form, "promotion": promotion, "preview": preview},
        status=422 if request.method == "POST" else 200,
    )


@manager_required
@require_POST
def promotion_preview(request: HttpRequest) -> HttpResponse:
    """The targeting preview, refreshed by htmx as the targeting fields change (nothing saved)."""
    form = PromotionForm(request.POST, prefix="promo")
    form.is_valid()
    return render(
        request, "catalog/manage/_promotion_preview.html", {"preview": _preview_from(form), "form": form}
    )


# Imports -----------------------------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in CatalogImport.Kind.values:
        raise Http404
    return kind


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    if not imports.can_import(request.user, kind):
        raise PermissionDenied
    initial = {"price_list": request.GET.get("tarif")} if kind == CatalogImport.Kind.PRICES else None
    form = CatalogImportForm(_post(request), request.FILES or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_check(
                by=request.user,
                kind=kind,
                upload=form.cleaned_data["file"],
                price_list=form.cleaned_data.get("price_list"),
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            return redirect("catalog:import", pk=job.pk)
    return render(
        request,
        "catalog/manage/import_start.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": CatalogImport.Kind(kind).label,
            "stock_only": not can_manage_catalogue(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(
        CatalogImport.objects.select_related("price_list"), pk=pk, created_by=request.user
    )
    if not imports.can_import(request.user, job.kind):
        raise PermissionDenied
    form = CatalogImportConfirmForm(_post(request), initial={"valid_only": bool(job.errors)})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_apply(job=job, by=request.user, valid_only=form.cleaned_data["valid_only"])
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("catalog:import", pk=job.pk)
    return render(
        request,
        "catalog/manage/import_detail.html",
        {"job": job, "form": form, "error": error, "stock_only": not can_manage_catalogue(request.user)},
    )
