"""Per-user language and time zone.

French is the default for everyone; a signed-in user gets the language and time zone of their
profile, a visitor the language chosen on the login page (Django's language cookie). The browser's
Accept-Language is deliberately ignored: our users are French wholesalers whose browsers are often
set to English by the IT department.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
            tz_name = user.time_zone
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
            tz_name = settings.TIME_ZONE
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
        try:
            response = self.get_response(request)
        finally:
            # The zone is the request's: the next request in this thread (a test, a worker) must
            # not inherit it.
            timezone.deactivate()
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
