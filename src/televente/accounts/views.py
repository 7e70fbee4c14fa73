from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from televente.core.errors import DomainError

from . import selectors, services
from .forms import ApiTokenForm, LoginForm, PasswordChangeForm, PreferencesForm
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _profile_context(request: HttpRequest, **forms) -> dict:
    user = request.user
    return {
        "preferences_form": forms.get("preferences_form")
        or PreferencesForm(initial={"language": user.language, "time_zone": user.time_zone}),
        "password_form": forms.get("password_form") or PasswordChangeForm(),
        "token_form": forms.get("token_form") or ApiTokenForm(),
        "tokens": selectors.tokens_of(user=user),
        "new_token": forms.get("new_token"),
    }


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def preferences_update(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/profile.html", _profile_context(request, preferences_form=form))
    services.user_set_preferences(user=request.user, **form.cleaned_data)
    messages.success(request, _("Préférences enregistrées."))
    return redirect("accounts:profile")


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.user_change_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field != "new_password" else "new_password1", exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Mot de passe modifié."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request, password_form=form))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    new_token = None
    if form.is_valid():
        try:
            _token, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            form = ApiTokenForm()
    context = _profile_context(request, token_form=form, new_token=new_token)
    template = "accounts/profile.html#api-tokens" if request.htmx else "accounts/profile.html"
    return render(request, template, context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, by=request.user)
    if request.htmx:
        return render(request, "accounts/profile.html#api-tokens", _profile_context(request))
    messages.success(request, _("Clé révoquée."))
    return redirect("accounts:profile")


@login_required
@require_GET
def my_team(request: HttpRequest) -> HttpResponse:
    view = selectors.team_for_user(user=request.user)
    if view is None:
        raise Http404(_("Vous n'appartenez à aucune équipe."))
    return render(request, "accounts/team_detail.html", {"view": view})


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.team_for_user(user=request.user, team_id=pk)
    if view is None:
        # Same answer for "does not exist" and "not yours": no probing of other teams by id.
        raise Http404(_("Équipe introuvable."))
    return render(request, "accounts/team_detail.html", {"view": view})


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"view": selectors.home_for(user=request.user)})
