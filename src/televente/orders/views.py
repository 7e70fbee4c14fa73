"""The order screen and its htmx regions. Each change answers with the changed row, the totals and
the new version only (out-of-band swaps), never the whole order: a change stays instant on a
1,000-line order."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.permissions import can_approve_discounts, discount_limit, is_supervisor_or_admin
from televente.catalog import selectors as catalog_selectors
from televente.catalog.models import Product, SalesUnit
from televente.core.errors import DomainError
from televente.customers.models import Company

from . import incidents, selectors, services
from .choices import LineOrigin, OrderStatus
from .forms import (
    ConfirmForm,
    DiscountDecisionForm,
    LineAddForm,
    LineUpdateForm,
    LostSaleForm,
    StatusForm,
    TermsForm,
)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise DomainError(_("Version de la commande manquante : rechargez la page.")) from None


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A refused change: the message goes to the order's alert region, nothing else moves."""
    response = render(
        request,
        "orders/order.html#order-alert",
        {"error": exc.message, "conflict": exc.code == "conflict"},
        status=422,
    )
    response["HX-Retarget"] = "#order-alert"
    response["HX-Reswap"] = "outerHTML"
    return response


def _row_response(
    request: HttpRequest, order, line, template: str = "orders/order.html#line-row", *, fresh=False, **extra
) -> HttpResponse:
    """`fresh`: the service changed this very `order` and `line` in memory (totals, version), so
    they need no reload; otherwise the order is read again."""
    if not fresh:
        order.refresh_from_db()
    context = {"order": order, "line": line, "oob": True, **_authority(request, order), **extra}
    return _basket_changed(render(request, template, context))


def _basket_changed(response: HttpResponse) -> HttpResponse:
    """The complements and promotions panel reloads itself (apart from the row: the row stays O(1))."""
    response["HX-Trigger"] = "basket-changed"
    return response


def _basket_changed_render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return _basket_changed(render(request, template, context))


def _authority(request: HttpRequest, order) -> dict:
    limit = discount_limit(request.user)
    return {
        "discount_limit": limit,
        "needs_approval": services.discount_needs_approval(order, request.user),
        "credit_beyond": services.credit_exceeded(order),
    }


class CountedPaginator(Paginator):
    """A paginator told its count by a query of its own (see `selectors.order_count`)."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # the cached_property's slot

    def page(self, number):
        # Always ask for a full page: LIMIT 8 instead of LIMIT 50 made SQLite's planner switch to a
        # full scan of the orders (50 ms instead of 4 ms at `large`).
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


# Lists and start -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("statut", selectors.OPEN)
    if status not in (selectors.OPEN, selectors.ALL, *OrderStatus.values):
        status = selectors.OPEN
    return render(
        request,
        "orders/order_list.html",
        {
            "drafts": selectors.my_drafts(request.user),
            "late": selectors.late_orders(request.user),
            "page": CountedPaginator(
                selectors.order_list(user=request.user, status=status),
                50,
                count=selectors.order_count(user=request.user, status=status),
            ).get_page(request.GET.get("page")),
            "status": status,
            "statuses": [(selectors.OPEN, _("En cours")), *OrderStatus.choices, (selectors.ALL, _("Toutes"))],
            "tab": "list",
            "counts": selectors.follow_up_counts(request.user),
        },
    )


@login_required
@require_POST
def order_new(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    try:
        order = services.order_start(company=company, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("customers:detail", pk=company.pk)
    return redirect("orders:detail", pk=order.pk)


# The order screen --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    lines = selectors.order_lines(order)
    if not order.is_draft:
        allowed = services.allowed_statuses(order, request.user)
        return render(
            request,
            "orders/order_view.html",
            {
                "order": order,
                "lines": lines,
                "events": order.events.select_related("by"),
                "incidents": incidents.order_incidents(order),
                "can_report": order.status in incidents.REPORTABLE,
                "status_form": StatusForm(
                    allowed=allowed,
                    initial={"carrier": order.carrier, "expected_delivery_at": order.expected_delivery_at},
                )
                if allowed
                else None,
            },
        )
    in_order = {line.product_id for line in lines}
    habits = selectors.habitual_basket(order, in_order)
    context = {
        "order": order,
        "lines": lines,
        "habits": habits,
        "promotions": selectors.order_promotions(order, habits),
        "complements": selectors.complements(in_order, {h.product_id for h in habits}, order=order),
        "terms_form": TermsForm(
            company=order.company,
            initial={
                "delivery_date": order.delivery_date,
                "contact": order.contact_id,
                "customer_reference": order.customer_reference,
            },
        ),
        **_authority(request, order),
    }
    return render(request, "orders/order.html", context)


@login_required
@require_GET
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    query = request.GET.get("q", "").strip()
    rows = catalog_selectors.product_search(
        query=query, company=order.company, on=order.delivery_date, limit=8
    )
    return render(request, "orders/order.html#suggestions", {"order": order, "rows": rows, "query": query})


@login_required
@require_GET
def side_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Complements and promotions, refreshed after the basket changes (loaded apart from the row)."""
    order = selectors.order_for(user=request.user, pk=pk)
    in_order = set(order.lines.values_list("product_id", flat=True))
    habits = selectors.habitual_basket(order, in_order, limit=40)
    return render(
        request,
        "orders/order.html#side-offers",
        {
            "order": order,
            "promotions": selectors.order_promotions(order, habits),
            "complements": selectors.complements(in_order, {h.product_id for h in habits}, order=order),
        },
    )


@login_required
@require_POST
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    form = LineAddForm(request.POST)
    if not form.is_valid():
        return _error(request, DomainError(_("Article ou quantité invalide.")))
    product = get_object_or_404(Product, pk=form.cleaned_data["product"])
    unit = None
    if form.cleaned_data.get("unit"):
        unit = get_object_or_404(SalesUnit, pk=form.cleaned_data["unit"], product=product)
    origin = form.cleaned_data.get("origin") or LineOrigin.SEARCH
    if origin not in LineOrigin.values:
        origin = LineOrigin.SEARCH
    try:
        line = services.order_line_add(
            order=order,
            product=product,
            by=request.user,
            version=_version(request),
            quantity=form.cleaned_data.get("quantity"),
            unit=unit,
            origin=origin,
        )
    except DomainError as exc:
        return _error(request, exc)
    line = selectors.line_for(order, line.pk)
    return _row_response(request, order, line, added=True)


@login_required
@require_POST
def line_update(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    line = selectors.line_for(order, line_pk)
    form = LineUpdateForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _error(request, DomainError(first))
    unit = None
    if form.cleaned_data.get("unit") and form.cleaned_data["unit"] != line.unit_id:
        unit = next((u for u in line.product.units.all() if u.pk == form.cleaned_data["unit"]), None)
        if unit is None:
            raise Http404
    try:
        services.order_line_update(
            line=line,
            by=request.user,
            version=_version(request),
            quantity=form.cleaned_data.get("quantity"),
            unit=unit,
            manual_discount=form.cleaned_data.get("manual_discount"),
        )
    except DomainError as exc:
        return _error(request, exc)
    return _row_response(request, order, line, fresh=True)


@login_required
@require_POST
def line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    line = selectors.line_for(order, line_pk)
    try:
        services.order_line_remove(line=line, by=request.user, version=_version(request))
    except DomainError as exc:
        return _error(request, exc)
    order.refresh_from_db()
    return _basket_changed_render(
        request,
        "orders/order.html#line-removed",
        {"order": order, "line_pk": line_pk, **_authority(request, order)},
    )


@login_required
@require_GET
def line_substitutes(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """The substitutes of a short line: availability for this line's quantity, price difference, why."""
    order = selectors.order_for(user=request.user, pk=pk)
    line = selectors.line_for(order, line_pk)
    options = selectors.substitute_options(order, line)
    return render(
        request,
        "orders/order.html#substitutes",
        {
            "order": order,
            "line": line,
            "options": options,
            "lost_form": LostSaleForm(initial={"callback": bool(line.eta)}),
        },
    )


@login_required
@require_POST
def line_substitute(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    line = selectors.line_for(order, line_pk)
    substitute = get_object_or_404(Product, pk=request.POST.get("substitute") or 0)
    try:
        new = services.order_line_substitute(
            line=line, substitute=substitute, by=request.user, version=_version(request)
        )
    except DomainError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect("orders:recap", pk=order.pk)
        return _error(request, exc)
    if not request.htmx:  # from the read-back page, after a confirmation refused for want of stock
        messages.success(
            request,
            _("%(old)s remplacé par %(new)s.") % {"old": line.product.name, "new": substitute.name},
        )
        return redirect("orders:recap", pk=order.pk)
    return _row_response(request, order, selectors.line_for(order, new.pk), replaced_pk=line_pk)


@login_required
@require_POST
def lost_sale(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    form = LostSaleForm(request.POST)
    if not form.is_valid():
        return _error(request, DomainError(_("Raison de la vente perdue manquante.")))
    line = selectors.line_for(order, form.cleaned_data["line"])
    try:
        lost = services.order_line_refuse(
            line=line,
            reason=form.cleaned_data["reason"],
            by=request.user,
            version=_version(request),
            callback=form.cleaned_data["callback"],
        )
    except DomainError as exc:
        return _error(request, exc)
    order.refresh_from_db()
    message = (
        _("Vente perdue notée ; rappel prévu le %(d)s.") % {"d": lost.callback_on.strftime("%d/%m/%Y")}
        if lost.callback_on
        else _("Vente perdue notée pour les achats.")
    )
    return _basket_changed_render(
        request,
        "orders/order.html#line-removed",
        {
            "order": order,
            "line_pk": line.pk,
            "notice": message,
            **_authority(request, order),
        },
    )


@login_required
@require_POST
def terms(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    form = TermsForm(request.POST, company=order.company)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _error(request, DomainError(first))
    try:
        services.order_set_terms(
            order=order,
            by=request.user,
            version=_version(request),
            delivery_date=form.cleaned_data["delivery_date"],
            contact=form.cleaned_data.get("contact"),
            customer_reference=form.cleaned_data.get("customer_reference", ""),
        )
    except DomainError as exc:
        return _error(request, exc)
    return redirect("orders:detail", pk=order.pk)


# Read-back and confirmation ------------------------------------------------------------------------------------------


@login_required
@require_GET
def recap(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    if not order.is_draft:
        return redirect("orders:detail", pk=order.pk)
    lines = selectors.order_lines(order)
    return render(
        request,
        "orders/recap.html",
        {
            "order": order,
            "lines": lines,
            "readback": selectors.readback(order, lines),
            "shortages": selectors.shortages(order, lines),
            "form": ConfirmForm(initial={"version": order.version}),
            "can_override_credit": is_supervisor_or_admin(request.user),
            **_authority(request, order),
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    if selectors.already_confirmed(order):  # a double click, or the retry of a confirmation that went through
        messages.info(request, _("Commande %(number)s déjà confirmée.") % {"number": order.number})
        return redirect("orders:detail", pk=order.pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("orders:recap", pk=order.pk)
    try:
        order = services.order_confirm(
            order=order,
            by=request.user,
            version=form.cleaned_data["version"],
            credit_override_reason=form.cleaned_data.get("credit_override_reason", ""),
        )
    except DomainError as exc:
        order.refresh_from_db()
        if selectors.already_confirmed(
            order
        ):  # the same confirmation posted twice at once: the other one won
            messages.info(request, _("Commande %(number)s déjà confirmée.") % {"number": order.number})
            return redirect("orders:detail", pk=order.pk)
        messages.error(request, exc.message)
        return redirect(
            "orders:recap" if not isinstance(exc, services.OrderChanged) else "orders:detail", pk=order.pk
        )
    contact = order.contact
    if contact and contact.email and contact.allows("email"):
        note = _("La confirmation part par e-mail à %(email)s.") % {"email": contact.email}
    else:
        note = _("Pas d'e-mail de confirmation : aucun interlocuteur joignable par e-mail.")
    messages.success(request, _("Commande %(number)s confirmée.") % {"number": order.number} + " " + note)
    return redirect("orders:detail", pk=order.pk)


@login_required
@require_POST
def discount_request(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    try:
        services.order_request_discount_approval(
            order=order, by=request.user, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Demande d'accord envoyée au superviseur."))
    return redirect("orders:recap", pk=order.pk)


@login_required
@require_http_methods(["POST"])
def discount_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_approve_discounts(request.user):
        raise PermissionDenied
    order = selectors.order_for(user=request.user, pk=pk)
    form = DiscountDecisionForm(request.POST)
    form.is_valid()
    try:
        services.order_decide_discount(
            order=order,
            by=request.user,
            approve=form.cleaned_data.get("approve", False),
            note=form.cleaned_data.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (
                _("Remise accordée : %(rep)s est prévenu.")
                if form.cleaned_data.get("approve")
                else _("Remise refusée : %(rep)s est prévenu.")
            )
            % {"rep": order.rep.get_full_name() if order.rep else _("le télévendeur")},
        )
    return redirect("orders:approvals")


@login_required
@require_GET
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from .documents import confirmation_pdf

    order = selectors.order_for(user=request.user, pk=pk)
    if order.is_draft:
        raise Http404
    response = HttpResponse(confirmation_pdf(order, request.LANGUAGE_CODE), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="commande-{order.number}.pdf"'
    return response
