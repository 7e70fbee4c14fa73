"""The recommendation models' status page and the « Recalculer maintenant » button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from televente.core.errors import DomainError

from . import permissions, services, training


@login_required
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    return render(request, "recommend/status.html", training.status_summary())


@login_required
@require_POST
def train_now(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    try:
        services.training_request(by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Calcul demandé : les recommandations seront à jour dans quelques minutes.")
        )
    return redirect("recommend:status")
