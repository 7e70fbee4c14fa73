"""The HTTP API (django-ninja) at /api/v1/: OpenAPI 3 at /api/v1/openapi.json.

Every error answers the same JSON shape, `{"error": {"code", "message", "details"}}`, so an ERP
integrator writes one error handler. Authentication: `Authorization: Bearer <key>` with a personal
key created on "Mon compte" (it acts with its owner's permissions), or the browser session.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from televente.accounts.api import router as accounts_router
from televente.accounts.services import api_token_authenticate
from televente.catalog.api import router as catalog_router
from televente.claims.api import router as claims_router
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.api import router as customers_router
from televente.orders.api import router as orders_router
from televente.receivables.api import router as receivables_router

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    openapi_description = "Clé personnelle créée sur « Mon compte » (tv_…)."

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(raw_key=token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods also need the CSRF token, as for any form."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="Télévente API",
    version="1",
    description=_("API de la GRC de télévente : clients, catalogue, commandes, réclamations."),
    urls_namespace="api-1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)


def error_response(request: HttpRequest, status: int, code: str, message: str, details=None) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": str(message), "details": details or []}}, status=status
    )


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = [
        {"field": ".".join(str(p) for p in err.get("loc", [])), "message": err.get("msg", "")}
        for err in exc.errors
    ]
    return error_response(
        request, 422, "validation_error", _("Les données envoyées ne sont pas valides."), details
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(
        request, 401, "not_authenticated", _("Authentification requise : clé d'API absente ou invalide.")
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error_response(request, 403, "permission_denied", _("Vous n'avez pas le droit de faire cela."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Ressource introuvable."))


@api.exception_handler(PermissionRefused)
def on_permission_refused(request, exc: PermissionRefused):
    return error_response(request, 403, exc.code, exc.message)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    details = getattr(exc, "details", None) or (
        [{"field": exc.field, "message": exc.message}] if exc.field else []
    )
    status = {"validation_error": 422, "conflict": 409}.get(exc.code, 400)
    return error_response(request, status, exc.code, exc.message, details)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    logger.exception("Unexpected API error on %s", request.path)
    return error_response(
        request, 500, "server_error", _("Erreur interne : l'équipe technique a été prévenue.")
    )


api.add_router("/", accounts_router)
api.add_router("/", customers_router)
api.add_router("/", catalog_router)
api.add_router("/", orders_router)
api.add_router("/", claims_router)
api.add_router("/", receivables_router)
