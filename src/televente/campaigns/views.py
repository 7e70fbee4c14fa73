"""Campaign screens: the list, the builder with its live target preview, the campaign page with its
results and targets, the CSV export, and the customer's card (customer file and cockpit)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.choices import Role
from televente.core import tabular
from televente.core.errors import DomainError, add_form_error
from televente.customers.models import Company

from . import selectors, services, targeting
from .choices import CampaignChannel, CampaignStatus, TargetStatus
from .forms import CampaignForm
from .models import Campaign

TARGETS_PAGE = 50


def _viewer(request: HttpRequest) -> None:
    if not services.can_view(request.user):
        raise PermissionDenied


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    _viewer(request)
    return get_object_or_404(
        selectors.visible_campaigns(request.user).select_related(
            "team", "script", "promotion", "survey", "created_by", "launched_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    campaigns = selectors.campaign_list(user=request.user)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "groups": [
                (status.label, [c for c in campaigns if c.status == status])
                for status in (CampaignStatus.RUNNING, CampaignStatus.DRAFT, CampaignStatus.CLOSED)
                if any(c.status == status for c in campaigns)
            ],
            "can_build": services.can_build(request.user),
            "is_rep": selectors.is_rep(request.user),
        },
    )


def _builder(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user = request.user
    if not services.can_build(user) or (campaign is not None and not services.can_edit(user, campaign)):
        raise PermissionDenied
    if campaign is not None and campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Une campagne lancée ne se modifie plus."))
        return redirect("campaigns:detail", pk=campaign.pk)
    if request.method == "POST":
        form = CampaignForm(request.POST, instance=campaign, user=user)
        query = targeting.clean_query(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "documents"}
            try:
                saved = services.campaign_save(
                    by=user,
                    data=data,
                    target_query=query,
                    documents=form.cleaned_data["documents"],
                    campaign=campaign,
                )
            except DomainError as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, _("Campagne « %(name)s » enregistrée.") % {"name": saved.name})
                return redirect("campaigns:detail", pk=saved.pk)
    else:
        initial = {}
        if campaign is None:
            today = timezone.localdate()
            initial = {
                "starts_on": today,
                "ends_on": today + dt.timedelta(days=14),
                "goal": request.GET.get("objectif", ""),
            }
        form = CampaignForm(instance=campaign, initial=initial, user=user)
        # Starting from the portfolio: its querystring comes along.
        query = campaign.target_query if campaign else targeting.clean_query(request.GET)
    filterset = targeting.target_filter(query=query, user=user)
    filterset.form.is_valid()
    return render(
        request,
        "campaigns/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "filter_fields": [f for f in filterset.form if f.name not in targeting.IGNORED_PARAMS],
            "query": query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _builder(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _builder(request, _campaign(request, pk))


@login_required
@require_GET
def target_preview(request: HttpRequest) -> HttpResponse:
    """The builder's live count (htmx on every change of the filters, the team or the channel)."""
    user = request.user
    if not services.can_build(user):
        raise PermissionDenied
    query = targeting.clean_query(request.GET)
    team_id = request.GET.get("team", "")
    teams = services.buildable_teams(user)
    if team_id.isdigit() and teams.filter(pk=int(team_id)).exists():
        team = int(team_id)
    elif user.is_superuser or user.role == Role.ADMIN:
        team = None
    else:
        team = teams.values_list("pk", flat=True).first()
    channel = request.GET.get("channel", CampaignChannel.PHONE)
    if channel not in CampaignChannel.values:
        channel = CampaignChannel.PHONE
    preview = selectors.target_preview(user=user, query=query, team_id=team, channel=channel)
    return render(request, "campaigns/_preview.html", {"preview": preview, "query": query})


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    user = request.user
    status = request.GET.get("etat", "")
    context = {
        "campaign": campaign,
        "documents": list(campaign.documents.all()),
        "can_edit": services.can_edit(user, campaign),
        "is_rep": selectors.is_rep(user),
        "status": status,
        "statuses": TargetStatus.choices,
    }
    if campaign.status == CampaignStatus.DRAFT:
        context["warnings"] = services.launch_warnings(campaign)
        context["preview"] = selectors.target_preview(
            user=user, query=campaign.target_query, team_id=campaign.team_id, channel=campaign.channel
        )
    else:
        context["results"] = selectors.campaign_results(campaign=campaign, user=user)
        targets = selectors.campaign_targets(campaign=campaign, user=user, status=status)
        context["page"] = Paginator(targets, TARGETS_PAGE).get_page(request.GET.get("page"))
    return render(request, "campaigns/campaign_detail.html", context)


@login_required
@require_POST
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not services.can_edit(request.user, campaign):
        raise PermissionDenied
    try:
        campaign = services.campaign_launch(campaign=campaign, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        n = campaign.targets.exclude(status=TargetStatus.EXCLUDED).count()
        messages.success(
            request,
            _(
                "Campagne lancée : %(n)s clients ciblés ; ils entrent dans les plans d'appels à partir du %(day)s."
            )
            % {"n": n, "day": campaign.starts_on.strftime("%d/%m/%Y")},
        )
        for warning in services.launch_warnings(campaign):
            messages.warning(request, warning)
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not services.can_edit(request.user, campaign):
        raise PermissionDenied
    try:
        services.campaign_close(campaign=campaign, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Campagne clôturée : ses clients ne sont plus proposés aux plans d'appels.")
        )
    return redirect("campaigns:detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not services.can_edit(request.user, campaign):
        raise PermissionDenied
    try:
        services.campaign_delete(campaign=campaign, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("campaigns:detail", pk=campaign.pk)
    messages.success(request, _("Campagne supprimée."))
    return redirect("campaigns:list")


@login_required
@require_GET
def campaign_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The targets with their results, one row each (CSV)."""
    campaign = _campaign(request, pk)
    targets = selectors.campaign_targets(
        campaign=campaign, user=request.user, status=request.GET.get("etat", "")
    )
    header = [
        _("Client"),
        _("Ville"),
        _("Interlocuteur"),
        _("Télévendeur"),
        _("État"),
        _("Motif d'exclusion"),
        _("Appels"),
        _("Dernière issue"),
        _("Joint le"),
    ]
    rows = (
        [
            t.company.display_name,
            t.company.city,
            str(t.contact) if t.contact else "",
            (t.rep.get_full_name() or t.rep.username) if t.rep else "",
            t.get_status_display(),
            t.excluded_reason,
            t.attempts,
            t.last_outcome,
            timezone.localtime(t.reached_at).strftime("%d/%m/%Y %H:%M") if t.reached_at else "",
        ]
        for t in targets.iterator(chunk_size=1000)
    )
    return tabular.download(header, rows, fmt="csv", basename=f"campagne-{campaign.pk}", title=campaign.name)


@login_required
@require_GET
def company_panel(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The card of the customer file and the cockpit: the campaign(s) this customer is a target of,
    with the key message, the offer and the documents; nothing otherwise."""
    user = request.user
    _viewer(request)
    company = get_object_or_404(Company.objects.visible_to(user), pk=company_pk)
    campaign_id = None
    task_ref = request.GET.get("appel", "")
    if task_ref.isdigit():
        from televente.calls.models import CallTask

        reference = (
            CallTask.objects.visible_to(user)
            .filter(pk=int(task_ref), company=company)
            .values_list("source_reference", flat=True)
            .first()
        )
        prefix, _sep, pk = (reference or "").partition(":")
        if prefix == "campaigns.campaign" and pk.isdigit():
            campaign_id = int(pk)
    targets = selectors.company_campaigns(company=company, user=user, campaign_id=campaign_id)
    if not targets:
        return HttpResponse("")
    return render(
        request,
        "campaigns/_company_panel.html",
        {"company": company, "targets": targets, "current": campaign_id},
    )
