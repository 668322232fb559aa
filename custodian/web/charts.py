"""Bar charts drawn on the server as SVG (no script): a y axis with round ticks and its unit, a label under
every bar or every few bars, and the figures in a table beside it for screen readers and for anyone who
prefers numbers. The geometry is computed here; ui/bar_chart.html draws it and scales to its column."""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 28, 40
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
        "label_y": TOP + plot_h + 16,
        "slot_half": round(slot * 0.35, 1),
        "figures": [(b.title, figure(b.value)) for b in bars],
    }
