"""Bar charts as inline SVG, written by hand: no script, no font or file to fetch."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT = 760, 220
LEFT, BOTTOM, TOP = 48, 36, 28
COLOUR = "#4c72b0"


def bar_chart(title: str, bars: list[tuple[str, float | None]], *, unit: str = "") -> str:
    """Return an SVG bar chart: one bar per (label, value), a value of None drawn as a gap.

    Every bar carries a ``<title>`` (its label and value) that browsers show on hover; the
    axis names the first, middle and last label and the largest value.
    """
    values = [v for _, v in bars if v is not None]
    top = max(values, default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="16" class="chart-title">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
        'stroke="#888"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" class="axis">'
        f"{_number(top)}{escape(unit)}</text>",
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" class="axis">0</text>',
    ]
    for at, (label, value) in enumerate(bars):
        if value is None:
            continue
        height = plot_h * value / top
        x, y = LEFT + at * step + step * 0.1, TOP + plot_h - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step * 0.8, 0.5):.1f}" '
            f'height="{height:.1f}" fill="{COLOUR}"><title>{escape(label)}: '
            f"{_number(value)}{escape(unit)}</title></rect>"
        )
    ends = sorted({0, len(bars) // 2, len(bars) - 1}) if bars else []
    for at in ends:
        x = LEFT + at * step + step / 2
        anchor = "start" if at == 0 and len(ends) > 1 else "end" if at == ends[-1] else "middle"
        if anchor != "middle":  # the outer labels stay inside the chart
            x = LEFT if anchor == "start" else LEFT + plot_w
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 14}" text-anchor="{anchor}" class="axis">'
            f"{escape(bars[at][0])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
