from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.choices import Role
from televente.accounts.permissions import is_supervisor_or_admin
from televente.core import tabular
from televente.core.errors import DomainError, PermissionRefused, add_form_error

from . import exports, imports, selectors, services
from .actions import actions_for, attach_entry_links, panels_for, portfolio_links_for
from .forms import (
    CallWindowFormSet,
    ClosureForm,
    CompanyForm,
    ConsentForm,
    ContactForm,
    DeliveryAddressForm,
    ImportConfirmForm,
    ImportMappingForm,
    ImportUploadForm,
    InteractionForm,
    QualificationForm,
    SavedFilterForm,
)
from .models import ClosurePeriod, Company, Contact, DeliveryAddress, ImportJob, Interaction, SavedFilter

PAGE_SIZE = 25  # what fits on two screens at 1366x768; keeps each keystroke of the search cheap


def _company_or_404(request: HttpRequest, pk: int, *, edit: bool = False) -> Company:
    qs = Company.objects.editable_by(request.user) if edit else Company.objects.visible_to(request.user)
    return get_object_or_404(qs, pk=pk)


def _supervisor_or_admin(request: HttpRequest) -> None:
    if not is_supervisor_or_admin(request.user):
        raise PermissionDenied


# Portfolio -------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    filterset = selectors.portfolio(user=request.user, params=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "saved_filters": SavedFilter.objects.filter(user=request.user),
        "saved_filter_form": SavedFilterForm(),
        "can_create": request.user.role != Role.BACK_OFFICE,
        "portfolio_links": portfolio_links_for(request.user),
        # Row links are built from this prefix: one reverse() per page instead of one per row.
        "portfolio_url": reverse("customers:portfolio"),
    }
    if request.htmx and request.htmx.target == "portfolio-results":
        return render(request, "customers/portfolio.html#portfolio-results", context)
    return render(request, "customers/portfolio.html", context)


@login_required
@require_GET
def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filterset = selectors.portfolio(user=request.user, params=request.GET)
    companies = filterset.qs
    count = companies.count()
    services.bulk_export_logged(by=request.user, what=f"portfolio?{request.GET.urlencode()}", count=count)
    header, rows = exports.portfolio_rows(companies.iterator(chunk_size=2000))
    return tabular.download(header, rows, fmt=fmt, basename="portefeuille", title=_("Portefeuille"))


@login_required
@require_POST
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        services.saved_filter_save(user=request.user, name=form.cleaned_data["name"], query=query)
        messages.success(request, _("Filtre enregistré."))
    else:
        messages.error(request, _("Donnez un nom au filtre."))
    return redirect(f"{reverse('customers:portfolio')}?{query}")


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    services.saved_filter_delete(saved=saved, by=request.user)
    messages.success(request, _("Filtre supprimé."))
    return redirect("customers:portfolio")


# Company ---------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.company_file(user=request.user, pk=pk)
    if file is None:
        raise Http404(_("Fiche introuvable."))
    can_edit = Company.objects.editable_by(request.user).filter(pk=pk).exists()
    form = InteractionForm(company=file.company)
    return render(
        request,
        "customers/company_detail.html",
        {
            "file": file,
            "log_form": form,
            "can_edit": can_edit,
            "actions": actions_for(request.user, file.company) if can_edit else [],
            "panels": panels_for(request.user, file.company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_create(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.BACK_OFFICE and not request.user.is_superuser:
        raise PermissionDenied
    # An inbound call from an unknown number opens this page with the number already typed.
    initial = {"phone_main": request.GET.get("telephone", "")[:30]}
    form = CompanyForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(by=request.user, data=form.company_data(), phones=form.phones())
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Fiche créée."))
            return redirect("customers:detail", pk=company.pk)
    return render(request, "customers/company_form.html", {"form": form, "company": None})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    form = CompanyForm(
        request.POST if request.method == "POST" else None, instance=company, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, by=request.user, data=form.company_data())
            services.company_phones_set(company=company, by=request.user, phones=form.phones())
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Fiche enregistrée."))
            return redirect("customers:detail", pk=company.pk)
    return render(request, "customers/company_form.html", {"form": form, "company": company})


@login_required
@require_http_methods(["GET", "POST"])
def company_qualify(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    form = QualificationForm(request.POST if request.method == "POST" else None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, by=request.user, data=form.cleaned_data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Qualification enregistrée."))
            return redirect("customers:detail", pk=company.pk)
    return render(request, "customers/company_qualify.html", {"form": form, "company": company})


@login_required
@require_POST
def company_convert(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    try:
        services.company_convert_to_customer(company=company, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Le prospect est devenu client ; son historique est conservé."))
    return redirect("customers:detail", pk=company.pk)


@login_required
@require_http_methods(["GET", "POST"])
def call_windows_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    initial = [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in company.call_windows.all()]
    formset = CallWindowFormSet(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        rows = [
            (f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"])
            for f in formset
            if f.cleaned_data and f.cleaned_data.get("weekday") not in (None, "")
        ]
        try:
            services.call_windows_set(company=company, by=request.user, windows=rows)
        except DomainError as exc:
            formset._non_form_errors = formset.error_class([exc.message])
        else:
            messages.success(request, _("Créneaux d'appel enregistrés."))
            return redirect("customers:detail", pk=company.pk)
    return render(
        request,
        "customers/call_windows_form.html",
        {
            "formset": formset,
            "company": company,
            "closure_form": ClosureForm(),
            "closures": company.closures.all(),
        },
    )


@login_required
@require_POST
def closure_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            services.closure_add(company=company, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Fermeture enregistrée."))
            return redirect("customers:call_windows", pk=company.pk)
    initial = [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in company.call_windows.all()]
    return render(
        request,
        "customers/call_windows_form.html",
        {
            "formset": CallWindowFormSet(initial=initial),
            "company": company,
            "closure_form": form,
            "closures": company.closures.all(),
        },
    )


@login_required
@require_POST
def closure_delete(request: HttpRequest, pk: int, closure_pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    services.closure_delete(
        closure=get_object_or_404(ClosurePeriod, pk=closure_pk, company=company), by=request.user
    )
    messages.success(request, _("Fermeture supprimée."))
    return redirect("customers:call_windows", pk=company.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delivery_address_edit(request: HttpRequest, pk: int, address_pk: int | None = None) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    address = get_object_or_404(DeliveryAddress, pk=address_pk, company=company) if address_pk else None
    form = DeliveryAddressForm(request.POST if request.method == "POST" else None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.delivery_address_save(
                company=company, by=request.user, data=form.cleaned_data, address=address
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Adresse de livraison enregistrée."))
            return redirect("customers:detail", pk=company.pk)
    return render(
        request,
        "customers/delivery_address_form.html",
        {"form": form, "company": company, "address": address},
    )


@login_required
@require_POST
def delivery_address_delete(request: HttpRequest, pk: int, address_pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    address = get_object_or_404(DeliveryAddress, pk=address_pk, company=company)
    services.delivery_address_delete(address=address, by=request.user)
    messages.success(request, _("Adresse de livraison supprimée."))
    return redirect("customers:detail", pk=company.pk)


# Contacts --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int | None = None) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    contact = get_object_or_404(Contact, pk=contact_pk, company=company) if contact_pk else None
    form = ContactForm(request.POST if request.method == "POST" else None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(
                company=company,
                by=request.user,
                data=form.contact_data(),
                phones=form.phones(),
                contact=contact,
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Interlocuteur enregistré."))
            return redirect("customers:detail", pk=company.pk)
    consent_form = ConsentForm() if contact else None
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "company": company, "contact": contact, "consent_form": consent_form},
    )


@login_required
@require_POST
def contact_consent(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    contact = get_object_or_404(Contact, pk=contact_pk, company=company)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.contact_set_consent(contact=contact, by=request.user, **form.cleaned_data)
        messages.success(request, _("Choix de contact enregistré."))
        return redirect("customers:contact_edit", pk=company.pk, contact_pk=contact.pk)
    return render(
        request,
        "customers/contact_form.html",
        {"form": ContactForm(instance=contact), "company": company, "contact": contact, "consent_form": form},
    )


@login_required
@require_GET
def contact_export(request: HttpRequest, pk: int, contact_pk: int, fmt: str) -> HttpResponse:
    _supervisor_or_admin(request)
    company = _company_or_404(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, company=company)
    data = services.contact_personal_data(contact=contact, by=request.user)
    if fmt == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{contact.pk}.json"'
        return response
    rows = [["section", "champ", "valeur"]]
    for key, value in data["contact"].items():
        rows.append(["contact", key, value])
    for section in ("phones", "consents", "interactions"):
        for index, item in enumerate(data[section], 1):
            rows.append([section, str(index), json.dumps(item, ensure_ascii=False)])
    response = StreamingHttpResponse(
        tabular.to_csv(rows[0], rows[1:]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{contact.pk}.csv"'
    return response


@login_required
@require_POST
def contact_erase(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    _supervisor_or_admin(request)
    company = _company_or_404(request, pk, edit=True)
    contact = get_object_or_404(Contact, pk=contact_pk, company=company)
    services.contact_erase(contact=contact, by=request.user)
    messages.success(request, _("Les données personnelles de l'interlocuteur ont été effacées."))
    return redirect("customers:detail", pk=company.pk)


# Timeline --------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def interaction_create(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    form = InteractionForm(request.POST, company=company)
    if form.is_valid():
        try:
            services.interaction_log(company=company, by=request.user, data=form.interaction_data())
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            form = InteractionForm(company=company)
            if not request.htmx:
                messages.success(request, _("Contact enregistré."))
                return redirect("customers:detail", pk=company.pk)
    file = selectors.company_file(user=request.user, pk=pk)
    context = {"file": file, "log_form": form, "can_edit": True}
    if request.htmx:
        return render(request, "customers/company_detail.html#activity", context)
    return render(request, "customers/company_detail.html", context)


@login_required
@require_GET
def timeline_more(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    at = parse_datetime(request.GET.get("before_at", ""))
    try:
        before_id = int(request.GET.get("before_id", ""))
    except ValueError:
        before_id = None
    before = (at, before_id) if at and before_id else None
    rows, has_more = selectors.timeline_page(company=company, before=before)
    attach_entry_links(request.user, rows)
    return render(
        request,
        "customers/company_detail.html#timeline-rows",
        {"timeline": rows, "has_more": has_more, "company": company},
    )


@login_required
@require_POST
def next_step_done(request: HttpRequest, pk: int, interaction_pk: int) -> HttpResponse:
    company = _company_or_404(request, pk, edit=True)
    interaction = get_object_or_404(Interaction, pk=interaction_pk, company=company)
    try:
        services.next_step_done(interaction=interaction, by=request.user)
    except (DomainError, PermissionRefused) as exc:
        messages.error(request, exc.message)
    return redirect("customers:detail", pk=company.pk)


# Import ----------------------------------------------------------------------------------------------------------


def _importer_only(request: HttpRequest) -> None:
    if request.user.role == Role.BACK_OFFICE and not request.user.is_superuser:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    _importer_only(request)
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(
                by=request.user,
                upload=form.cleaned_data["file"],
                default_rep=form.cleaned_data["default_rep"],
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            return redirect("customers:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "customers/import_start.html", {"form": form, "jobs": jobs})


def _import_context(job: ImportJob, **extra) -> dict:
    return {
        "job": job,
        "mapping_form": extra.get("mapping_form")
        or ImportMappingForm(headers=job.headers, initial_mapping=job.mapping),
        # With rows in error, "all or nothing" would be refused: propose the valid rows first.
        "confirm_form": extra.get("confirm_form")
        or ImportConfirmForm(initial={"mode": "valid_only" if job.error_rows else "all"}),
        "error": extra.get("error"),
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    if request.htmx:
        return render(request, "customers/import_detail.html#import-status", _import_context(job))
    return render(request, "customers/import_detail.html", _import_context(job))


@login_required
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    form = ImportMappingForm(request.POST, headers=job.headers, initial_mapping=job.mapping)
    if form.is_valid():
        try:
            imports.import_job_set_mapping(job=job, by=request.user, mapping=form.mapping())
        except DomainError as exc:
            return render(
                request,
                "customers/import_detail.html",
                _import_context(job, mapping_form=form, error=exc.message),
            )
        return redirect("customers:import_detail", pk=job.pk)
    return render(request, "customers/import_detail.html", _import_context(job, mapping_form=form))


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    form = ImportConfirmForm(request.POST)
    if form.is_valid():
        try:
            imports.import_job_confirm(
                job=job,
                by=request.user,
                mode=form.cleaned_data["mode"],
                skip_duplicates=form.cleaned_data["skip_duplicates"],
            )
        except DomainError as exc:
            return render(
                request,
                "customers/import_detail.html",
                _import_context(job, confirm_form=form, error=exc.message),
            )
        return redirect("customers:import_detail", pk=job.pk)
    return render(request, "customers/import_detail.html", _import_context(job, confirm_form=form))


# Duplicates and GDPR review ---------------------------------------------------------------------------------------


@login_required
@require_GET
def duplicates_list(request: HttpRequest) -> HttpResponse:
    _supervisor_or_admin(request)
    from .duplicates import find_duplicates

    return render(request, "customers/duplicates.html", {"pairs": find_duplicates(user=request.user)})


@login_required
@require_POST
def duplicates_merge(request: HttpRequest) -> HttpResponse:
    _supervisor_or_admin(request)
    visible = Company.objects.editable_by(request.user)
    try:
        kept = get_object_or_404(visible, pk=int(request.POST.get("kept", "")))
        removed = get_object_or_404(visible, pk=int(request.POST.get("removed", "")))
    except ValueError as exc:
        raise Http404 from exc
    try:
        services.company_merge(kept=kept, removed=removed, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("customers:duplicates")
    messages.success(
        request,
        _("Fiches fusionnées : tout l'historique est sur « %(name)s ».") % {"name": kept.display_name},
    )
    return redirect("customers:detail", pk=kept.pk)


@login_required
@require_http_methods(["GET", "POST"])
def gdpr_review(request: HttpRequest) -> HttpResponse:
    _supervisor_or_admin(request)
    candidates = selectors.purgeable_prospects(user=request.user)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("company") if v.isdigit()]
        count = services.prospects_purge(companies=list(candidates.filter(pk__in=ids)), by=request.user)
        messages.success(
            request, _("%(n)s prospect(s) supprimé(s) ; la purge est journalisée.") % {"n": count}
        )
        return redirect("customers:gdpr")
    from .models import GdprLog

    return render(
        request,
        "customers/gdpr.html",
        {"candidates": candidates[:500], "log": GdprLog.objects.select_related("by")[:30]},
    )
