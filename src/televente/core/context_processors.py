from django.http import HttpRequest

from televente.core.navigation import entries_for


def navigation(request: HttpRequest) -> dict:
    entries = entries_for(getattr(request, "user", None))
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"nav_entries": entries, "nav_current": current}
