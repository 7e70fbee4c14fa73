"""`{% chart obj %}`: a `charts.Chart` as a figure, its caption and its values in a table.

{% load reporting_charts %}
{% chart revenue_chart %}                 the table folded under "Voir les valeurs"
{% chart revenue_chart table="open" %}    the table unfolded
{% chart revenue_chart table=False %}     no table (the values are shown elsewhere)
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("reporting/charts/chart.html")
def chart(obj, table=True, caption=True) -> dict:
    return {"chart": obj, "table": table, "open": table == "open", "caption": caption}
