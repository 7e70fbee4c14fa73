"""Personalisation variables of the templates: what `{{ order.number }}` may be, and its value.

A template is written about one kind of record (its *context*: a customer, an order, a claim, an
invoice...). Every context offers the customer, its contact, its rep and the seller; the record's
own variables come from the app that owns the record, registered from its `AppConfig.ready()`
(`register_context`), so this app never imports the apps above it.

The syntax is deliberately small: `{{ group.field }}` and nothing else. Templates are written by
supervisors, not developers: no tags, no filters, no attribute walking; values are formatted here
(money, dates) and escaped in the HTML version.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from televente.core.templatetags.televente import money

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
NAME = re.compile(r"^\s*([a-z_]+)\.([a-z_]+)\s*$")
STRAY = re.compile(r"\{%|%\}|\{\{|\}\}")


@dataclass(frozen=True)
class Context:
    """A kind of record templates can be written about."""

    name: str  # "order"
    label: str | Promise
    fields: dict[str, str | Promise]  # variables of the record itself: {"number": _("numéro")}
    values: Callable[[Any], dict[str, Any]]  # the record's values (money as Decimal, dates as date)
    company: Callable[[Any], Any]  # the customer the record belongs to
    contact: Callable[[Any], Any]  # who the message goes to by default (may return None)
    samples: Callable[[Any], Iterable]  # records a person may preview with, newest first (user -> qs)
    describe: Callable[[Any], str] = str  # how a record is named in the preview picker
    rep: Callable[[Any], Any] | None = None  # who signs (defaults to the customer's rep)


@dataclass(frozen=True)
class Group:
    label: str | Promise
    fields: dict[str, str | Promise] = field(default_factory=dict)


# Offered in every context.
BASE_GROUPS: dict[str, Group] = {
    "customer": Group(
        _("Client"),
        {
            "name": _("nom (enseigne ou raison sociale)"),
            "legal_name": _("raison sociale"),
            "city": _("ville"),
            "postcode": _("code postal"),
            "siret": _("SIRET"),
        },
    ),
    "contact": Group(
        _("Interlocuteur"),
        {
            "civility": _("civilité"),
            "first_name": _("prénom"),
            "last_name": _("nom"),
            "full_name": _("prénom et nom"),
            "greeting": _("formule d'appel (« Madame Martin »)"),
        },
    ),
    "rep": Group(
        _("Télévendeur"),
        {
            "full_name": _("prénom et nom"),
            "first_name": _("prénom"),
            "email": _("e-mail"),
            "phone": _("téléphone"),
        },
    ),
    "seller": Group(
        _("Notre société"),
        {"name": _("nom"), "email": _("e-mail"), "website": _("site")},
    ),
    "today": Group(_("Date du jour"), {"date": _("date du jour")}),
}

_contexts: dict[str, Context] = {}


def register_context(context: Context) -> None:
    """Called from the owning app's `AppConfig.ready()`; the record's variables use its name as group."""
    if context.name in BASE_GROUPS:
        raise ValueError(f"{context.name!r} is a base variable group")
    _contexts[context.name] = context


def contexts() -> dict[str, Context]:
    return dict(_contexts)


def get_context(name: str) -> Context:
    try:
        return _contexts[name]
    except KeyError:
        raise LookupError(name) from None


def context_choices() -> list[tuple[str, str]]:
    return [("company", gettext("Un client"))] + [(c.name, str(c.label)) for c in _contexts.values()]


def groups_for(context_name: str) -> dict[str, Group]:
    """The variables a template of this context may use, by group."""
    groups = dict(BASE_GROUPS)
    context = _contexts.get(context_name)
    if context is not None:
        groups[context.name] = Group(context.label, dict(context.fields))
    return groups


# ---------------------------------------------------------------------------------------------- #
# Validation


def validate(text: str, context_name: str) -> list[str]:
    """The reasons this text cannot be a template of this context (empty when it can)."""
    groups = groups_for(context_name)
    errors: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        inside = match.group(1)
        found = NAME.match(inside)
        shown = match.group(0)
        if not found:
            errors.append(
                gettext(
                    "« %(text)s » n'est pas une variable : écrivez {{ groupe.champ }}, par exemple {{ contact.first_name }}."
                )
                % {"text": shown}
            )
            continue
        group, name = found.groups()
        if group not in groups:
            hint = difflib.get_close_matches(group, groups, n=1)
            errors.append(
                gettext("Variable inconnue : %(var)s.") % {"var": shown}
                + (" " + gettext("Vouliez-vous dire « %(hint)s » ?") % {"hint": hint[0]} if hint else "")
                + " "
                + gettext("Groupes possibles : %(groups)s.") % {"groups": ", ".join(groups)}
            )
            continue
        if name not in groups[group].fields:
            fields = groups[group].fields
            hint = difflib.get_close_matches(name, fields, n=1)
            errors.append(
                gettext("Variable inconnue : %(var)s.") % {"var": shown}
                + (
                    " " + gettext("Vouliez-vous dire « %(hint)s » ?") % {"hint": f"{group}.{hint[0]}"}
                    if hint
                    else ""
                )
                + " "
                + gettext("Champs de « %(group)s » : %(fields)s.")
                % {"group": group, "fields": ", ".join(fields)}
            )
    rest = PLACEHOLDER.sub("", text)
    if STRAY.search(rest):
        errors.append(
            gettext(
                "Accolades ou balises non fermées : seules les variables {{ groupe.champ }} sont permises."
            )
        )
    return errors


def used_variables(text: str) -> set[str]:
    return {
        f"{m.group(1)}.{m.group(2)}"
        for m in (NAME.match(x.group(1)) for x in PLACEHOLDER.finditer(text))
        if m
    }


# ---------------------------------------------------------------------------------------------- #
# Values


def format_value(value: Any) -> str:
    """A value as the reader expects it in the active language."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def base_values(*, company, contact, rep) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {
        "customer": {},
        "contact": {},
        "rep": {},
        "seller": {
            "name": getattr(settings, "COMPANY_NAME", ""),
            "email": settings.DEFAULT_FROM_EMAIL,
            "website": settings.SITE_URL,
        },
        "today": {"date": timezone.localdate()},
    }
    if company is not None:
        values["customer"] = {
            "name": company.display_name,
            "legal_name": company.legal_name,
            "city": company.city,
            "postcode": company.postcode,
            "siret": company.siret,
        }
    if contact is not None:
        full_name = " ".join(x for x in (contact.first_name, contact.last_name) if x)
        values["contact"] = {
            "civility": contact.civility,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "full_name": full_name,
            "greeting": " ".join(x for x in (contact.civility, contact.last_name) if x)
            if contact.civility
            else full_name,
        }
    if rep is not None:
        values["rep"] = {
            "full_name": rep.get_full_name() or rep.get_username(),
            "first_name": rep.first_name,
            "email": rep.email,
            "phone": rep.phone,
        }
    return values


@dataclass
class Resolved:
    """Everything a message needs from its record."""

    values: dict[str, dict[str, Any]]
    company: Any
    contact: Any
    rep: Any


def resolve(context_name: str, record, *, contact=None, rep=None) -> Resolved:
    """The values of every variable for this record (and the customer, contact, rep it implies)."""
    if context_name == "company":
        company = record
        context = None
    else:
        context = get_context(context_name)
        company = context.company(record)
    if contact is None and context is not None:
        contact = context.contact(record)
    if contact is None and company is not None:
        contact = default_contact(company)
    if rep is None:
        rep = (context.rep(record) if context is not None and context.rep else None) or getattr(
            company, "rep", None
        )
    values = base_values(company=company, contact=contact, rep=rep)
    if context is not None:
        values[context.name] = context.values(record)
    return Resolved(values=values, company=company, contact=contact, rep=rep)


def default_contact(company):
    """Who a message about this customer goes to: whoever places the orders, else the decision
    maker, else any active contact (with an email first)."""
    contacts = [c for c in company.contacts.all() if c.is_active]
    contacts.sort(key=lambda c: (not c.is_order_contact, not c.is_decision_maker, not c.email, c.pk))
    return contacts[0] if contacts else None


def render(text: str, values: dict[str, dict[str, Any]], *, html: bool = False) -> str:
    """Replaces each variable by its formatted value (escaped when `html`); unknown ones by nothing."""

    def value(match: re.Match) -> str:
        found = NAME.match(match.group(1))
        if not found:
            return ""
        group, name = found.groups()
        shown = format_value(values.get(group, {}).get(name))
        return escape(shown) if html else shown

    if html:
        # Escape the template's own text first, then put the (escaped) values in.
        parts = []
        last = 0
        for match in PLACEHOLDER.finditer(text):
            parts.append(escape(text[last : match.start()]))
            parts.append(value(match))
            last = match.end()
        parts.append(escape(text[last:]))
        return linebreaks("".join(parts), autoescape=False)
    return PLACEHOLDER.sub(value, text)
