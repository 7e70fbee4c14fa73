"""The main navigation, built from what exists and what the user's role may open.

Each app registers its entry points in its AppConfig.ready() with `register()`; the base layout
shows only the entries whose `allowed(user)` is true, so nobody sees a link to a page they cannot
open, and no link points to a capability that does not exist yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    order: int
    allowed: Callable[[object], bool]
    shortcut: str = ""  # "g h": press g then h
    secondary: bool = False  # occasional pages (imports, settings): always under "Plus"

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_REGISTRY: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    _REGISTRY[entry.key] = entry


def entries_for(user) -> list[NavEntry]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted((e for e in _REGISTRY.values() if e.allowed(user)), key=lambda e: e.order)


# How many entries fit in the bar of a 1366 px screen; the others go under "Plus".
MAIN_ENTRIES = 9


def split_entries(entries: list[NavEntry], current: str = "") -> tuple[list[NavEntry], list[NavEntry]]:
    """The bar's entries and those under "Plus": secondary ones always, then what overflows the bar,
    keeping the registered order. The page being shown stays visible in the bar, in the last place."""
    main = [e for e in entries if not e.secondary]
    more = [e for e in entries if e.secondary]
    if len(main) > MAIN_ENTRIES:
        overflow = main[MAIN_ENTRIES:]
        main = main[:MAIN_ENTRIES]
        more = overflow + more
    current_entry = next((e for e in more if e.url_name == current), None)
    if current_entry is not None:
        more.remove(current_entry)
        if len(main) >= MAIN_ENTRIES:  # it takes the last place of the bar, which goes under "Plus"
            more.insert(0, main.pop())
        main.append(current_entry)
    return main, more


@dataclass(frozen=True)
class PollRegion:
    """A small region of every page that asks the server for news every few seconds (an incoming
    call for a rep...). Registered by the app that answers it, so the layout imports no app."""

    key: str
    url_name: str
    allowed: Callable[[object], bool]
    every_seconds: int = 3

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_POLLS: dict[str, PollRegion] = {}


def register_poll(region: PollRegion) -> None:
    _POLLS[region.key] = region


def polls_for(user) -> list[PollRegion]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [p for p in _POLLS.values() if p.allowed(user)]
