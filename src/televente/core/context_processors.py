from django.http import HttpRequest

from televente.core.navigation import entries_for, polls_for, split_entries


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    entries = entries_for(user)
    current = request.resolver_match.view_name if request.resolver_match else ""
    main, more = split_entries(entries, current)
    return {
        "nav_entries": entries,
        "nav_main": main,
        "nav_more": more,
        "nav_current": current,
        "poll_regions": polls_for(user),
    }
