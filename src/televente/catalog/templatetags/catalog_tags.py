from django import template

from televente.catalog.choices import Allergen

register = template.Library()
LABELS = dict(Allergen.choices)


@register.filter
def allergen(code: str) -> str:
    return str(LABELS.get(code, code))
