"""Bar charts drawn on the server as SVG (no script): a y axis with round ticks and its unit, a label under
every bar or every few bars, and the figures in a table beside it for screen readers and for anyone who
prefers numbers. The geometry is computed by `bar_chart`; `draw` writes the markup, which scales to its
column. On a phone the stylesheet redraws the texts larger and shows every other label under the bars
(`tick-label--minor` hidden), so a chart narrowed to a phone's width stays readable instead of shrinking its
12-unit texts to 6 px.

The markup is written here rather than by a template: a month's chart is some 400 template variables, which
cost more than everything else on the usage page, and a template would write the SVG's coordinates in the
reader's number format (`99,2` in Spanish), which no browser reads as a coordinate. Coordinates are written
as numbers; the tooltip's value follows the reader's language as the template filter `floatformat` does."""

import html
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH, HEIGHT = 640, 260
# Room at the left for the y axis's figures at a phone's larger text ("50,000").
LEFT, RIGHT, TOP, BOTTOM = 72, 8, 28, 40
MAX_LABELS = 12


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (short: "Nov", "14", "6 am")
    title: str  # in the tooltip and the table ("November 2025")
    value: float
    x: float
    y: float
    width: float
    height: float
    labelled: bool
    minor: bool  # a label hidden on a phone (every other one shown)


@dataclass(frozen=True)
class Tick:
    value: float
    y: float
    text: str


def nice_step(top: float, count: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that covers `top` in about `count` ticks."""
    if top <= 0:
        return 1.0
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def figure(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def bar_chart(points: list[tuple[str, str, float]], *, unit: str) -> dict:
    """`points`: (label under the bar, full label, value). Returns what ui/bar_chart.html draws."""
    top = max((v for _, _, v in points), default=0.0)
    step = nice_step(top)
    ceiling = step * max(1, math.ceil(top / step)) if top > 0 else step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(points))
    every = max(1, math.ceil(len(points) / MAX_LABELS))
    bars = []
    for i, (label, title, value) in enumerate(points):
        h = plot_h * max(0.0, value) / ceiling
        bars.append(
            Bar(
                label=label,
                title=title,
                value=value,
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=round(TOP + plot_h - h, 1),
                width=round(slot * 0.7, 1),
                height=round(h, 1),
                labelled=i % every == 0,
                minor=i % (2 * every) != 0,
            )
        )
    decimals = max(0, -math.floor(math.log10(step)))
    ticks = [
        Tick(
            value=step * k,
            y=round(TOP + plot_h - plot_h * step * k / ceiling, 1),
            text=f"{step * k:,.{decimals}f}",
        )
        for k in range(int(round(ceiling / step)) + 1)
    ]
    return {
        "bars": bars,
        "ticks": ticks,
        "unit": unit,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "base": TOP + plot_h,
        "label_y": TOP + plot_h + 18,
        "slot_half": round(slot * 0.35, 1),
        "figures": [(b.title, figure(b.value)) for b in bars],
    }


def escape(text) -> str:
    """Django's `escape` without its check for lazy arguments on every call (a chart escapes some two hundred
    texts): the same characters replaced, by the same function."""
    return html.escape(str(text))


def shown(value: float, places: int, separator: str | None = None) -> str:
    """A number as the template filter `floatformat:places` shows it in the reader's language: halves rounded
    up, no "-0.0", the language's decimal separator (looked up when not given: a point in English and in our
    Spanish alike, see custodian/formats), no grouping of thousands."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = str(rounded if rounded else abs(rounded))
    separator = separator or get_format("DECIMAL_SEPARATOR")
    return text if separator == "." else text.replace(".", separator)


def draw(chart: dict, *, title: str, chart_id: str, period: str = "") -> SafeString:
    """The chart as SVG with its table (`title` said by screen readers and shown as the table's caption,
    `chart_id` unique on the page). Every text is escaped; numbers are the geometry's own."""
    unit, cid, name = escape(chart["unit"]), escape(chart_id), escape(title)
    left, right, base = chart["left"], chart["right"], chart["base"]
    separator = get_format("DECIMAL_SEPARATOR")  # once for the chart, not once a bar
    in_unit = escape(gettext("%(title)s, in %(unit)s") % {"title": title, "unit": chart["unit"]})
    as_table = escape(gettext("%(title)s as a table") % {"title": title})
    period_word = gettext("Period")
    ticks = "".join(
        f'<line x1="{left}" x2="{right}" y1="{t.y}" y2="{t.y}"/><text class="tick-label" x="{left - 6}" '
        f'y="{t.y}" dy="4" text-anchor="end">{escape(t.text)}</text>'
        for t in chart["ticks"]
    )
    bars = []
    for b in chart["bars"]:
        bars.append(
            f'<rect class="bar" x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}"><title>'
            f"{escape(b.title)}: {shown(b.value, 0 if isinstance(b.value, int) else 1, separator)} {unit}"
            "</title></rect>"
        )
        if b.labelled:
            kind = "tick-label tick-label--minor" if b.minor else "tick-label"
            bars.append(
                f'<text class="{kind}" x="{b.x}" dx="{chart["slot_half"]}" y="{chart["label_y"]}" '
                f'text-anchor="middle">{escape(b.label)}</text>'
            )
    rows = "".join(
        f'<tr><td>{escape(label)}</td><td class="num">{escape(value)}</td></tr>'
        for label, value in chart["figures"]
    )
    return mark_safe(  # noqa: S308 (every value above is escaped or a number)
        "\n"
        '<figure class="chart-figure">\n'
        f'<svg class="chart" role="img" aria-labelledby="{cid}-t" '
        f'viewBox="0 0 {chart["width"]} {chart["height"]}">\n'
        f'  <title id="{cid}-t">{in_unit}</title>\n'
        f'  <text class="axis-unit" x="0" y="14">{unit}</text>\n'
        f'  <g class="grid">{ticks}</g>\n'
        f"  <g>{''.join(bars)}</g>\n"
        f'  <line class="axis-line" x1="{left}" x2="{right}" y1="{base}" y2="{base}"/>\n'
        "</svg>\n"
        f'<details class="chart-table"><summary>{as_table}</summary>\n'
        f'<div class="table-wrap" tabindex="0" role="region" aria-labelledby="{cid}-c">'
        '<table class="usa-table usa-table--borderless">'
        f'<caption class="sr-only" id="{cid}-c">{name}</caption><thead><tr><th scope="col">'
        f'{escape(period or period_word)}</th><th scope="col" class="num">{unit}</th></tr></thead>'
        f"<tbody>\n{rows}</tbody></table></div>\n"
        "</details>\n"
        "</figure>\n"
    )
