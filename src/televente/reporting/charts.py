"""Charts drawn on the server as accessible SVG (no JavaScript, no external CSS).

Each builder returns a `Chart`: the SVG (fixed viewBox, width 100 %, `role="img"` labelled by its
`<title>` and `<desc>`, a `<title>` on every point or bar so the value reads on hover) and the same
values as a table (`headers`, `rows`) for those who do not read the drawing. Colours are
presentation attributes, so WeasyPrint draws the same SVG in a PDF; series differ by lightness,
dash pattern and marker shape as well as hue (greyscale prints, colour-blind readers). Every text
goes through `format_html` (escaped). `{% chart %}` (templatetags/reporting_charts.py) shows it.

`fmt` is one of "money" (€), "int" (a count), "percent" (a share: 0.25 is 25 %) or "number".
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from televente.core.templatetags.televente import money, number

FORMATS = ("money", "int", "percent", "number")

WIDTH = 640
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_SIZE = 12
CHAR = 7.0  # average advance of a 12-unit DejaVu Sans character, to size the margins
TEXT = "#1d2430"
MUTED = "#4f5968"
GRID = "#e1e5eb"
AXIS = "#7a8494"
# Okabe-Ito hues at different lightness, each with its own dash and marker.
SERIES_STYLES = (
    {"colour": "#0b4f8a", "dash": "", "width": "2.5", "marker": "circle"},
    {"colour": "#d55e00", "dash": "7 4", "width": "2", "marker": "square"},
    {"colour": "#009e73", "dash": "2 3", "width": "2", "marker": "triangle"},
    {"colour": "#7a4a9c", "dash": "9 3 2 3", "width": "2", "marker": "diamond"},
)
BAR = "#7fa8d6"  # light blue ...
BAR_EDGE = "#3f6f9f"
BAR_HIGHLIGHT = "#a13c00"  # ... and a dark orange: apart in greyscale too
LABEL_CHARS = 28  # a bar's label longer than this goes on two lines
MAX_LINE_POINTS = 240  # a curve of more points is thinned for drawing (the table keeps them all)


@dataclass
class Chart:
    title: str
    svg: SafeString
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    description: str = ""  # the sentence a screen reader reads after the title (also the SVG's <desc>)

    @property
    def is_empty(self) -> bool:
        return not self.rows


# Formatting ----------------------------------------------------------------------------------


def _zero(text: str) -> str:
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def format_value(value: float | Decimal | int | None, fmt: str) -> str:
    """A value as a French reader reads it: '1 234,50 €', '1 234', '12,5 %', '1,5'; None: '—'."""
    if value is None:
        return "—"
    if fmt == "money":
        return _zero(money(value))
    if fmt == "int":
        return _zero(number(value))
    if fmt == "percent":
        text = number_format(round(float(value) * 100, 1), decimal_pos=1, use_l10n=True, force_grouping=True)
        return f"{_zero(text)}\u00a0%"
    if fmt == "number":
        return _zero(number_format(round(float(value), 2), decimal_pos=1, use_l10n=True, force_grouping=True))
    raise ValueError(fmt)


def _tick_label(value: float, fmt: str, decimals: int) -> str:
    """An axis graduation: as short as the step allows ('20 %', '15 000 €')."""
    if fmt == "percent":
        value *= 100
    text = _zero(floatformat(round(value, decimals), f"{decimals}g"))
    if fmt == "money":
        return f"{text}\u00a0€"
    if fmt == "percent":
        return f"{text}\u00a0%"
    return text


def _ticks(low: float, high: float, fmt: str, count: int = 5) -> tuple[list[float], int]:
    """Round graduations covering [low, high], and the decimals their labels need."""
    if high <= low:
        high = low + (1 if fmt != "percent" else 0.1)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    if fmt == "int":
        step = max(1.0, math.ceil(step))
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    ticks = [start + i * step for i in range(round((end - start) / step) + 1)]
    scaled = Decimal(str(round(step * (100 if fmt == "percent" else 1), 9))).normalize()
    decimals = max(0, -scaled.as_tuple().exponent)
    return ticks, min(decimals, 3)


# SVG pieces ----------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate (never localised)."""
    return f"{value:.1f}".rstrip("0").rstrip(".") if value == value else "0"


def _join(parts: Iterable) -> SafeString:
    return mark_safe("".join(conditional_escape(p) for p in parts))


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = FONT_SIZE,
    colour: str = TEXT,
    weight: str = "normal",
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" text-anchor="{}" font-size="{}" font-weight="{}" fill="{}">{}</text>',
        _n(x),
        _n(y),
        anchor,
        size,
        weight,
        colour,
        content,
    )


def _truncate(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(1, chars - 1)].rstrip() + "…"


def _wrap(text: str, chars: int) -> list[str]:
    """A label on one line, or two cut at a space (the second shortened with "…" if need be)."""
    if len(text) <= chars:
        return [text]
    cut = text.rfind(" ", 0, chars + 1)
    if cut <= 0:
        return [_truncate(text, chars)]
    return [text[:cut], _truncate(text[cut + 1 :], chars)]


def _svg(width: float, height: float, title: str, description: str, body: Iterable) -> SafeString:
    key = f"chart-{uuid.uuid4().hex[:10]}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{key}-t {key}-d" '
        'font-family="{font}" font-size="{size}" class="chart-svg">'
        '<title id="{key}-t">{title}</title><desc id="{key}-d">{desc}</desc>{body}</svg>',
        w=_n(width),
        h=_n(height),
        key=key,
        font=FONT,
        size=FONT_SIZE,
        title=title,
        desc=description,
        body=_join(body),
    )


def _marker(kind: str, x: float, y: float, colour: str, size: float, tip: str) -> SafeString:
    """A point's visible marker (none when size is 0) and a wider invisible target, with its <title>."""
    shape: SafeString | str = ""
    if size:
        if kind == "square":
            shape = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" stroke-width="1"/>',
                _n(x - size),
                _n(y - size),
                _n(size * 2),
                _n(size * 2),
                colour,
            )
        elif kind in ("triangle", "diamond"):
            s = size * 1.3
            points = (
                [(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)]
                if kind == "triangle"
                else [(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
            )
            shape = format_html(
                '<polygon points="{}" fill="{}" stroke="#fff" stroke-width="1"/>',
                " ".join(f"{_n(a)},{_n(b)}" for a, b in points),
                colour,
            )
        else:
            shape = format_html(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#fff" stroke-width="1"/>',
                _n(x),
                _n(y),
                _n(size),
                colour,
            )
    return format_html(
        '<g class="point"><title>{}</title>{}<circle cx="{}" cy="{}" r="9" fill="none" '
        'pointer-events="all"/></g>',
        tip,
        shape,
        _n(x),
        _n(y),
    )


def _empty(title: str, headers: list[str], *, width: float = WIDTH, height: float = 160) -> Chart:
    message = gettext("Pas de données")
    body = [
        format_html(
            '<rect x="1" y="1" width="{}" height="{}" fill="#f7f8fa" stroke="{}" stroke-dasharray="4 4"/>',
            _n(width - 2),
            _n(height - 2),
            GRID,
        ),
        _text(width / 2, height / 2 + 5, message, anchor="middle", size=15, colour=MUTED),
    ]
    return Chart(title, _svg(width, height, title, message, body), headers, [], message)


def _format_check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")


# Line chart ----------------------------------------------------------------------------------


def line(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | Decimal | None]]],
    *,
    fmt: str,
    label_header: str | None = None,
) -> Chart:
    """One or more curves over the same labels (days): None leaves a gap in its curve."""
    _format_check(fmt)
    title, labels = str(title), [str(label) for label in labels]
    names = [str(name) for name, _values in series]
    values = [[None if v is None else float(v) for v in vals] for _name, vals in series]
    for vals in values:
        if len(vals) != len(labels):
            raise ValueError("each series needs one value per label")
    headers = [str(label_header or gettext("Jour")), *names]
    known = [v for vals in values for v in vals if v is not None]
    if not labels or not known:
        return _empty(title, headers)

    rows = [[label, *(format_value(vals[i], fmt) for vals in values)] for i, label in enumerate(labels)]
    ticks, decimals = _ticks(min(0.0, *known), max(0.0, *known), fmt)
    tick_labels = [_tick_label(t, fmt, decimals) for t in ticks]
    left = 14 + CHAR * max(len(t) for t in tick_labels)
    # The legend above the plot: (x, y) of each series' sample, on as many rows as needed.
    legend, lx, ly = [], left, 14.0
    for name in names:
        room = 34 + CHAR * len(name) + 22
        if legend and lx + room > WIDTH:
            lx, ly = left, ly + 20
        legend.append((lx, ly))
        lx += room
    height = 280 + ly
    top = ly + 26
    bottom = height - 32
    right = WIDTH - 14
    inset = 10
    low, high = ticks[0], ticks[-1]

    def x_of(i: int) -> float:
        if len(labels) == 1:
            return (left + right) / 2
        return left + inset + i * (right - left - 2 * inset) / (len(labels) - 1)

    def y_of(v: float) -> float:
        return bottom - (v - low) / (high - low) * (bottom - top)

    body: list = []
    for index, (name, (lx, ly)) in enumerate(zip(names, legend, strict=True)):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>',
                _n(lx),
                _n(ly),
                _n(lx + 28),
                _n(ly),
                style["colour"],
                style["width"],
                style["dash"] or "none",
            )
        )
        body.append(_marker(style["marker"], lx + 14, ly, style["colour"], 3.5, name))
        body.append(_text(lx + 34, ly + 4, name))
    # Graduations and grid.
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>',
                _n(left),
                _n(y),
                _n(right),
                _n(y),
                AXIS if tick == 0 else GRID,
                "1.2" if tick == 0 else "1",
            )
        )
        body.append(_text(left - 6, y + 4, text, anchor="end", size=11, colour=MUTED))
    widest = max(len(label) for label in labels)
    fit = max(1, int((right - left) // (CHAR * widest + 12)))
    every = max(1, math.ceil(len(labels) / fit))
    for i, label in enumerate(labels):
        if i % every == 0 or (i == len(labels) - 1 and (len(labels) - 1) % every >= every * 0.6):
            body.append(
                format_html(
                    '<line x1="{x}" y1="{y}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="1"/>',
                    x=_n(x_of(i)),
                    y=_n(bottom),
                    y2=_n(bottom + 4),
                    c=AXIS,
                )
            )
            body.append(_text(x_of(i), bottom + 18, label, anchor="middle", size=11, colour=MUTED))
    # Curves, split at each gap, then their points; the first series is drawn last, on top.
    marker_size = 3.2 if len(labels) <= 45 else 0
    for index, name, vals in reversed(list(zip(range(len(names)), names, values, strict=True))):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        segments: list[list[int]] = [[]]
        for i, v in enumerate(vals):
            if v is None:
                if segments[-1]:
                    segments.append([])
            else:
                segments[-1].append(i)
        for segment in segments:
            if len(segment) > 1:
                body.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" '
                        'stroke-linejoin="round" stroke-linecap="round"/>',
                        " ".join(f"{_n(x_of(i))},{_n(y_of(vals[i]))}" for i in segment),
                        style["colour"],
                        style["width"],
                        style["dash"] or "none",
                    )
                )
        for segment in segments:
            for i in segment:
                tip = gettext("%(label)s — %(series)s : %(value)s") % {
                    "label": labels[i],
                    "series": name,
                    "value": format_value(vals[i], fmt),
                }
                size = marker_size if len(segment) > 1 else 3.5  # a lone point always shows
                body.append(_marker(style["marker"], x_of(i), y_of(vals[i]), style["colour"], size, tip))

    last = []
    for name, vals in zip(names, values, strict=True):
        at = next((i for i in range(len(vals) - 1, -1, -1) if vals[i] is not None), None)
        if at is not None:
            last.append(
                gettext("%(series)s : %(value)s au %(label)s")
                % {"series": name, "value": format_value(vals[at], fmt), "label": labels[at]}
            )
    description = gettext("Du %(first)s au %(last)s. Dernières valeurs : %(values)s.") % {
        "first": labels[0],
        "last": labels[-1],
        "values": " ; ".join(last),
    }
    return Chart(title, _svg(WIDTH, height, title, description, body), headers, rows, description)


# Horizontal bars -----------------------------------------------------------------------------


def bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | Decimal | int | None],
    *,
    fmt: str,
    highlight: set[int] | None = None,
    label_header: str | None = None,
    value_header: str | None = None,
) -> Chart:
    """One horizontal bar per label, its value written at its end; bars whose index is in
    `highlight` are drawn dark and their label bold."""
    _format_check(fmt)
    title, labels = str(title), [str(label) for label in labels]
    if len(values) != len(labels):
        raise ValueError("bars needs one value per label")
    nums = [None if v is None else float(v) for v in values]
    headers = [str(label_header or gettext("Libellé")), str(value_header or gettext("Valeur"))]
    highlight = highlight or set()
    if not labels:
        return _empty(title, headers)

    texts = [format_value(v, fmt) for v in values]
    rows = [[label, text] for label, text in zip(labels, texts, strict=True)]
    known = [v for v in nums if v is not None]
    low, high = min(0.0, *known) if known else 0.0, max(0.0, *known) if known else 0.0
    if high == low:
        high = low + 1
    lines = [_wrap(label, LABEL_CHARS) for label in labels]
    step = 32 if any(len(parts) > 1 for parts in lines) else 28
    thickness = 18
    height = 10 + step * len(labels) + 6
    label_chars = max(len(part) for parts in lines for part in parts)
    left = 10 + CHAR * label_chars + 10
    value_room = 12 + CHAR * max(len(t) for t in texts)
    right = WIDTH - value_room

    def x_of(v: float) -> float:
        return left + (v - low) / (high - low) * (right - left)

    zero = x_of(0.0)
    body: list = []
    for i, (label, value, text) in enumerate(zip(labels, nums, texts, strict=True)):
        y = 10 + i * step
        centre = y + thickness / 2 + 4
        strong = i in highlight
        parts = lines[i]
        if len(parts) == 1:
            body.append(
                _text(left - 10, centre, parts[0], anchor="end", weight="bold" if strong else "normal")
            )
        else:  # two lines around the bar's middle, the whole label in a <title>
            body.append(
                format_html(
                    '<text x="{x}" y="{y}" text-anchor="end" font-size="11" font-weight="{w}" fill="{c}">'
                    '<title>{label}</title><tspan x="{x}" y="{y}">{first}</tspan>'
                    '<tspan x="{x}" y="{y2}">{second}</tspan></text>',
                    x=_n(left - 10),
                    y=_n(centre - 6),
                    y2=_n(centre + 7),
                    w="bold" if strong else "normal",
                    c=TEXT,
                    label=label,
                    first=parts[0],
                    second=parts[1],
                )
            )
        tip = gettext("%(label)s : %(value)s") % {"label": label, "value": text}
        if value is None:
            body.append(
                format_html("<g><title>{}</title>{}</g>", tip, _text(zero + 6, centre, text, colour=MUTED))
            )
            continue
        start, end = sorted((zero, x_of(value)))
        fill, edge = (BAR_HIGHLIGHT, BAR_HIGHLIGHT) if strong else (BAR, BAR_EDGE)
        body.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="1">'
                "<title>{}</title></rect>",
                _n(start),
                _n(y),
                _n(max(end - start, 0.8)),
                thickness,
                fill,
                edge,
                tip,
            )
        )
        body.append(_text(max(end, zero) + 6, centre, text, weight="bold" if strong else "normal"))
    body.append(
        format_html(
            '<line x1="{x}" y1="4" x2="{x}" y2="{y}" stroke="{c}" stroke-width="1.2"/>',
            x=_n(zero),
            y=_n(height - 4),
            c=AXIS,
        )
    )
    if known:
        best = max(range(len(nums)), key=lambda i: -math.inf if nums[i] is None else nums[i])
        description = gettext("%(count)s valeurs ; la plus élevée : %(label)s (%(value)s).") % {
            "count": len(labels),
            "label": labels[best],
            "value": texts[best],
        }
    else:
        description = gettext("Pas de données")
    return Chart(title, _svg(WIDTH, height, title, description, body), headers, rows, description)


# Pareto --------------------------------------------------------------------------------------


def _interpolate(points: list[tuple[float, float]], x: float) -> float:
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def _share_text(value: float) -> str:
    """A share of customers as short as it is exact: '20 %', '33,3 %'."""
    percent = round(value * 100, 1)
    return _tick_label(value, "percent", 0 if percent == int(percent) else 1)


def pareto(
    title: str,
    points: Sequence[tuple[float, float]],
    *,
    top20_share: float | None,
    top_customers_share: float = 0.2,
    label_header: str | None = None,
    value_header: str | None = None,
) -> Chart:
    """The concentration curve: (share of customers, cumulative share of revenue), both 0 to 1,
    customers sorted by revenue, the biggest first; a marker where the first 20 % of the customers
    are, at `top20_share`. With few customers the "first 20 %" are a whole number of them
    (1 customer of 3 is 33 %): pass their real share as `top_customers_share` so the marker sits on
    the curve."""
    title = str(title)
    headers = [
        str(label_header or gettext("Part des clients")),
        str(value_header or gettext("Part cumulée du chiffre d'affaires")),
    ]
    curve = sorted((float(x), float(y)) for x, y in points)
    if not curve or curve[-1][1] <= 0:
        return _empty(title, headers)
    if curve[0] != (0.0, 0.0):
        curve.insert(0, (0.0, 0.0))
    top_x = float(top_customers_share)
    top_y = float(top20_share) if top20_share is not None else _interpolate(curve, top_x)

    shares = {d / 10: _interpolate(curve, d / 10) for d in range(1, 11)}
    shares[round(top_x, 6)] = top_y
    rows = [[_share_text(x), format_value(y, "percent")] for x, y in sorted(shares.items())]

    height = 330
    left, right, top, bottom = 62, WIDTH - 18, 30, height - 42

    def x_of(v: float) -> float:
        return left + v * (right - left)

    def y_of(v: float) -> float:
        return bottom - v * (bottom - top)

    body: list = []
    for step in range(6):
        v = step / 5
        grid = AXIS if step == 0 else GRID
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                _n(left),
                _n(y_of(v)),
                _n(right),
                _n(y_of(v)),
                grid,
            )
        )
        tick = _tick_label(v, "percent", 0)
        body.append(_text(left - 6, y_of(v) + 4, tick, anchor="end", size=11, colour=MUTED))
        body.append(
            format_html(
                '<line x1="{x}" y1="{y}" x2="{x}" y2="{y2}" stroke="{c}" stroke-width="1"/>',
                x=_n(x_of(v)),
                y=_n(bottom),
                y2=_n(bottom + 4),
                c=AXIS,
            )
        )
        body.append(_text(x_of(v), bottom + 17, tick, anchor="middle", size=11, colour=MUTED))
    body.append(_text(left - 6, top - 14, headers[1], size=11, colour=MUTED))
    body.append(_text(right, bottom + 35, headers[0], anchor="end", size=11, colour=MUTED))
    # The even spread, for reference.
    body.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1" stroke-dasharray="3 4"/>',
            _n(x_of(0)),
            _n(y_of(0)),
            _n(x_of(1)),
            _n(y_of(1)),
            AXIS,
        )
    )
    drawn = curve
    if len(curve) > MAX_LINE_POINTS:
        every = len(curve) / MAX_LINE_POINTS
        drawn = [curve[int(i * every)] for i in range(MAX_LINE_POINTS)] + [curve[-1]]
    colour = SERIES_STYLES[0]["colour"]
    body.append(
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-linejoin="round"/>',
            " ".join(f"{_n(x_of(x))},{_n(y_of(y))}" for x, y in drawn),
            colour,
        )
    )
    # The points of the table, each with its title; the top customers' one is the marked square,
    # with dashed guides to both axes and the reading written beside it.
    accent = SERIES_STYLES[1]["colour"]
    mx, my = x_of(top_x), y_of(top_y)
    body.append(
        format_html(
            '<polyline points="{},{} {},{} {},{}" fill="none" stroke="{}" stroke-width="1.5" '
            'stroke-dasharray="5 3"/>',
            _n(mx),
            _n(bottom),
            _n(mx),
            _n(my),
            _n(left),
            _n(my),
            accent,
        )
    )
    for x, y in sorted(shares.items()):
        tip = gettext("%(customers)s des clients : %(revenue)s du chiffre d'affaires") % {
            "customers": _share_text(x),
            "revenue": format_value(y, "percent"),
        }
        if x == round(top_x, 6):
            marked = tip
        else:
            body.append(_marker("circle", x_of(x), y_of(y), colour, 3, tip))
    body.append(_marker("square", mx, my, accent, 5, marked))
    reading = gettext("%(customers)s des clients = %(share)s du CA") % {
        "customers": _share_text(top_x),
        "share": format_value(top_y, "percent"),
    }
    room = CHAR * len(reading) + 8
    bx = mx + 8 if mx + 8 + room <= right else max(left + 4, mx - 8 - room)  # right of the marker if it fits
    body.append(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="20" fill="#fff" fill-opacity="0.85"/>',
            _n(bx),
            _n(my + 8),
            _n(room),
        )
    )
    body.append(_text(bx + 4, my + 22, reading, weight="bold", colour=TEXT))
    description = gettext(
        "%(customers)s des clients font %(share)s du chiffre d'affaires ; %(half)s des clients en font la moitié."
    ) % {
        "customers": _share_text(top_x),
        "share": format_value(top_y, "percent"),
        "half": format_value(_customers_for(curve, 0.5), "percent"),
    }
    return Chart(title, _svg(WIDTH, height, title, description, body), headers, rows, description)


def _customers_for(curve: list[tuple[float, float]], revenue_share: float) -> float:
    """The share of customers (the biggest first) that make `revenue_share` of the revenue."""
    for (x0, y0), (x1, y1) in zip(curve, curve[1:], strict=False):
        if y0 <= revenue_share <= y1:
            return x0 if y1 == y0 else x0 + (x1 - x0) * (revenue_share - y0) / (y1 - y0)
    return 1.0
