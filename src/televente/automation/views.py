"""Automation screens: the rules (switched on and off in place), a rule's form whose fields follow
the chosen trigger and action, and the log of what the rules did."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, PermissionRefused, add_form_error

from . import selectors, services
from .forms import LogFilterForm, RuleForm, rule_initial
from .models import AutomationRule
from .permissions import can_manage_rules


def _require_manager(user) -> None:
    if not can_manage_rules(user):
        raise PermissionDenied


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_manager(user)
    return render(
        request,
        "automation/rule_list.html",
        {"rules": selectors.rules(user=user), "failed": selectors.failed_recently(user=user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request.user)
    return _rule_form(request, get_object_or_404(AutomationRule, pk=pk))


def _rule_form(request: HttpRequest, rule: AutomationRule | None) -> HttpResponse:
    user = request.user
    _require_manager(user)
    initial = rule_initial(rule) if rule is not None else {"action_days": 0}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.rule_save(by=user, rule=rule, data=form.rule_data())
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            if saved.is_active:
                done = _("Règle « %(name)s » enregistrée : elle est active.")
            else:
                done = _("Règle « %(name)s » enregistrée. Activez-la quand elle est prête.")
            messages.success(request, done % {"name": saved.name})
            return redirect("automation:list")
    return render(
        request,
        "automation/rule_form.html",
        {"form": form, "rule": rule, "parts": form.parts()},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Switches a rule on or off; with htmx, answers the rule's row."""
    user = request.user
    _require_manager(user)
    rule = get_object_or_404(AutomationRule, pk=pk)
    active = request.POST.get("active") == "1"
    error = ""
    try:
        rule = services.rule_toggle(rule=rule, by=user, active=active)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        error = exc.message
    if request.htmx:
        row = selectors.rules(user=user, pk=rule.pk)[0]
        return render(request, "automation/rule_list.html#rule-row", {"rule": row, "error": error})
    if error:
        messages.error(request, error)
    elif rule.is_active:
        messages.success(request, _("Règle « %(name)s » activée.") % {"name": rule.name})
    else:
        messages.success(request, _("Règle « %(name)s » désactivée.") % {"name": rule.name})
    return redirect("automation:list")


@login_required
@require_GET
def firing_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_manager(user)
    form = LogFilterForm(request.GET or None, rules=selectors.rule_choices())
    before = request.GET.get("avant", "")
    page = selectors.firing_log(user=user, before=int(before) if before.isdigit() else None, **form.values())
    query = request.GET.copy()
    query.pop("avant", None)
    return render(
        request,
        "automation/firing_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "paged": before.isdigit()},
    )
