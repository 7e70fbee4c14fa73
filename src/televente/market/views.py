"""Market screens: the customer's card (competitor intelligence, open surveys), the competitor
report, the survey builder, the phone script, the public answer page and the results."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, add_form_error
from televente.customers.models import Company, Segment, Zone

from . import selectors, services
from .choices import SurveyStatus
from .forms import ActionForm, AnswersForm, ObservationForm, QuestionForm, QuestionFormSet, SurveyForm
from .models import Competitor, ImprovementAction, Survey, SurveyResponse


def _task(request: HttpRequest, company: Company):
    """The call in progress (`?appel=` in the cockpit), if the user sees it and it is this customer's."""
    from televente.calls.models import CallTask

    ref = request.POST.get("appel") or request.GET.get("appel") or ""
    if not ref.isdigit():
        return None
    return CallTask.objects.visible_to(request.user).filter(pk=int(ref), company=company).first()


def _manager(request: HttpRequest) -> None:
    if not services.can_manage_surveys(request.user):
        raise PermissionDenied


# The customer's card -------------------------------------------------------------------------------------------------


def _panel(request, company, *, form=None, invite_error="", status=200, saved=False) -> HttpResponse:
    task = _task(request, company)
    return render(
        request,
        "market/_company_panel.html",
        {
            "company": company,
            "task": task,
            "form": form or ObservationForm(),
            "saved": saved,
            "invite_error": invite_error,
            **selectors.company_market(user=request.user, company=company),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_panel(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The "Veille concurrence" card of the customer file and the cockpit; the form posts here
    with htmx and the card comes back (with what was typed when refused)."""
    if not services.can_record(request.user):
        raise PermissionDenied
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    if request.method == "GET":
        return _panel(request, company)
    form = ObservationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            product = services.product_resolve(data["product"])
            services.observation_record(
                company=company,
                by=request.user,
                competitor=data["competitor"],
                product=product,
                product_label=data["product_label"],
                price=data["price"],
                price_unit=data["price_unit"],
                terms=data["terms"],
                satisfaction=data["satisfaction"],
                notes=data["notes"],
                task=_task(request, company),
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Information concurrentielle enregistrée."))
                return redirect("customers:detail", pk=company.pk)
            return _panel(request, company, saved=True)
    return _panel(request, company, form=form, status=422 if not request.htmx else 200)


@login_required
@require_POST
def survey_invite(request: HttpRequest, pk: int, company_pk: int) -> HttpResponse:
    """ "Envoyer l'enquête par e-mail" from the card."""
    if not services.can_record(request.user):
        raise PermissionDenied
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    survey = get_object_or_404(Survey, pk=pk)
    ref = request.POST.get("contact", "")
    contact = company.contacts.filter(pk=int(ref)).first() if ref.isdigit() else None
    error = ""
    if contact is None:
        error = _("Choisissez l'interlocuteur.")
    else:
        try:
            services.survey_invite(survey=survey, company=company, contact=contact, by=request.user)
        except DomainError as exc:
            error = exc.message
    if request.htmx:
        return _panel(request, company, invite_error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Enquête envoyée par e-mail."))
    return redirect("customers:detail", pk=company.pk)


# The competitor report -----------------------------------------------------------------------------------------------


def _int(value: str) -> int | None:
    return int(value) if (value or "").isdigit() else None


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
@require_GET
def competitors(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.can_read_report(user):
        raise PermissionDenied
    today = timezone.localdate()
    until = _date(request.GET.get("au", ""), today)
    since = _date(request.GET.get("du", ""), until - dt.timedelta(days=90))
    if since > until:
        since, until = until, since
    competitor_id = _int(request.GET.get("concurrent", ""))
    zone_id = _int(request.GET.get("zone", ""))
    product_id = _int(request.GET.get("article", ""))
    if request.GET.get("format") == "csv":
        return _csv(user, since, until, competitor_id, zone_id, product_id)
    report = selectors.competitor_report(
        user=user,
        since=since,
        until=until,
        competitor_id=competitor_id,
        zone_id=zone_id,
        product_id=product_id,
    )
    from televente.catalog.models import Product

    product_ids = selectors.observations_visible(user).exclude(product=None).values("product_id")
    return render(
        request,
        "market/competitors.html",
        {
            **report,
            "since": since,
            "until": until,
            "competitor_id": competitor_id,
            "zone_id": zone_id,
            "product_id": product_id,
            "competitors": Competitor.objects.only("pk", "name"),
            "zones": Zone.objects.only("pk", "name"),
            "products": Product.objects.filter(pk__in=product_ids)
            .only("pk", "code", "name")
            .order_by("name"),
            "query": request.GET.urlencode(),
            "can_manage": services.can_manage_surveys(user),
        },
    )


def _csv(user, since, until, competitor_id, zone_id, product_id) -> HttpResponse:
    """The observations themselves (formula-safe cells, through the shared export)."""
    from televente.core.tabular import download

    header = [
        _("Date"),
        _("Concurrent"),
        _("Client"),
        _("Zone"),
        _("Notre article"),
        _("Produit du concurrent"),
        _("Prix HT"),
        _("Par"),
        _("Conditions"),
        _("Satisfaction"),
        _("Notes"),
        _("Saisi par"),
    ]
    observations = selectors.report_rows(
        user=user,
        since=since,
        until=until,
        competitor_id=competitor_id,
        company__zone_id=zone_id,
        product_id=product_id,
    )
    rows = (
        [
            timezone.localtime(o.observed_at).strftime("%d/%m/%Y"),
            o.competitor.name,
            o.company.display_name,
            o.company.zone.name if o.company.zone else "",
            o.product.code if o.product else "",
            o.product_label,
            "" if o.price is None else f"{o.price.normalize():f}".replace(".", ","),
            o.price_unit,
            o.terms,
            o.get_satisfaction_display() if o.satisfaction else "",
            o.notes,
            str(o.recorded_by),
        ]
        for o in observations.iterator(chunk_size=1000)
    )
    return download(header, rows, fmt="csv", basename="veille-concurrence", title=_("Veille concurrentielle"))


@login_required
@require_GET
def observation(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a timeline entry leads: the report on that competitor."""
    if not services.can_read_report(request.user):
        raise PermissionDenied
    item = get_object_or_404(selectors.observations_visible(request.user), pk=pk)
    since = timezone.localtime(item.observed_at).date()
    return redirect(f"{reverse('market:competitors')}?concurrent={item.competitor_id}&du={since:%Y-%m-%d}")


# Surveys -------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(
        request,
        "market/home.html",
        {"surveys": selectors.survey_list(user=request.user)},
    )


def _builder(request, survey, form, formset, *, status=200) -> HttpResponse:
    has_responses = survey is not None and survey.responses.exists()
    return render(
        request,
        "market/survey_form.html",
        {
            "survey": survey,
            "form": form,
            "formset": formset,
            "frozen": has_responses,
            "segments": Segment.objects.filter(is_active=True),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The builder: title, kind, texts and the questions (an inline list, frozen once answered)."""
    _manager(request)
    survey = get_object_or_404(Survey, pk=pk) if pk else None
    if request.method == "GET":
        initial = (
            {
                "title": survey.title,
                "kind": survey.kind,
                "introduction": survey.introduction,
                "thanks": survey.thanks,
            }
            if survey
            else {}
        )
        questions = (
            [QuestionForm.initial_of(q) for q in survey.questions.order_by("position")] if survey else []
        )
        formset = QuestionFormSet(initial=questions, prefix="q")
        return _builder(request, survey, SurveyForm(initial=initial), formset)
    form = SurveyForm(request.POST)
    formset = QuestionFormSet(request.POST, prefix="q")
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        questions = [q for q in (f.as_question() for f in formset.forms) if q]
        try:
            survey = services.survey_save(
                by=request.user,
                survey=survey,
                title=data["title"],
                kind=data["kind"],
                introduction=data["introduction"],
                thanks=data["thanks"],
                questions=questions,
            )
        except DomainError as exc:
            if exc.field == "questions":
                formset._non_form_errors = formset.error_class([exc.message])
            else:
                add_form_error(form, exc)
        else:
            messages.success(request, _("Enquête enregistrée."))
            return redirect("market:survey", pk=survey.pk)
    return _builder(request, survey, form, formset, status=422)


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    status = request.POST.get("status", "")
    try:
        services.survey_set_status(survey=survey, by=request.user, status=status)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Enquête : %(status)s.") % {"status": SurveyStatus(status).label.lower()})
    return redirect("market:survey", pk=survey.pk)


@login_required
@require_POST
def survey_bulk_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invites by email the contacts of the user's customers of one segment (those who accept emails)."""
    _manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    segment_id = _int(request.POST.get("segment", ""))
    if survey.status != SurveyStatus.OPEN or not segment_id:
        messages.error(request, _("Ouvrez l'enquête et choisissez une typologie."))
        return redirect("market:survey", pk=survey.pk)
    from televente.customers.models import Contact

    contacts = (
        Contact.objects.filter(
            company__in=Company.objects.visible_to(request.user).filter(segment_id=segment_id),
            is_active=True,
            opt_out_email=False,
        )
        .exclude(email="")
        .select_related("company")[:2000]
    )
    done = 0
    for contact in contacts:
        try:
            services.survey_invite(survey=survey, company=contact.company, contact=contact, by=request.user)
        except DomainError:
            continue
        done += 1
    messages.success(
        request,
        ngettext("%(n)s interlocuteur invité par e-mail.", "%(n)s interlocuteurs invités par e-mail.", done)
        % {"n": done},
    )
    return redirect("market:survey", pk=survey.pk)


@login_required
@require_http_methods(["GET", "POST"])
def survey_phone(request: HttpRequest, pk: int, company_pk: int) -> HttpResponse:
    """The survey read on the phone: the introduction, then each question in order; the rep notes
    each answer as the customer gives it."""
    if not services.can_record(request.user):
        raise PermissionDenied
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    survey = get_object_or_404(Survey, pk=pk, status=SurveyStatus.OPEN)
    task = _task(request, company)
    questions = list(survey.questions.order_by("position"))
    form = AnswersForm(request.POST or None, questions=questions, auto_id="tel_%s")
    contacts = list(company.contacts.filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        ref = request.POST.get("contact", "")
        contact = next((c for c in contacts if str(c.pk) == ref), None)
        try:
            services.survey_response_record(
                survey=survey,
                company=company,
                by=request.user,
                answers=form.answers(),
                contact=contact,
                task=task,
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Réponses enregistrées. Pensez à remercier le client."))
            if task is not None:
                return redirect(f"{reverse('calls:cockpit')}?appel={task.pk}")
            return redirect("customers:detail", pk=company.pk)
    return render(
        request,
        "market/survey_phone.html",
        {"survey": survey, "company": company, "task": task, "form": form, "contacts": contacts},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One response (from the customer's timeline)."""
    if not services.can_record(request.user):
        raise PermissionDenied
    response = get_object_or_404(
        SurveyResponse.objects.filter(company__in=Company.objects.visible_to(request.user)).select_related(
            "survey", "company", "contact", "recorded_by"
        ),
        pk=pk,
    )
    answers = {a.question_id: a for a in response.answers.all()}
    rows = [(q, answers.get(q.pk)) for q in response.survey.questions.order_by("position")]
    return render(request, "market/response.html", {"response": response, "rows": rows})


def _results(request: HttpRequest, survey: Survey, *, action_form=None, status=200) -> HttpResponse:
    return render(
        request,
        "market/results.html",
        {
            "survey": survey,
            **selectors.survey_results(user=request.user, survey=survey),
            "actions": list(survey.actions.select_related("owner").order_by("status", "due_on", "pk")),
            "action_form": action_form or ActionForm(auto_id="action_%s"),
        },
        status=status,
    )


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    return _results(request, get_object_or_404(Survey, pk=pk))


@login_required
@require_POST
def action_save(request: HttpRequest, pk: int, action_pk: int | None = None) -> HttpResponse:
    _manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    action = get_object_or_404(ImprovementAction, pk=action_pk, survey=survey) if action_pk else None
    form = ActionForm(request.POST, auto_id="action_%s")
    if form.is_valid():
        # an edit keeps the action's owner; a new action belongs to whoever adds it
        owner = action.owner if action is not None and action.owner_id else request.user
        try:
            services.action_save(
                survey=survey, by=request.user, action=action, owner=owner, **form.cleaned_data
            )
        except DomainError as exc:
            if action is None:  # the add form comes back with what was typed
                add_form_error(form, exc)
                return _results(request, survey, action_form=form, status=422)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Action enregistrée."))
            return redirect("market:results", pk=survey.pk)
    elif action is None:
        return _results(request, survey, action_form=form, status=422)
    else:
        messages.error(request, _("Décrivez l'action en quelques mots."))
    return redirect("market:results", pk=survey.pk)


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    _manager(request)
    action = get_object_or_404(ImprovementAction, pk=action_pk, survey_id=pk)
    services.action_mark_done(action=action, by=request.user, done=request.POST.get("done") != "0")
    return redirect("market:results", pk=pk)


@login_required
@require_POST
def actions_share(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    survey = get_object_or_404(Survey, pk=pk)
    try:
        sent = services.actions_share(survey=survey, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "Actions partagées : %(n)s message envoyé.",
                "Actions partagées : %(n)s messages envoyés.",
                sent,
            )
            % {"n": sent},
        )
    return redirect("market:results", pk=survey.pk)


# The customer's answer (no login: the signed link of the email) -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey page. A bad link answers 404, an expired one 400, a used one 410."""
    try:
        invitation_id = services.survey_invitation_id(token)
    except services.TokenExpired:
        return render(request, "market/public.html", {"state": "expired"}, status=400)
    from .models import SurveyInvitation

    invitation = (
        SurveyInvitation.objects.select_related("survey", "company", "contact")
        .filter(pk=invitation_id or 0)
        .first()
    )
    if invitation is None:
        return render(request, "market/public.html", {"state": "invalid"}, status=404)
    survey = invitation.survey
    if invitation.used_at is not None:
        return render(request, "market/public.html", {"state": "used", "survey": survey}, status=410)
    if survey.status != SurveyStatus.OPEN:
        return render(request, "market/public.html", {"state": "closed", "survey": survey}, status=410)
    questions = list(survey.questions.order_by("position"))
    form = AnswersForm(request.POST or None, questions=questions, auto_id="r_%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer_by_link(invitation_id=invitation.pk, answers=form.answers())
        except services.AlreadyAnswered:
            return render(request, "market/public.html", {"state": "used", "survey": survey}, status=410)
        except IntegrityError:  # a second submit that raced past the lock (SQLite): saved once
            return render(request, "market/public.html", {"state": "used", "survey": survey}, status=410)
        except DomainError as exc:
            if exc.code == "closed":
                return render(
                    request, "market/public.html", {"state": "closed", "survey": survey}, status=410
                )
            add_form_error(form, exc)
        else:
            return render(request, "market/public.html", {"state": "thanks", "survey": survey})
    return render(
        request,
        "market/public.html",
        {"state": "form", "survey": survey, "form": form, "invitation": invitation},
        status=422 if request.method == "POST" else 200,
    )
