"""Which script the cockpit shows for a call.

Higher apps (campaigns) register a chooser so that their calls get their own script first, without
this app importing them.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Script

Chooser = Callable[..., "Script | None"]  # fn(*, task, company, user) -> Script | None

_CHOOSERS: list[Chooser] = []


def register_chooser(fn: Chooser) -> None:
    """Registered once per process (from an AppConfig.ready()); registering twice is harmless."""
    if fn not in _CHOOSERS:
        _CHOOSERS.append(fn)


def unregister_chooser(fn: Chooser) -> None:
    if fn in _CHOOSERS:
        _CHOOSERS.remove(fn)


def script_for(*, task, company, user) -> Script | None:
    """The registered choosers first, then the first active script (by name) serving the call's main
    reason, then one serving any of its other reasons, else None."""
    for chooser in _CHOOSERS:
        script = chooser(task=task, company=company, user=user)
        if script is not None and script.is_active:
            return script
    if task is None:
        return None
    # A company has a handful of scripts: read them once, match in Python (JSON "contains" on
    # a list is not portable to SQLite).
    scripts = list(Script.objects.filter(is_active=True).order_by("name", "pk"))
    for script in scripts:
        if task.reason in (script.reasons or []):
            return script
    reasons = set(task.reasons or [])
    for script in scripts:
        if reasons & set(script.reasons or []):
            return script
    return None
