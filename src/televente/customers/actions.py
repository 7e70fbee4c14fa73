"""Actions other apps add to the customer file's header (take an order, log a claim...).

The customer file belongs to a lower app than orders or claims: those register their entry point
here from their AppConfig.ready(), so the file never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class CompanyAction:
    key: str
    label: str | Promise
    url_name: str  # takes the company's pk
    order: int
    allowed: Callable[[object, object], bool]  # (user, company)
    method: str = "post"
    shortcut: str = ""  # one key on the file page
    primary: bool = False

    def url(self, company) -> str:
        return reverse(self.url_name, args=[company.pk])


_ACTIONS: dict[str, CompanyAction] = {}


def register(action: CompanyAction) -> None:
    _ACTIONS[action.key] = action


def actions_for(user, company) -> list[dict]:
    return [
        {"action": a, "url": a.url(company)}
        for a in sorted(_ACTIONS.values(), key=lambda a: a.order)
        if a.allowed(user, company)
    ]


@dataclass(frozen=True)
class CompanyPanel:
    """A card a higher app adds to the customer file and the cockpit (the customer's claims...),
    loaded by the page with htmx from that app's own view."""

    key: str
    url_name: str  # takes the company's pk, answers an HTML fragment
    order: int
    allowed: Callable[[object], bool]  # (user)
    # In the cockpit, cards the rep reads while talking (the campaign, the script) sit in the side
    # column beside the call; the others (documents, competitors, claims, debts) under it.
    during_call: bool = False

    def url(self, company) -> str:
        return reverse(self.url_name, args=[company.pk])


_PANELS: dict[str, CompanyPanel] = {}


def register_panel(panel: CompanyPanel) -> None:
    _PANELS[panel.key] = panel


def panels_for(user, company, *, during_call: bool | None = None) -> list[str]:
    """The fragments' URLs, in order; `during_call` keeps only the cards read while talking (True) or
    only the others (False)."""
    return [
        p.url(company)
        for p in sorted(_PANELS.values(), key=lambda p: p.order)
        if p.allowed(user) and (during_call is None or p.during_call == during_call)
    ]


# Links of the portfolio ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioLink:
    """A page of a higher app that starts from the portfolio's current filters ("create a campaign
    with this filter"); the link carries the filters' querystring."""

    key: str
    label: str | Promise
    url_name: str
    order: int
    allowed: Callable[[object], bool]  # (user)


_PORTFOLIO_LINKS: dict[str, PortfolioLink] = {}


def register_portfolio_link(link: PortfolioLink) -> None:
    _PORTFOLIO_LINKS[link.key] = link


def portfolio_links_for(user) -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name)}
        for link in sorted(_PORTFOLIO_LINKS.values(), key=lambda link: link.order)
        if link.allowed(user)
    ]


# Links of timeline entries ------------------------------------------------------------------------

# An entry's `reference` ("orders.order:42") names a record of a higher app; that app registers
# the page showing it, so the timeline links to it without importing the app.
_REFERENCES: dict[str, str] = {}


def register_reference(prefix: str, url_name: str) -> None:
    """`url_name` takes the record's pk: `register_reference("orders.order", "orders:detail")`."""
    _REFERENCES[prefix] = url_name


def reference_url(reference: str) -> str | None:
    """The page of the record `reference` points to ("prefix:pk"), or None when unknown."""
    prefix, _sep, pk = (reference or "").partition(":")
    url_name = _REFERENCES.get(prefix)
    if url_name is None or not pk.isdigit():
        return None
    try:
        return reverse(url_name, args=[int(pk)])
    except NoReverseMatch:
        return None


# Links on timeline entries ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryLink:
    """A link a higher app adds to some timeline entries (« Évaluer cet appel » from quality)."""

    key: str
    label: str | Promise
    url_name: str  # takes the entry's (Interaction) pk
    kinds: tuple[str, ...]  # the entry kinds it applies to
    allowed: Callable[[object], bool]  # (user)


_ENTRY_LINKS: dict[str, EntryLink] = {}


def register_entry_link(link: EntryLink) -> None:
    _ENTRY_LINKS[link.key] = link


def attach_entry_links(user, rows) -> None:
    """Set `entry_links` ([{"label", "url"}]) on each timeline row, for the template."""
    links = [link for link in _ENTRY_LINKS.values() if link.allowed(user)]
    for row in rows:
        row.entry_links = [
            {"label": link.label, "url": reverse(link.url_name, args=[row.pk])}
            for link in links
            if row.kind in link.kinds
        ]
