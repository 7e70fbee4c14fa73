from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.timezone import localtime

from televente.core.phones import format_national

register = template.Library()


@register.filter
def money(value, decimals: int = 2) -> str:
    """1234.5 -> '1 234,50 €' (French grouping and decimal comma through Django's localisation)."""
    if value in (None, ""):
        return "—"
    return f"{floatformat(Decimal(value), f'{decimals}g')}\u00a0€"


@register.filter
def number(value) -> str:
    """A count as a French reader reads it: 20 100 (grouped, whatever USE_THOUSAND_SEPARATOR says)."""
    if value in (None, ""):
        return ""
    return floatformat(value, "0g")


@register.filter
def unit_price(value) -> str:
    """A price per base unit: two decimals, or up to four when the cents do not say it all."""
    if value in (None, ""):
        return "—"
    value = Decimal(value)
    decimals = max(2, min(4, -value.normalize().as_tuple().exponent))
    return f"{floatformat(value, f'{decimals}g')}\u00a0€"


@register.simple_tag
def percent_change(before, after) -> str:
    """'-12,5 %' from 8 to 7; empty when there is no reference."""
    if not before:
        return ""
    change = ((Decimal(after) - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1"))
    sign = "+" if change > 0 else ""
    return f"{sign}{floatformat(change, '-1g')}\u00a0%"


@register.filter
def phone(value: str) -> str:
    return format_national(value) if value else ""


@register.filter
def when(value) -> str:
    """A date-time as a rep reads it: '23/11/2026 14:05'."""
    if not value:
        return "—"
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (for sort links and pagination)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def duration(seconds) -> str:
    """90 -> '1 min 30', 45 -> '45 s'."""
    if not seconds:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest:02d}" if rest else f"{minutes} min"
