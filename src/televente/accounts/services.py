"""Writes on users, teams and API tokens. The only place that changes them."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import partial

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.core.errors import DomainError

from . import tasks
from .choices import BackOfficeService, Language, Role
from .models import ApiToken, Team, User


@transaction.atomic
def team_create(*, name: str, supervisor: User | None = None) -> Team:
    if supervisor is not None and supervisor.role != Role.SUPERVISOR:
        raise DomainError(_("Une équipe est dirigée par un superviseur."), field="supervisor")
    team = Team(name=name, supervisor=supervisor)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
    service: BackOfficeService | str = "",
    paired_field_rep: User | None = None,
    language: str = Language.FRENCH,
    password_hash: str | None = None,
) -> User:
    """Create a person. `password_hash` lets bulk loaders reuse one hash instead of hashing N times."""
    if role == Role.BACK_OFFICE and not service:
        raise DomainError(_("Un utilisateur du back office appartient à un service."), field="service")
    if paired_field_rep is not None and paired_field_rep.role != Role.FIELD_REP:
        raise DomainError(
            _("Le commercial associé doit être un commercial itinérant."), field="paired_field_rep"
        )
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        service=service if role == Role.BACK_OFFICE else "",
        paired_field_rep=paired_field_rep,
        language=language,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password_hash:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_set_preferences(*, user: User, language: str, time_zone: str) -> User:
    if language not in Language.values:
        raise DomainError(_("Langue inconnue."), field="language")
    user.language = language
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language", "time_zone"])
    return user


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> User:
    """Change one's own password; the person is told by email (a stolen session cannot do it silently)."""
    if not user.check_password(old_password):
        raise DomainError(_("L'ancien mot de passe est incorrect."), field="old_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="new_password") from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    if user.email:
        transaction.on_commit(partial(tasks.send_password_changed_email.enqueue, user_id=user.pk))
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Return the token and its raw key; the raw key is shown once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(_("Donnez un nom à la clé (par exemple : « ERP »)."), field="name")
    if user.api_tokens.usable().count() >= 20:
        raise DomainError(_("Vous avez déjà 20 clés actives : révoquez celles qui ne servent plus."))
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, key_prefix=raw[:10], key_hash=ApiToken.hash_key(raw), expires_at=expires_at
    )
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if token.user_id != by.pk and not by.is_admin_role:
        raise DomainError(_("Vous ne pouvez révoquer que vos propres clés."), code="permission_denied")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(*, raw_key: str) -> User | None:
    """The user a raw key acts for, or None. Records the last use at most once a minute."""
    if not raw_key.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.usable().select_related("user").filter(key_hash=ApiToken.hash_key(raw_key)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
